/*
 * The BCM2711 RNG200 (Raspberry Pi 4), polled, for the kernel's entropy
 * seed: enable the generator, wait (at most 100 ms) for words in its FIFO,
 * read them, unmap. Register map: RNG_CTRL 0x00 (bit 0: generator on),
 * FIFO_DATA 0x20, FIFO_COUNT 0x24 (bits 0-7: words waiting).
 */
#include <drivers/entropy_src.h>
#include <drivers/mmio.h>
#include <kernel/arch.h>
#include <kernel/fdt_device.h>
#include <kernel/lib.h>
#include <kernel/time.h>

#define RNG_CTRL       0x00
#define RNG_CTRL_MASK  0x1fffu
#define RNG_FIFO_DATA  0x20
#define RNG_FIFO_COUNT 0x24
#define TIMEOUT_NS     100000000ull

size_t rng200_read(const struct fdt *f, void *buf, size_t len)
{
    struct fdt_device d;
    if (!f || len == 0 || fdt_find_device(f, "brcm,bcm2711-rng200", 0, &d) != 0 ||
        d.base == 0 || d.size < 0x28)
        return 0;
    volatile uint8_t *r = ioremap(d.base, 0x28);
    if (!r)
        return 0;
    uint32_t ctrl = mmio_read32(r, RNG_CTRL);
    mmio_write32(r, RNG_CTRL, (ctrl & ~RNG_CTRL_MASK) | 1u);
    size_t got = 0;
    uint64_t deadline = time_now_ns() + TIMEOUT_NS;
    while (got < len && time_now_ns() < deadline) {
        uint32_t n = mmio_read32(r, RNG_FIFO_COUNT) & 0xffu;
        for (; n > 0 && got < len; n--) {
            uint32_t w = mmio_read32(r, RNG_FIFO_DATA);
            size_t k = len - got < 4 ? len - got : 4;
            memcpy((uint8_t *)buf + got, &w, k);
            got += k;
        }
    }
    iounmap(d.base, 0x28);
    return got;
}
