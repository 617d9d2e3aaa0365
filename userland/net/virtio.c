/*
 * virtio-mmio transport and split virtqueues (virtio.h, docs/NET.md).
 */
#include "virtio.h"

#include <coresrv/io/io_api.h>
#include <stdlib.h>
#include <string.h>

#define PAGE 4096u
#define ALIGN_UP(x, a) (((x) + (a) - 1) & ~((size_t)(a) - 1))

static inline void mb(void) { __asm__ volatile("dmb ish" ::: "memory"); }
static inline void rmb(void) { __asm__ volatile("dmb ishld" ::: "memory"); }
static inline void wmb(void) { __asm__ volatile("dmb ishst" ::: "memory"); }
/* Ordering of normal-memory writes before a device-memory write. */
static inline void io_wmb(void) { __asm__ volatile("dsb st" ::: "memory"); }

static inline uint32_t rd32(struct virtio_dev *d, unsigned off)
{
    return *(volatile uint32_t *)(d->regs + off);
}

static inline void wr32(struct virtio_dev *d, unsigned off, uint32_t v)
{
    *(volatile uint32_t *)(d->regs + off) = v;
}

/* ---------------------------------------------------------------- virtqueues */

size_t virtq_ring_bytes(uint16_t size)
{
    size_t avail_end = 16u * size + 6u + 2u * size;
    return ALIGN_UP(avail_end, PAGE) + ALIGN_UP(6u + 8u * size, PAGE);
}

int virtq_init(struct virtq *vq, uint16_t index, uint16_t size, void *va, uint64_t pa)
{
    if (size == 0 || size > VIRTQ_MAX_SIZE || (size & (size - 1)))
        return -1;
    memset(vq, 0, sizeof(*vq));
    vq->size = size;
    vq->index = index;
    vq->mem = va;
    vq->ring_bytes = virtq_ring_bytes(size);
    size_t used_off = ALIGN_UP(16u * size + 6u + 2u * size, PAGE);
    vq->desc = (volatile struct virtq_desc *)va;
    vq->avail = (volatile struct virtq_avail *)((uint8_t *)va + 16u * size);
    vq->used = (volatile struct virtq_used *)((uint8_t *)va + used_off);
    vq->desc_pa = pa;
    vq->avail_pa = pa + 16u * size;
    vq->used_pa = pa + used_off;
    vq->next = calloc(size, sizeof(*vq->next));
    vq->chain_len = calloc(size, sizeof(*vq->chain_len));
    vq->chain_cap = calloc(size, sizeof(*vq->chain_cap));
    vq->cookie = calloc(size, sizeof(*vq->cookie));
    if (!vq->next || !vq->chain_len || !vq->chain_cap || !vq->cookie) {
        free(vq->next);
        free(vq->chain_len);
        free(vq->chain_cap);
        free(vq->cookie);
        return -1;
    }
    for (uint16_t i = 0; i < size; i++)
        vq->next[i] = (uint16_t)(i + 1);          /* the last link is never followed */
    vq->free_head = 0;
    vq->nfree = size;
    return 0;
}

int virtq_add(struct virtq *vq, const struct vq_seg *segs, unsigned n, void *cookie)
{
    if (n == 0 || n > vq->nfree || !cookie)
        return -1;
    uint16_t head = vq->free_head, d = head;
    uint32_t cap = 0;
    for (unsigned i = 0; i < n; i++) {
        uint16_t flags = segs[i].device_writes ? VIRTQ_DESC_F_WRITE : 0;
        if (i + 1 < n)
            flags |= VIRTQ_DESC_F_NEXT;
        vq->desc[d].addr = segs[i].pa;
        vq->desc[d].len = segs[i].len;
        vq->desc[d].flags = flags;
        vq->desc[d].next = (uint16_t)(i + 1 < n ? vq->next[d] : 0);
        if (segs[i].device_writes)
            cap += segs[i].len;
        if (i + 1 < n)
            d = vq->next[d];
    }
    vq->free_head = vq->next[d];                   /* d: the chain's last descriptor */
    vq->nfree = (uint16_t)(vq->nfree - n);
    vq->chain_len[head] = (uint16_t)n;
    vq->chain_cap[head] = cap;
    vq->cookie[head] = cookie;
    vq->avail->ring[vq->avail_idx & (vq->size - 1)] = head;
    vq->avail_idx++;
    return head;
}

bool virtq_publish(struct virtq *vq)
{
    wmb();                                         /* descriptors and ring entries first */
    vq->avail->idx = vq->avail_idx;
    mb();                                          /* idx visible before reading the flags */
    return !(vq->used->flags & VIRTQ_USED_F_NO_NOTIFY);
}

