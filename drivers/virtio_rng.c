/*
 * virtio-rng over virtio-mmio, polled, for the kernel's entropy seed
 * (kernel/entropy.c): one request of up to 64 bytes through a queue of at
 * most 4 descriptors, then the device is reset and unmapped. Handles the
 * legacy (version 1) and modern (version 2) register layouts.
 */
#include <drivers/entropy_src.h>
#include <drivers/mmio.h>
#include <kernel/arch.h>
#include <kernel/fdt_device.h>
#include <kernel/lib.h>
#include <kernel/pmm.h>
#include <kernel/time.h>
#include <arch/mmu.h>

#define VM_MAGIC        0x000
#define VM_VERSION      0x004
#define VM_DEVICE_ID    0x008
#define VM_DEV_FEAT     0x010
#define VM_DEV_FEAT_SEL 0x014
#define VM_DRV_FEAT     0x020
#define VM_DRV_FEAT_SEL 0x024
#define VM_PAGE_SIZE    0x028      /* legacy */
#define VM_QUEUE_SEL    0x030
#define VM_QUEUE_MAX    0x034
#define VM_QUEUE_NUM    0x038
#define VM_QUEUE_ALIGN  0x03c      /* legacy */
#define VM_QUEUE_PFN    0x040      /* legacy */
#define VM_QUEUE_READY  0x044      /* modern */
#define VM_QUEUE_NOTIFY 0x050
#define VM_STATUS       0x070
#define VM_DESC_LO      0x080
#define VM_DESC_HI      0x084
#define VM_AVAIL_LO     0x090
#define VM_AVAIL_HI     0x094
#define VM_USED_LO      0x0a0
#define VM_USED_HI      0x0a4

#define MAGIC           0x74726976u     /* "virt" */
#define ID_RNG          4u
#define ST_ACK 1u
#define ST_DRIVER 2u
#define ST_DRIVER_OK 4u
#define ST_FEATURES_OK 8u
#define DESC_F_WRITE 2u
#define QSIZE 4u
#define TIMEOUT_NS 100000000ull

struct vq_desc { uint64_t addr; uint32_t len; uint16_t flags, next; };
struct vq_avail { uint16_t flags, idx, ring[QSIZE], used_event; };
struct vq_used_elem { uint32_t id, len; };
struct vq_used { uint16_t flags, idx; struct vq_used_elem ring[QSIZE]; uint16_t avail_event; };

/* Two pages: descriptors, available ring and buffer in the first, the used
 * ring at the second (legacy queue alignment 4096). */
#define OFF_AVAIL 256
#define OFF_BUF   1024
#define OFF_USED  4096

