/*
 * CPU-level services for the portable kernel: halting, powering off
 * (semihosting exit when booted with exit=semihosting, else PSCI SYSTEM_OFF
 * from the DTB's /psci node, else the board's method), starting secondary
 * cores (PSCI CPU_ON or a spin-table release) and the counter.
 */
#include <kernel/ipc_fast.h>
#include <kernel/kcall.h>
#include <arch/board.h>
#include <arch/sysreg.h>
#include <kernel/arch.h>
#include <kernel/bootargs.h>
#include <kernel/fdt.h>
#include <kernel/lib.h>
#include <kernel/printk.h>
#include <kernel/platform.h>
#include <kernel/smp.h>
#include <arch/mmu.h>
#include <arch/secondary.h>

#define PSCI_SYSTEM_OFF 0x84000008u
#define PSCI_CPU_ON_64  0xc4000003u
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
    ipc_fastpath_report();
    kcall_fastpath_report();
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

/* ---- secondary cores ----------------------------------------------------- */

struct secondary_boot secondary_boot;

uint64_t arch_cpu_hwid(void) { return read_sysreg(mpidr_el1) & 0xff00ffffffULL; }

/* Cleans [p, p + size) to the point of coherency: a core with its MMU and
 * caches off reads memory, not the boot core's cache. */
static void clean_to_poc(const void *p, size_t size)
{
    uint64_t line = 4u << ((read_sysreg(ctr_el0) >> 16) & 0xf);
    for (uint64_t a = (uint64_t)p & ~(line - 1); a < (uint64_t)p + size; a += line)
        __asm__ volatile("dc civac, %0" ::"r"(a) : "memory");
    dsb_sy();
}

/* The /psci conduit: 0 = hvc, 1 = smc, -1 = none. */
static int psci_conduit(const struct fdt *fdt)
{
    int psci = fdt_path_offset(fdt, "/psci", 5);
    uint32_t len;
    const char *method = psci >= 0 ? fdt_getprop(fdt, psci, "method", &len) : NULL;
    if (!method || len < 3)
        return -1;
    if (strncmp(method, "smc", 3) == 0)
        return 1;
    return strncmp(method, "hvc", 3) == 0 ? 0 : -1;
}

/* A physical address in RAM (the linear map covers it), or NULL. */
static volatile uint64_t *ram_word(uint64_t pa)
{
    for (int i = 0; i < platform.nram; i++)
        if (pa >= platform.ram[i][0] && pa + 8 <= platform.ram[i][0] + platform.ram[i][1] &&
            !(pa & 7))
            return phys_to_virt(pa);
    return NULL;
}

int arch_cpu_start(const struct fdt *fdt, int node, uint64_t hwid, struct cpu *c, void *stack_top,
                   const char **why)
{
    secondary_boot.ttbr1 = mmu_kernel_ttbr1();
    secondary_boot.tcr = read_sysreg(tcr_el1) & ~TCR_EPD0;
    secondary_boot.stack = (uint64_t)stack_top;
    secondary_boot.cpu = (uint64_t)c;
    clean_to_poc(&secondary_boot, sizeof(secondary_boot));
    uint64_t entry = virt_to_phys((void *)secondary_entry);

    uint32_t len;
    const char *method = fdt_getprop(fdt, node, "enable-method", &len);
    if (!method) {
        *why = "no enable-method";
        return -1;
    }
    if (strncmp(method, "psci", len) == 0) {
        int conduit = psci_conduit(fdt);
        if (conduit < 0) {
            *why = "enable-method psci without a usable /psci node";
            return -1;
        }
        int64_t r = (int64_t)psci_call(conduit == 1, PSCI_CPU_ON_64, hwid, entry, 0);
        if (r != 0) {
            *why = r == -4 ? "PSCI CPU_ON: already on" : "PSCI CPU_ON failed";
            return -1;
        }
        return 0;
    }
    if (strncmp(method, "spin-table", len) == 0) {
        const uint8_t *p = fdt_getprop(fdt, node, "cpu-release-addr", &len);
        volatile uint64_t *release = p && len == 8 ?
            ram_word(((uint64_t)fdt_be32(p) << 32) | fdt_be32(p + 4)) : NULL;
        if (!release) {
            *why = "spin-table without a cpu-release-addr in RAM";
            return -1;
        }
        *release = entry;
        clean_to_poc((const void *)release, 8);
        __asm__ volatile("sev" ::: "memory");
        return 0;
    }
    *why = "unknown enable-method";
    return -1;
}
