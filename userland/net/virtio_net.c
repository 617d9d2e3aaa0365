/*
 * virtio-net over virtio-mmio (virtio_net.h, docs/NET.md).
 *
 * Queue 0 receives, queue 1 transmits; one descriptor per buffer, the
 * virtio-net header in front of the frame in the same buffer. RX buffers
 * are reposted as soon as their frame was handed on, or, when the callback
 * kept the frame in place (zero copy), when it releases it; TX buffers
 * come back when the device has sent them (reclaimed by the next sender:
 * the TX queue does not interrupt).
 */
#include "virtio_net.h"

#include <coresrv/io/io_api.h>
#include <coresrv/handle/handle_api.h>
#include <coresrv/time/time_api.h>
#include <kos/thread.h>
#include <stdlib.h>
#include <string.h>
#include <uapi/syscall.h>

#define RXQ 0
#define TXQ 1
#define ETH_HLEN 14u
#define TX_WAIT_NS 20000000ull

const char *vnet_strerror(int err)
{
    switch (err) {
    case VNET_OK: return "ok";
    case VNET_ENODEV: return "no virtio-net device";
    case VNET_EACCES: return "device access refused (kl.core.Io)";
    case VNET_EIO: return "virtio-net device refused the setup";
    case VNET_ENOMEM: return "out of memory";
    default: return "unknown error";
    }
}

static inline void *rx_cookie(unsigned i) { return (void *)(uintptr_t)(i + 1); }
static inline unsigned cookie_index(void *c) { return (unsigned)((uintptr_t)c - 1); }

static void rx_post(struct vnet *vn, unsigned i)
{
    struct vq_seg seg = { vn->rx_pa + (uint64_t)i * VNET_BUF_SIZE, VNET_BUF_SIZE, true };
    virtq_add(&vn->rxq, &seg, 1, rx_cookie(i));
}

static int fail(struct vnet *vn, int err)
{
    virtio_fail(&vn->dev);
    return err;
}

int vnet_open(struct vnet *vn, const struct virtio_mmio_window *win)
{
    memset(vn, 0, sizeof(*vn));
    vn->tx_lock = (struct net_mutex)NET_MUTEX_INITIALIZER;
    vn->rx_lock = (struct net_mutex)NET_MUTEX_INITIALIZER;
    int rc;
    int found = virtio_mmio_find_dt(VIRTIO_ID_NET, 0, &vn->dev, &rc, &vn->dt_nodes);
    if (found < 0) {
        vn->last_retcode = rc;
        return VNET_EACCES;
    }
    if (found == 0 && win) {                          /* the explicit fallback window */
        vn->window_scanned = true;
        found = virtio_mmio_find(win, VIRTIO_ID_NET, 0, &vn->dev, &rc);
        if (found < 0) {
            vn->last_retcode = rc;
            /* rcInvalidArgument: the window is RAM or outside the address space on
             * this board (no virtio-mmio here); anything else is a refusal */
            return rc == rcInvalidArgument ? VNET_ENODEV : VNET_EACCES;
        }
    }
    if (found == 0)
        return VNET_ENODEV;

    struct virtio_dev *d = &vn->dev;
    if (virtio_begin(d))
        return VNET_EIO;
    uint64_t want = VIRTIO_BIT(VIRTIO_NET_F_MAC) | VIRTIO_BIT(VIRTIO_NET_F_STATUS) |
                    VIRTIO_BIT(VIRTIO_F_VERSION_1) | VIRTIO_BIT(VIRTIO_F_ANY_LAYOUT);
    if (virtio_negotiate(d, want))
        return fail(vn, VNET_EIO);
    vn->hdr_len = (d->features & VIRTIO_BIT(VIRTIO_F_VERSION_1)) ? 12 : 10;

    if (virtio_queue_setup(d, &vn->rxq, RXQ, VNET_QUEUE_SIZE) ||
        virtio_queue_setup(d, &vn->txq, TXQ, VNET_QUEUE_SIZE))
        return fail(vn, VNET_EIO);

    unsigned nrx = vn->rxq.size, ntx = vn->txq.size;
    void *va;
    if (KnIoAllocDma((size_t)nrx * VNET_BUF_SIZE, &va, &vn->rx_pa) != rcOk)
        return fail(vn, VNET_ENOMEM);
    vn->rx_buf = va;
    if (KnIoAllocDma((size_t)ntx * VNET_BUF_SIZE, &va, &vn->tx_pa) != rcOk)
        return fail(vn, VNET_ENOMEM);
    vn->tx_buf = va;
    vn->tx_free = calloc(ntx, sizeof(*vn->tx_free));
    if (!vn->tx_free)
        return fail(vn, VNET_ENOMEM);
    for (unsigned i = 0; i < ntx; i++)
        vn->tx_free[i] = (uint16_t)(ntx - 1 - i);
    vn->tx_nfree = ntx;

    if (d->features & VIRTIO_BIT(VIRTIO_NET_F_MAC)) {
        for (unsigned i = 0; i < 6; i++)
            vn->mac[i] = virtio_config8(d, i);
    } else {                                          /* locally administered, from the clock */
        uint64_t t = KnGetUpTimeNs();
        uint8_t mac[6] = { 0x52, 0x54, 0x00, (uint8_t)(t >> 16), (uint8_t)(t >> 8), (uint8_t)t };
        memcpy(vn->mac, mac, 6);
    }

    Retcode r = KnIoAttachIrq(d->intid, &vn->irq);
    if (r != rcOk) {
        vn->last_retcode = r;
        return fail(vn, VNET_EACCES);
    }
    for (unsigned i = 0; i < nrx; i++)
        rx_post(vn, i);
    virtq_set_interrupts(&vn->txq, false);
    virtq_publish(&vn->rxq);
    virtio_driver_ok(d);
    if (virtio_status(d) & (VIRTIO_STATUS_NEEDS_RESET | VIRTIO_STATUS_FAILED))
        return fail(vn, VNET_EIO);
    virtio_notify(d, &vn->rxq);
    return VNET_OK;
}