static size_t read_device(volatile uint8_t *r, uint32_t version, void *buf, size_t len)
{
    paddr_t pa = pmm_alloc_pages(2, 1);
    if (!pa)
        return 0;
    uint8_t *mem = phys_to_virt(pa);
    memset(mem, 0, 2 * PAGE_SIZE);
    struct vq_desc *desc = (struct vq_desc *)mem;
    struct vq_avail *avail = (struct vq_avail *)(mem + OFF_AVAIL);
    volatile struct vq_used *used = (volatile struct vq_used *)(mem + OFF_USED);
    size_t got = 0;

    mmio_write32(r, VM_STATUS, 0);
    mmio_write32(r, VM_STATUS, ST_ACK);
    mmio_write32(r, VM_STATUS, ST_ACK | ST_DRIVER);
    uint32_t status = ST_ACK | ST_DRIVER;
    if (version == 2) {
        mmio_write32(r, VM_DEV_FEAT_SEL, 1);
        if (!(mmio_read32(r, VM_DEV_FEAT) & 1u))     /* VIRTIO_F_VERSION_1 */
            goto out;
        mmio_write32(r, VM_DRV_FEAT_SEL, 1);
        mmio_write32(r, VM_DRV_FEAT, 1u);
        mmio_write32(r, VM_DRV_FEAT_SEL, 0);
        mmio_write32(r, VM_DRV_FEAT, 0);
        status |= ST_FEATURES_OK;
        mmio_write32(r, VM_STATUS, status);
        if (!(mmio_read32(r, VM_STATUS) & ST_FEATURES_OK))
            goto out;
    } else {
        mmio_write32(r, VM_DRV_FEAT, 0);
        mmio_write32(r, VM_PAGE_SIZE, PAGE_SIZE);
    }
    mmio_write32(r, VM_QUEUE_SEL, 0);
    uint32_t max = mmio_read32(r, VM_QUEUE_MAX);
    if (max == 0)
        goto out;
    mmio_write32(r, VM_QUEUE_NUM, max < QSIZE ? max : QSIZE);
    if (version == 2) {
        mmio_write32(r, VM_DESC_LO, (uint32_t)pa);
        mmio_write32(r, VM_DESC_HI, (uint32_t)(pa >> 32));
        mmio_write32(r, VM_AVAIL_LO, (uint32_t)(pa + OFF_AVAIL));
        mmio_write32(r, VM_AVAIL_HI, (uint32_t)((pa + OFF_AVAIL) >> 32));
        mmio_write32(r, VM_USED_LO, (uint32_t)(pa + OFF_USED));
        mmio_write32(r, VM_USED_HI, (uint32_t)((pa + OFF_USED) >> 32));
        mmio_write32(r, VM_QUEUE_READY, 1);
    } else {
        /* Legacy: avail right after the descriptors of QueueNum entries. */
        avail = (struct vq_avail *)(mem + 16u * (max < QSIZE ? max : QSIZE));
        mmio_write32(r, VM_QUEUE_ALIGN, PAGE_SIZE);
        mmio_write32(r, VM_QUEUE_PFN, (uint32_t)(pa >> 12));
    }
    status |= ST_DRIVER_OK;
    mmio_write32(r, VM_STATUS, status);

    size_t want = len < 64 ? len : 64;
    desc[0].addr = pa + OFF_BUF;
    desc[0].len = (uint32_t)want;
    desc[0].flags = DESC_F_WRITE;
    avail->ring[0] = 0;
    __asm__ volatile("dmb ish" ::: "memory");
    avail->idx = 1;
    __asm__ volatile("dsb sy" ::: "memory");
    mmio_write32(r, VM_QUEUE_NOTIFY, 0);
    uint64_t deadline = time_now_ns() + TIMEOUT_NS;
    while (used->idx == 0 && time_now_ns() < deadline)
        __asm__ volatile("yield" ::: "memory");
    __asm__ volatile("dmb ish" ::: "memory");
    if (used->idx != 0) {
        got = used->ring[0].len < want ? used->ring[0].len : want;
        memcpy(buf, mem + OFF_BUF, got);
    }
out:
    mmio_write32(r, VM_STATUS, 0);            /* reset: the device forgets the queue */
    memset(mem, 0, 2 * PAGE_SIZE);
    pmm_free_pages(pa, 2);
    return got;
}

size_t virtio_rng_read(const struct fdt *f, void *buf, size_t len)
{
    struct fdt_device d;
    if (!f || len == 0)
        return 0;
    for (uint32_t i = 0; i < 64 && fdt_find_device(f, "virtio,mmio", i, &d) == 0; i++) {
        if (d.base == 0 || d.size < 0x100)
            continue;
        volatile uint8_t *r = ioremap(d.base, 0x100);
        if (!r)
            continue;
        uint32_t version = mmio_read32(r, VM_VERSION);
        size_t got = 0;
        int rng = mmio_read32(r, VM_MAGIC) == MAGIC && (version == 1 || version == 2) &&
                  mmio_read32(r, VM_DEVICE_ID) == ID_RNG;
        if (rng)
            got = read_device(r, version, buf, len);
        iounmap(d.base, 0x100);
        if (rng)
            return got;
    }
    return 0;
}
