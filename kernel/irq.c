/* Interrupt handler table and the generic IRQ entry (ack, dispatch, eoi). */
#include <kernel/irq.h>
#include <kernel/printk.h>

static const struct irq_chip *chip;
static struct {
    irq_handler_t fn;
    void *ctx;
} handlers[IRQ_MAX];

void irq_set_chip(const struct irq_chip *c) { chip = c; }
const struct irq_chip *irq_get_chip(void) { return chip; }

int irq_attach(unsigned intid, irq_handler_t fn, void *ctx)
{
    if (intid >= IRQ_MAX || !chip || handlers[intid].fn)
        return -1;
    handlers[intid].fn = fn;
    handlers[intid].ctx = ctx;
    chip->enable(intid);
    return 0;
}

void irq_detach(unsigned intid)
{
    if (intid >= IRQ_MAX || !chip)
        return;
    chip->disable(intid);
    handlers[intid].fn = NULL;
    handlers[intid].ctx = NULL;
}

void irq_mask(unsigned intid, bool masked)
{
    if (intid < IRQ_MAX && chip)
        (masked ? chip->disable : chip->enable)(intid);
}

void irq_handle(void)
{
    if (!chip)
        return;
    unsigned intid = chip->ack();
    if (intid >= IRQ_MAX)
        return;   /* spurious */
    if (handlers[intid].fn)
        handlers[intid].fn(intid, handlers[intid].ctx);
    else
        printk("irq: unexpected interrupt %u (disabled)\n", intid);
    if (!handlers[intid].fn)
        chip->disable(intid);
    chip->eoi(intid);
}

void irq_init_cpu(void)
{
    if (!chip)
        return;
    chip->init_cpu();
    for (unsigned id = 0; id < 32; id++)
        if (handlers[id].fn)
            chip->enable(id);
}

void irq_send_ipi(unsigned cpu, unsigned sgi)
{
    if (chip)
        chip->send_ipi(cpu, sgi);
}