/* Chains handed to the device and not yet given back. */
static uint16_t virtq_outstanding(struct virtq *vq)
{
    return (uint16_t)(vq->size - vq->nfree);       /* descriptors; >= chains */
}

bool virtq_has_used(struct virtq *vq)
{
    return !vq->broken && vq->used->idx != vq->last_used;
}

void *virtq_get_used(struct virtq *vq, uint32_t *len)
{
    while (!vq->broken) {
        uint16_t pending = (uint16_t)(vq->used->idx - vq->last_used);
        if (pending == 0)
            return NULL;
        if (pending > virtq_outstanding(vq)) {      /* more used than ever given */
            vq->stats.bad_idx++;
            vq->broken = true;
            return NULL;
        }
        rmb();                                     /* the entry after the index */
        volatile struct virtq_used_elem *e = &vq->used->ring[vq->last_used & (vq->size - 1)];
        uint32_t id = e->id, ulen = e->len;
        vq->last_used++;
        if (id >= vq->size || vq->chain_len[id] == 0) {
            vq->stats.bad_id++;                    /* not a chain we gave: skip it */
            continue;
        }
        uint16_t n = vq->chain_len[id], d = (uint16_t)id;
        for (uint16_t i = 1; i < n; i++)
            d = vq->next[d];
        vq->next[d] = vq->free_head;
        vq->free_head = (uint16_t)id;
        vq->nfree = (uint16_t)(vq->nfree + n);
        vq->chain_len[id] = 0;
        void *cookie = vq->cookie[id];
        vq->cookie[id] = NULL;
        if (ulen > vq->chain_cap[id]) {
            vq->stats.bad_len++;                   /* claims more than the buffers hold */
            ulen = 0;
        }
        *len = ulen;
        return cookie;
    }
    return NULL;
}

void virtq_set_interrupts(struct virtq *vq, bool on)
{
    vq->avail->flags = on ? 0 : VIRTQ_AVAIL_F_NO_INTERRUPT;
    mb();
}

/* ---------------------------------------------------------------- transport */

/* Register mappings made while probing, reused for devices in the same pages
 * (QEMU virt puts eight 0x200-byte slots in a page). Never unmapped: the
 * devices found stay in use, the others cost a little address space. */
#define MAP_CACHE 16
static struct {
    uint64_t pa;
    size_t len;
    volatile uint8_t *va;
} maps[MAP_CACHE];
static unsigned nmaps;

/* [pa, pa+size) mapped (through the cache); NULL with *rc the kernel's answer. */
static volatile uint8_t *map_regs(uint64_t pa, size_t size, int *rc)
{
    for (unsigned i = 0; i < nmaps; i++) {
        uint64_t off = pa - maps[i].pa;
        if (pa >= maps[i].pa && off <= maps[i].len && size <= maps[i].len - off)
            return maps[i].va + off;
    }
    uint64_t base = pa & ~(uint64_t)(PAGE - 1);
    size_t len = ALIGN_UP(pa + size - base, PAGE);
    void *va;
    Retcode r = KnIoMapMmio(base, len, &va);
    if (r != rcOk) {
        *rc = r;
        return NULL;
    }
    if (nmaps < MAP_CACHE) {
        maps[nmaps].pa = base;
        maps[nmaps].len = len;
        maps[nmaps].va = va;
        nmaps++;
    }
    return (volatile uint8_t *)va + (pa - base);
}

/* The version (1 or 2) when regs hold a virtio-mmio device with device_id, else 0. */
static uint32_t probe(volatile uint8_t *regs, uint32_t device_id)
{
    uint32_t magic = *(volatile uint32_t *)(regs + VIRTIO_MMIO_MAGIC);
    uint32_t version = *(volatile uint32_t *)(regs + VIRTIO_MMIO_VERSION);
    uint32_t id = *(volatile uint32_t *)(regs + VIRTIO_MMIO_DEVICE_ID);
    if (magic != VIRTIO_MMIO_MAGIC_VALUE || (version != 1 && version != 2) || id != device_id)
        return 0;
    return version;
}

static void found(struct virtio_dev *dev, volatile uint8_t *regs, uint64_t pa, unsigned slot,
                  unsigned intid, uint32_t version, uint32_t device_id)
{
    memset(dev, 0, sizeof(*dev));
    dev->regs = regs;
    dev->pa = pa;
    dev->slot = slot;
    dev->intid = intid;
    dev->version = version;
    dev->device_id = device_id;
}

