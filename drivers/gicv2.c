/*
 * GICv2 / GIC-400 (QEMU virt gic-version=2, Raspberry Pi 4): memory-mapped
 * distributor and CPU interface (banked per core). All interrupts are group
 * 0; SPIs are routed to the boot core; SGIs (IPIs) go to a core by its CPU
 * interface mask; priorities are uniform (no nesting).
 */
#include <drivers/gic.h>
#include <drivers/mmio.h>
#include <kernel/arch.h>
#include <kernel/fdt.h>
#include <kernel/irq.h>
#include <kernel/smp.h>

#define GICD_CTLR       0x000
#define GICD_TYPER      0x004
#define GICD_ISENABLER  0x100
#define GICD_ICENABLER  0x180
#define GICD_ICPENDR    0x280
#define GICD_IPRIORITYR 0x400
#define GICD_ITARGETSR  0x800
#define GICD_ICFGR      0xc00
#define GICD_SGIR       0xf00
#define GICC_CTLR       0x00
#define GICC_PMR        0x04
#define GICC_BPR        0x08
#define GICC_IAR        0x0c
#define GICC_EOIR       0x10

static volatile void *dist, *cpu;
static uint8_t cpu_mask[SMP_MAX_CPUS];   /* each core's bit in GICD_ITARGETSR / SGIR */
static uint32_t last_iar[SMP_MAX_CPUS];  /* an SGI's EOI must repeat its source core */

static void v2_enable(unsigned id) { mmio_write32(dist, GICD_ISENABLER + 4 * (id / 32), 1u << (id % 32)); }
static void v2_disable(unsigned id) { mmio_write32(dist, GICD_ICENABLER + 4 * (id / 32), 1u << (id % 32)); }

static unsigned v2_ack(void)
{
    uint32_t iar = mmio_read32(cpu, GICC_IAR);
    last_iar[smp_cpu_id()] = iar;
    return iar & 0x3ff;
}

static void v2_eoi(unsigned id)
{
    uint32_t iar = last_iar[smp_cpu_id()];
    mmio_write32(cpu, GICC_EOIR, (iar & 0x3ff) == id ? iar : id);
}

/* The banked registers of the calling core: its mask, SGI/PPI priorities, CPU interface. */
static void v2_init_cpu(void)
{
    cpu_mask[smp_cpu_id()] = (uint8_t)mmio_read32(dist, GICD_ITARGETSR);
    mmio_write32(dist, GICD_ICENABLER, 0xffffffff);
    for (unsigned i = 0; i < 32; i += 4)
        mmio_write32(dist, GICD_IPRIORITYR + i, 0xa0a0a0a0);
    mmio_write32(cpu, GICC_PMR, 0xf0);
    mmio_write32(cpu, GICC_BPR, 0);
    mmio_write32(cpu, GICC_CTLR, 1);
}

static void v2_send_ipi(unsigned target, unsigned sgi)
{
    /* mmio_write32's dsb orders the caller's run-queue update before the SGI. */
    mmio_write32(dist, GICD_SGIR, ((uint32_t)cpu_mask[target] << 16) | (sgi & 0xf));
}

static const struct irq_chip gicv2_chip = {
    .name = "GICv2", .enable = v2_enable, .disable = v2_disable, .ack = v2_ack, .eoi = v2_eoi,
    .init_cpu = v2_init_cpu, .send_ipi = v2_send_ipi,
};

int gicv2_init(const struct fdt *fdt, int node)
{
    struct fdt_reg d, c;
    if (fdt_get_reg(fdt, node, 0, &d) || fdt_get_reg(fdt, node, 1, &c))
        return -1;
    dist = ioremap(d.addr, 0x1000);
    cpu = ioremap(c.addr, 0x2000);
    if (!dist || !cpu)
        return -1;
    unsigned lines = 32 * ((mmio_read32(dist, GICD_TYPER) & 0x1f) + 1);
    mmio_write32(dist, GICD_CTLR, 0);
    for (unsigned i = 0; i < lines; i += 32) {
        mmio_write32(dist, GICD_ICENABLER + i / 8, 0xffffffff);
        mmio_write32(dist, GICD_ICPENDR + i / 8, 0xffffffff);
    }
    for (unsigned i = 0; i < lines; i += 4)
        mmio_write32(dist, GICD_IPRIORITYR + i, 0xa0a0a0a0);
    for (unsigned i = 32; i < lines; i += 4)
        mmio_write32(dist, GICD_ITARGETSR + i, 0x01010101);
    for (unsigned i = 32; i < lines; i += 16)
        mmio_write32(dist, GICD_ICFGR + i / 4, 0);          /* level-triggered */
    mmio_write32(dist, GICD_CTLR, 1);
    v2_init_cpu();
    irq_set_chip(&gicv2_chip);
    return 2;
}
