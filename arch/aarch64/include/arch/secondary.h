/*
 * What the boot core hands a secondary core it starts (boot.S,
 * secondary_entry): read with the MMU off, so cleaned to PoC before the start.
 */
#ifndef ARCH_SECONDARY_H
#define ARCH_SECONDARY_H

#include <stdint.h>

struct secondary_boot {
    uint64_t ttbr1;     /* physical address of the kernel's level-1 table */
    uint64_t tcr;       /* the boot core's TCR_EL1, TTBR0 walks enabled */
    uint64_t stack;     /* kernel virtual address of the stack top */
    uint64_t cpu;       /* kernel virtual address of its struct cpu */
};

extern struct secondary_boot secondary_boot;
void secondary_entry(void);
/* The physical address of the kernel's TTBR1 table (mmu.c). */
uint64_t mmu_kernel_ttbr1(void);

#endif
