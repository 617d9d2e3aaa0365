/*
 * Physical page allocator over the RAM the device tree describes.
 * One bitmap per RAM region (kept inside that region); allocation is
 * next-fit and can return physically contiguous runs (for DMA and stacks).
 */
#ifndef KERNEL_PMM_H
#define KERNEL_PMM_H

#include <stdint.h>
#include <stddef.h>
#include <stdbool.h>

#define PMM_MAX_REGIONS  16
#define PMM_MAX_RESERVED 32

typedef uint64_t paddr_t;

struct pmm_range {
    paddr_t base;
    uint64_t size;
};

/* Builds the allocator: `ram` minus `reserved` (both may be unsorted/overlapping). */
int pmm_init(const struct pmm_range *ram, int nram, const struct pmm_range *reserved, int nres);

/* Allocates `n` contiguous pages aligned to `align_pages` (power of two); 0 when none. */
paddr_t pmm_alloc_pages(size_t n, size_t align_pages);
static inline paddr_t pmm_alloc_page(void) { return pmm_alloc_pages(1, 1); }
/* Returns pages; freeing pages not allocated is reported and ignored. */
void pmm_free_pages(paddr_t pa, size_t n);
static inline void pmm_free_page(paddr_t pa) { pmm_free_pages(pa, 1); }

size_t pmm_free_count(void);
size_t pmm_total_count(void);
bool pmm_ready(void);

#endif