bool vnet_link_up(struct vnet *vn)
{
    if (!(vn->dev.features & VIRTIO_BIT(VIRTIO_NET_F_STATUS)))
        return true;
    return virtio_config16(&vn->dev, 6) & VIRTIO_NET_S_LINK_UP;
}

int vnet_wait(struct vnet *vn, uint64_t timeout_ns)
{
    Retcode rc = KnIoWaitIrq(vn->irq, timeout_ns);
    if (rc == rcTimeout)
        return 1;
    if (rc != rcOk)
        return -1;
    vn->stats.irqs++;
    virtio_ack_interrupt(&vn->dev);      /* the line drops with the status */
    KnIoAckIrq(vn->irq);                 /* then unmask: a new event fires again */
    return 0;
}

/* Used entries are taken and buffers reposted under rx_lock, in batches; the
 * callback runs unlocked (it enters lwIP, whose core lock is taken before
 * rx_lock by any thread that frees a kept frame: no lock order to invert). */
#define RX_BATCH 32u

unsigned vnet_rx_poll(struct vnet *vn, vnet_rx_fn fn, void *ctx, unsigned budget)
{
    unsigned total = 0;
    while (total < budget) {
        uint16_t idx[RX_BATCH];
        uint32_t lens[RX_BATCH];
        unsigned n = 0;
        net_mutex_lock(&vn->rx_lock);
        while (n < RX_BATCH && total + n < budget) {
            void *c = virtq_get_used(&vn->rxq, &lens[n]);
            if (!c)
                break;
            idx[n++] = (uint16_t)cookie_index(c);
        }
        net_mutex_unlock(&vn->rx_lock);
        if (n == 0)
            break;
        bool keep[RX_BATCH];
        for (unsigned k = 0; k < n; k++) {
            uint32_t len = lens[k];
            keep[k] = false;
            /* len is at most VNET_BUF_SIZE here (virtq_get_used checked it; 0 if it lied) */
            if (len < vn->hdr_len + ETH_HLEN || len - vn->hdr_len > VNET_FRAME_MAX + 4u) {
                vn->stats.rx_bad++;
                continue;
            }
            vn->stats.rx_packets++;
            vn->stats.rx_bytes += len - vn->hdr_len;
            keep[k] = fn(ctx, vn->rx_buf + (size_t)idx[k] * VNET_BUF_SIZE + vn->hdr_len,
                         len - vn->hdr_len, idx[k]);
        }
        unsigned posted = 0;
        net_mutex_lock(&vn->rx_lock);
        for (unsigned k = 0; k < n; k++) {
            if (keep[k]) {
                vn->rx_kept++;
            } else {
                rx_post(vn, idx[k]);
                posted++;
            }
        }
        if (posted && virtq_publish(&vn->rxq))
            virtio_notify(&vn->dev, &vn->rxq);
        net_mutex_unlock(&vn->rx_lock);
        total += n;
    }
    return total;
}

void vnet_rx_release(struct vnet *vn, unsigned buf)
{
    if (buf >= vn->rxq.size)
        return;
    net_mutex_lock(&vn->rx_lock);
    vn->rx_kept--;
    rx_post(vn, buf);
    if (virtq_publish(&vn->rxq))
        virtio_notify(&vn->dev, &vn->rxq);
    net_mutex_unlock(&vn->rx_lock);
}

static void tx_reclaim(struct vnet *vn)
{
    uint32_t len;
    void *c;
    while ((c = virtq_get_used(&vn->txq, &len)) != NULL)
        vn->tx_free[vn->tx_nfree++] = (uint16_t)cookie_index(c);
}

int vnet_tx(struct vnet *vn, size_t len, vnet_fill_fn fill, void *ctx)
{
    if (len > VNET_BUF_SIZE - vn->hdr_len || len < ETH_HLEN) {
        vn->stats.tx_too_big++;
        return -1;
    }
    net_mutex_lock(&vn->tx_lock);
    tx_reclaim(vn);
    if (vn->tx_nfree == 0) {
        vn->stats.tx_full++;
        uint64_t until = KnGetUpTimeNs() + TX_WAIT_NS;
        while (vn->tx_nfree == 0 && !vn->txq.broken && KnGetUpTimeNs() < until) {
            KosThreadYield();
            tx_reclaim(vn);
        }
        if (vn->tx_nfree == 0) {
            net_mutex_unlock(&vn->tx_lock);
            return -1;
        }
    }
    unsigned i = vn->tx_free[--vn->tx_nfree];
    uint8_t *buf = vn->tx_buf + (size_t)i * VNET_BUF_SIZE;
    memset(buf, 0, vn->hdr_len);                  /* no offloads: an all-zero header */
    fill(ctx, buf + vn->hdr_len, len);
    struct vq_seg seg = { vn->tx_pa + (uint64_t)i * VNET_BUF_SIZE, (uint32_t)(vn->hdr_len + len),
                          false };
    virtq_add(&vn->txq, &seg, 1, rx_cookie(i));
    vn->stats.tx_packets++;
    vn->stats.tx_bytes += len;
    if (virtq_publish(&vn->txq))
        virtio_notify(&vn->dev, &vn->txq);
    net_mutex_unlock(&vn->tx_lock);
    return 0;
}
