/*
 * Boot-time reading of the device tree: validates the blob, collects the RAM
 * ranges, the model string and the command line. Nothing here trusts the
 * blob: fdt.c bounds every read and the sizes are sanity-checked.
 */
#include <kernel/platform.h>
#include <kernel/bootargs.h>
#include <kernel/lib.h>
#include <arch/mmu.h>

#define GiB (1ULL << 30)

struct platform_info platform;
static struct fdt fdt;

const struct fdt *platform_fdt(void) { return platform.fdt_error ? NULL : &fdt; }

static void collect_memory(void)
{
    for (int n = fdt_next_node(&fdt, -1); n >= 0; n = fdt_next_node(&fdt, n)) {
        const char *name = fdt_node_name(&fdt, n);
        bool is_mem = fdt_prop_has_string(&fdt, n, "device_type", "memory") ||
                      (name && strncmp(name, "memory", 6) == 0 && (name[6] == '@' || !name[6]));
        if (!is_mem)
            continue;
        struct fdt_reg r;
        for (int i = 0; fdt_get_reg(&fdt, n, i, &r) == 0; i++) {
            /* The linear map covers physical [0, USER_VA_END): RAM beyond it is
             * clipped, so the page allocator and the kernel map agree and no
             * later base + size can wrap. */
            if (r.addr >= USER_VA_END || platform.nram == PLATFORM_MAX_RAM)
                continue;
            r.size = MIN(r.size, USER_VA_END - r.addr);
            if (r.size == 0)
                continue;
            platform.ram[platform.nram][0] = r.addr;
            platform.ram[platform.nram][1] = r.size;
            platform.nram++;
            platform.ram_total += r.size;
        }
    }
}

int platform_probe_dtb(uint64_t dtb_pa)
{
    platform.dtb_pa = dtb_pa;
    if (dtb_pa == 0 || (dtb_pa & 7) || dtb_pa >= USER_VA_END) {
        platform.fdt_error = FDT_ERR_TRUNCATED;
        return platform.fdt_error;
    }
    /* boot.S mapped the whole GiB around the DTB: never read past it. */
    size_t max = (size_t)(GiB - (dtb_pa & (GiB - 1)));
    platform.fdt_error = fdt_init(&fdt, phys_to_virt(dtb_pa), max);
    if (platform.fdt_error)
        return platform.fdt_error;
    platform.dtb_size = fdt.size;
    collect_memory();
    if (platform.nram == 0) {
        platform.fdt_error = FDT_ERR_NOTFOUND;
        return platform.fdt_error;
    }
    uint32_t len;
    const char *model = fdt_getprop(&fdt, 0, "model", &len);
    if (model)
        memcpy(platform.model, model, MIN((size_t)len, sizeof(platform.model) - 1));
    int chosen = fdt_path_offset(&fdt, "/chosen", 7);
    const char *args = chosen >= 0 ? fdt_getprop(&fdt, chosen, "bootargs", &len) : NULL;
    if (args)
        bootargs_set(args, len);
    return 0;
}
