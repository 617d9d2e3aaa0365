/*
 * CPU-level services for the portable kernel: halting, powering off
 * (semihosting exit when booted with exit=semihosting, else PSCI SYSTEM_OFF
 * from the DTB's /psci node, else the board's method) and the counter.
 */
#include <arch/board.h>
#include <arch/sysreg.h>
#include <kernel/arch.h>
#include <kernel/bootargs.h>
#include <kernel/fdt.h>
#include <kernel/lib.h>
#include <kernel/printk.h>
#include <kernel/platform.h>

#define PSCI_SYSTEM_OFF 0x84000008u
#define SEMIHOST_SYS_EXIT 0x18
#define ADP_STOPPED_APPLICATION_EXIT 0x20026

void arch_halt(void)
{
    irq_disable();
    for (;;)
        wfi();
}

static uint64_t psci_call(bool use_smc, uint64_t fn, uint64_t a1, uint64_t a2, uint64_t a3)
{
    register uint64_t x0 __asm__("x0") = fn, x1 __asm__("x1") = a1;
    register uint64_t x2 __asm__("x2") = a2, x3 __asm__("x3") = a3;
    if (use_smc)
        __asm__ volatile("smc #0" : "+r"(x0) : "r"(x1), "r"(x2), "r"(x3) : "memory");
    else
        __asm__ volatile("hvc #0" : "+r"(x0) : "r"(x1), "r"(x2), "r"(x3) : "memory");
    return x0;
}

static __attribute__((noreturn)) void semihost_exit(int status)
{
    uint64_t block[2] = { ADP_STOPPED_APPLICATION_EXIT, (uint64_t)(int64_t)status };
    register uint64_t x0 __asm__("x0") = SEMIHOST_SYS_EXIT;
    register uint64_t x1 __asm__("x1") = (uint64_t)block;
    __asm__ volatile("hlt #0xf000" : "+r"(x0) : "r"(x1) : "memory");
    arch_halt();
}

void arch_poweroff(int status)
{
    const struct fdt *fdt = platform_fdt();
    printk("kernel: power off (status %d)\n", status);
    if (bootarg_is("exit", "semihosting"))
        semihost_exit(status);
    int psci = fdt ? fdt_path_offset(fdt, "/psci", 5) : -1;
    if (psci >= 0) {
        uint32_t len;
        const char *method = fdt_getprop(fdt, psci, "method", &len);
        if (method && len >= 3)
            psci_call(strncmp(method, "smc", 3) == 0, PSCI_SYSTEM_OFF, 0, 0, 0);
    }
    if (board.poweroff)
        board.poweroff(fdt);
    printk("kernel: no way to power off on this board; halted\n");
    arch_halt();
}

uint64_t arch_counter(void)
{
    isb();
    return read_sysreg(cntvct_el0);
}

uint64_t arch_counter_freq(void) { return read_sysreg(cntfrq_el0); }

void arch_irq_enable(void) { irq_enable(); }
void arch_irq_disable(void) { irq_disable(); }
