/* Thread context setup for the scheduler: first-run frames, icache, idle wait. */
#include <arch/context.h>
#include <arch/sysreg.h>
#include <arch/trap_frame.h>
#include <kernel/lib.h>
#include <stdbool.h>

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
 * Lazy FP/SIMD: the registers belong to `fp_owner` until another thread
 * uses them. Threads that do not own them run with EL0 FP access trapped
 * (CPACR_EL1.FPEN = 01); the first FP instruction hands them over. An IPC
 * ping-pong between threads that do no floating point never moves them.
 */
static struct arch_context *fp_owner;
static bool fp_enabled = true;       /* boot.S leaves FP untrapped */

static void set_fp_access(bool enable)
{
    if (enable == fp_enabled)
        return;
    write_sysreg(cpacr_el1, enable ? (3u << 20) : (1u << 20));
    isb();
    fp_enabled = enable;
}

void arch_context_switch(struct arch_context *prev, struct arch_context *next)
{
    set_fp_access(next == fp_owner);
    arm64_cpu_switch(prev, next);
}

void arch_context_release(struct arch_context *ctx)
{
    if (fp_owner == ctx)
        fp_owner = NULL;
}

void arch_fpsimd_trap(struct arch_context *ctx)
{
    set_fp_access(true);
    if (fp_owner != ctx) {
        if (fp_owner)
            arm64_fpsimd_save(fp_owner);
        arm64_fpsimd_load(ctx);
        fp_owner = ctx;
    }
}

void arch_frame_set_arg(struct trap_frame *tf, int n, uint64_t value)
{
    if (n >= 0 && n < 8)
        tf->x[n] = value;
}

void arch_sync_icache(void)
{
    __asm__ volatile("dsb ish\n ic ialluis\n dsb ish\n isb" ::: "memory");
}

void arch_wait_for_interrupt(void)
{
    /* wfi wakes on a pending interrupt even while masked; then take it. */
    __asm__ volatile("wfi\n msr daifclr, #2\n isb\n msr daifset, #2" ::: "memory");
}
