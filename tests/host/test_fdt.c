/*
 * Host test of kernel/fdt.c: lookups on a Pi-shaped tree (aliases, ranges
 * translation, /memreserve/), then thousands of random corruptions of the
 * blob, each walked with every API under ASan/UBSan: errors, never crashes.
 */
#include <kernel/fdt.h>
#include <string.h>
#include "check.h"

static unsigned long rng = 12345;
static unsigned rnd(void) { rng = rng * 6364136223846793005UL + 1442695040888963407UL; return rng >> 33; }

static void walk_everything(const struct fdt *f)
{
    struct fdt_reg r;
    uint32_t len, v;
    int steps = 0;
    for (int n = fdt_next_node(f, -1); n >= 0 && steps < 10000; n = fdt_next_node(f, n), steps++) {
        (void)fdt_node_name(f, n);
        (void)fdt_getprop(f, n, "compatible", &len);
        (void)fdt_is_compatible(f, n, "arm,pl011");
        (void)fdt_getprop_u32(f, n, "#address-cells", &v);
        for (int i = 0; i < 4; i++)
            (void)fdt_get_reg(f, n, i, &r);
        (void)fdt_parent(f, n);
        (void)fdt_first_child(f, n);
        (void)fdt_next_sibling(f, n);
    }
    (void)fdt_stdout_node(f);
    for (int i = 0; i < 8; i++)
        (void)fdt_rsvmap_get(f, i, &r);
    (void)fdt_path_offset(f, "/soc/serial@7e201000", 20);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: %s tree.dtb\n", argv[0]);
        return 2;
    }
    FILE *fp = fopen(argv[1], "rb");
    static uint8_t blob[65536], copy[65536];
    size_t size = fp ? fread(blob, 1, sizeof(blob), fp) : 0;
    CHECK(size > 40);

    struct fdt f;
    CHECK_EQ(fdt_init(&f, blob, size), 0);
    CHECK_EQ(fdt_init(&f, blob, size - 1), FDT_ERR_TRUNCATED);   /* totalsize beyond max */
    CHECK_EQ(fdt_init(&f, NULL, 0), FDT_ERR_TRUNCATED);
    memcpy(copy, blob, size);
    copy[0] ^= 1;
    CHECK_EQ(fdt_init(&f, copy, size), FDT_ERR_BADMAGIC);
    CHECK_EQ(fdt_init(&f, blob, size), 0);

    int serial = fdt_stdout_node(&f);
    CHECK(serial > 0);
    CHECK(fdt_is_compatible(&f, serial, "brcm,bcm2835-aux-uart"));
    struct fdt_reg r;
    CHECK_EQ(fdt_get_reg(&f, serial, 0, &r), 0);
    CHECK_EQ(r.addr, 0xfe215040);                 /* translated through /soc ranges */
    CHECK_EQ(r.size, 0x40);

    int mem = fdt_path_offset(&f, "/memory", 7);  /* unit address optional */
    CHECK(mem > 0);
    CHECK_EQ(fdt_get_reg(&f, mem, 2, &r), 0);
    CHECK_EQ(r.addr, 0x100000000LL);
    CHECK_EQ(r.size, 0x80000000LL);
    CHECK_EQ(fdt_get_reg(&f, mem, 3, &r), FDT_ERR_NOTFOUND);

    CHECK_EQ(fdt_rsvmap_get(&f, 0, &r), 0);
    CHECK_EQ(r.size, 0x1000);
    CHECK_EQ(fdt_rsvmap_get(&f, 1, &r), FDT_ERR_NOTFOUND);

    int pl011 = fdt_find_compatible(&f, -1, "arm,pl011");
    CHECK(pl011 > 0);
    CHECK(fdt_parent(&f, pl011) == fdt_path_offset(&f, "/soc", 4));
    CHECK_EQ(fdt_path_offset(&f, "/nonexistent", 12), FDT_ERR_NOTFOUND);
    CHECK_EQ(fdt_path_offset(&f, "/soc/serial", 11) > 0, 1);

    uint32_t len;
    const char *model = fdt_getprop(&f, 0, "model", &len);
    CHECK(model && strcmp(model, "Test Pi") == 0);

    /* Random corruption: flip bytes, truncate, or poison header words. */
    for (int iter = 0; iter < 20000; iter++) {
        memcpy(copy, blob, size);
        size_t n = size;
        int edits = 1 + rnd() % 8;
        for (int e = 0; e < edits; e++) {
            switch (rnd() % 4) {
            case 0: copy[rnd() % n] = (uint8_t)rnd(); break;
            case 1: n = 40 + rnd() % (n - 40 + 1); break;
            case 2: { size_t o = 8 + 4 * (rnd() % 8); uint32_t v = rnd(); memcpy(copy + o, &v, 4); break; }
            case 3: if (n > 40) copy[40 + rnd() % (n - 40)] ^= 0xff; break;
            }
        }
        if (fdt_init(&f, copy, n) == 0)
            walk_everything(&f);
    }
    CHECK_DONE();
}
