/* Tick accounting and the monotonic clock built on the arch counter. */
#include <kernel/time.h>
#include <kernel/arch.h>

static volatile uint64_t ticks;
static uint64_t freq;
static unsigned tick_hz;
static uint64_t boot_count;

void time_init(uint64_t counter_freq, unsigned hz)
{
    freq = counter_freq;
    tick_hz = hz;
    boot_count = arch_counter();
}

__attribute__((weak)) void sched_tick(void) {}

void time_tick(void)
{
    ticks++;
    sched_tick();
}

uint64_t time_ticks(void) { return ticks; }
unsigned time_hz(void) { return tick_hz; }
uint64_t time_counter_freq(void) { return freq; }

uint64_t time_now_ns(void)
{
    if (!freq)
        return 0;
    uint64_t c = arch_counter() - boot_count;
    return c / freq * 1000000000ULL + (c % freq) * 1000000000ULL / freq;
}
