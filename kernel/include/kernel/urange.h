/*
 * Address-range arithmetic that cannot wrap: the one place where the kernel
 * adds a size to an address, rounds to pages or compares two ranges. Pure
 * functions (no state, no arch code) so the host unit test covers every edge.
 * A range is [start, start + size); an end of exactly 2^64 counts as a wrap.
 */
#ifndef KERNEL_URANGE_H
#define KERNEL_URANGE_H

#include <stdbool.h>
#include <stdint.h>
#include <arch/mmu.h>       /* PAGE_SIZE, USER_VA_END */

/* *end = start + size; false (and *end untouched) when the sum wraps. */
static inline bool range_end_ok(uint64_t start, uint64_t size, uint64_t *end)
{
    uint64_t e;
    if (__builtin_add_overflow(start, size, &e))
        return false;
    *end = e;
    return true;
}

/* [start, start + size) lies inside [lo, hi) (lo <= hi); a size of 0 only
 * needs start in [lo, hi]. Never computes start + size. */
static inline bool range_within(uint64_t start, uint64_t size, uint64_t lo, uint64_t hi)
{
    return lo <= hi && start >= lo && start <= hi && size <= hi - start;
}

/* Every byte of [addr, addr + size) is below the end of user space. */
static inline bool user_range_ok(uint64_t addr, uint64_t size)
{
    return range_within(addr, size, 0, USER_VA_END);
}

/* *out = x rounded up to a whole page; false when that wraps. */
static inline bool page_round_up_ok(uint64_t x, uint64_t *out)
{
    uint64_t e;
    if (!range_end_ok(x, PAGE_SIZE - 1, &e))
        return false;
    *out = e & ~(uint64_t)(PAGE_SIZE - 1);
    return true;
}

/* The whole pages covering [addr, addr + size): *base (aligned down) and *len
 * (a multiple of the page size). False for size 0 or when the end wraps. */
static inline bool page_span(uint64_t addr, uint64_t size, uint64_t *base, uint64_t *len)
{
    uint64_t end;
    if (size == 0 || !range_end_ok(addr, size, &end) || !page_round_up_ok(end, &end))
        return false;
    *base = addr & ~(uint64_t)(PAGE_SIZE - 1);
    *len = end - *base;
    return true;
}

/* The two ranges share a byte. Exact for any values (empty ranges share
 * nothing); a range whose end would wrap is taken to run to 2^64. */
static inline bool ranges_overlap(uint64_t a, uint64_t asize, uint64_t b, uint64_t bsize)
{
    if (asize == 0 || bsize == 0)
        return false;
    return a <= b ? b - a < asize : a - b < bsize;
}

#endif
