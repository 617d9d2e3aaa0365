/*
 * Host test of kernel/include/kernel/urange.h, the kernel's only range
 * arithmetic: every edge value (0, the last page, USER_VA_END exactly, sums
 * that wrap by one) against a reference computed in 128-bit arithmetic.
 */
#include <kernel/urange.h>
#include <stdint.h>
#include "check.h"

typedef unsigned __int128 u128;

#define TOP    UINT64_MAX
#define LASTPG (0 - (uint64_t)PAGE_SIZE)          /* 2^64 - page */
#define UEND   ((uint64_t)USER_VA_END)

static const uint64_t edges[] = {
    0, 1, 2, PAGE_SIZE - 1, PAGE_SIZE, PAGE_SIZE + 1, 0x400000, UEND - PAGE_SIZE - 1,
    UEND - PAGE_SIZE, UEND - 1, UEND, UEND + 1, UEND + PAGE_SIZE, 1ull << 63, (1ull << 63) - 1,
    LASTPG - 1, LASTPG, LASTPG + 1, TOP - 1, TOP,
};
#define NEDGES (sizeof(edges) / sizeof(edges[0]))

/* The same questions answered without any possibility of a wrap. */
static int ref_within(uint64_t s, uint64_t n, uint64_t lo, uint64_t hi)
{
    return lo <= hi && s >= lo && (u128)s + n <= hi;
}

static int ref_overlap(uint64_t a, uint64_t an, uint64_t b, uint64_t bn)
{
    u128 ae = (u128)a + an, be = (u128)b + bn;
    return an && bn && a < be && b < ae;
}

static void exhaustive_edges(void)
{
    for (size_t i = 0; i < NEDGES; i++) {
        uint64_t x = edges[i];
        uint64_t up = 12345;
        int ok = page_round_up_ok(x, &up);
        u128 want = ((u128)x + PAGE_SIZE - 1) & ~(u128)(PAGE_SIZE - 1);
        CHECK_EQ(ok, want <= TOP);
        if (ok)
            CHECK(up == (uint64_t)want);
        else
            CHECK_EQ(up, 12345);                 /* untouched on failure */
        for (size_t j = 0; j < NEDGES; j++) {
            uint64_t n = edges[j], end = 777;
            int eok = range_end_ok(x, n, &end);
            CHECK_EQ(eok, (u128)x + n <= TOP);
            CHECK(eok ? end == x + n : end == 777);
            CHECK_EQ(user_range_ok(x, n), ref_within(x, n, 0, UEND));
            CHECK_EQ(range_within(x, n, 0x400000, UEND), ref_within(x, n, 0x400000, UEND));
            uint64_t base = 1, len = 1;
            int sok = page_span(x, n, &base, &len);
            u128 e = (u128)x + n, eup = (e + PAGE_SIZE - 1) & ~(u128)(PAGE_SIZE - 1);
            CHECK_EQ(sok, n != 0 && eup <= TOP);
            if (sok) {
                CHECK(base == (x & ~(uint64_t)(PAGE_SIZE - 1)));
                CHECK(base + len == (uint64_t)eup);
                CHECK((len & (PAGE_SIZE - 1)) == 0 && len >= n);
            }
            for (size_t k = 0; k < NEDGES; k += 3)
                for (size_t l = 0; l < NEDGES; l += 2)
                    CHECK_EQ(ranges_overlap(x, n, edges[k], edges[l]),
                             ref_overlap(x, n, edges[k], edges[l]));
        }
    }
}

static void named_cases(void)
{
    uint64_t end, v, b, l;
    /* The defect of issue 12: a hint of 2^64 - 16 pages plus 16 pages is 0. */
    CHECK(!range_end_ok(0xffffffffffff0000ull, 0x10000, &end));
    CHECK(!user_range_ok(0xffffffffffff0000ull, 0x10000));
    CHECK(!range_within(0xffffffffffff0000ull, 0x10000, 0x400000, UEND));
    /* End exactly at the user-space limit is inside; one byte more is not. */
    CHECK(user_range_ok(UEND - PAGE_SIZE, PAGE_SIZE));
    CHECK(!user_range_ok(UEND - PAGE_SIZE, PAGE_SIZE + 1));
    CHECK(user_range_ok(UEND, 0));                 /* empty range at the limit */
    CHECK(!user_range_ok(UEND + 1, 0));
    CHECK(user_range_ok(0, UEND));
    CHECK(!user_range_ok(1, UEND));
    /* Sizes that overflow when rounded to pages. */
    CHECK(!page_round_up_ok(TOP, &v));
    CHECK(!page_round_up_ok(LASTPG + 1, &v));
    CHECK(page_round_up_ok(LASTPG, &v) && v == LASTPG);
    CHECK(page_round_up_ok(0, &v) && v == 0);
    CHECK(!page_span(LASTPG, PAGE_SIZE, &b, &l));  /* ends at 2^64: a wrap */
    CHECK(page_span(LASTPG - PAGE_SIZE, 1, &b, &l) && b == LASTPG - PAGE_SIZE && l == PAGE_SIZE);
    CHECK(page_span(PAGE_SIZE - 1, 2, &b, &l) && b == 0 && l == 2 * PAGE_SIZE);
    CHECK(!page_span(0x1000, 0, &b, &l));          /* empty */
    /* An end of exactly 2^64 counts as a wrap. */
    CHECK(!range_end_ok(1, TOP, &end));
    CHECK(range_end_ok(0, TOP, &end) && end == TOP);
    /* Overlap near the top, where a + size would wrap. */
    CHECK(ranges_overlap(LASTPG, TOP, 0, 1) == 0);
    CHECK(ranges_overlap(TOP, 1, LASTPG, PAGE_SIZE));
    CHECK(!ranges_overlap(0, 0x1000, 0x1000, 0x1000));
    CHECK(ranges_overlap(0, 0x1001, 0x1000, 0x1000));
    CHECK(!ranges_overlap(5, 0, 0, TOP));           /* empty ranges share nothing */
    /* Bounds given the wrong way round contain nothing. */
    CHECK(!range_within(5, 0, 6, 4));
}

int main(void)
{
    exhaustive_edges();
    named_cases();
    CHECK_DONE();
}
