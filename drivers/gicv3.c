/*
 * GICv3 (QEMU virt gic-version=3): distributor with affinity routing, one
 * redistributor per core (found by its GICR_TYPER affinity), and the
 * system-register CPU interface. All interrupts are non-secure group 1; SPIs
 * are routed to the boot core; SGIs (IPIs) go to a core by its affinity.
 */
#include <drivers/gic.h>
#include <drivers/mmio.h>
#include <arch/sysreg.h>
#include <kernel/arch.h>
#include <kernel/fdt.h>
#include <kernel/irq.h>
#include <kernel/smp.h>

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
#define GICR_TYPER       0x0008
#define GICR_WAKER       0x0014
#define GICR_STRIDE      0x20000   /* RD + SGI frames (GICv3, no VLPI) */
#define GICR_MAP_MAX     (SMP_MAX_CPUS * GICR_STRIDE)
#define GICR_SGI         0x10000   /* SGI/PPI frame */
#define GICR_IGROUPR0    (GICR_SGI + 0x080)
#define GICR_ISENABLER0  (GICR_SGI + 0x100)
#define GICR_ICENABLER0  (GICR_SGI + 0x180)
#define GICR_IPRIORITYR  (GICR_SGI + 0x400)

static volatile void *dist, *redist_base;
static uint64_t redist_size;
static volatile void *redists[SMP_MAX_CPUS];   /* each core's, by struct cpu id */
#define redist (redists[smp_cpu_id()])

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

/* The calling core's redistributor: the frame whose GICR_TYPER names its affinity. */
static volatile void *find_redist(void)
{
    uint64_t mpidr = read_sysreg(mpidr_el1);
    uint32_t aff = (uint32_t)(((mpidr >> 32) & 0xff) << 24 | (mpidr & 0xffffff));
    for (uint64_t off = 0; off + GICR_STRIDE <= redist_size; off += GICR_STRIDE) {
        volatile char *r = (volatile char *)redist_base + off;
        uint64_t typer = mmio_read64(r, GICR_TYPER);
        if ((uint32_t)(typer >> 32) == aff)
            return r;
        if (typer & (1u << 4))       /* Last */
            break;
    }
    return NULL;
}

static void v3_init_cpu(void)
{
    volatile void *r = find_redist();
    if (!r)
        return;                      /* no interrupts on this core: it stays idle */
    redist = r;
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
}

static void v3_send_ipi(unsigned target, unsigned sgi)
{
    uint64_t h = cpus[target].hwid;
    if ((h & 0xff) >= 16)
        return;                       /* beyond an SGI target list: not supported */
    uint64_t v = ((h >> 32) & 0xff) << 48 | ((h >> 16) & 0xff) << 32 | (uint64_t)(sgi & 0xf) << 24 |
                 ((h >> 8) & 0xff) << 16 | (1u << (h & 0xf));
    dsb_ishst();                      /* the caller's run-queue update before the SGI */
    write_sysreg(S3_0_C12_C11_5, v);  /* ICC_SGI1R_EL1 */
    isb();
}

static const struct irq_chip gicv3_chip = {
    .name = "GICv3", .enable = v3_enable, .disable = v3_disable, .ack = v3_ack, .eoi = v3_eoi,
    .init_cpu = v3_init_cpu, .send_ipi = v3_send_ipi,
};

int gicv3_init(const struct fdt *fdt, int node)
{
    struct fdt_reg d, r;
    if (fdt_get_reg(fdt, node, 0, &d) || fdt_get_reg(fdt, node, 1, &r))
        return -1;
    dist = ioremap(d.addr, 0x10000);
    redist_size = r.size < GICR_MAP_MAX ? r.size : GICR_MAP_MAX;
    redist_base = ioremap(r.addr, redist_size);
    if (!dist || !redist_base)
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
    v3_init_cpu();
    if (!redist)
        return -1;
    irq_set_chip(&gicv3_chip);
    return 3;
}