int virtio_mmio_find(const struct virtio_mmio_window *win, uint32_t device_id, unsigned nth,
                     struct virtio_dev *dev, int *rc)
{
    uint64_t base = win && win->base ? win->base : VIRTIO_MMIO_VIRT_BASE;
    unsigned slots = win && win->slots ? win->slots : VIRTIO_MMIO_VIRT_SLOTS;
    unsigned intid = win && win->intid_base ? win->intid_base : VIRTIO_MMIO_VIRT_INTID;
    *rc = 0;
    if (slots > VIRTIO_MMIO_WINDOW_MAX_SLOTS) {
        *rc = rcInvalidArgument;
        return -1;
    }
    volatile uint8_t *window = map_regs(base, (size_t)slots * VIRTIO_MMIO_SLOT_SIZE, rc);
    if (!window)
        return -1;
    for (unsigned i = slots; i-- > 0;) {
        volatile uint8_t *regs = window + (size_t)i * VIRTIO_MMIO_SLOT_SIZE;
        uint32_t version = probe(regs, device_id);
        if (version == 0 || nth-- > 0)
            continue;
        found(dev, regs, base + (uint64_t)i * VIRTIO_MMIO_SLOT_SIZE, i, intid + i, version,
              device_id);
        return 1;
    }
    return 0;
}

struct dt_node {
    uint64_t base, size;
    uint32_t intid;
    unsigned index;
};

int virtio_mmio_find_dt(uint32_t device_id, unsigned nth, struct virtio_dev *dev, int *rc,
                        unsigned *nodes)
{
    struct dt_node n[VIRTIO_MMIO_DT_MAX];
    unsigned count = 0;
    *rc = 0;
    if (nodes)
        *nodes = 0;
    for (unsigned i = 0; count < VIRTIO_MMIO_DT_MAX; i++) {
        rtl_uint64_t base, size;
        rtl_uint32_t intid;
        Retcode r = KnIoFindDevice(VIRTIO_MMIO_COMPATIBLE, i, &base, &size, &intid);
        if (r == rcResourceNotFound)
            break;
        if (r != rcOk) {
            *rc = r;                              /* e.g. rcSecurityDisallow */
            return -1;
        }
        /* Insertion sort, highest address first: QEMU gives command-line
         * devices the top slots, so the first device given is found first. */
        unsigned j = count++;
        for (; j > 0 && n[j - 1].base < base; j--)
            n[j] = n[j - 1];
        n[j] = (struct dt_node){ base, size, intid, i };
    }
    if (nodes)
        *nodes = count;
    for (unsigned i = 0; i < count; i++) {
        /* Unusable nodes: no registers, too small for the register block,
         * or no interrupt on the GIC (these drivers are interrupt driven). */
        if (n[i].base == 0 || n[i].size < VIRTIO_MMIO_CONFIG || n[i].intid < 32)
            continue;
        size_t size = n[i].size < PAGE ? (size_t)n[i].size : PAGE;
        int r = 0;
        volatile uint8_t *regs = map_regs(n[i].base, size, &r);
        if (!regs) {
            if (r == rcInvalidArgument)
                continue;                         /* not device memory: not a device */
            *rc = r;
            return -1;
        }
        uint32_t version = probe(regs, device_id);
        if (version == 0 || nth-- > 0)
            continue;
        found(dev, regs, n[i].base, n[i].index, n[i].intid, version, device_id);
        return 1;
    }
    return 0;
}

