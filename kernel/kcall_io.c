/*
 * Kernel endpoint kl.core.Io: device access for user-space drivers. MMIO
 * ranges that are not RAM can be mapped, an interrupt line becomes an IRQ
 * object (the line is masked when it fires until the driver acks it), and
 * DMA buffers are physically contiguous, and devices are found in the
 * device tree by compatible string (FindDevice, decoded by fdt_device.c).
 * The security policy decides which tasks may call these methods at all.
 */
#include <kernel/arch.h>
#include <kernel/kcall.h>
#include <kernel/fdt_device.h>
#include <kernel/handle.h>
#include <kernel/irq.h>
#include <kernel/lib.h>
#include <kernel/platform.h>
#include <kernel/slab.h>
#include <kernel/task.h>
#include <kernel/urange.h>
#include <arch/mmu.h>

#define IRQ_RIGHTS (RIGHT_IRQ_WAIT)
/* Device and DMA mappings go high, away from the heap that grows after .bss. */
#define IO_MAP_HINT 0x4000000000UL

struct irq_object {
    struct kobject obj;              /* KOBJ_IRQ */
    unsigned intid;
    uint32_t pending;                /* fired and not yet waited for */
    struct wait_queue waiters;
};

static bool overlaps_ram(uint64_t pa, uint64_t size)
{
    for (int i = 0; i < platform.nram; i++)
        if (ranges_overlap(pa, size, platform.ram[i][0], platform.ram[i][1]))
            return true;
    return false;
}

static Retcode op_map_mmio(void *ctx, uint64_t pa, uint64_t size, uint64_t *addr)
{
    (void)ctx;
    uint64_t base, len;
    /* Physical addresses reach USER_VA_END at most (the linear map's size). */
    if (!page_span(pa, size, &base, &len) || !range_within(base, len, 0, USER_VA_END) ||
        overlaps_ram(base, len) || ioremap_overlaps(base, len))
        return rcInvalidArgument;            /* RAM and the kernel's own devices stay the kernel's */
    *addr = IO_MAP_HINT;
    Retcode rc = vm_map_device(&current_task()->vm, addr, base, len);
    if (rc == rcOk)
        *addr += pa - base;
    return rc;
}

static void irq_fired(unsigned intid, void *ctx)
{
    struct irq_object *o = ctx;
    irq_mask(intid, true);           /* until the driver has serviced the device */
    o->pending++;
    wait_queue_wake(&o->waiters, 1, rcOk);
}

static void irq_destroy(struct kobject *obj)
{
    struct irq_object *o = container_of(obj, struct irq_object, obj);
    irq_detach(o->intid);
    kfree(o);
}

static Retcode op_attach_irq(void *ctx, uint32_t intid, uint32_t *out)
{
    (void)ctx;
    if (intid < 32 || intid >= IRQ_MAX)
        return rcInvalidArgument;            /* SPIs only: SGIs/PPIs belong to the kernel */
    struct irq_object *o = kmalloc(sizeof(*o));
    if (!o)
        return rcOutOfMemory;
    o->intid = intid;
    o->pending = 0;
    wait_queue_init(&o->waiters);
    if (irq_attach(intid, irq_fired, o)) {
        kfree(o);                            /* never a kobject: the live count stays right */
        return rcBusy;
    }
    kobject_init(&o->obj, KOBJ_IRQ, irq_destroy);
    Retcode rc = handle_install(&current_task()->handles, &o->obj, IRQ_RIGHTS, NULL, out);
    kobject_put(&o->obj);                    /* the handle holds it (or it detaches now) */
    return rc;
}

static Retcode irq_of(uint32_t h, struct irq_object **out)
{
    struct cap *c;
    Retcode rc = handle_lookup(&current_task()->handles, h, KOBJ_IRQ, RIGHT_IRQ_WAIT, &c);
    if (rc == rcOk)
        *out = container_of(c->obj, struct irq_object, obj);
    return rc;
}

static Retcode op_wait_irq(void *ctx, uint32_t h, uint64_t timeout)
{
    (void)ctx;
    struct irq_object *o;
    Retcode rc = irq_of(h, &o);
    if (rc)
        return rc;
    thread_hold(&o->obj);
    while (o->pending == 0 && rc == rcOk)
        rc = thread_wait_on(&o->waiters, timeout);
    if (rc == rcOk)
        o->pending--;
    thread_unhold();
    return rc;
}

static Retcode op_ack_irq(void *ctx, uint32_t h)
{
    (void)ctx;
    struct irq_object *o;
    Retcode rc = irq_of(h, &o);
    if (rc == rcOk)
        irq_mask(o->intid, false);
    return rc;
}

static Retcode op_alloc_dma(void *ctx, uint64_t size, uint64_t *addr, uint64_t *pa)
{
    (void)ctx;
    if (size == 0 || size > (64u << 20))
        return rcInvalidArgument;
    *addr = IO_MAP_HINT;
    return vm_alloc_contig(&current_task()->vm, addr, size, pa);
}

/* The string is NUL-terminated and at most CompatibleMax bytes (checked by
 * the generated dispatcher). A corrupt tree ends the walk: not found. */
static Retcode op_find_device(void *ctx, const char *compatible, uint32_t index, uint64_t *base,
                              uint64_t *size, uint32_t *intid)
{
    (void)ctx;
    if (!compatible || !compatible[0])
        return rcInvalidArgument;
    const struct fdt *f = platform_fdt();
    struct fdt_device d;
    if (!f || fdt_find_device(f, compatible, index, &d) != 0)
        return rcResourceNotFound;
    *base = d.base;
    *size = d.size;
    *intid = d.intid;
    return rcOk;
}

const struct kl_core_Io_ops kcall_io_ops = {
    .MapMmio = op_map_mmio, .AttachIrq = op_attach_irq, .WaitIrq = op_wait_irq,
    .AckIrq = op_ack_irq, .AllocDma = op_alloc_dma, .FindDevice = op_find_device,
};
