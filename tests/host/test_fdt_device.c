/*
 * Host test of kernel/fdt_device.c (kl.core.Io FindDevice): lookups by
 * compatible string on tests/host/data/devices.dts (status, reg through a
 * translated bus, interrupts through inherited, explicit and extended
 * interrupt parents, PPIs, bad specifiers), the same on the QEMU virt and
 * Pi-shaped trees when given, then random corruptions of each blob under
 * ASan/UBSan: every lookup ends with an error or a result, never a bad read.
 *
 * usage: test_fdt_device devices.dtb [virt.dtb] [pi.dtb]
 */
#include <kernel/fdt_device.h>
#include <string.h>
#include "check.h"

static unsigned long rng = 4242;
static unsigned rnd(void) { rng = rng * 6364136223846793005UL + 1442695040888963407UL; return rng >> 33; }

static size_t load(const char *path, uint8_t *buf, size_t cap)
{
    FILE *fp = fopen(path, "rb");
    size_t n = fp ? fread(buf, 1, cap, fp) : 0;
    if (fp)
        fclose(fp);
    return n;
}

static const char *const compats[] = {
    "virtio,mmio", "brcm,bcm2835-aux-uart", "test,nested-irq", "arm,armv8-timer", "test,noirq",
    "arm,pl011", "arm,cortex-a15-gic", "simple-bus", "",
};

/* Every lookup the kernel can be asked for, on a possibly corrupt tree. */
static void lookup_everything(const struct fdt *f)
{
    struct fdt_device d;
    for (size_t c = 0; c < sizeof(compats) / sizeof(compats[0]); c++)
        for (uint32_t i = 0; i < 40; i++) {
            int rc = fdt_find_device(f, compats[c], i, &d);
            if (rc != 0) {
                CHECK(rc == FDT_ERR_NOTFOUND || rc == FDT_ERR_BADSTRUCT);
                break;
            }
            CHECK(d.node >= 0);
            CHECK(d.intid == 0 || (d.intid >= 16 && d.intid < 1020));
            CHECK(d.base + d.size >= d.base);
        }
    for (uint32_t ph = 0; ph < 4; ph++)
        (void)fdt_node_by_phandle(f, 0x8000 + ph);
}

static void fuzz(const uint8_t *blob, size_t size, int rounds)
{
    static uint8_t copy[1 << 20];
    /* QEMU pads its tree to 1 MiB: aim at the header and the blocks in use */
    uint32_t end = fdt_be32(blob + 8) + fdt_be32(blob + 36);
    if (fdt_be32(blob + 12) + fdt_be32(blob + 32) > end)
        end = fdt_be32(blob + 12) + fdt_be32(blob + 32);
    size_t used = end < size ? end : size;
    for (int round = 0; round < rounds; round++) {
        memcpy(copy, blob, size);
        int flips = 1 + (int)(rnd() % 8);
        for (int i = 0; i < flips; i++) {
            size_t at = rnd() % used;
            switch (rnd() % 4) {
            case 0: copy[at] ^= (uint8_t)(1u << (rnd() % 8)); break;
            case 1: copy[at] = 0xff; break;
            case 2: copy[at] = 0; break;
            default:                        /* a token or length word somewhere */
                if (at + 4 <= size) {
                    uint32_t v = rnd() % 3 ? rnd() % 16 : rnd();
                    copy[at & ~3ul] = (uint8_t)(v >> 24);
                    copy[(at & ~3ul) + 1] = (uint8_t)(v >> 16);
                    copy[(at & ~3ul) + 2] = (uint8_t)(v >> 8);
                    copy[(at & ~3ul) + 3] = (uint8_t)v;
                }
            }
        }
        struct fdt f;
        if (fdt_init(&f, copy, size) == 0)
            lookup_everything(&f);
    }
    /* truncated blobs: the header's sizes claim more than there is */
    for (size_t cut = 40; cut < size; cut += 1 + size / 64) {
        struct fdt f;
        CHECK(fdt_init(&f, blob, cut) != 0);
    }
}

static void expect_dev(const struct fdt *f, const char *compat, uint32_t index, uint64_t base,
                       uint64_t size, uint32_t intid, int line)
{
    struct fdt_device d;
    int rc = fdt_find_device(f, compat, index, &d);
    if (rc != 0 || d.base != base || d.size != size || d.intid != intid) {
        fprintf(stderr, "line %d: %s[%u]: rc %d base %#llx size %#llx intid %u\n", line, compat,
                index, rc, (unsigned long long)d.base, (unsigned long long)d.size, d.intid);
        check_failures++;
    }
}
#define EXPECT_DEV(...) expect_dev(__VA_ARGS__, __LINE__)

