/* Thread context setup for the scheduler: first-run frames, icache, idle wait. */
#include <arch/context.h>
#include <arch/sysreg.h>
#include <arch/trap_frame.h>
#include <kernel/lib.h>
#include <kernel/smp.h>
#include <arch/mmu.h>
#include <stdbool.h>

struct arch_cpu_token arch_cpu_token;    /* arch/percpu.h */

/* Private to the port (switch.S): the portable kernel calls arch_* only. */
void arm64_cpu_switch(struct arch_context *prev, struct arch_context *next);
void arm64_fpsimd_save(struct arch_context *ctx);
void arm64_fpsimd_load(struct arch_context *ctx);
void arm64_thread_start_user(void);
void arm64_thread_start_kernel(void);

struct trap_frame *arch_thread_init_user(struct arch_context *ctx, void *kstack_top,
                                         uint64_t entry, uint64_t sp, uint64_t arg0,
                                         uint64_t tls)
{
    struct trap_frame *tf = (struct trap_frame *)((char *)kstack_top - sizeof(*tf));
    memset(tf, 0, sizeof(*tf));
    memset(ctx, 0, sizeof(*ctx));
    tf->elr = entry;
    tf->sp = sp;
    tf->spsr = 0;              /* EL0t, interrupts unmasked */
    tf->x[0] = arg0;
    ctx->sp = (uint64_t)tf;
    ctx->lr = (uint64_t)arm64_thread_start_user;
    ctx->tpidr_el0 = tls;
    return tf;
}

void arch_thread_init_kernel(struct arch_context *ctx, void *kstack_top, void (*fn)(void))
{
    memset(ctx, 0, sizeof(*ctx));
    ctx->sp = (uint64_t)kstack_top;
    ctx->lr = (uint64_t)arm64_thread_start_kernel;
    ctx->x19_x28[0] = (uint64_t)fn;
}

/*
 * Lazy FP/SIMD: a core's registers belong to its `fp_owner` until another
 * thread uses them. Threads that do not own them run with EL0 FP access
 * trapped (CPACR_EL1.FPEN = 01); the first FP instruction hands them over.
 * An IPC ping-pong between threads that do no floating point never moves
 * them. With more than one core a thread may resume on another core, whose
 * registers do not hold its state: there the owner is saved eagerly when it
 * is switched out (memory is then always current for a thread that is not
 * running), and a core taking a thread's state over makes every other core
 * forget it, so a core never trusts registers another core has since
 * superseded. One core only: the old owner is saved at the trap, as before.
 */
static void set_fp_access(struct cpu *c, bool enable)
{
    if (enable == c->fp_enabled)
        return;
    write_sysreg(cpacr_el1, enable ? (3u << 20) : (1u << 20));
    isb();
    c->fp_enabled = enable;
}

/* The owner leaves its core with more than one online: out of line, so only
 * FP-using threads pay for it and the common switch keeps no stack frame. */
static __attribute__((noinline, cold)) void switch_saving_fp(struct cpu *c,
                                                             struct arch_context *prev,
                                                             struct arch_context *next)
{
    arm64_fpsimd_save(prev);
    set_fp_access(c, next == c->fp_owner);
    arm64_cpu_switch(prev, next);
}

void arch_context_switch(struct arch_context *prev, struct arch_context *next)
{
    struct cpu *c = this_cpu();
    if (__builtin_expect(c->fp_owner == prev && c->fp_enabled && smp_ncpus > 1, 0)) {
        switch_saving_fp(c, prev, next);
        return;
    }
    set_fp_access(c, next == c->fp_owner);
    arm64_cpu_switch(prev, next);
}

void arch_context_release(struct arch_context *ctx)
{
    for (unsigned i = 0; i < smp_ncpus; i++)
        if (cpus[i].fp_owner == ctx)
            cpus[i].fp_owner = NULL;
}

void arch_fpsimd_trap(struct arch_context *ctx)
{
    struct cpu *c = this_cpu();
    set_fp_access(c, true);
    if (c->fp_owner != ctx) {
        if (c->fp_owner && smp_ncpus == 1)
            arm64_fpsimd_save(c->fp_owner);
        arm64_fpsimd_load(ctx);
        for (unsigned i = 0; i < smp_ncpus; i++)
            if (cpus[i].fp_owner == ctx)
                cpus[i].fp_owner = NULL;
        c->fp_owner = ctx;
    }
}

/* switch.S: a new user thread's first return to EL0 leaves the kernel. */
void arch_thread_first_return(void);
void arch_thread_first_return(void) { kernel_exit(this_cpu()); }

void arch_frame_set_arg(struct trap_frame *tf, int n, uint64_t value)
{
    if (n >= 0 && n < 8)
        tf->x[n] = value;
}

void arch_sync_icache(void)
{
    __asm__ volatile("dsb ish\n ic ialluis\n dsb ish\n isb" ::: "memory");
}

void arch_wfi(void)
{
    /* wfi wakes on a pending interrupt even while masked (arch_irq_window takes it). */
    __asm__ volatile("dsb sy\n wfi" ::: "memory");
}

void arch_irq_window(void)
{
    __asm__ volatile("msr daifclr, #2\n isb\n msr daifset, #2" ::: "memory");
}

void arch_cpu_init_secondary(void)
{
    /* Leave the boot identity map: an empty TTBR0 (ASID 0) until a user
     * space is activated (TTBR0 walks stay enabled: secondary_boot.tcr), and
     * no global entries of the identity map left behind. Not through
     * arch_switch_user_space, whose "walks enabled" flag is the boot core's. */
    static const uint64_t empty_l1[512] __attribute__((aligned(4096)));
    write_sysreg(ttbr0_el1, virt_to_phys(empty_l1));
    isb();
    __asm__ volatile("tlbi vmalle1\n dsb nsh\n isb" ::: "memory");
}
