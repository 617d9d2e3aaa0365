/*
 * Interrupt routing: an interrupt controller driver registers its ops, and
 * handlers attach to interrupt ids (GIC INTIDs: 0..15 SGI, 16..31 PPI, 32.. SPI).
 * SPIs go to the boot core; SGIs and PPIs are per core.
 */
#ifndef KERNEL_IRQ_H
#define KERNEL_IRQ_H

#include <stdint.h>
#include <stdbool.h>

#define IRQ_MAX 1020
#define IPI_RESCHED 0        /* SGI 0: reschedule (kernel/smp.c) */

struct irq_chip {
    const char *name;
    void (*enable)(unsigned intid);
    void (*disable)(unsigned intid);
    unsigned (*ack)(void);           /* returns the INTID, >= 1020 when spurious */
    void (*eoi)(unsigned intid);
    void (*init_cpu)(void);          /* this core's CPU interface / redistributor */
    void (*send_ipi)(unsigned cpu, unsigned sgi);   /* SGI to core `cpu` (struct cpu id) */
};

typedef void (*irq_handler_t)(unsigned intid, void *ctx);

void irq_set_chip(const struct irq_chip *chip);
const struct irq_chip *irq_get_chip(void);
/* Attaches a handler and enables the line; -1 if the line is taken. */
int irq_attach(unsigned intid, irq_handler_t fn, void *ctx);
void irq_detach(unsigned intid);
void irq_mask(unsigned intid, bool masked);
void irq_handle(void);
/* On a secondary core: its interrupt controller interface, and the per-core
 * lines (SGIs, PPIs such as the timer) that have handlers enabled on it. */
void irq_init_cpu(void);
void irq_send_ipi(unsigned cpu, unsigned sgi);   /* called by the arch trap code on an IRQ exception */

#endif
