/*
 * ARM generic timer: the EL1 virtual timer (CNTV_*) raises the periodic
 * tick. Its PPI comes from the DTB's timer node (third interrupt entry);
 * the frequency from CNTFRQ_EL0. Deadlines advance by a fixed step so the
 * tick does not drift with interrupt latency. Every core has its own timer:
 * the boot core's tick keeps time (time_tick), the others' only the time
 * slice of what they run (sched_tick), and they mask it while idle.
 */
#include <drivers/arm_timer.h>
#include <arch/sysreg.h>
#include <kernel/fdt.h>
#include <kernel/irq.h>
#include <kernel/time.h>
#include <kernel/sched.h>
#include <kernel/smp.h>

#define DEFAULT_VIRT_PPI 27
static uint64_t step;

static void timer_irq(unsigned intid, void *ctx)
{
    (void)intid;
    (void)ctx;
    uint64_t next = read_sysreg(cntv_cval_el0) + step;
    uint64_t now = read_sysreg(cntvct_el0);
    if (next <= now)                      /* missed ticks (e.g. a long stop): resync */
        next = now + step;
    write_sysreg(cntv_cval_el0, next);
    if (smp_cpu_id() == 0)
        time_tick();
    else
        sched_tick();
}

static void start_local_timer(void)
{
    write_sysreg(cntv_cval_el0, read_sysreg(cntvct_el0) + step);
    write_sysreg(cntv_ctl_el0, 1);        /* enable, unmasked */
    /* EL0 may read the virtual counter (benchmarks, clocks); no timer access. */
    write_sysreg(cntkctl_el1, 1u << 1);
    isb();
}

void arm_timer_init_cpu(void) { start_local_timer(); }

void arm_timer_cpu_idle(bool idle)
{
    write_sysreg(cntv_ctl_el0, idle ? 3 : 1);   /* IMASK while idle */
    isb();
}

static unsigned virt_timer_intid(const struct fdt *fdt)
{
    static const char *const compat[] = { "arm,armv8-timer", "arm,armv7-timer" };
    for (unsigned i = 0; fdt && i < 2; i++) {
        int n = fdt_find_compatible(fdt, -1, compat[i]);
        uint32_t len;
        const uint8_t *p = n >= 0 ? fdt_getprop(fdt, n, "interrupts", &len) : NULL;
        if (p && len >= 36) {             /* entries: secure phys, phys, virt, hyp */
            uint32_t type = fdt_be32(p + 24), num = fdt_be32(p + 28);
            return type == 1 ? 16 + num : 32 + num;
        }
    }
    return DEFAULT_VIRT_PPI;
}

int arm_timer_init(const struct fdt *fdt, unsigned hz)
{
    uint64_t freq = read_sysreg(cntfrq_el0);
    if (freq == 0 || hz == 0)
        return -1;
    step = freq / hz;
    time_init(freq, hz);
    start_local_timer();
    return irq_attach(virt_timer_intid(fdt), timer_irq, 0);
}
