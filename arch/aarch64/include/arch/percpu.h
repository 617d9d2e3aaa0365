/*
 * This core's per-core data block: TPIDR_EL1 holds its address from the first
 * instruction of kmain (boot.S) or secondary_main (the secondary entry).
 */
#ifndef ARCH_PERCPU_H
#define ARCH_PERCPU_H

#include <stdint.h>

struct cpu;

/*
 * Not volatile, so the compiler may reuse one read within straight-line code;
 * the fake read of the stack makes it re-read after any call or barrier
 * (a context switch is a call, and a thread may resume on another core).
 */
static inline struct cpu *arch_this_cpu(void)
{
    uint64_t c;
    register const uint64_t *sp __asm__("sp");
    __asm__("mrs %0, tpidr_el1" : "=r"(c) : "Q"(*sp));
    return (struct cpu *)c;
}

static inline void arch_set_this_cpu(struct cpu *c)
{
    __asm__ volatile("msr tpidr_el1, %0" ::"r"(c) : "memory");
}

static inline void arch_cpu_relax(void) { __asm__ volatile("yield" ::: "memory"); }

#endif
