/*
 * Random numbers for kl.core.Sys.GetEntropy: a ChaCha20 generator with fast
 * key erasure (each request ends by replacing the key with fresh output, so
 * what was handed out cannot be recomputed from a later state). Seeded at
 * the first request from every source the board has, XORed together:
 * virtio-rng (QEMU virt with -device virtio-rng-device), the RNG200 (Pi 4),
 * and the device tree's /chosen/rng-seed (QEMU virt, recent Pi firmware);
 * the counter at that moment goes into the nonce. No source: no numbers
 * (rcUnimplemented), never a fixed seed. The kernel runs on one CPU with
 * its calls serialised, so no lock.
 */
#include <drivers/entropy_src.h>
#include <kernel/entropy.h>
#include <kernel/arch.h>
#include <kernel/fdt.h>
#include <kernel/lib.h>
#include <kernel/platform.h>
#include <kernel/printk.h>

static uint32_t key[8];
static uint64_t nonce, counter;
static int state;                 /* 0 not tried, 1 seeded, -1 no source */

static inline uint32_t rotl(uint32_t v, int n)
{
    return (v << n) | (v >> (32 - n));
}

#define QR(a, b, c, d)                                    \
    do {                                                  \
        a += b; d ^= a; d = rotl(d, 16);                  \
        c += d; b ^= c; b = rotl(b, 12);                  \
        a += b; d ^= a; d = rotl(d, 8);                   \
        c += d; b ^= c; b = rotl(b, 7);                   \
    } while (0)

/* One ChaCha20 block (RFC 8439 rounds; 64-bit counter, 64-bit nonce). */
static void chacha_block(uint32_t out[16])
{
    uint32_t in[16] = { 0x61707865u, 0x3320646eu, 0x79622d32u, 0x6b206574u };
    for (int i = 0; i < 8; i++)
        in[4 + i] = key[i];
    in[12] = (uint32_t)counter;
    in[13] = (uint32_t)(counter >> 32);
    in[14] = (uint32_t)nonce;
    in[15] = (uint32_t)(nonce >> 32);
    counter++;
    uint32_t x[16];
    memcpy(x, in, sizeof x);
    for (int i = 0; i < 10; i++) {
        QR(x[0], x[4], x[8], x[12]);
        QR(x[1], x[5], x[9], x[13]);
        QR(x[2], x[6], x[10], x[14]);
        QR(x[3], x[7], x[11], x[15]);
        QR(x[0], x[5], x[10], x[15]);
        QR(x[1], x[6], x[11], x[12]);
        QR(x[2], x[7], x[8], x[13]);
        QR(x[3], x[4], x[9], x[14]);
    }
    for (int i = 0; i < 16; i++)
        out[i] = x[i] + in[i];
}

/* XOR `len` bytes into the 32-byte key, wrapping around. */
static void mix(const uint8_t *p, size_t len)
{
    uint8_t *k = (uint8_t *)key;
    for (size_t i = 0; i < len; i++)
        k[i % sizeof key] ^= p[i];
}

static void rekey(void)
{
    uint32_t b[16];
    chacha_block(b);
    memcpy(key, b, sizeof key);
    memset(b, 0, sizeof b);
}

static void seed(void)
{
    const struct fdt *f = platform_fdt();
    uint8_t buf[64];
    size_t n, total = 0;

    if ((n = virtio_rng_read(f, buf, sizeof buf)) != 0) {
        mix(buf, n);
        total += n;
        printk("entropy: %u bytes from virtio-rng\n", (unsigned)n);
    }
    if ((n = rng200_read(f, buf, sizeof buf)) != 0) {
        mix(buf, n);
        total += n;
        printk("entropy: %u bytes from rng200\n", (unsigned)n);
    }
    if (f) {
        uint32_t len = 0;
        int chosen = fdt_path_offset(f, "/chosen", 7);
        const uint8_t *s = chosen >= 0 ? fdt_getprop(f, chosen, "rng-seed", &len) : NULL;
        if (s && len) {
            mix(s, len);
            total += len;
            printk("entropy: %u bytes from the device tree's rng-seed\n", (unsigned)len);
        }
    }
    memset(buf, 0, sizeof buf);
    if (total == 0) {
        printk("entropy: no source (getentropy fails with ENOSYS)\n");
        state = -1;
        return;
    }
    nonce = arch_counter();
    rekey();                      /* the key in use is never the raw seed */
    state = 1;
}

Retcode entropy_get(void *out, size_t n)
{
    if (state == 0)
        seed();
    if (state < 0)
        return rcUnimplemented;
    uint8_t *p = out;
    while (n > 0) {
        uint32_t b[16];
        size_t k = n < sizeof b ? n : sizeof b;
        chacha_block(b);
        memcpy(p, b, k);
        memset(b, 0, sizeof b);
        p += k;
        n -= k;
    }
    rekey();
    return rcOk;
}
