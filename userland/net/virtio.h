/*
 * virtio over MMIO for user-space drivers (docs/NET.md): the transport
 * (probe, reset, feature negotiation, queue setup, notify, interrupt
 * acknowledge) for the modern register layout (version 2) and the legacy
 * one (version 1), and split virtqueues whose memory comes from
 * KnIoAllocDma (bus addresses from the kernel).
 *
 * A virtqueue trusts nothing the device writes: every used-ring entry is
 * checked (descriptor id in range and outstanding, length within the
 * buffers the driver posted, used index not running ahead of what was
 * made available) before the driver looks at it.
 */
#ifndef NET_VIRTIO_H
#define NET_VIRTIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- MMIO registers (virtio 1.x, 4.2.2; legacy 4.2.4) ---- */
#define VIRTIO_MMIO_MAGIC            0x000
#define VIRTIO_MMIO_VERSION          0x004
#define VIRTIO_MMIO_DEVICE_ID        0x008
#define VIRTIO_MMIO_VENDOR_ID        0x00c
#define VIRTIO_MMIO_DEVICE_FEATURES  0x010
#define VIRTIO_MMIO_DEVICE_FEATURES_SEL 0x014
#define VIRTIO_MMIO_DRIVER_FEATURES  0x020
#define VIRTIO_MMIO_DRIVER_FEATURES_SEL 0x024
#define VIRTIO_MMIO_GUEST_PAGE_SIZE  0x028   /* legacy */
#define VIRTIO_MMIO_QUEUE_SEL        0x030
#define VIRTIO_MMIO_QUEUE_NUM_MAX    0x034
#define VIRTIO_MMIO_QUEUE_NUM        0x038
#define VIRTIO_MMIO_QUEUE_ALIGN      0x03c   /* legacy */
#define VIRTIO_MMIO_QUEUE_PFN        0x040   /* legacy */
#define VIRTIO_MMIO_QUEUE_READY      0x044
#define VIRTIO_MMIO_QUEUE_NOTIFY     0x050
#define VIRTIO_MMIO_INTERRUPT_STATUS 0x060
#define VIRTIO_MMIO_INTERRUPT_ACK    0x064
#define VIRTIO_MMIO_STATUS           0x070
#define VIRTIO_MMIO_QUEUE_DESC_LOW   0x080
#define VIRTIO_MMIO_QUEUE_DESC_HIGH  0x084
#define VIRTIO_MMIO_QUEUE_AVAIL_LOW  0x090
#define VIRTIO_MMIO_QUEUE_AVAIL_HIGH 0x094
#define VIRTIO_MMIO_QUEUE_USED_LOW   0x0a0
#define VIRTIO_MMIO_QUEUE_USED_HIGH  0x0a4
#define VIRTIO_MMIO_CONFIG_GENERATION 0x0fc
#define VIRTIO_MMIO_CONFIG           0x100

#define VIRTIO_MMIO_MAGIC_VALUE      0x74726976u   /* "virt" */

#define VIRTIO_STATUS_ACKNOWLEDGE    1u
#define VIRTIO_STATUS_DRIVER         2u
#define VIRTIO_STATUS_DRIVER_OK      4u
#define VIRTIO_STATUS_FEATURES_OK    8u
#define VIRTIO_STATUS_NEEDS_RESET    64u
#define VIRTIO_STATUS_FAILED         128u

#define VIRTIO_INT_USED_BUFFER       1u
#define VIRTIO_INT_CONFIG_CHANGE     2u

#define VIRTIO_F_ANY_LAYOUT          27
#define VIRTIO_F_VERSION_1           32
#define VIRTIO_BIT(n)                (1ull << (n))

#define VIRTIO_ID_NET                1u

/* Device-tree nodes of virtio-mmio devices; at most this many are looked at. */
#define VIRTIO_MMIO_COMPATIBLE       "virtio,mmio"
#define VIRTIO_MMIO_DT_MAX           64u

/* QEMU virt: 32 slots of 0x200 from 0x0a000000, SPI 16.. = INTID 48..
 * (the explicit window of virtio_mmio_find) */
#define VIRTIO_MMIO_VIRT_BASE        0x0a000000ull
#define VIRTIO_MMIO_VIRT_SLOTS       32u
#define VIRTIO_MMIO_SLOT_SIZE        0x200u
#define VIRTIO_MMIO_VIRT_INTID       48u
#define VIRTIO_MMIO_WINDOW_MAX_SLOTS 256u

/* ---- split virtqueue layout (virtio 1.x, 2.7) ---- */
#define VIRTQ_DESC_F_NEXT            1u
#define VIRTQ_DESC_F_WRITE           2u
#define VIRTQ_AVAIL_F_NO_INTERRUPT   1u
#define VIRTQ_USED_F_NO_NOTIFY       1u
#define VIRTQ_MAX_SIZE               1024u

struct virtq_desc {
    uint64_t addr;
    uint32_t len;
    uint16_t flags;
    uint16_t next;
};

struct virtq_avail {
    uint16_t flags;
    uint16_t idx;
    uint16_t ring[];
};

struct virtq_used_elem {
    uint32_t id;
    uint32_t len;
};

struct virtq_used {
    uint16_t flags;
    uint16_t idx;
    struct virtq_used_elem ring[];
};

/* One buffer of a descriptor chain. */
struct vq_seg {
    uint64_t pa;
    uint32_t len;
    bool device_writes;          /* VIRTQ_DESC_F_WRITE */
};

struct vq_stats {
    uint64_t bad_id;             /* used entry naming a descriptor out of range or not outstanding */
    uint64_t bad_len;            /* used length over what the chain can hold */
    uint64_t bad_idx;            /* used index ran ahead of the available ring */
};

