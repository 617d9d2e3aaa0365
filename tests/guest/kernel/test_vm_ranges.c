/*
 * test_vm_ranges: hostile addresses and sizes for kl.core.Vmm and the Io
 * mappings (issue 12: a hint near 2^64 used to map pages at the top of the
 * user window and leak them). Every answer is checked against docs/ABI.md,
 * every address handed out must lie in user space, and the free-page count
 * must come back to its start after Free and after a child task that made
 * the same calls exits without freeing anything.
 */
#include <coresrv/handle/handle_api.h>
#include <coresrv/io/io_api.h>
#include <coresrv/sys/sys_api.h>
#include <coresrv/task/task_api.h>
#include <coresrv/vmm/vmm_api.h>
#include <kos/thread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include "../check.h"

#define PG         4096ull
#define USER_BASE  0x400000ull
#define USER_END   0x8000000000ull          /* USER_VA_END: 39-bit user space */
#define RW         (VM_READ | VM_WRITE)

static uint64_t free_pages(void)
{
    KnSysInfo info = { 0 };
    KnSysGetInfo(&info);
    return info.freePages;
}

/* Free pages until they reach `want` (a task's teardown may take a moment). */
static uint64_t settle(uint64_t want)
{
    uint64_t now = free_pages();
    for (int i = 0; i < 40 && now != want; i++) {
        KosThreadSleep(5);
        now = free_pages();
    }
    return now;
}

static Retcode alloc(uint64_t hint, uint64_t size, uint32_t flags, uint64_t *at)
{
    void *p = NULL;
    Retcode rc = KnVmAllocate((void *)(uintptr_t)hint, size, RW, flags, &p);
    *at = (uint64_t)(uintptr_t)p;
    return rc;
}

/* [at, at + size) is page-aligned user memory that reads zero and takes a write. */
static int usable(uint64_t at, uint64_t size)
{
    if (at < USER_BASE || at >= USER_END || (at & (PG - 1)) || size > USER_END - at)
        return 0;
    volatile uint8_t *p = (volatile uint8_t *)(uintptr_t)at;
    if (p[0] || p[size - 1])
        return 0;
    p[0] = 0x5a;
    p[size - 1] = 0xa5;
    return p[0] == 0x5a && p[size - 1] == 0xa5;
}

/* Allocations the kernel must refuse: {hint, size, flags}. */
static const struct { const char *name; uint64_t hint, size; uint32_t flags; } refused[] = {
    { "vm_hint_near_2_64_refused", 0xffffffffffff0000ull, 16 * PG, 0 },
    { "vm_hint_last_page_refused", 0 - PG, PG, 0 },
    { "vm_hint_at_user_end_refused", USER_END, PG, 0 },
    { "vm_hint_2_63_refused", 1ull << 63, PG, 0 },
    { "vm_size_zero_refused", 0, 0, 0 },
    { "vm_size_all_ones_refused", 0, ~0ull, 0 },
    { "vm_size_rounds_past_2_64_refused", 0, 0 - PG + 1, 0 },
    { "vm_size_last_page_refused", 0, 0 - PG, 0 },
    { "vm_size_larger_than_user_space_refused", 0, USER_END, 0 },
    { "vm_fixed_near_2_64_refused", 0xffffffffffff0000ull, 16 * PG, VM_FIXED },
    { "vm_fixed_wrapping_end_refused", 0 - PG, 2 * PG, VM_FIXED },
    { "vm_fixed_past_user_end_refused", USER_END - PG, 2 * PG, VM_FIXED },
    { "vm_fixed_at_user_end_refused", USER_END, PG, VM_FIXED },
    { "vm_fixed_unaligned_refused", 0x6000000123ull, PG, VM_FIXED },
    { "vm_fixed_null_refused", 0, PG, VM_FIXED },
    { "vm_fixed_size_zero_refused", 0x6000000000ull, 0, VM_FIXED },
    { "vm_fixed_size_wraps_refused", 0x6000000000ull, ~0ull, VM_FIXED },
};

static void test_refused(int report)
{
    for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
        uint64_t at = 1;
        Retcode rc = alloc(refused[i].hint, refused[i].size, refused[i].flags, &at);
        if (report)
            CHECK(refused[i].name, rc == rcInvalidArgument && at == 0,
                  "hint %#llx size %#llx flags %u: %d (want %d), addr %#llx",
                  (unsigned long long)refused[i].hint, (unsigned long long)refused[i].size,
                  refused[i].flags, rc, rcInvalidArgument, (unsigned long long)at);
        else if (rc == rcOk)
            printf("test_vm_ranges: child got %#llx for %s\n", (unsigned long long)at,
                   refused[i].name);
    }
}

/* Hints inside user space with no room above them: the search starts again
 * from the bottom. Unaligned hints and sizes are rounded. */
