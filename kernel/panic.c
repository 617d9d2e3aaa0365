/*
 * panic(): the single way the kernel gives up. Prints the reason (and for
 * exceptions the decoded syndrome and registers) straight to the console,
 * then powers off when booted with panic=poweroff (tests, `make run`) or
 * halts so the message stays on screen (real boards).
 */
#include <kernel/panic.h>
#include <kernel/printk.h>
#include <kernel/arch.h>
#include <kernel/bootargs.h>
#include <kernel/exc_class.h>

static int panicking;

static __attribute__((noreturn)) void panic_stop(void)
{
    if (bootarg_is("panic", "poweroff"))
        arch_poweroff(3);
    printk("System halted.\n");
    arch_halt();
}

void panic(const char *fmt, ...)
{
    va_list ap;
    if (panicking++)
        arch_halt();
    printk("\nKERNEL PANIC: ");
    va_start(ap, fmt);
    vprintk(fmt, ap);
    va_end(ap);
    printk("\n");
    panic_stop();
}

void panic_trap(const char *why, const struct trap_frame *tf, uint64_t esr, uint64_t far)
{
    if (panicking++)
        arch_halt();
    printk("\nKERNEL PANIC: %s\n", why);
    printk("  ESR %#018llx  EC %#04x: %s\n", (unsigned long long)esr,
           (unsigned)exc_class_of(esr), exc_class_name(esr));
    unsigned ec = exc_class_of(esr);
    if (ec == 0x20 || ec == 0x21 || ec == 0x24 || ec == 0x25)
        printk("  FAR %#018llx  (%s, %s)\n", (unsigned long long)far, exc_fault_status(esr),
               (esr & (1u << 6)) ? "write" : "read");
    else
        printk("  FAR %#018llx\n", (unsigned long long)far);
    arch_dump_frame(tf);
    panic_stop();
}
