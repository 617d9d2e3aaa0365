/*
 * Host test of kernel/pmm.c and kernel/slab.c over a fake physical memory
 * (a host buffer): reservations honoured, counts exact, alignment,
 * contiguous runs, exhaustion, double free ignored, slabs returned.
 */
#include <kernel/pmm.h>
#include <kernel/slab.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "check.h"

#define MEM (8u << 20)

int main(void)
{
    uint8_t *mem = aligned_alloc(1 << 16, MEM);
    uintptr_t base = (uintptr_t)mem;
    struct pmm_range ram[2] = { { base, MEM / 2 }, { base + MEM / 2 + 4096, MEM / 2 - 4096 } };
    struct pmm_range res[2] = { { base, 4096 * 3 }, { base + 4096 * 10, 1 } };
    CHECK_EQ(pmm_init(ram, 2, res, 2), 0);
    size_t total = pmm_total_count(), free0 = pmm_free_count();
    CHECK_EQ(total, MEM / 4096 - 1);
    /* 3 + 1 reserved pages, plus one bitmap page per region. */
    CHECK_EQ(free0, total - 4 - 2);

    /* Never hands out a reserved page. */
    paddr_t got[4096];
    size_t n = 0;
    while (n < 4096 && (got[n] = pmm_alloc_page()) != 0) {
        CHECK(!(got[n] >= base && got[n] < base + 3 * 4096));
        CHECK(got[n] != base + 10 * 4096);
        memset((void *)got[n], 0xab, 4096);       /* writable, inside the buffer (ASan) */
        n++;
    }
    CHECK_EQ(n, free0);
    CHECK_EQ(pmm_free_count(), 0);
    CHECK_EQ(pmm_alloc_page(), 0);                  /* exhausted: 0, not a crash */
    for (size_t i = 0; i < n; i++)
        pmm_free_page(got[i]);
    CHECK_EQ(pmm_free_count(), free0);
    pmm_free_page(got[0]);                          /* double free: ignored */
    CHECK_EQ(pmm_free_count(), free0);

    paddr_t run = pmm_alloc_pages(64, 16);
    CHECK(run != 0);
    CHECK_EQ((run / 4096) % 16, 0);
    CHECK_EQ(pmm_free_count(), free0 - 64);
    pmm_free_pages(run, 64);
    CHECK_EQ(pmm_alloc_pages(0, 1), 0);
    CHECK_EQ(pmm_alloc_pages(1, 3), 0);             /* alignment not a power of two */
    CHECK_EQ(pmm_alloc_pages(MEM / 4096, 1), 0);    /* bigger than any region */

    /* Slab: many objects, distinct and intact; all pages come back. */
    void *objs[1000];
    for (int i = 0; i < 1000; i++) {
        objs[i] = kmalloc(24 + (size_t)(i % 5) * 100);
        CHECK(objs[i] != NULL);
        memset(objs[i], i & 0xff, 24);
    }
    for (int i = 0; i < 1000; i++)
        CHECK_EQ(((uint8_t *)objs[i])[23], i & 0xff);
    for (int i = 999; i >= 0; i--)
        kfree(objs[i]);
    CHECK_EQ(pmm_free_count(), free0);
    CHECK(kmalloc(0) == NULL);
    CHECK(kmalloc(KMALLOC_MAX + 1) == NULL);
    free(mem);
    CHECK_DONE();
}