static void test_accepted(void)
{
    static const struct { const char *name; uint64_t hint, size; } ok[] = {
        { "vm_hint_last_user_page_falls_back", USER_END - PG, 16 * PG },
        { "vm_hint_above_search_area_falls_back", 0x7ffffff000ull, PG },
        { "vm_hint_unaligned_rounded", 0x5000000123ull, PG },
        { "vm_size_unaligned_rounded", 0x5100000000ull, 1 },
    };
    for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
        uint64_t at = 0, size = (ok[i].size + PG - 1) & ~(PG - 1);
        Retcode rc = alloc(ok[i].hint, ok[i].size, 0, &at);
        int good = rc == rcOk && usable(at, size) && at + size <= 0x7fffff0000ull - (256 << 10);
        Retcode f = rc == rcOk ? KnVmFree((void *)(uintptr_t)at, ok[i].size) : rc;
        CHECK(ok[i].name, good && f == rcOk, "hint %#llx size %#llx: %d at %#llx, free %d",
              (unsigned long long)ok[i].hint, (unsigned long long)ok[i].size, rc,
              (unsigned long long)at, f);
    }
    /* The page that ends exactly at the user-space limit (above the main stack). */
    uint64_t at = 0;
    Retcode rc = alloc(USER_END - PG, PG, VM_FIXED, &at);
    int good = rc == rcOk && at == USER_END - PG && usable(at, PG);
    Retcode f = rc == rcOk ? KnVmFree((void *)(uintptr_t)at, PG) : rc;
    CHECK("vm_fixed_ending_at_user_end", good && f == rcOk, "%d at %#llx, free %d", rc,
          (unsigned long long)at, f);
}

static void test_free_refused(void)
{
    uint64_t at = 0;
    Retcode rc = alloc(0x5200000000ull, 2 * PG, 0, &at);
    void *p = (void *)(uintptr_t)at;
    CHECK("vm_free_wrapping_size_refused", rc == rcOk && KnVmFree(p, ~0ull) == rcInvalidArgument &&
          KnVmFree(p, 0 - PG + 1) == rcInvalidArgument, "allocate %d", rc);
    CHECK_RC("vm_free_near_2_64_refused", KnVmFree((void *)0xffffffffffff0000ull, 16 * PG),
             rcInvalidArgument);
    CHECK_RC("vm_free_at_user_end_refused", KnVmFree((void *)USER_END, PG), rcInvalidArgument);
    CHECK("vm_free_whole_allocation", rc == rcOk && KnVmFree(p, 2 * PG) == rcOk, "allocate %d", rc);
}

/* MapMmio and AllocDma: ranges that wrap or leave the physical window. */
static void test_io_refused(void)
{
    void *a = NULL;
    uint64_t pa = 0;
    CHECK_RC("mmio_wrapping_range_refused", KnIoMapMmio(0 - PG, 2 * PG, &a), rcInvalidArgument);
    CHECK_RC("mmio_end_rounds_past_2_64_refused", KnIoMapMmio(0 - PG + 8, PG - 16, &a),
             rcInvalidArgument);
    CHECK_RC("mmio_all_ones_size_refused", KnIoMapMmio(0x9000000, ~0ull, &a), rcInvalidArgument);
    CHECK_RC("mmio_size_zero_refused", KnIoMapMmio(0x9000000, 0, &a), rcInvalidArgument);
    CHECK_RC("dma_size_all_ones_refused", KnIoAllocDma(~0ull, &a, &pa), rcInvalidArgument);
    CHECK_RC("dma_size_zero_refused", KnIoAllocDma(0, &a, &pa), rcInvalidArgument);
}

/* The child makes the hostile calls and keeps what it got: its exit must return it all. */
static int child(void)
{
    test_refused(0);
    uint64_t at;
    alloc(USER_END - PG, 16 * PG, 0, &at);
    alloc(0x5300000000ull, 64 * PG, 0, &at);
    alloc(USER_END - PG, PG, VM_FIXED, &at);
    return 7;
}

static void test_child_exit(uint64_t baseline)
{
    const char *argv[] = { "test_vm_ranges", "child", NULL };
    Handle t;
    int32_t status = -1;
    Retcode rc = KnTaskCreate("vm-ranges-child", "test_vm_ranges", "test_vm_ranges", argv, NULL,
                              THREAD_PRIORITY_DEFAULT, 0, &t);
    Retcode w = rc == rcOk ? KnTaskWait(t, INFINITE_TIMEOUT, &status) : rc;
    if (rc == rcOk)
        KnHandleClose(t);
    uint64_t now = settle(baseline);
    CHECK("pages_back_after_child_exit", w == rcOk && status == 7 && now == baseline,
          "create %d wait %d status %d; free pages %llu, baseline %llu", rc, w, status,
          (unsigned long long)now, (unsigned long long)baseline);
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "child") == 0)
        return child();
    /* Warm up: a first child task fills the kernel's caches (slabs, tables). */
    const char *cargv[] = { "test_vm_ranges", "child", NULL };
    Handle t;
    int32_t st;
    if (KnTaskCreate("vm-ranges-warm", "test_vm_ranges", "test_vm_ranges", cargv, NULL,
                     THREAD_PRIORITY_DEFAULT, 0, &t) == rcOk) {
        KnTaskWait(t, INFINITE_TIMEOUT, &st);
        KnHandleClose(t);
    }
    test_refused(0);
    uint64_t baseline = free_pages();
    printf("test_vm_ranges: free pages at start %llu\n", (unsigned long long)baseline);
    test_refused(1);
    test_accepted();
    test_free_refused();
    test_io_refused();
    uint64_t now = settle(baseline);
    CHECK("pages_back_after_free", now == baseline, "free pages %llu, baseline %llu",
          (unsigned long long)now, (unsigned long long)baseline);
    test_child_exit(baseline);
    return check_done("test_vm_ranges");
}
