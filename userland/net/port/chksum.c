/*
 * net_chksum: the Internet checksum's sum for lwIP (LWIP_CHKSUM in
 * lwipopts.h; docs/NET.md, docs/PERFORMANCE.md "Network").
 *
 * The one's-complement sum of the data as little-endian 16-bit words
 * counted from its first byte (a last odd byte is the low half of a word),
 * folded to 16 bits and not inverted: the same value as lwIP's
 * lwip_standard_chksum for any address and length. lwIP's C loops add
 * 32 bits at a time with a compare per word (about 1.1 instructions per
 * byte, the largest single item of the TCP echo's profile); here 64 bytes
 * go through one ADCS chain (4 LDP + 8 ADCS + loop, about 0.23 per byte),
 * then the rest 8, 4, 2, 1 bytes at a time. The one's-complement sum of
 * 64-bit words folds to the sum of the 16-bit words (RFC 1071), and a
 * sum counted from the data's first byte needs no swap for an odd address.
 * Unaligned loads are fine: pbufs and DMA buffers are normal memory.
 */
#include <stdint.h>
#include <string.h>

uint16_t net_chksum(const void *data, int len);

/* a + b with the carry out added back in (end-around carry). */
static inline uint64_t add1c(uint64_t a, uint64_t b)
{
    uint64_t s = a + b;
    return s + (s < b);
}

static inline uint64_t load64(const uint8_t *p)
{
    uint64_t v;
    memcpy(&v, p, 8);
    return v;
}

uint16_t net_chksum(const void *data, int len)
{
    const uint8_t *p = data;
    uint64_t sum = 0;
    if (len <= 0)
        return 0;
    size_t n = (size_t)len;
#if defined(__aarch64__)
    size_t blocks = n / 64;
    if (blocks) {
        uint64_t t0, t1, t2, t3, t4, t5, t6, t7;
        __asm__("cmn  xzr, xzr\n"                         /* carry clear */
                "1:\n"
                "ldp  %[t0], %[t1], [%[p]]\n"
                "ldp  %[t2], %[t3], [%[p], #16]\n"
                "ldp  %[t4], %[t5], [%[p], #32]\n"
                "ldp  %[t6], %[t7], [%[p], #48]\n"
                "add  %[p], %[p], #64\n"                  /* ADD/SUB/CBNZ keep the flags */
                "sub  %[b], %[b], #1\n"
                "adcs %[s], %[s], %[t0]\n"
                "adcs %[s], %[s], %[t1]\n"
                "adcs %[s], %[s], %[t2]\n"
                "adcs %[s], %[s], %[t3]\n"
                "adcs %[s], %[s], %[t4]\n"
                "adcs %[s], %[s], %[t5]\n"
                "adcs %[s], %[s], %[t6]\n"
                "adcs %[s], %[s], %[t7]\n"
                "cbnz %[b], 1b\n"
                "adc  %[s], %[s], xzr\n"                  /* the last carry back in */
                : [s] "+r"(sum), [p] "+r"(p), [b] "+r"(blocks), [t0] "=&r"(t0),
                  [t1] "=&r"(t1), [t2] "=&r"(t2), [t3] "=&r"(t3), [t4] "=&r"(t4),
                  [t5] "=&r"(t5), [t6] "=&r"(t6), [t7] "=&r"(t7)
                : : "cc", "memory");
        n %= 64;
    }
#endif
    for (; n >= 8; n -= 8, p += 8)
        sum = add1c(sum, load64(p));
    if (n >= 4) {
        uint32_t v;
        memcpy(&v, p, 4);
        sum = add1c(sum, v);
        p += 4;
        n -= 4;
    }
    if (n >= 2) {
        uint16_t v;
        memcpy(&v, p, 2);
        sum = add1c(sum, v);
        p += 2;
        n -= 2;
    }
    if (n)
        sum = add1c(sum, *p);
    /* 64 -> 32 -> 16 bits, each fold adding its carry back in */
    sum = (sum & 0xffffffffu) + (sum >> 32);
    sum = (sum & 0xffffffffu) + (sum >> 32);
    sum = (sum & 0xffffu) + (sum >> 16);
    sum = (sum & 0xffffu) + (sum >> 16);
    return (uint16_t)sum;
}
