/* ARM generic timer (EL1 virtual timer) driving the kernel's periodic tick. */
#ifndef DRIVERS_ARM_TIMER_H
#define DRIVERS_ARM_TIMER_H

#include <stdbool.h>

struct fdt;

/* Starts a periodic tick at `hz`, calling time_tick() from the interrupt. */
int arm_timer_init(const struct fdt *fdt, unsigned hz);
/* A secondary core: starts its own timer (the handler is already attached). */
void arm_timer_init_cpu(void);
/* Masks (idle) or unmasks this core's tick. */
void arm_timer_cpu_idle(bool idle);

#endif
