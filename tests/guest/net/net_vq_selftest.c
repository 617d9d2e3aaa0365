/*
 * net_vq_selftest: the driver's defences against a device that writes
 * nonsense into the used ring. No device is needed: this program plays the
 * device on queues in ordinary memory and checks that the virtqueue and
 * the virtio-net receive path count and skip bad entries instead of
 * trusting them (docs/NET.md). It also checks net_chksum, lwIP's checksum
 * routine (userland/net/port/chksum.c), against a byte-at-a-time sum.
 */
#include <stdlib.h>
#include <string.h>
#include "../check.h"
#include "virtio.h"
#include "virtio_net.h"

static void *ring_mem(uint16_t size)
{
    size_t n = virtq_ring_bytes(size);
    void *p = aligned_alloc(4096, n);
    if (p)
        memset(p, 0, n);
    return p;
}

/* The device's side: one used entry. */
static void dev_use(struct virtq *vq, uint32_t id, uint32_t len)
{
    uint16_t i = vq->used->idx;
    vq->used->ring[i & (vq->size - 1)].id = id;
    vq->used->ring[i & (vq->size - 1)].len = len;
    __atomic_thread_fence(__ATOMIC_RELEASE);
    vq->used->idx = (uint16_t)(i + 1);
}

uint16_t net_chksum(const void *data, int len);

/* The Internet sum the slow way: little-endian 16-bit words from the first byte. */
static uint16_t chksum_ref(const uint8_t *p, int len)
{
    uint32_t s = 0;
    for (int i = 0; i + 1 < len; i += 2)
        s += (uint32_t)p[i] | (uint32_t)p[i + 1] << 8;
    if (len & 1)
        s += p[len - 1];
    while (s >> 16)
        s = (s & 0xffff) + (s >> 16);
    return (uint16_t)s;
}

/* Every start offset 0..15 and length 0..300, then frame-sized lengths; random,
 * all-ones (the carries) and all-zero data. Returns the number of mismatches. */
static int chksum_mismatches(void)
{
    static uint8_t buf[2048];
    uint32_t x = 12345;
    int bad = 0;
    for (int fill = 0; fill < 3; fill++) {
        for (unsigned i = 0; i < sizeof buf; i++) {
            x = x * 1103515245u + 12345u;
            buf[i] = fill == 0 ? (uint8_t)(x >> 16) : fill == 1 ? 0xff : 0;
        }
        for (int off = 0; off < 16; off++) {
            for (int len = 0; len <= 300; len++)
                bad += net_chksum(buf + off, len) != chksum_ref(buf + off, len);
            for (int len = 1400; len <= 1530; len += 7)
                bad += net_chksum(buf + off, len) != chksum_ref(buf + off, len);
        }
    }
    return bad;
}

static int delivered, delivered_len;
static bool rx_count(void *ctx, const uint8_t *frame, size_t len, unsigned buf)
{
    (void)ctx;
    (void)frame;
    (void)buf;
    delivered++;
    delivered_len = (int)len;
    return false;
}

/* Keeps every frame (zero copy): its buffer stays with the driver's caller. */
static int kept_buf = -1;
static bool rx_keep(void *ctx, const uint8_t *frame, size_t len, unsigned buf)
{
    (void)ctx;
    (void)frame;
    (void)len;
    kept_buf = (int)buf;
    return true;
}

