/* ARM Generic Interrupt Controller: GICv2 (GIC-400) and GICv3, from the DTB. */
#ifndef DRIVERS_GIC_H
#define DRIVERS_GIC_H

struct fdt;

/* Finds the GIC in the device tree, initialises it for the boot core and
 * registers it with the IRQ layer. Returns the version (2 or 3), or < 0. */
int gic_init(const struct fdt *fdt);
int gicv2_init(const struct fdt *fdt, int node);
int gicv3_init(const struct fdt *fdt, int node);

#endif
