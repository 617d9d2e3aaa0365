/*
 * Boot self-test: exercises the page allocator, the slab allocator and the
 * timer tick on the real machine and prints one "selftest:" line per check,
 * which the console tests read. Runs before any user program exists.
 */
#include <kernel/selftest.h>
#include <kernel/arch.h>
#include <kernel/lib.h>
#include <kernel/platform.h>
#include <kernel/pmm.h>
#include <kernel/printk.h>
#include <kernel/slab.h>
#include <kernel/time.h>
#include <arch/mmu.h>

static int failures;

static void check(bool ok, const char *what)
{
    printk("selftest: %s: %s\n", what, ok ? "ok" : "FAILED");
    failures += !ok;
}

static void test_pages(void)
{
    size_t before = pmm_free_count();
    paddr_t a = pmm_alloc_page(), b = pmm_alloc_pages(16, 16);
    bool ok = a && b && !(b & (16 * PAGE_SIZE - 1)) && pmm_free_count() == before - 17;
    if (a) {
        memset(phys_to_virt(a), 0x5a, PAGE_SIZE);
        ok = ok && ((unsigned char *)phys_to_virt(a))[PAGE_SIZE - 1] == 0x5a;
        pmm_free_page(a);
    }
    if (b)
        pmm_free_pages(b, 16);
    check(ok && pmm_free_count() == before, "page allocator");
}

static void test_slab(void)
{
    size_t before = pmm_free_count();
    void *p[300];
    bool ok = true;
    for (int i = 0; i < 300; i++) {
        p[i] = kmalloc(100);
        ok = ok && p[i];
        if (p[i])
            memset(p[i], i, 100);
    }
    for (int i = 0; i < 300; i++)
        ok = ok && p[i] && ((unsigned char *)p[i])[99] == (unsigned char)i;
    for (int i = 0; i < 300; i++)
        kfree(p[i]);
    check(ok && pmm_free_count() == before, "slab allocator");
}

static void test_ticks(void)
{
    const uint64_t n = time_hz() / 10;     /* 100 ms worth of ticks */
    uint64_t t0 = time_ticks(), ns0 = time_now_ns();
    while (time_ticks() < t0 + n)
        __asm__ volatile("wfi");
    uint64_t ms = (time_now_ns() - ns0) / 1000000;
    printk("selftest: %llu ticks took %llu ms\n", (unsigned long long)n, (unsigned long long)ms);
    check(time_ticks() >= t0 + n && ms >= 90 && ms < 2000, "timer ticks");
}

/* Every RAM range must be reachable through the linear map, also above 4 GiB. */
static void test_linear_map(void)
{
    bool ok = true;
    for (int i = 0; i < platform.nram; i++) {
        uint64_t first = platform.ram[i][0], last = first + platform.ram[i][1] - 8;
        volatile uint64_t *a = phys_to_virt(first), *b = phys_to_virt(last);
        uint64_t va = *a, vb = *b;            /* a bad mapping faults right here */
        *a = va;
        *b = vb;
        ok = ok && *a == va && *b == vb;
    }
    check(ok, "linear map covers all RAM");
}

int selftest_run(void)
{
    test_linear_map();
    test_pages();
    test_slab();
    test_ticks();
    printk("selftest: %s (%d failure%s)\n", failures ? "FAILED" : "passed", failures,
           failures == 1 ? "" : "s");
    return failures;
}
