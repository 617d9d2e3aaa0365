/*
 * Device lookup in the device tree for drivers (kl.core.Io FindDevice):
 * the n-th enabled node with a compatible string, its first register
 * range translated to a CPU physical address, and its first interrupt as
 * a GIC INTID. Portable and bounds-checked like fdt.c (host unit tested).
 */
#ifndef KERNEL_FDT_DEVICE_H
#define KERNEL_FDT_DEVICE_H

#include <kernel/fdt.h>

struct fdt_device {
    int node;                /* the node's offset */
    uint64_t base, size;     /* reg entry 0, translated; both 0 when absent or untranslatable */
    uint32_t intid;          /* first interrupt as a GIC INTID (SPI 32+n, PPI 16+n); 0 when none */
};

/* status absent, "okay" or "ok". */
bool fdt_node_enabled(const struct fdt *f, int node);
/* The node whose phandle (or linux,phandle) is `phandle`, or FDT_ERR_*. */
int fdt_node_by_phandle(const struct fdt *f, uint32_t phandle);
/* The interrupt parent of `node` (its own or an ancestor's interrupt-parent). */
int fdt_interrupt_parent(const struct fdt *f, int node);
/* First interrupt of `node` (interrupts-extended, else interrupts) as a GIC
 * INTID in *intid. 0, FDT_ERR_NOTFOUND (no interrupt, or the controller is
 * not a GIC), FDT_ERR_BADSTRUCT (cells that cannot be decoded). */
int fdt_node_intid(const struct fdt *f, int node, uint32_t *intid);
/* The `index`-th (0-based, in tree order) enabled node compatible with
 * `compat`. 0, FDT_ERR_NOTFOUND past the last, FDT_ERR_BADSTRUCT when the
 * walk hits corruption before it. */
int fdt_find_device(const struct fdt *f, const char *compat, uint32_t index,
                    struct fdt_device *out);

#endif
