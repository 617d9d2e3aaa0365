/*
 * This core's per-core data block: TPIDR_EL1 holds its address from the first
 * instruction of kmain (boot.S) or secondary_main (the secondary entry).
 */
#ifndef ARCH_PERCPU_H
#define ARCH_PERCPU_H

#include <stdint.h>

struct cpu;

/*
 * Not volatile, so the compiler may reuse one read within straight-line code.
 * The fake read of a global of its own type makes it read again after any
 * call or compiler barrier (a context switch is a call, and a thread may
 * resume on another core), but not after ordinary stores, which by type can
 * never alias it (nothing in the kernel stores an unsigned __int128 in C).
 * The "X" constraint takes the global as it is: no address is computed for
 * an operand the instruction never names (an "m" operand cost an adrp,
 * often kept in a callee-saved register).
 */
struct arch_cpu_token { unsigned __int128 never_used; };
extern struct arch_cpu_token arch_cpu_token;

static inline struct cpu *arch_this_cpu(void)
{
    uint64_t c;
    __asm__("mrs %0, tpidr_el1" : "=r"(c) : "X"(arch_cpu_token));
    return (struct cpu *)c;
}

static inline void arch_set_this_cpu(struct cpu *c)
{
    __asm__ volatile("msr tpidr_el1, %0" ::"r"(c) : "memory");
}

static inline void arch_cpu_relax(void) { __asm__ volatile("yield" ::: "memory"); }

#endif
