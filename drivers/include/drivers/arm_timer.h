/* ARM generic timer (EL1 virtual timer) driving the kernel's periodic tick. */
#ifndef DRIVERS_ARM_TIMER_H
#define DRIVERS_ARM_TIMER_H

struct fdt;

/* Starts a periodic tick at `hz`, calling time_tick() from the interrupt. */
int arm_timer_init(const struct fdt *fdt, unsigned hz);

#endif
