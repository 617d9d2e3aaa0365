/* Thread context setup for the scheduler: first-run frames, icache, idle wait. */
#include <arch/context.h>
#include <arch/sysreg.h>
#include <arch/trap_frame.h>
#include <kernel/lib.h>

extern void thread_start_user(void);
extern void thread_start_kernel(void);

_Static_assert(__builtin_offsetof(struct arch_context, tpidr_el0) == CTX_TPIDR, "ctx layout");
_Static_assert(__builtin_offsetof(struct arch_context, fpcr) == CTX_FPCR, "ctx layout");
_Static_assert(__builtin_offsetof(struct arch_context, v) == CTX_V, "ctx layout");

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
    ctx->lr = (uint64_t)thread_start_user;
    ctx->tpidr_el0 = tls;
    return tf;
}

void arch_thread_init_kernel(struct arch_context *ctx, void *kstack_top, void (*fn)(void))
{
    memset(ctx, 0, sizeof(*ctx));
    ctx->sp = (uint64_t)kstack_top;
    ctx->lr = (uint64_t)thread_start_kernel;
    ctx->x19_x28[0] = (uint64_t)fn;
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