int main(void)
{
    struct virtq vq;
    const uint16_t N = 8;
    int rc = virtq_init(&vq, 0, N, ring_mem(N), 0x48000000u);
    CHECK("vq_init", rc == 0, "rc %d", rc);
    CHECK("vq_init_rejects_non_power_of_two", virtq_init(&(struct virtq){ 0 }, 0, 6, ring_mem(8), 0) < 0,
          "accepted size 6");

    int cookies[N];
    int heads[N];
    for (int i = 0; i < 4; i++) {
        struct vq_seg s = { 0x48100000u + (uint64_t)i * 2048, 2048, true };
        heads[i] = virtq_add(&vq, &s, 1, &cookies[i]);
    }
    CHECK("vq_add", heads[0] >= 0 && heads[3] >= 0 && vq.nfree == N - 4, "nfree %u", vq.nfree);
    virtq_publish(&vq);
    CHECK("vq_published", vq.avail->idx == 4, "avail idx %u", vq.avail->idx);

    uint32_t len = 0;
    dev_use(&vq, (uint32_t)heads[0], 100);
    void *c = virtq_get_used(&vq, &len);
    CHECK("used_good_entry", c == &cookies[0] && len == 100, "cookie %p len %u", c, len);

    dev_use(&vq, 999, 10);                         /* id out of range */
    c = virtq_get_used(&vq, &len);
    CHECK("used_id_out_of_range_skipped", c == NULL && vq.stats.bad_id == 1, "cookie %p bad_id %llu",
          c, (unsigned long long)vq.stats.bad_id);

    dev_use(&vq, (uint32_t)heads[0], 10);          /* given back already */
    c = virtq_get_used(&vq, &len);
    CHECK("used_id_not_outstanding_skipped", c == NULL && vq.stats.bad_id == 2, "bad_id %llu",
          (unsigned long long)vq.stats.bad_id);

    dev_use(&vq, (uint32_t)heads[1], 4096);        /* longer than the 2048-byte buffer */
    c = virtq_get_used(&vq, &len);
    CHECK("used_len_over_buffer_zeroed", c == &cookies[1] && len == 0 && vq.stats.bad_len == 1,
          "cookie %p len %u bad_len %llu", c, len, (unsigned long long)vq.stats.bad_len);
    CHECK("descriptors_returned", vq.nfree == N - 2, "nfree %u", vq.nfree);

    /* a chain: 16 bytes out, 512 + 1 in */
    struct vq_seg chain[3] = { { 0x48200000u, 16, false }, { 0x48200100u, 512, true },
                               { 0x48200400u, 1, true } };
    int h = virtq_add(&vq, chain, 3, &cookies[5]);
    virtq_publish(&vq);
    CHECK("chain_added", h >= 0 && vq.nfree == N - 5, "head %d nfree %u", h, vq.nfree);
    CHECK("chain_linked", (vq.desc[h].flags & VIRTQ_DESC_F_NEXT) &&
                              !(vq.desc[h].flags & VIRTQ_DESC_F_WRITE),
          "flags %#x", vq.desc[h].flags);
    dev_use(&vq, (uint32_t)h, 514);                /* one byte more than the chain takes */
    c = virtq_get_used(&vq, &len);
    CHECK("chain_len_checked", c == &cookies[5] && len == 0 && vq.stats.bad_len == 2, "len %u", len);
    CHECK("chain_freed", vq.nfree == N - 2, "nfree %u", vq.nfree);

    int added = 0;
    struct vq_seg one = { 0x48300000u, 64, true };
    while (virtq_add(&vq, &one, 1, &cookies[7]) >= 0)
        added++;
    CHECK("ring_full_refused", added == N - 2 && vq.nfree == 0, "added %d", added);
    virtq_publish(&vq);

    vq.used->idx = (uint16_t)(vq.last_used + N + 5);   /* more used than ever made available */
    c = virtq_get_used(&vq, &len);
    CHECK("used_index_ahead_breaks_queue", c == NULL && vq.broken && vq.stats.bad_idx == 1,
          "cookie %p broken %d", c, vq.broken);
    CHECK("broken_queue_stays_quiet", virtq_get_used(&vq, &len) == NULL && !virtq_has_used(&vq), "no");

    /* the virtio-net receive path over such a queue */
    static struct vnet vn;
    static uint32_t fake_regs[0x200 / 4];
    memset(&vn, 0, sizeof(vn));
    vn.dev.regs = (volatile uint8_t *)fake_regs;   /* notifications land in plain memory */
    vn.hdr_len = 12;
    fake_regs[VIRTIO_MMIO_QUEUE_NOTIFY / 4] = 0xdead;
    vn.rx_lock = (struct net_mutex)NET_MUTEX_INITIALIZER;
    vn.tx_lock = (struct net_mutex)NET_MUTEX_INITIALIZER;
    rc = virtq_init(&vn.rxq, 0, N, ring_mem(N), 0x49000000u);
    vn.rx_buf = calloc(N, VNET_BUF_SIZE);
    vn.rx_pa = 0x49100000u;
    for (unsigned i = 0; i < N; i++) {
        struct vq_seg s = { vn.rx_pa + i * VNET_BUF_SIZE, VNET_BUF_SIZE, true };
        virtq_add(&vn.rxq, &s, 1, (void *)(uintptr_t)(i + 1));
    }
    virtq_publish(&vn.rxq);
    dev_use(&vn.rxq, 0, 12 + 60);                  /* a good 60-byte frame */
    dev_use(&vn.rxq, 1, 5);                        /* shorter than the header */
    dev_use(&vn.rxq, 2, 12 + 10);                  /* shorter than an Ethernet header */
    dev_use(&vn.rxq, 3, VNET_BUF_SIZE + 100);      /* longer than the buffer */
    dev_use(&vn.rxq, 77, 100);                     /* no such descriptor */
    unsigned n = vnet_rx_poll(&vn, rx_count, NULL, 64);
    CHECK("rx_good_frame_delivered", delivered == 1 && delivered_len == 60, "delivered %d len %d",
          delivered, delivered_len);
    CHECK("rx_bad_frames_dropped", vn.stats.rx_bad == 3 && vn.rxq.stats.bad_id == 1 &&
                                       vn.rxq.stats.bad_len == 1,
          "rx_bad %llu bad_id %llu bad_len %llu", (unsigned long long)vn.stats.rx_bad,
          (unsigned long long)vn.rxq.stats.bad_id, (unsigned long long)vn.rxq.stats.bad_len);
    CHECK("rx_buffers_reposted", n == 4 && vn.rxq.nfree == 0 && vn.rxq.avail->idx == N + 4,
          "n %u nfree %u avail %u", n, vn.rxq.nfree, vn.rxq.avail->idx);
    CHECK("rx_device_notified", fake_regs[VIRTIO_MMIO_QUEUE_NOTIFY / 4] == 0, "notify %#x",
          fake_regs[VIRTIO_MMIO_QUEUE_NOTIFY / 4]);

    /* zero copy: a kept frame's buffer goes back only when released */
    uint16_t avail_before = vn.rxq.avail->idx;
    dev_use(&vn.rxq, 4, 12 + 600);                 /* buffer 4, posted at the start */
    n = vnet_rx_poll(&vn, rx_keep, NULL, 64);
    CHECK("rx_kept_buffer_held", n == 1 && kept_buf == 4 && vn.rx_kept == 1 &&
                                     vn.rxq.nfree == 1 && vn.rxq.avail->idx == avail_before,
          "n %u buf %d kept %u nfree %u avail %u", n, kept_buf, vn.rx_kept, vn.rxq.nfree,
          vn.rxq.avail->idx);
    vnet_rx_release(&vn, 4);
    CHECK("rx_released_buffer_reposted", vn.rx_kept == 0 && vn.rxq.nfree == 0 &&
                                             vn.rxq.avail->idx == (uint16_t)(avail_before + 1),
          "kept %u nfree %u avail %u", vn.rx_kept, vn.rxq.nfree, vn.rxq.avail->idx);

    int bad = chksum_mismatches();
    CHECK("chksum_matches_reference", bad == 0, "%d mismatches", bad);

    printf("net_vq_selftest: done (%d failures)\n", check_failures);
    return check_failures ? 1 : 0;
}