int virtio_begin(struct virtio_dev *dev)
{
    wr32(dev, VIRTIO_MMIO_STATUS, 0);                         /* reset */
    for (unsigned spins = 0; rd32(dev, VIRTIO_MMIO_STATUS) != 0; spins++)
        if (spins > 1000000)
            return -1;                                        /* never came out of reset */
    wr32(dev, VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE);
    wr32(dev, VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
    if (dev->version == 1)
        wr32(dev, VIRTIO_MMIO_GUEST_PAGE_SIZE, PAGE);
    return 0;
}

int virtio_negotiate(struct virtio_dev *dev, uint64_t wanted)
{
    wr32(dev, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 0);
    uint64_t offered = rd32(dev, VIRTIO_MMIO_DEVICE_FEATURES);
    if (dev->version == 2) {
        wr32(dev, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 1);
        offered |= (uint64_t)rd32(dev, VIRTIO_MMIO_DEVICE_FEATURES) << 32;
    } else {
        wanted &= 0xffffffffull;                   /* legacy: 32 feature bits */
    }
    uint64_t f = offered & wanted;
    if (dev->version == 2 && !(f & VIRTIO_BIT(VIRTIO_F_VERSION_1)))
        return -1;                                 /* a modern device must offer it */
    wr32(dev, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
    wr32(dev, VIRTIO_MMIO_DRIVER_FEATURES, (uint32_t)f);
    if (dev->version == 2) {
        wr32(dev, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
        wr32(dev, VIRTIO_MMIO_DRIVER_FEATURES, (uint32_t)(f >> 32));
        uint32_t st = rd32(dev, VIRTIO_MMIO_STATUS);
        wr32(dev, VIRTIO_MMIO_STATUS, st | VIRTIO_STATUS_FEATURES_OK);
        if (!(rd32(dev, VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_FEATURES_OK))
            return -1;
    }
    dev->features = f;
    return 0;
}

int virtio_queue_setup(struct virtio_dev *dev, struct virtq *vq, uint16_t index, uint16_t max_size)
{
    wr32(dev, VIRTIO_MMIO_QUEUE_SEL, index);
    if (dev->version == 2 ? rd32(dev, VIRTIO_MMIO_QUEUE_READY) != 0
                          : rd32(dev, VIRTIO_MMIO_QUEUE_PFN) != 0)
        return -1;                                 /* in use after a reset: broken device */
    uint32_t max = rd32(dev, VIRTIO_MMIO_QUEUE_NUM_MAX);
    if (max == 0)
        return -1;                                 /* no such queue */
    uint32_t size = max_size < max ? max_size : max;
    if (size > VIRTQ_MAX_SIZE)
        size = VIRTQ_MAX_SIZE;
    while (size & (size - 1))
        size &= size - 1;                          /* a power of two */
    size_t bytes = virtq_ring_bytes((uint16_t)size);
    void *va;
    uint64_t pa;
    if (KnIoAllocDma(bytes, &va, &pa) != rcOk)
        return -1;
    if (virtq_init(vq, index, (uint16_t)size, va, pa))
        return -1;
    wr32(dev, VIRTIO_MMIO_QUEUE_NUM, size);
    if (dev->version == 2) {
        wr32(dev, VIRTIO_MMIO_QUEUE_DESC_LOW, (uint32_t)vq->desc_pa);
        wr32(dev, VIRTIO_MMIO_QUEUE_DESC_HIGH, (uint32_t)(vq->desc_pa >> 32));
        wr32(dev, VIRTIO_MMIO_QUEUE_AVAIL_LOW, (uint32_t)vq->avail_pa);
        wr32(dev, VIRTIO_MMIO_QUEUE_AVAIL_HIGH, (uint32_t)(vq->avail_pa >> 32));
        wr32(dev, VIRTIO_MMIO_QUEUE_USED_LOW, (uint32_t)vq->used_pa);
        wr32(dev, VIRTIO_MMIO_QUEUE_USED_HIGH, (uint32_t)(vq->used_pa >> 32));
        wr32(dev, VIRTIO_MMIO_QUEUE_READY, 1);
    } else {
        wr32(dev, VIRTIO_MMIO_QUEUE_ALIGN, PAGE);
        wr32(dev, VIRTIO_MMIO_QUEUE_PFN, (uint32_t)(pa / PAGE));
    }
    return 0;
}

void virtio_driver_ok(struct virtio_dev *dev)
{
    io_wmb();
    wr32(dev, VIRTIO_MMIO_STATUS, rd32(dev, VIRTIO_MMIO_STATUS) | VIRTIO_STATUS_DRIVER_OK);
}

void virtio_fail(struct virtio_dev *dev)
{
    wr32(dev, VIRTIO_MMIO_STATUS, rd32(dev, VIRTIO_MMIO_STATUS) | VIRTIO_STATUS_FAILED);
}

void virtio_notify(struct virtio_dev *dev, struct virtq *vq)
{
    io_wmb();
    wr32(dev, VIRTIO_MMIO_QUEUE_NOTIFY, vq->index);
}

uint32_t virtio_ack_interrupt(struct virtio_dev *dev)
{
    uint32_t st = rd32(dev, VIRTIO_MMIO_INTERRUPT_STATUS);
    if (st)
        wr32(dev, VIRTIO_MMIO_INTERRUPT_ACK, st);
    return st;
}

uint8_t virtio_config8(struct virtio_dev *dev, unsigned off)
{
    return *(volatile uint8_t *)(dev->regs + VIRTIO_MMIO_CONFIG + off);
}

uint16_t virtio_config16(struct virtio_dev *dev, unsigned off)
{
    return *(volatile uint16_t *)(dev->regs + VIRTIO_MMIO_CONFIG + off);
}

uint32_t virtio_status(struct virtio_dev *dev)
{
    return rd32(dev, VIRTIO_MMIO_STATUS);
}
