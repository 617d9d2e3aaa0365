/*
 * Cores: the per-core data blocks, the big kernel lock, bringing the
 * secondary cores up from the device tree's /cpus, the reschedule IPI and the
 * idle wait. The locking model is in docs/ARCHITECTURE.md ("Concurrency
 * model: cores and the big kernel lock").
 */
#include <kernel/smp.h>
#include <kernel/arch.h>
#include <kernel/fdt.h>
#include <kernel/irq.h>
#include <kernel/lib.h>
#include <kernel/printk.h>
#include <kernel/sched.h>
#include <drivers/arm_timer.h>
#include <arch/context.h>

struct cpu cpus[SMP_MAX_CPUS];
unsigned smp_ncpus = 1;
uint32_t smp_online_mask = 1;
spinlock_t bkl = SPINLOCK_INIT;
unsigned bkl_holder;

#define START_TIMEOUT_MS 2000        /* a slow emulator may take a while */

static void resched_ipi(unsigned intid, void *ctx)
{
    (void)intid;
    (void)ctx;
    this_cpu()->resched = true;
}

void smp_send_resched(unsigned cpu)
{
    if (cpu != smp_cpu_id())
        irq_send_ipi(cpu, IPI_RESCHED);
}

void smp_wait_left_user(unsigned cpu)
{
    while (cpus[cpu].in_user)
        arch_cpu_relax();
    __atomic_thread_fence(__ATOMIC_ACQUIRE);
}

void smp_idle_wait(void)
{
    /* Only the boot core keeps the tick (time and timeouts) while idle: the
     * others sleep until an IPI or a device interrupt. */
    bool tickless = this_cpu()->id != 0, smp = smp_ncpus > 1;
    if (tickless)
        arm_timer_cpu_idle(true);
    if (smp)
        bkl_unlock();               /* one core: it keeps the lock (kernel_enter) */
    arch_wfi();
    if (smp)
        bkl_lock();
    if (tickless)
        arm_timer_cpu_idle(false);
    arch_irq_window();
}

/* The boot core's block (boot.S already points TPIDR_EL1 at cpus[0]) and the
 * lock it holds from here until its first return to user mode. */
void smp_init(void)
{
    cpus[0].id = 0;
    cpus[0].hwid = arch_cpu_hwid();
    cpus[0].online = true;
    cpus[0].fp_enabled = true;       /* boot.S leaves FP untrapped */
    bkl_lock();
}

void __attribute__((noreturn)) secondary_main(struct cpu *c)
{
    arch_cpu_init_secondary();
    irq_init_cpu();
    arm_timer_init_cpu();
    __atomic_store_n(&c->online, true, __ATOMIC_RELEASE);
    bkl_lock();
    sched_idle_enter();
}

/* A cpu node's MPIDR affinity (its reg: one or two cells, no translation). */
static bool cpu_node_hwid(const struct fdt *fdt, int n, uint64_t *hwid)
{
    uint32_t ac, sc, len;
    if (!fdt_prop_has_string(fdt, n, "device_type", "cpu"))
        return false;
    fdt_cells(fdt, n, &ac, &sc);
    const uint8_t *p = fdt_getprop(fdt, n, "reg", &len);
    if (!p || (ac != 1 && ac != 2) || len < 4 * ac)
        return false;
    uint64_t v = fdt_be32(p);
    if (ac == 2)
        v = (v << 32) | fdt_be32(p + 4);
    *hwid = v & 0xff00ffffffULL;
    return true;
}

void smp_boot_secondaries(const struct fdt *fdt)
{
    if (irq_attach(IPI_RESCHED, resched_ipi, NULL)) {
        printk("smp: no reschedule IPI on this interrupt controller; one core only\n");
        return;
    }
    int cpus_node = fdt ? fdt_path_offset(fdt, "/cpus", 5) : -1;
    bool timed_out = false;
    for (int n = cpus_node >= 0 ? fdt_first_child(fdt, cpus_node) : -1; n >= 0;
         n = fdt_next_sibling(fdt, n)) {
        uint64_t hwid;
        if (!cpu_node_hwid(fdt, n, &hwid))
            continue;
        if (hwid == cpus[0].hwid)
            continue;
        if (fdt_prop_has_string(fdt, n, "status", "disabled")) {
            printk("smp: cpu %#llx disabled in the device tree\n", (unsigned long long)hwid);
            continue;
        }
        if (timed_out) {
            /* A late core would read the boot data meant for this one. */
            printk("smp: cpu %#llx not started (an earlier core timed out)\n",
                   (unsigned long long)hwid);
            continue;
        }
        if (smp_ncpus == SMP_MAX_CPUS) {
            printk("smp: cpu %#llx skipped: the kernel supports %d cores\n",
                   (unsigned long long)hwid, SMP_MAX_CPUS);
            continue;
        }
        unsigned id = smp_ncpus;
        struct cpu *c = &cpus[id];
        memset(c, 0, sizeof(*c));
        c->id = id;
        c->hwid = hwid;
        c->fp_enabled = true;
        c->shared = true;                 /* (a late riser too: it takes the BKL) */
        void *stack_top = sched_init_cpu(c);
        const char *why = "no memory for its idle thread";
        int err = stack_top ? arch_cpu_start(fdt, n, hwid, c, stack_top, &why) : -1;
        uint64_t deadline = arch_counter() + arch_counter_freq() / 1000 * START_TIMEOUT_MS;
        while (!err && !__atomic_load_n(&c->online, __ATOMIC_ACQUIRE))
            if (arch_counter() > deadline) {
                err = -1;
                why = "did not come up in time";
                timed_out = true;   /* its idle stack stays allocated: it may still wake */
            }
        if (err) {
            printk("smp: cpu %#llx failed: %s; skipped\n", (unsigned long long)hwid, why);
            continue;
        }
        smp_ncpus++;
        smp_online_mask |= 1u << id;
        cpus[0].shared = true;            /* before any user thread: smp_ncpus > 1 */
    }
    printk("smp: %u core(s) online:", smp_ncpus);
    for (unsigned i = 0; i < smp_ncpus; i++)
        printk(" %u(%#llx)", i, (unsigned long long)cpus[i].hwid);
    printk("\n");
}
