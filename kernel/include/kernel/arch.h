/*
 * What the portable kernel asks of the architecture and board layer.
 * Implemented under arch/aarch64/ (and drivers/); kernel/ calls only these.
 */
#ifndef KERNEL_ARCH_H
#define KERNEL_ARCH_H

#include <stdint.h>
#include <stddef.h>
#include <stdbool.h>

struct trap_frame;

/* Stops this core for good (interrupts off, wfi loop). */
__attribute__((noreturn)) void arch_halt(void);
/* Ends the system: semihosting exit (when asked for), PSCI SYSTEM_OFF, or the board's way. */
__attribute__((noreturn)) void arch_poweroff(int status);
/* Builds the final kernel address space (RAM, kernel image W^X, DTB) and
 * switches to it; before this only the boot.S early map exists. */
void mmu_init_kernel_map(const uint64_t (*ram)[2], int nram, uint64_t dtb_pa, uint64_t dtb_size);
/* Maps device registers into the kernel's linear map; returns the VA or NULL.
 * The range is remembered as the kernel's (ioremap_overlaps). */
void *ioremap(uint64_t pa, size_t size);
/* Undoes ioremap(pa, size) (the same range): a user driver may map it again. */
void iounmap(uint64_t pa, size_t size);
/* True when [pa, pa+size) touches a device page the kernel mapped with ioremap. */
bool ioremap_overlaps(uint64_t pa, uint64_t size);

void arch_irq_enable(void);
void arch_irq_disable(void);
uint64_t arch_counter(void);        /* free-running system counter */
uint64_t arch_counter_freq(void);   /* its frequency in Hz */
void arch_dump_frame(const struct trap_frame *tf);

#endif
