/* GIC discovery: picks the v2 or v3 driver from the DTB's compatible string. */
#include <drivers/gic.h>
#include <kernel/fdt.h>

static const char *const v2_compat[] = { "arm,gic-400", "arm,cortex-a15-gic", "arm,cortex-a9-gic" };

int gic_init(const struct fdt *fdt)
{
    if (!fdt)
        return -1;
    int n = fdt_find_compatible(fdt, -1, "arm,gic-v3");
    if (n >= 0)
        return gicv3_init(fdt, n);
    for (unsigned i = 0; i < sizeof(v2_compat) / sizeof(v2_compat[0]); i++) {
        n = fdt_find_compatible(fdt, -1, v2_compat[i]);
        if (n >= 0)
            return gicv2_init(fdt, n);
    }
    return -1;
}
