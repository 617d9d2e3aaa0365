/*
 * virtio-net driver over virtio-mmio (docs/NET.md). Independent of the
 * TCP/IP stack: frames go in and out as bytes.
 *
 *   vnet_open       find the device, negotiate, set up RX/TX queues, attach the IRQ
 *   vnet_wait       block until the device interrupts (or timeout), acknowledge it
 *   vnet_rx_poll    hand each received frame to a callback, give the buffer back
 *                   (or, if the callback keeps it, once vnet_rx_release says so)
 *   vnet_tx         copy one frame into a TX buffer (through a fill callback), send it
 *
 * One thread receives (vnet_wait + vnet_rx_poll); any number may send
 * (vnet_tx serialises them).
 */
#ifndef NET_VIRTIO_NET_H
#define NET_VIRTIO_NET_H

#include <kos/mutex.h>
#include "netlock.h"
#include <uapi/msg.h>
#include "virtio.h"

#define VIRTIO_NET_F_MAC        5
#define VIRTIO_NET_F_STATUS     16
#define VIRTIO_NET_S_LINK_UP    1u

#define VNET_QUEUE_SIZE   256u      /* entries per queue (fewer if the device says so) */
#define VNET_BUF_SIZE     2048u     /* one frame + the virtio-net header per buffer */
#define VNET_MTU          1500u
#define VNET_FRAME_MAX    1514u     /* Ethernet header + MTU (no FCS, no VLAN tag) */

enum {
    VNET_OK = 0,
    VNET_ENODEV = -1,               /* no virtio-net device (device tree, window) */
    VNET_EACCES = -2,               /* kl.core.Io refused (MMIO, IRQ or DMA) */
    VNET_EIO = -3,                  /* the device refused the setup */
    VNET_ENOMEM = -4,
};

struct vnet_stats {
    uint64_t irqs, rx_packets, rx_bytes, rx_bad, tx_packets, tx_bytes, tx_full, tx_too_big;
};

struct vnet {
    struct virtio_dev dev;
    struct virtq rxq, txq;
    Handle irq;
    unsigned hdr_len;               /* 12 (VERSION_1) or 10 (legacy) */
    uint8_t mac[6];
    uint8_t *rx_buf, *tx_buf;       /* VNET_BUF_SIZE each, rxq.size / txq.size of them */
    uint64_t rx_pa, tx_pa;
    uint16_t *tx_free;              /* stack of free TX buffer indices */
    unsigned tx_nfree;
    unsigned rx_kept;               /* RX buffers held by vnet_rx_fn callbacks (under rx_lock) */
    struct net_mutex tx_lock, rx_lock;   /* netlock.h: cheaper than a KosMutex per frame */
    int last_retcode;               /* the kernel's answer behind VNET_EACCES */
    unsigned dt_nodes;              /* virtio,mmio nodes in the device tree */
    bool window_scanned;            /* the fallback window was probed too */
    struct vnet_stats stats;
};

/* Finds the first virtio-net device among the device tree's virtio,mmio
 * nodes; only when there is none and `win` is not NULL, scans that window
 * (zeroes in it: QEMU virt's). Returns VNET_OK or a VNET_E* code. */
int vnet_open(struct vnet *vn, const struct virtio_mmio_window *win);
const char *vnet_strerror(int err);
/* Waits for the interrupt (timeout_ns; INFINITE_TIMEOUT: forever) and
 * acknowledges it on the device and the line. 0 it fired, 1 timeout, -1 error. */
int vnet_wait(struct vnet *vn, uint64_t timeout_ns);
/* A received frame in RX buffer `buf`. Returns false when done with it (the
 * buffer goes back to the device at once), true to keep the frame where it
 * is (zero copy) until vnet_rx_release(vn, buf). Called without the
 * driver's locks held, so it may call vnet_rx_release itself. */
typedef bool (*vnet_rx_fn)(void *ctx, const uint8_t *frame, size_t len, unsigned buf);
/* Delivers up to `budget` received frames (checked: length within the
 * buffer, at least an Ethernet header) and reposts the buffers not kept.
 * Returns how many buffers the device gave back. One thread polls. */
unsigned vnet_rx_poll(struct vnet *vn, vnet_rx_fn fn, void *ctx, unsigned budget);
/* Gives a kept RX buffer back to the device (any thread). */
void vnet_rx_release(struct vnet *vn, unsigned buf);
typedef void (*vnet_fill_fn)(void *ctx, uint8_t *dst, size_t len);
/* Sends a frame of `len` bytes that fill() writes into the TX buffer.
 * Waits (yielding) up to about 20 ms for a free buffer. 0, or -1 (no
 * buffer, frame too big, device broken). */
int vnet_tx(struct vnet *vn, size_t len, vnet_fill_fn fill, void *ctx);
bool vnet_link_up(struct vnet *vn);

#endif
