/*
 * libFuzzer target: the kernel's device-tree reader (kernel/fdt.c), device
 * lookup (kernel/fdt_device.c) and command line (kernel/bootargs.c, from
 * /chosen/bootargs) on any blob, as the boot code and kl.core.Io.FindDevice
 * use them. The sanitizers catch any read outside the
 * blob; the checks below catch walks that do not make progress.
 */
#include <stdio.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <kernel/bootargs.h>
#include <kernel/fdt.h>
#include <kernel/fdt_device.h>

static volatile uint64_t sink;

/* An invariant of the reader's answers: report it like a sanitizer would. */
#include "fuzz_check.h"

/* Every byte of a property the reader hands out must be readable. */
static void touch(const void *p, uint32_t len)
{
    const uint8_t *b = p;
    for (uint32_t i = 0; i < len; i++)
        sink += b[i];
}

static const char *const compats[] = {
    "arm,pl011", "virtio,mmio", "brcm,bcm2835-aux-uart", "arm,gic-400", "arm,cortex-a15-gic",
    "arm,armv8-timer", "brcm,bcm2711-emmc2", "",
};

/* The cheap questions for every node; the ones that walk the whole tree again
 * (parent, reg translation, phandle lookups) only for the first nodes and every
 * 128th, so a big blob (the Pi's
 * 27 KB DTB) still runs a few hundred times a second. */
#define DEEP_NODES 12

static void visit(const struct fdt *f, int n, bool deep)
{
    const char *name = fdt_node_name(f, n);
    if (name)
        sink += strlen(name);
    uint32_t len, ac, sc, v;
    const void *p = fdt_getprop(f, n, "compatible", &len);
    if (p)
        touch(p, len);
    if ((p = fdt_getprop(f, n, "reg", &len)))
        touch(p, len);
    sink += fdt_getprop_u32(f, n, "phandle", &v) ? v : 0;
    sink += fdt_node_enabled(f, n);
    int child = fdt_first_child(f, n);
    check(child < 0 || child > n);
    if (!deep)
        return;
    fdt_cells(f, n, &ac, &sc);
    for (int i = 0; i < 3; i++) {
        struct fdt_reg r;
        if (fdt_get_reg(f, n, i, &r) == 0)
            sink += r.addr ^ r.size;
    }
    sink += (uint32_t)fdt_interrupt_parent(f, n);
    if (fdt_node_intid(f, n, &v) == 0)
        check(v >= 16 && v <= 1019);     /* a GIC PPI or SPI, nothing else */
    int parent = fdt_parent(f, n);
    check(parent < n);                   /* an error (a corrupt tree) or an earlier node */
    int sib = fdt_next_sibling(f, n);
    check(sib < 0 || sib > n);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* An exactly sized copy, 8-byte aligned as the boot loader places the DTB. */
    uint8_t *blob = malloc(size ? size : 1);
    memcpy(blob, data, size);
    struct fdt f;
    if (fdt_init(&f, blob, size) == 0) {
        uint32_t nodes = 0;
        for (int n = fdt_next_node(&f, -1), prev = -1; n >= 0; prev = n, n = fdt_next_node(&f, n)) {
            check(n > prev);             /* the walk moves forward ... */
            check(++nodes <= f.size_struct / 8);   /* ... and a node takes >= 8 bytes */
            visit(&f, n, nodes <= DEEP_NODES || nodes % 128 == 0);
        }
        sink += (uint32_t)fdt_stdout_node(&f);
        int chosen = fdt_path_offset(&f, "/chosen", 7);
        uint32_t len;
        const char *args = chosen >= 0 ? fdt_getprop(&f, chosen, "bootargs", &len) : NULL;
        if (args) {                              /* as platform.c does */
            char v[16];
            bootargs_set(args, len);
            check(strlen(bootargs_get()) < 256);
            if (bootarg("init", v, sizeof v))
                check(strlen(v) < sizeof v);
            sink += bootarg_is("exit", "semihosting") + bootarg("panic", v, 0) +
                    bootarg("", v, 1);
        }
        sink += (uint32_t)fdt_path_offset(&f, "/soc/serial@7e215040", 20);
        for (int i = 0; i < 4; i++) {
            struct fdt_reg r;
            if (fdt_rsvmap_get(&f, i, &r) == 0)
                sink += r.addr;
        }
        for (size_t c = 0; c < sizeof compats / sizeof compats[0]; c++) {
            struct fdt_device d;
            for (uint32_t i = 0; i < 3 && fdt_find_device(&f, compats[c], i, &d) == 0; i++)
                check(d.base + d.size >= d.base);
            for (int n = fdt_find_compatible(&f, -1, compats[c]), k = 0; n >= 0 && k < 64;
                 n = fdt_find_compatible(&f, n, compats[c]), k++)
                sink += fdt_is_compatible(&f, n, compats[c]);
        }
    }
    sink += strlen(fdt_strerror(fdt_init(&f, blob, size)));
    free(blob);
    return 0;
}