static void test_devices(const struct fdt *f)
{
    struct fdt_device d;
    /* status: absent, "okay", "ok" count; "disabled" and anything else do not */
    EXPECT_DEV(f, "virtio,mmio", 0, 0xa000000, 0x200, 48);
    EXPECT_DEV(f, "virtio,mmio", 1, 0xa000400, 0x200, 50);
    EXPECT_DEV(f, "virtio,mmio", 2, 0xa000600, 0x200, 51);
    /* second string of a compatible list; bus with 1 cell translated; interrupts-extended
     * to a GIC with 4 interrupt cells */
    EXPECT_DEV(f, "virtio,mmio", 3, 0xfe300000, 0x1000, 64);
    CHECK_EQ(fdt_find_device(f, "virtio,mmio", 4, &d), FDT_ERR_NOTFOUND);
    CHECK_EQ(fdt_find_device(f, "virtio,mmio", 0xffffffffu, &d), FDT_ERR_NOTFOUND);
    CHECK_EQ(fdt_find_device(f, "test,weird", 0, &d), FDT_ERR_NOTFOUND);
    CHECK_EQ(fdt_find_device(f, "virtio", 0, &d), FDT_ERR_NOTFOUND);   /* whole strings only */
    CHECK_EQ(fdt_find_device(f, "nonexistent", 0, &d), FDT_ERR_NOTFOUND);
    CHECK_EQ(fdt_find_device(f, "", 0, &d), FDT_ERR_NOTFOUND);
    /* SPI 93 through the root's interrupt-parent, reg through /soc's ranges */
    EXPECT_DEV(f, "brcm,bcm2835-aux-uart", 0, 0xfe215040, 0x40, 32 + 93);
    /* first of several interrupts, a PPI: 16 + 13 */
    EXPECT_DEV(f, "arm,armv8-timer", 0, 0, 0, 29);
    /* interrupt on a nested controller (no INTID of its own), no reg */
    EXPECT_DEV(f, "test,nested-irq", 0, 0, 0, 0);
    EXPECT_DEV(f, "test,noirq", 0, 0xb000000, 0x1000, 0);
    EXPECT_DEV(f, "test,badspi", 0, 0xb001000, 0x1000, 0);          /* SPI 1000 > 987 */
    EXPECT_DEV(f, "test,shortirq", 0, 0xb002000, 0x1000, 0);        /* 2 cells of 3 */
    EXPECT_DEV(f, "test,dangling", 0, 0xb003000, 0x1000, 0);        /* no such phandle */
    EXPECT_DEV(f, "test,noreg", 0, 0, 0, 39);
    EXPECT_DEV(f, "test,untranslated", 0, 0, 0, 0);                 /* outside /soc's ranges */
    /* the GIC itself: two reg entries, the first is reported */
    EXPECT_DEV(f, "arm,cortex-a15-gic", 0, 0x8000000, 0x10000, 0);

    int uart = fdt_find_compatible(f, -1, "brcm,bcm2835-aux-uart");
    int gic = fdt_find_compatible(f, -1, "arm,cortex-a15-gic");
    CHECK(uart > 0 && gic > 0);
    CHECK_EQ(fdt_interrupt_parent(f, uart), gic);
    CHECK(fdt_node_enabled(f, uart));
    uint32_t ph = 0;
    CHECK(fdt_getprop_u32(f, gic, "phandle", &ph));
    CHECK_EQ(fdt_node_by_phandle(f, ph), gic);
    CHECK_EQ(fdt_node_by_phandle(f, 0), FDT_ERR_NOTFOUND);
    CHECK_EQ(fdt_node_by_phandle(f, 0xffffffffu), FDT_ERR_NOTFOUND);
    CHECK_EQ(fdt_node_by_phandle(f, 0x4242), FDT_ERR_NOTFOUND);
    uint32_t intid = 7;
    CHECK_EQ(fdt_node_intid(f, gic, &intid), FDT_ERR_NOTFOUND);
    CHECK_EQ(intid, 7);
}

/* QEMU virt's own tree (qemu-system-aarch64 -M virt,dumpdtb=): 32 slots from
 * 0x0a000000 in address order, SPI 16 + slot; the PL031 at SPI 2. */
static void test_virt(const struct fdt *f)
{
    struct fdt_device d;
    for (uint32_t i = 0; i < 32; i++)
        EXPECT_DEV(f, "virtio,mmio", i, 0xa000000 + 0x200ull * i, 0x200, 48 + i);
    CHECK_EQ(fdt_find_device(f, "virtio,mmio", 32, &d), FDT_ERR_NOTFOUND);
    EXPECT_DEV(f, "arm,pl031", 0, 0x9010000, 0x1000, 34);
    EXPECT_DEV(f, "arm,pl011", 0, 0x9000000, 0x1000, 33);
}

/* Debian's bcm2711-rpi-4-b.dtb: no virtio-mmio node; the mini UART on SPI 93. */
static void test_pi(const struct fdt *f)
{
    struct fdt_device d;
    CHECK_EQ(fdt_find_device(f, "virtio,mmio", 0, &d), FDT_ERR_NOTFOUND);
    EXPECT_DEV(f, "brcm,bcm2835-aux-uart", 0, 0xfe215040, 0x40, 32 + 93);
}

int main(int argc, char **argv)
{
    static uint8_t blob[1 << 20];
    if (argc < 2) {
        fprintf(stderr, "usage: %s devices.dtb [virt.dtb] [pi.dtb]\n", argv[0]);
        return 2;
    }
    for (int a = 1; a < argc; a++) {
        size_t size = load(argv[a], blob, sizeof(blob));
        struct fdt f;
        CHECK(size > 40);
        if (size <= 40 || fdt_init(&f, blob, size) != 0) {
            fprintf(stderr, "%s: not a usable tree\n", argv[a]);
            check_failures++;
            continue;
        }
        if (a == 1)
            test_devices(&f);
        else if (fdt_find_compatible(&f, -1, "brcm,bcm2711") >= 0)
            test_pi(&f);
        else
            test_virt(&f);
        lookup_everything(&f);
        fuzz(blob, size, a == 1 ? 5000 : 1000);
        printf("%s: checked\n", argv[a]);
    }
    CHECK_DONE();
}
