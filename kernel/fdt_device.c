/*
 * Device lookup in the device tree (fdt_device.h): enabled nodes by
 * compatible string, their first reg range and first interrupt decoded
 * into a GIC INTID. Serves kl.core.Io FindDevice (kcall_io.c). Everything
 * read goes through fdt.c's bounds checks; walks up the tree are bounded
 * by FDT_MAX_DEPTH, walks over it by the structure block's size.
 */
#include <kernel/fdt_device.h>
#include <kernel/lib.h>

#define GIC_SPI 0
#define GIC_PPI 1
#define GIC_SPI_MAX 987          /* INTID 32 + 987 = 1019, the last SPI */
#define GIC_PPI_MAX 15

/* Interrupt controllers whose specifier is <type number flags [...]>. */
static const char *const gic_compat[] = {
    "arm,gic-400", "arm,cortex-a15-gic", "arm,cortex-a9-gic", "arm,cortex-a7-gic",
    "arm,arm11mp-gic", "arm,pl390", "arm,gic-v3", "arm,gic-v2",
};

bool fdt_node_enabled(const struct fdt *f, int node)
{
    uint32_t len;
    const char *s = fdt_getprop(f, node, "status", &len);
    if (!s)
        return true;
    size_t n = strnlen(s, len);
    return n < len && (strcmp(s, "okay") == 0 || strcmp(s, "ok") == 0);
}

int fdt_node_by_phandle(const struct fdt *f, uint32_t phandle)
{
    if (phandle == 0 || phandle == 0xffffffffu)
        return FDT_ERR_NOTFOUND;
    int n;
    for (n = fdt_next_node(f, -1); n >= 0; n = fdt_next_node(f, n)) {
        uint32_t v;
        if ((fdt_getprop_u32(f, n, "phandle", &v) || fdt_getprop_u32(f, n, "linux,phandle", &v)) &&
            v == phandle)
            return n;
    }
    return n == FDT_ERR_BADSTRUCT ? n : FDT_ERR_NOTFOUND;
}

int fdt_interrupt_parent(const struct fdt *f, int node)
{
    for (int depth = 0; node >= 0 && depth <= FDT_MAX_DEPTH; depth++) {
        uint32_t ph;
        if (fdt_getprop_u32(f, node, "interrupt-parent", &ph))
            return fdt_node_by_phandle(f, ph);
        if (node == 0)
            break;
        node = fdt_parent(f, node);
    }
    return FDT_ERR_NOTFOUND;
}

static bool is_gic(const struct fdt *f, int node)
{
    uint32_t len;
    if (!fdt_getprop(f, node, "interrupt-controller", &len))
        return false;
    for (size_t i = 0; i < ARRAY_SIZE(gic_compat); i++)
        if (fdt_is_compatible(f, node, gic_compat[i]))
            return true;
    return false;
}

/* Decodes one GIC specifier of `cells` cells at p (at least `avail` bytes). */
static int gic_intid(const uint8_t *p, uint32_t avail, uint32_t cells, uint32_t *intid)
{
    if (cells < 2 || cells > 4 || avail < 4 * cells)
        return FDT_ERR_BADSTRUCT;
    uint32_t type = fdt_be32(p), num = fdt_be32(p + 4);
    if (type == GIC_SPI && num <= GIC_SPI_MAX)
        *intid = 32 + num;
    else if (type == GIC_PPI && num <= GIC_PPI_MAX)
        *intid = 16 + num;
    else
        return FDT_ERR_BADSTRUCT;
    return 0;
}

int fdt_node_intid(const struct fdt *f, int node, uint32_t *intid)
{
    uint32_t len, cells;
    const uint8_t *p = fdt_getprop(f, node, "interrupts-extended", &len);
    int ctrl;
    if (p) {                                  /* <phandle specifier...>: the first entry */
        if (len < 4)
            return FDT_ERR_BADSTRUCT;
        ctrl = fdt_node_by_phandle(f, fdt_be32(p));
        p += 4;
        len -= 4;
    } else {
        p = fdt_getprop(f, node, "interrupts", &len);
        if (!p || len == 0)
            return FDT_ERR_NOTFOUND;
        ctrl = fdt_interrupt_parent(f, node);
    }
    if (ctrl < 0)
        return ctrl == FDT_ERR_BADSTRUCT ? ctrl : FDT_ERR_NOTFOUND;
    if (!is_gic(f, ctrl))
        return FDT_ERR_NOTFOUND;              /* a nested controller: no INTID of its own */
    if (!fdt_getprop_u32(f, ctrl, "#interrupt-cells", &cells))
        return FDT_ERR_BADSTRUCT;
    return gic_intid(p, len, cells, intid);
}

int fdt_find_device(const struct fdt *f, const char *compat, uint32_t index,
                    struct fdt_device *out)
{
    uint32_t seen = 0;
    int n;
    for (n = fdt_next_node(f, -1); n >= 0; n = fdt_next_node(f, n)) {
        if (!fdt_is_compatible(f, n, compat) || !fdt_node_enabled(f, n) || seen++ != index)
            continue;
        struct fdt_reg r;
        memset(out, 0, sizeof(*out));
        out->node = n;
        if (fdt_get_reg(f, n, 0, &r) == 0 && r.addr + r.size >= r.addr) {
            out->base = r.addr;
            out->size = r.size;
        }
        if (fdt_node_intid(f, n, &out->intid))
            out->intid = 0;
        return 0;
    }
    return n == FDT_ERR_BADSTRUCT ? n : FDT_ERR_NOTFOUND;
}
