/*
 * Cores and the big kernel lock (docs/ARCHITECTURE.md, "Concurrency model: cores and the
 * big kernel lock").
 *
 * Each core has a struct cpu, found through TPIDR_EL1 (this_cpu()). The
 * kernel is entered under one lock, the BKL: taken on every exception from
 * user mode and by a core leaving wfi in its idle loop, released on the way
 * back to user mode and just before an idle core's wfi. A context switch
 * hands the lock from the old thread to the new one on the same core, so all
 * kernel data (threads, run queue, objects, handles, page tables, allocators,
 * the console) is only ever touched by the one core that holds it.
 */
#ifndef KERNEL_SMP_H
#define KERNEL_SMP_H

#include <stdint.h>
#include <stdbool.h>
#include <arch/percpu.h>
#include <kernel/panic.h>
#include <kernel/spinlock.h>

#define SMP_MAX_CPUS 8

struct fdt;
struct thread;
struct vmspace;
struct arch_context;

struct cpu {
    struct thread *cur;             /* first: `current` is one load from TPIDR_EL1 */
    bool resched;                   /* reschedule before returning to user mode (need_resched) */
    bool shared;                    /* right after resched (vectors.S tests both with one
                                       ldrh): more than one core may run, so the system
                                       call takes the BKL (smp_ncpus > 1, kept per core) */
    volatile bool in_user;          /* between releasing the BKL for EL0 and the next entry */
    bool online;
    unsigned id;                    /* 0 = the boot core; bit `id` in affinity masks */
    uint64_t hwid;                  /* MPIDR affinity (Aff3..Aff0) */
    struct thread *idle;            /* runs when nothing else may */
    const struct vmspace *user_vm;  /* what TTBR0 holds (vm.c: active_vm) */
    struct arch_context *fp_owner;  /* whose FP/SIMD state this core's registers hold */
    bool fp_enabled;                /* CPACR_EL1.FPEN state (EL0 FP untrapped) */
    /* The IPC fast path's counts on this core (ipc_fastpath_report sums the
     * cores): per core, so the count is one load, add and store from the
     * core block the switch reads anyway, no address to build. */
    uint64_t ipc_fast_calls, ipc_fast_replies, ipc_fast_arenas;
};

extern struct cpu cpus[SMP_MAX_CPUS];
extern unsigned smp_ncpus;          /* cores online */
extern uint32_t smp_online_mask;
extern spinlock_t bkl;

static inline struct cpu *this_cpu(void) { return arch_this_cpu(); }
static inline unsigned smp_cpu_id(void) { return arch_this_cpu()->id; }

/* The core holding the BKL (its id + 1, 0 = none): kept in debug kernels
 * only (KDEBUG), for the "held by this core" and lock-order assertions. */
extern unsigned bkl_holder;

/* This core holds the BKL (debug kernels; DEBUG_ASSERT only). */
static inline bool bkl_held(void) { return bkl_holder == arch_this_cpu()->id + 1; }

/* The one lock order rule: a core never spins for the BKL it holds (it would
 * wait for itself). */
static inline void bkl_lock(void)
{
    DEBUG_ASSERT(!bkl_held());
    spin_lock(&bkl);
#ifdef KDEBUG
    bkl_holder = arch_this_cpu()->id + 1;
#endif
}

static inline void bkl_unlock(void)
{
    DEBUG_ASSERT(bkl_held());
#ifdef KDEBUG
    bkl_holder = 0;
#endif
    spin_unlock(&bkl);
}

/*
 * Entry from user mode: this core leaves EL0, then waits for the lock. With
 * one core online the boot core simply keeps the lock it took in kmain for
 * good (smp_ncpus only grows at boot, before any user thread): a one-core
 * system pays a load and a branch per entry, not the lock.
 */
static inline void kernel_enter(struct cpu *c)
{
    if (smp_ncpus > 1) {
        c->in_user = false;
        bkl_lock();
    }
}

/* Last step before eret to EL0 (the release orders in_user before it). */
static inline void kernel_exit(struct cpu *c)
{
    if (smp_ncpus > 1) {
        c->in_user = true;
        bkl_unlock();
    }
}

/* First thing in kmain: the boot core's block; takes the BKL. */
void smp_init(void);
/* Starts the cores the device tree lists, one at a time; prints which came up. */
void smp_boot_secondaries(const struct fdt *fdt);
/* Asks core `cpu` to reschedule (SGI); no-op for the caller's own core. */
void smp_send_resched(unsigned cpu);
/* Waits until core `cpu` has left user mode (after smp_send_resched). */
void smp_wait_left_user(unsigned cpu);
/* The idle loop's wait: drops the BKL, wfi, retakes it, takes pending IRQs. */
void smp_idle_wait(void);

/* Provided by arch/: starts core `hwid` as the device tree node's
 * enable-method says (psci or spin-table), to enter secondary_main(c) on
 * stack_top with the kernel's page tables. 0 on success, else < 0 and *why
 * says what failed. */
int arch_cpu_start(const struct fdt *fdt, int cpu_node, uint64_t hwid, struct cpu *c,
                   void *stack_top, const char **why);
/* Read this core's hardware id (MPIDR affinity fields). */
uint64_t arch_cpu_hwid(void);
/* Entered by each secondary core with the MMU on, on stack_top, IRQs masked. */
__attribute__((noreturn)) void secondary_main(struct cpu *c);

#endif
