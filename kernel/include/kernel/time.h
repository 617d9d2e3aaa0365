/* Kernel time: the periodic tick count and the monotonic clock. */
#ifndef KERNEL_TIME_H
#define KERNEL_TIME_H

#include <stdint.h>

void time_init(uint64_t counter_freq, unsigned hz);
void time_tick(void);            /* called from the timer interrupt */
uint64_t time_ticks(void);
unsigned time_hz(void);
uint64_t time_now_ns(void);      /* nanoseconds since boot */
uint64_t time_counter_freq(void);

#endif
