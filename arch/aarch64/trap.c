/*
 * Exception dispatch: decides what each vector entry means. Interrupts go
 * to the portable IRQ layer; kernel-mode faults are fatal and decoded by
 * panic_trap(); lower-EL (user) exceptions are handed to the task layer.
 */
#include <arch/sysreg.h>
#include <arch/trap_frame.h>
#include <kernel/arch.h>
#include <kernel/irq.h>
#include <kernel/panic.h>
#include <kernel/printk.h>

static const char *const vector_names[16] = {
    "sync exception (EL1, SP_EL0)", "IRQ (EL1, SP_EL0)", "FIQ (EL1, SP_EL0)", "SError (EL1, SP_EL0)",
    "sync exception in kernel", "IRQ", "FIQ in kernel", "SError in kernel",
    "sync exception from user", "IRQ", "FIQ from user", "SError from user",
    "sync exception from AArch32", "IRQ from AArch32", "FIQ from AArch32", "SError from AArch32",
};

/* Weak until the task layer exists: a user exception with no handler is fatal. */
__attribute__((weak)) void user_exception(struct trap_frame *tf, uint64_t esr, uint64_t far)
{
    panic_trap("user exception with no task layer", tf, esr, far);
}

void trap_dispatch(struct trap_frame *tf, unsigned long kind)
{
    unsigned type = kind & 3, src = kind >> 2;
    uint64_t esr = read_sysreg(esr_el1), far = read_sysreg(far_el1);

    if (type == TRAP_IRQ && (src == TRAP_SRC_CUR_SPX || src == TRAP_SRC_LOWER64)) {
        irq_handle();
        return;
    }
    if (type == TRAP_SYNC && src == TRAP_SRC_LOWER64) {
        user_exception(tf, esr, far);
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
