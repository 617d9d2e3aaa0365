/*
 * test_devices: device discovery through kl.core.Io FindDevice, on any
 * board. Enumerates the "virtio,mmio" nodes (printing each), maps every one
 * and reads its magic, checks the errors (past the last node, unknown and
 * empty compatible strings, an unterminated string in a raw request) and
 * prints a few well-known devices and the kernel's answer to mapping QEMU
 * virt's virtio window; tests/test_net_discovery.py holds the per-board
 * expectations of the printed lines.
 */
#include <coresrv/nk/transport-kos.h>   /* first: the KasperskyOS-form headers */
#include <coresrv/io/io_api.h>
#include <kos/ipc.h>
#include <stdint.h>
#include <string.h>
#include "../check.h"
#include "kl/core/Core.edl.h"

#define VIRTIO_MAGIC 0x74726976u

static void show(const char *compat)
{
    for (rtl_uint32_t i = 0;; i++) {
        rtl_uint64_t base, size;
        rtl_uint32_t intid;
        Retcode rc = KnIoFindDevice(compat, i, &base, &size, &intid);
        if (rc != rcOk) {
            printf("test_devices: %s: %u node(s), then rc %d\n", compat, i, rc);
            return;
        }
        printf("device %s %u: base %#llx size %#llx intid %u\n", compat, i,
               (unsigned long long)base, (unsigned long long)size, intid);
    }
}

/* FindDevice with a string that has no NUL in its arena bytes. */
static Retcode raw_unterminated(void)
{
    struct kl_core_Io_FindDevice_req req;
    union {
        struct kl_core_Io_FindDevice_res r;
        uint8_t raw[sizeof(SMsgHdr) + 64];
    } res;
    _Alignas(8) char arena[16];
    memcpy(arena, "virtio,mmioXXXXX", 16);
    memset(&req, 0, sizeof(req));
    req.base_.hdr.riid = kl_core_Core_io_iid;
    req.base_.hdr.mid = kl_core_Io_FindDevice_mid;
    req.base_.hdr.size = kl_core_Io_FindDevice_req_size;
    req.base_.hdr.arena = (uint64_t)(uintptr_t)arena;
    req.base_.hdr.arena_size = sizeof(arena);
    req.compatible.offset = 0;
    req.compatible.size = sizeof(arena);
    memset(&res, 0, sizeof(SMsgHdr));
    res.r.base_.hdr.size = sizeof(res) - sizeof(SMsgHdr);
    Retcode rc = Call(KERNEL_HANDLE, &req.base_.hdr, &res.r.base_.hdr);
    if (rc != rcOk)
        return rc;
    if (res.r.base_.hdr.mid == MSG_MID_ERROR)
        return *(int32_t *)(res.raw + sizeof(SMsgHdr));
    return rcOk;
}

int main(void)
{
    unsigned n = 0, mapped = 0, magic = 0, bad_intid = 0;
    Retcode rc;
    for (;; n++) {
        rtl_uint64_t base, size;
        rtl_uint32_t intid;
        rc = KnIoFindDevice("virtio,mmio", n, &base, &size, &intid);
        if (rc != rcOk)
            break;
        printf("device virtio,mmio %u: base %#llx size %#llx intid %u\n", n,
               (unsigned long long)base, (unsigned long long)size, intid);
        bad_intid += intid < 32;
        void *p;
        if (KnIoMapMmio(base, size, &p) == rcOk) {
            mapped++;
            magic += *(volatile uint32_t *)p == VIRTIO_MAGIC;
        }
    }
    printf("test_devices: virtio,mmio nodes: %u\n", n);
    CHECK_RC("past_last_not_found", rc, rcResourceNotFound);
    CHECK("virtio_nodes_mapped", mapped == n, "%u of %u", mapped, n);
    CHECK("virtio_magic", magic == n, "%u of %u", magic, n);
    CHECK("virtio_intids_are_spis", bad_intid == 0, "%u", bad_intid);
    rtl_uint64_t b = 1;
    CHECK_RC("far_index_not_found", KnIoFindDevice("virtio,mmio", 0xffffffffu, &b, NULL, NULL),
             rcResourceNotFound);
    CHECK("not_found_zeroes_outputs", b == 0, "base %#llx", (unsigned long long)b);
    CHECK_RC("unknown_not_found", KnIoFindDevice("no,such-device", 0, NULL, NULL, NULL),
             rcResourceNotFound);
    CHECK_RC("prefix_not_found", KnIoFindDevice("virtio", 0, NULL, NULL, NULL),
             rcResourceNotFound);
    CHECK_RC("empty_refused", KnIoFindDevice("", 0, NULL, NULL, NULL), rcInvalidArgument);
    char longer[200];
    memset(longer, 'a', sizeof(longer) - 1);
    longer[sizeof(longer) - 1] = '\0';
    CHECK_RC("too_long_refused", KnIoFindDevice(longer, 0, NULL, NULL, NULL), rcBufferTooLarge);
    CHECK_RC("unterminated_refused", raw_unterminated(), rcInvalidArgument);

    show("arm,pl031");
    show("arm,pl011");
    show("brcm,bcm2835-aux-uart");
    show("arm,armv8-timer");
    void *p;
    rc = KnIoMapMmio(0x0a000000u, 0x4000, &p);
    printf("test_devices: map 0x0a000000: rc %d\n", rc);
    return check_done("test_devices");
}