/*
 * A split virtqueue. The ring memory (desc, avail, used) is shared with the
 * device; everything else is the driver's own and is what the driver
 * believes: chain links, lengths and cookies are never read back from the
 * shared descriptor table.
 */
struct virtq {
    uint16_t size;               /* descriptors, a power of two */
    uint16_t index;              /* queue number on the device */
    volatile struct virtq_desc *desc;
    volatile struct virtq_avail *avail;
    volatile struct virtq_used *used;
    uint64_t desc_pa, avail_pa, used_pa;
    void *mem;                   /* the DMA block (ring_bytes long) */
    size_t ring_bytes;
    uint16_t avail_idx;          /* next avail->idx we publish */
    uint16_t last_used;          /* used entries consumed so far */
    uint16_t free_head;          /* free descriptor list (driver-private links) */
    uint16_t nfree;
    uint16_t *next;              /* [size] driver-private chain links */
    uint16_t *chain_len;         /* [size] descriptors in the chain at this head (0: not outstanding) */
    uint32_t *chain_cap;         /* [size] device-writable bytes of the chain at this head */
    void **cookie;               /* [size] the driver's token for the chain at this head */
    bool broken;                 /* the device broke the ring protocol (bad used index) */
    struct vq_stats stats;
};

/* Bytes of ring memory for `size` entries in the legacy layout (used ring
 * on a 4096-byte boundary), which also satisfies the modern alignment. */
size_t virtq_ring_bytes(uint16_t size);
/* Lays a queue out on ring memory at va/pa (zeroed, ring_bytes long);
 * allocates the driver-private arrays. 0, or -1 without memory. */
int virtq_init(struct virtq *vq, uint16_t index, uint16_t size, void *va, uint64_t pa);
/* Makes a chain of n segments available with `cookie` (not NULL);
 * not yet visible to the device until virtq_publish. -1 when there are
 * not n free descriptors. */
int virtq_add(struct virtq *vq, const struct vq_seg *segs, unsigned n, void *cookie);
/* Publishes added chains (avail->idx) with the barriers the device needs;
 * true when the device wants a notification. */
bool virtq_publish(struct virtq *vq);
/* Next checked used entry: its cookie and the length the device wrote
 * (<= the chain's writable bytes), or NULL when none is pending. Bad
 * entries are counted in vq->stats and skipped. */
void *virtq_get_used(struct virtq *vq, uint32_t *len);
/* true when the device has used entries the driver has not taken. */
bool virtq_has_used(struct virtq *vq);
/* Asks the device not to interrupt for this queue (a hint) or to do so. */
void virtq_set_interrupts(struct virtq *vq, bool on);

/* ---- the MMIO transport ---- */
struct virtio_dev {
    volatile uint8_t *regs;      /* this slot's registers */
    uint64_t pa;
    unsigned slot;               /* index among the DTB's virtio,mmio nodes, or window slot */
    unsigned intid;
    uint32_t version;            /* 1 legacy, 2 modern */
    uint32_t device_id;
    uint64_t features;           /* negotiated */
};

/* Where to look: zeroes mean QEMU virt's layout. */
struct virtio_mmio_window {
    uint64_t base;
    unsigned slots;
    unsigned intid_base;
};

/* Finds the `nth` (0 = first) device with `device_id` among the device
 * tree's enabled "virtio,mmio" nodes (kl.core.Io FindDevice), probing each
 * by magic, version and device id from the highest address down (QEMU
 * fills slots from the top in command-line order). Nodes without registers
 * or without a GIC interrupt are skipped. dev->slot is the node's index in
 * tree order. *nodes (may be NULL): how many nodes the tree has (at most
 * VIRTIO_MMIO_DT_MAX are looked at). 1 found, 0 no such device (nothing is
 * mapped when the tree has no node), -1 kl.core.Io refused (*rc: e.g.
 * rcSecurityDisallow). */
int virtio_mmio_find_dt(uint32_t device_id, unsigned nth, struct virtio_dev *dev, int *rc,
                        unsigned *nodes);
/* The same over an explicit window of `slots` 0x200-byte slots (zeroes:
 * QEMU virt's), scanned from the top slot down. 1 found, 0 no such device,
 * -1 the window could not be mapped (*rc says why: rcInvalidArgument when
 * it is RAM on this board). */
int virtio_mmio_find(const struct virtio_mmio_window *win, uint32_t device_id, unsigned nth,
                     struct virtio_dev *dev, int *rc);
/* Resets the device and sets ACKNOWLEDGE | DRIVER. 0, or -1 if the reset never completes. */
int virtio_begin(struct virtio_dev *dev);
/* Offers `wanted` & the device's features; on a modern device
 * VIRTIO_F_VERSION_1 is required and FEATURES_OK must stick. 0 or -1. */
int virtio_negotiate(struct virtio_dev *dev, uint64_t wanted);
/* Sets up queue `index` with at most max_size entries on fresh DMA memory. 0 or -1. */
int virtio_queue_setup(struct virtio_dev *dev, struct virtq *vq, uint16_t index, uint16_t max_size);
void virtio_driver_ok(struct virtio_dev *dev);
void virtio_fail(struct virtio_dev *dev);
void virtio_notify(struct virtio_dev *dev, struct virtq *vq);
/* Reads and acknowledges the interrupt status (VIRTIO_INT_* bits). */
uint32_t virtio_ack_interrupt(struct virtio_dev *dev);
uint8_t virtio_config8(struct virtio_dev *dev, unsigned off);
uint16_t virtio_config16(struct virtio_dev *dev, unsigned off);
uint32_t virtio_status(struct virtio_dev *dev);

#endif
