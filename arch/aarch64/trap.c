/*
 * Exception dispatch: decides what each vector entry means. Interrupts go
 * to the portable IRQ layer; kernel-mode faults are fatal and decoded by
 * panic_trap(); lower-EL (user) exceptions are handed to the task layer.
 */
#include <arch/sysreg.h>
#include <arch/trap_frame.h>
#include <arch/context.h>
#include <kernel/arch.h>
#include <kernel/irq.h>
#include <kernel/panic.h>
#include <kernel/printk.h>
#include <kernel/exc_class.h>
#include <kernel/syscall.h>
#include <kernel/task.h>
#include <kernel/smp.h>
#include <arch/mmu.h>
#include <uapi/syscall.h>

static const char *const vector_names[16] = {
    "sync exception (EL1, SP_EL0)", "IRQ (EL1, SP_EL0)", "FIQ (EL1, SP_EL0)", "SError (EL1, SP_EL0)",
    "sync exception in kernel", "IRQ", "FIQ in kernel", "SError in kernel",
    "sync exception from user", "IRQ", "FIQ from user", "SError from user",
    "sync exception from AArch32", "IRQ from AArch32", "FIQ from AArch32", "SError from AArch32",
};

/* Names a user fault from its syndrome, in the words the diagnostic line uses. */
static const char *user_fault_kind(uint64_t esr, uint64_t far)
{
    unsigned ec = ESR_EC(esr), fsc = esr & 0x3f;
    bool perm = fsc >= 0x0d && fsc <= 0x0f;
    switch (ec) {
    case EC_DABT_LOWER:
        if (far >= USER_VA_END)
            return "access to kernel memory";
        if (fsc == 0x21)
            return "misaligned access";
        if (perm)
            return (esr & (1u << 6)) ? "write to read-only memory" : "read of protected memory";
        return "access to unmapped memory";
    case EC_IABT_LOWER:
        if (far >= USER_VA_END)
            return "execution of kernel memory";
        return perm ? "execution of non-executable memory" : "execution of unmapped memory";
    case EC_UNKNOWN: return "undefined instruction";
    case EC_SP_ALIGN: return "misaligned stack pointer";
    case EC_PC_ALIGN: return "misaligned program counter";
    case EC_BRK64: return "breakpoint";
    case EC_ILLEGAL_STATE: return "illegal execution state";
    default: return exc_class_name(esr);
    }
}

static void user_exception(struct trap_frame *tf, uint64_t esr, uint64_t far)
{
    /* svc never comes here: vectors.S sends it to arm64_svc_entry. */
    if (ESR_EC(esr) == EC_FP_ASIMD) {
        arch_fpsimd_trap(&current->ctx);      /* lazy FP/SIMD switch, not a fault */
        return;
    }
    struct task *t = current_task();
    unsigned ec = ESR_EC(esr);
    if (ec != EC_DABT_LOWER && ec != EC_IABT_LOWER && ec != EC_PC_ALIGN)
        far = tf->elr;                        /* FAR is only meaningful for aborts */
    printk("fault: task %s (pid %llu, tid %llu): %s at %#llx, pc %#llx; task killed\n", t->name,
           (unsigned long long)t->pid, (unsigned long long)current->tid,
           user_fault_kind(esr, far), (unsigned long long)far, (unsigned long long)tf->elr);
    task_exit(t, TASK_EXIT_FAULT);
}

/* Leaving the kernel for EL0 from an exception: the preemption point. */
static inline __attribute__((always_inline)) void return_to_user(struct thread *self)
{
    struct cpu *c = this_cpu();       /* a system call may have blocked and resumed elsewhere */
    if (c->resched) {
        if (thread_is_dead(self))
            thread_die_killed();      /* killed by another core while it ran here */
        schedule();                   /* preemption point: only on the way back to EL0 */
        c = this_cpu();
    }
    kernel_exit(c);
}

/*
 * The system call's C parts, called from vectors.S (arm64_svc_entry), which
 * saved a frame whose x19..x29 slots are not filled (they live in the
 * registers) and dispatches the usual case itself: the same steps as the
 * general path below, without its decoding.
 */
void arm64_svc_lock(void);
void arm64_svc_dispatch(struct trap_frame *tf);
void arm64_svc_exit(void);

/* More than one core runs: the big kernel lock, until the eret. */
void arm64_svc_lock(void)
{
    kernel_enter(this_cpu());
}

/* The whole system call after the lock (and current->frame), when the entry
 * saw a reschedule pending (the thread may have been killed by another
 * core: thread_kill sets need_resched) or a number it has no handler for. */
void arm64_svc_dispatch(struct trap_frame *tf)
{
    struct cpu *c = this_cpu();
    struct thread *self = c->cur;
    if (!(c->resched && thread_is_dead(self)))
        tf->x[0] = (uint64_t)(int64_t)syscall_dispatch(tf->x[8], tf->x);
    return_to_user(self);
}

/* After the handler, when a reschedule is pending or the lock is held. */
void arm64_svc_exit(void)
{
    return_to_user(this_cpu()->cur);
}

/* Entered from vectors.S (arm64_trap_common) with the saved frame and the vector's kind. */
void arm64_trap_dispatch(struct trap_frame *tf, unsigned long kind);
void arm64_trap_dispatch(struct trap_frame *tf, unsigned long kind)
{
    unsigned type = kind & 3, src = kind >> 2;
    uint64_t esr = read_sysreg(esr_el1), far = read_sysreg(far_el1);

    if (type == TRAP_IRQ && src == TRAP_SRC_CUR_SPX) {
        irq_handle();                 /* only the idle loop runs with IRQs open */
        return;
    }
    if (src == TRAP_SRC_LOWER64 && (type == TRAP_IRQ || type == TRAP_SYNC)) {
        struct cpu *c = this_cpu();
        kernel_enter(c);              /* the big kernel lock, until the eret */
        struct thread *self = c->cur;
        DEBUG_ASSERT(self->frame == tf);   /* the stack's top (arm64_svc_entry relies on it) */
        self->frame = tf;
        /* A core that kills this thread sets need_resched here (thread_kill):
         * the "killed" test hides behind that flag. */
        if (type == TRAP_IRQ)
            irq_handle();
        else if (!(c->resched && thread_is_dead(self)))
            user_exception(tf, esr, far);
        return_to_user(self);
        return;
    }
    panic_trap(vector_names[kind & 15], tf, esr, far);
}

void arch_dump_frame(const struct trap_frame *tf)
{
    if (!tf)
        return;
    printk("  ELR %#018llx  SPSR %#010llx  SP_EL0 %#018llx\n", (unsigned long long)tf->elr,
           (unsigned long long)tf->spsr, (unsigned long long)tf->sp);
    for (int i = 0; i < 31; i += 2) {
        if (i == 30)
            printk("  x30 %#018llx\n", (unsigned long long)tf->x[30]);
        else
            printk("  x%-2d %#018llx  x%-2d %#018llx\n", i, (unsigned long long)tf->x[i], i + 1,
                   (unsigned long long)tf->x[i + 1]);
    }
}
