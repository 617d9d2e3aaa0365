/*
 * GICv3 (QEMU virt gic-version=3): distributor with affinity routing, the
 * boot core's redistributor, and the system-register CPU interface. All
 * interrupts are non-secure group 1 routed to the boot core.
 */
#include <drivers/gic.h>
#include <drivers/mmio.h>
#include <arch/sysreg.h>
#include <kernel/arch.h>
#include <kernel/fdt.h>
#include <kernel/irq.h>

#define GICD_CTLR        0x0000
#define GICD_TYPER       0x0004
#define GICD_IGROUPR     0x0080
#define GICD_ISENABLER   0x0100
#define GICD_ICENABLER   0x0180
#define GICD_IPRIORITYR  0x0400
#define GICD_IROUTER     0x6000   /* + 8 * INTID, SPIs only */
#define CTLR_RWP         (1u << 31)
#define CTLR_ARE_NS      (1u << 4)
#define CTLR_GRP1NS      (1u << 1)
#define GICR_WAKER       0x0014
#define GICR_SGI         0x10000   /* SGI/PPI frame */
#define GICR_IGROUPR0    (GICR_SGI + 0x080)
#define GICR_ISENABLER0  (GICR_SGI + 0x100)
#define GICR_ICENABLER0  (GICR_SGI + 0x180)
#define GICR_IPRIORITYR  (GICR_SGI + 0x400)

static volatile void *dist, *redist;

static void wait_rwp(void)
{
    for (int i = 0; i < 1000000 && (mmio_read32(dist, GICD_CTLR) & CTLR_RWP); i++)
        ;
}

static void v3_enable(unsigned id)
{
    if (id < 32)
        mmio_write32(redist, GICR_ISENABLER0, 1u << id);
    else
        mmio_write32(dist, GICD_ISENABLER + 4 * (id / 32), 1u << (id % 32));
}

static void v3_disable(unsigned id)
{
    if (id < 32)
        mmio_write32(redist, GICR_ICENABLER0, 1u << id);
    else
        mmio_write32(dist, GICD_ICENABLER + 4 * (id / 32), 1u << (id % 32));
    wait_rwp();
}

static unsigned v3_ack(void)
{
    unsigned id = (unsigned)read_sysreg(S3_0_C12_C12_0);   /* ICC_IAR1_EL1 */
    __asm__ volatile("dsb sy" ::: "memory");
    return id;
}

static void v3_eoi(unsigned id)
{
    write_sysreg(S3_0_C12_C12_1, id);                      /* ICC_EOIR1_EL1 */
    isb();
}

static const struct irq_chip gicv3_chip = {
    .name = "GICv3", .enable = v3_enable, .disable = v3_disable, .ack = v3_ack, .eoi = v3_eoi,
};

int gicv3_init(const struct fdt *fdt, int node)
{
    struct fdt_reg d, r;
    if (fdt_get_reg(fdt, node, 0, &d) || fdt_get_reg(fdt, node, 1, &r))
        return -1;
    dist = ioremap(d.addr, 0x10000);
    redist = ioremap(r.addr, 0x20000);     /* boot core: first redistributor */
    if (!dist || !redist)
        return -1;
    unsigned lines = 32 * ((mmio_read32(dist, GICD_TYPER) & 0x1f) + 1);
    if (lines > 1020)
        lines = 1020;
    mmio_write32(dist, GICD_CTLR, 0);
    wait_rwp();
    uint64_t aff = read_sysreg(mpidr_el1) & 0xff00ffffffULL;
    for (unsigned i = 32; i < lines; i += 32) {
        mmio_write32(dist, GICD_ICENABLER + i / 8, 0xffffffff);
        mmio_write32(dist, GICD_IGROUPR + i / 8, 0xffffffff);
    }
    for (unsigned i = 32; i < lines; i += 4)
        mmio_write32(dist, GICD_IPRIORITYR + i, 0xa0a0a0a0);
    for (unsigned i = 32; i < lines; i++)
        mmio_write64(dist, GICD_IROUTER + 8 * i, aff);
    mmio_write32(dist, GICD_CTLR, CTLR_ARE_NS | CTLR_GRP1NS);
    wait_rwp();

    /* Wake the redistributor: clear ProcessorSleep, wait for ChildrenAsleep to clear. */
    mmio_write32(redist, GICR_WAKER, mmio_read32(redist, GICR_WAKER) & ~(1u << 1));
    for (int i = 0; i < 1000000 && (mmio_read32(redist, GICR_WAKER) & (1u << 2)); i++)
        ;
    mmio_write32(redist, GICR_ICENABLER0, 0xffffffff);
    mmio_write32(redist, GICR_IGROUPR0, 0xffffffff);
    for (unsigned i = 0; i < 32; i += 4)
        mmio_write32(redist, GICR_IPRIORITYR + i, 0xa0a0a0a0);

    write_sysreg(S3_0_C12_C12_5, read_sysreg(S3_0_C12_C12_5) | 7);  /* ICC_SRE_EL1 */
    isb();
    write_sysreg(S3_0_C4_C6_0, 0xf0);     /* ICC_PMR_EL1 */
    write_sysreg(S3_0_C12_C12_3, 0);      /* ICC_BPR1_EL1 */
    write_sysreg(S3_0_C12_C12_7, 1);      /* ICC_IGRPEN1_EL1 */
    isb();
    irq_set_chip(&gicv3_chip);
    return 3;
}
