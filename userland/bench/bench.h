/* Shared helpers of the benchmark programs: counter reads and the report line. */
#ifndef BENCH_H
#define BENCH_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

/* Under -icount shift=0 one guest instruction is 1 ns of virtual time, so
 * counter ticks converted to ns are instruction counts. */
static inline uint64_t bench_counter(void)
{
    uint64_t v;
    __asm__ volatile("isb\n mrs %0, cntvct_el0" : "=r"(v) :: "memory");
    return v;
}

static inline uint64_t bench_ns_per_tick(void)
{
    uint64_t f;
    __asm__ volatile("mrs %0, cntfrq_el0" : "=r"(f));
    return 1000000000u / f;
}

static int bench_cmp(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

/* Prints "BENCH key min=.. median=.. unit=instr n=.." from tick samples. */
static inline void bench_report(const char *key, uint64_t *samples, unsigned n)
{
    uint64_t scale = bench_ns_per_tick();
    qsort(samples, n, sizeof(*samples), bench_cmp);
    printf("BENCH %s min=%llu median=%llu unit=instr n=%u\n", key,
           (unsigned long long)(samples[0] * scale), (unsigned long long)(samples[n / 2] * scale), n);
}

#endif
