/*
 * kmain: the kernel's init order, from the first C instruction to the
 * first user program. boot.S enters here at EL1, MMU on, in the upper half,
 * on the boot stack, with interrupts masked. The boot core holds the big
 * kernel lock from the first line; the secondary cores start last, once
 * the kernel is fully set up, and wait for the lock in their idle loops.
 */
#include <kernel/arch.h>
#include <kernel/bootargs.h>
#include <kernel/ipc_fast.h>
#include <kernel/irq.h>
#include <kernel/lib.h>
#include <kernel/panic.h>
#include <kernel/platform.h>
#include <kernel/pmm.h>
#include <kernel/printk.h>
#include <kernel/selftest.h>
#include <kernel/smp.h>
#include <kernel/bootimage.h>
#include <kernel/task.h>
#include <kernel/security.h>
#include <kernel/kcall.h>
#include <uapi/syscall.h>
#include <kernel/time.h>
#include <kernel/version.h>
#include <drivers/arm_timer.h>
#include <drivers/gic.h>
#include <drivers/uart.h>
#include <arch/mmu.h>
#include <arch/board.h>

#define TICK_HZ 1000

extern char _start[], _end[];

static struct pmm_range reserved[PMM_MAX_RESERVED];
static int nreserved;

static void reserve(uint64_t base, uint64_t size)
{
    for (int i = 0; i < nreserved; i++)
        if (reserved[i].base == base && reserved[i].size == size)
            return;                   /* the DTB may repeat what we already know */
    if (!size)
        return;
    if (nreserved == PMM_MAX_RESERVED)
        panic("more than %d reserved memory ranges", PMM_MAX_RESERVED);
    reserved[nreserved++] = (struct pmm_range){ base, size };
}

/* Kernel image, DTB, page 0 (Pi spin table), /memreserve/ and /reserved-memory. */
static void collect_reserved(const struct fdt *fdt)
{
    reserve(virt_to_phys(_start), (uint64_t)((uintptr_t)_end - (uintptr_t)_start));   /* linker symbols */
    reserve(platform.dtb_pa, platform.dtb_size);
    reserve(0, PAGE_SIZE);
    struct fdt_reg r;
    for (int i = 0; fdt_rsvmap_get(fdt, i, &r) == 0; i++)
        reserve(r.addr, r.size);
    int rm = fdt_path_offset(fdt, "/reserved-memory", 16);
    for (int n = rm >= 0 ? fdt_first_child(fdt, rm) : -1; n >= 0; n = fdt_next_sibling(fdt, n))
        for (int i = 0; fdt_get_reg(fdt, n, i, &r) == 0; i++)
            reserve(r.addr, r.size);
}

static void print_memory(void)
{
    printk("memory: %llu MiB in %d range(s)\n", (unsigned long long)(platform.ram_total >> 20),
           platform.nram);
    for (int i = 0; i < platform.nram; i++)
        printk("  ram %#012llx..%#012llx\n", (unsigned long long)platform.ram[i][0],
               (unsigned long long)(platform.ram[i][0] + platform.ram[i][1] - 1));
    for (int i = 0; i < nreserved; i++)
        printk("  reserved %#012llx..%#012llx\n", (unsigned long long)reserved[i].base,
               (unsigned long long)(reserved[i].base + reserved[i].size - 1));
    printk("pages: %zu free of %zu\n", pmm_free_count(), pmm_total_count());
}

/* Test-only: `fault=data|undef` makes the kernel fault on purpose. */
static void deliberate_fault(void)
{
    char kind[16];
    if (!bootarg("fault", kind, sizeof(kind)))
        return;
    printk("kernel: deliberate '%s' fault requested\n", kind);
    if (strcmp(kind, "data") == 0)
        (void)*(volatile uint64_t *)(KVA_BASE + 0x7F00000000UL);   /* unmapped */
    else if (strcmp(kind, "undef") == 0)
        __asm__ volatile("udf #0");
    panic("unknown fault kind '%s'", kind);
}

/* Starts the first user task (Einit, or init=<program>) and the scheduler. */
static __attribute__((noreturn)) void start_init(void)
{
    char program[48] = "Einit";
    int n = bootimage_init();
    if (n < 0)
        panic("boot image is corrupt");
    printk("boot image: %d program(s)\n", n);
    bootarg("init", program, sizeof(program));
    security_init();
    ipc_fastpath_init();
    kcall_init();
    const char *argv[TASK_MAX_ARGS] = { program };
    int argc = 1 + bootargs_init_argv(argv + 1, TASK_MAX_ARGS - 1);
    struct task_args args = {
        .name = program, .class_name = program, .program = program,
        .argc = argc, .argv = argv, .priority = THREAD_PRIORITY_DEFAULT,
    };
    struct task *init;
    Retcode rc = task_spawn(&args, &init);
    if (rc)
        panic("cannot start init program '%s': error %d", program, rc);
    kobject_put(&init->obj);      /* the task lives on through its "alive" reference */
    sched_run();
}

void kmain(uint64_t dtb_pa)
{
    smp_init();
    int err = platform_probe_dtb(dtb_pa);
    mmu_init_kernel_map(platform.ram, err ? 0 : platform.nram, dtb_pa, platform.dtb_size);
    const struct fdt *fdt = platform_fdt();
    uart_console_init(fdt);

    printk("\n%s %s (%s, %s)\n", KERNEL_NAME, KERNEL_VERSION, board.name, KERNEL_BUILD);
    if (err)
        panic("no usable device tree at x0=%#llx: %s", (unsigned long long)dtb_pa,
              fdt_strerror(err));
    if (platform.model[0])
        printk("model: %s\n", platform.model);
    printk("cmdline: %s\n", bootargs_get());
    uart_describe();

    collect_reserved(fdt);
    if (pmm_init((const struct pmm_range *)platform.ram, platform.nram, reserved, nreserved))
        panic("no usable RAM after reservations");
    print_memory();
    sched_init();                 /* the timer tick below already calls into the scheduler */

    int gic = gic_init(fdt);
    if (gic < 0)
        panic("no supported interrupt controller in the device tree");
    printk("irq: %s\n", irq_get_chip()->name);
    if (arm_timer_init(fdt, TICK_HZ))
        panic("generic timer: CNTFRQ_EL0 is zero or the tick cannot be attached");
    printk("timer: %llu Hz counter, %u Hz tick\n", (unsigned long long)time_counter_freq(), TICK_HZ);
    arch_irq_enable();

    deliberate_fault();
    if (selftest_run())
        panic("kernel self-test failed");
    arch_irq_disable();           /* from here on the kernel runs with IRQs masked */
    smp_boot_secondaries(fdt);
    start_init();
}
