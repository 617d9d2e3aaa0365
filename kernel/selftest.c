/*
 * Boot self-test: exercises the page allocator, the slab allocator, the
 * timer tick and the kernel's memcpy/memmove on the real machine and prints
 * one "selftest:" line per check, which the console tests read. Runs before
 * any user program exists.
 */
#include <kernel/selftest.h>
#include <kernel/arch.h>
#include <kernel/bootargs.h>
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

/* ---- the kernel's memcpy and memmove (arch/aarch64/lib/mem.S) ----------------
 * Every size 0..COPY_MAX: a plain memcpy, and memmove with the destination
 * overlapping the source below (forward) and above (backward) at distances
 * of 1 to 159 bytes, so that the general-register tails, the SIMD bulk
 * path (every whole 64-byte block) and their seams all run. Each copy is checked
 * against a pristine copy of the pattern, with 32 guard bytes either side
 * of the destination. Every boot checks two source/destination alignment
 * pairs; the boot argument selftest=copy checks all 256 (mod 16). The
 * checking and restoring loops below must not become memcpy calls (they
 * would test the copy with itself): no loop-idiom recognition here. */
#define COPY_MAX   700
#define COPY_GUARD 32
#define COPY_AREA  (3 * PAGE_SIZE)           /* the buffer; its pristine pattern follows */

void simd_probe_call(const void *in, void *out, void *(*fn)(void *, const void *, size_t),
                     void *dst, const void *src, size_t n);

#define NO_MEM_IDIOMS __attribute__((optimize("no-tree-loop-distribute-patterns")))

static NO_MEM_IDIOMS bool same(const uint8_t *a, const uint8_t *b, size_t n)
{
    for (; n >= 8; n -= 8, a += 8, b += 8) {
        uint64_t x, y;
        __builtin_memcpy(&x, a, 8);
        __builtin_memcpy(&y, b, 8);
        if (x != y)
            return false;
    }
    for (; n; n--)
        if (*a++ != *b++)
            return false;
    return true;
}

static NO_MEM_IDIOMS void put(uint8_t *a, const uint8_t *b, size_t n)
{
    for (; n >= 8; n -= 8, a += 8, b += 8) {
        uint64_t x;
        __builtin_memcpy(&x, b, 8);
        __builtin_memcpy(a, &x, 8);
    }
    for (; n; n--)
        *a++ = *b++;
}

/* One copy of n bytes from buf + s to buf + d by fn: the destination holds the
 * source's pattern, its guards are untouched; the buffer is then restored. */
static bool copy_case(uint8_t *buf, void *(*fn)(void *, const void *, size_t), size_t d,
                      size_t s, size_t n)
{
    const uint8_t *ref = buf + COPY_AREA;
    bool ok = fn(buf + d, buf + s, n) == buf + d && same(buf + d, ref + s, n) &&
              same(buf + d - COPY_GUARD, ref + d - COPY_GUARD, COPY_GUARD) &&
              same(buf + d + n, ref + d + n, COPY_GUARD);
    put(buf + d - COPY_GUARD, ref + d - COPY_GUARD, n + 2 * COPY_GUARD);
    return ok;
}

static void test_copy(uint8_t *buf)
{
    static const uint8_t quick[][2] = { { 0, 0 }, { 3, 13 } };
    bool full = bootarg_is("selftest", "copy");
    unsigned pairs = full ? 256 : sizeof quick / sizeof quick[0], cases = 0;
    bool ok[3] = { true, true, true };
    for (size_t n = 0; n <= COPY_MAX; n++)
        for (unsigned k = 0; k < pairs; k++) {
            size_t sa = full ? k >> 4 : quick[k][0], da = full ? k & 15 : quick[k][1];
            size_t q = 16 * (1 + (n + sa) % 9);      /* overlap distances 1..159 */
            ok[0] &= copy_case(buf, memcpy, PAGE_SIZE + da, 256 + sa, n);
            ok[1] &= copy_case(buf, memmove, 2048 + da - q, 2048 + sa, n);
            ok[2] &= copy_case(buf, memmove, 2048 + da + q, 2048 + sa, n);
            cases += 3;
        }
    printk("selftest: %u copies of 0..%u bytes, %u alignment pair%s\n", cases, COPY_MAX, pairs,
           pairs == 1 ? "" : "s");
    check(ok[0], "memcpy, every size");
    check(ok[1], "memmove forward overlapping, every size");
    check(ok[2], "memmove backward overlapping, every size");
}

/* The bulk copy leaves every SIMD register as it found it (it borrows v0..v3). */
static void test_copy_keeps_simd(uint8_t *buf)
{
    static const struct { bool move; size_t d, s, n; } cases[] = {
        { false, PAGE_SIZE + 64, 32, PAGE_SIZE },   /* an IPC arena page */
        { false, 4096 + 5, 300 + 11, 1000 },
        { false, 4096, 256, 64 },              /* the smallest bulk copy */
        { false, 4096, 256, 63 },              /* general registers only */
        { true, 2048 - 40, 2048, 1000 },       /* forward, overlapping */
        { true, 2048 + 40, 2048, 1000 },       /* backward, overlapping */
        { true, 2048 + 3, 2048, 200 },
    };
    static uint8_t in[512], out[512];
    bool ok = true;
    for (unsigned i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        for (unsigned j = 0; j < sizeof in; j++)
            in[j] = (uint8_t)(j * 37 + i * 101 + 5);
        size_t d = cases[i].d, s = cases[i].s, n = cases[i].n;
        simd_probe_call(in, out, cases[i].move ? memmove : memcpy, buf + d, buf + s, n);
        const uint8_t *ref = buf + COPY_AREA;
        ok = ok && same(in, out, sizeof in) && same(buf + d, ref + s, n);
        put(buf + d - COPY_GUARD, ref + d - COPY_GUARD, n + 2 * COPY_GUARD);
    }
    check(ok, "memcpy and memmove keep v0..v31");
}

static void test_copies(void)
{
    paddr_t pa = pmm_alloc_pages(2 * COPY_AREA / PAGE_SIZE, 1);
    if (!pa) {
        check(false, "memcpy: no pages to test in");
        return;
    }
    uint8_t *buf = phys_to_virt(pa);
    for (size_t i = 0; i < 2 * COPY_AREA; i++) {  /* a shifted copy differs in every 256 */
        size_t p = i % COPY_AREA;
        buf[i] = (uint8_t)(p * 131 + (p >> 8) * 29 + 0x3b);
    }
    test_copy_keeps_simd(buf);
    test_copy(buf);
    pmm_free_pages(pa, 2 * COPY_AREA / PAGE_SIZE);
}

int selftest_run(void)
{
    test_linear_map();
    test_pages();
    test_slab();
    test_ticks();
    test_copies();
    printk("selftest: %s (%d failure%s)\n", failures ? "FAILED" : "passed", failures,
           failures == 1 ? "" : "s");
    return failures;
}
