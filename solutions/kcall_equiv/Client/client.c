/* kequiv.Client: a fixed pseudo-random sequence of raw requests to the
 * kernel endpoint (kl.core.Core) across every boundary of the kernel's fast
 * path (kernel/kcall_fastpath.c, issue 19): methods whose request or reply
 * security.psl grants unconditionally, with a condition, with an audit, or
 * not at all; constant part sizes right and wrong (over the fast path's 64
 * bytes too); an arena, a handle, a bad endpoint or method, the security
 * riid and the kernel's markers as method; reply buffers too small, with an
 * arena, misaligned, or straddling a page; error replies. One line per call:
 * what was sent, the result, every reply header field and a checksum of the
 * reply buffer (the bytes the kernel wrote and those it must not have); the
 * values that differ from boot to boot (time, free pages) are left out.
 * tests/test_kcall_fastpath.py runs it with the fast path on and off and
 * requires the same console. */
#include <coresrv/syscalls.h>
#include <kl/core/Core.edl.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <uapi/syscall.h>

#define ROUNDS 500
#define PAGE   4096u

static uint32_t seed = 0x9e3779b9u;

static uint32_t rnd(void)
{
    seed ^= seed << 13;
    seed ^= seed >> 17;
    seed ^= seed << 5;
    return seed;
}

struct probe {
    uint16_t riid;
    uint32_t mid, size, res_size;
    int varies; /* the reply's contents differ between boots */
};

#define P(ep, iface, m, v)                                                                         \
    {                                                                                              \
        kl_core_Core_##ep##_riid, kl_core_##iface##_##m##_mid, kl_core_##iface##_##m##_req_size,   \
            kl_core_##iface##_##m##_res_size, v                                                    \
    }
static const struct probe probes[] = {
    P(thread, Thread, CurrentId, 0),
    P(thread, Thread, CurrentId, 0),
    P(thread, Thread, SetPriority, 0),
    P(thread, Thread, Sleep, 0),
    P(handle, Handle, Close, 0),
    P(handle, Handle, Copy, 0),
    P(handle, Handle, Info, 0),
    P(sys, Sys, GetUpTime, 1),
    P(sys, Sys, GetInfo, 1),
    P(sys, Sys, GetRealTime, 1),
    P(sys, Sys, PowerOff, 0),
    P(task, Task, Wait, 0),
    P(thread, Thread, Terminate, 0),
    P(sys, Sys, GetEntropy, 1),
    P(notice, Notice, GetEvent, 0),
    P(notice, Notice, GetEvent, 0),
    P(notice, Notice, SetObjectEvent, 0),
};
#define NPROBES (sizeof(probes) / sizeof(probes[0]))

/* A kernel call the setup needs (request *req of size bytes, reply into *res). */
static Retcode kcall(uint32_t riid, uint32_t mid, void *req, uint32_t size, void *res, uint32_t cap)
{
    SMsgHdr *h = req, *r = res;
    h->riid = (uint16_t)riid;
    h->mid = mid;
    h->size = size;
    r->size = cap;
    return Call(KERNEL_HANDLE, h, r);
}

/* Two pages: messages placed anywhere in the first, also across its end. */
static uint8_t outbuf[2 * PAGE] __attribute__((aligned(PAGE)));
static uint8_t inbuf[2 * PAGE] __attribute__((aligned(PAGE)));
static uint8_t arena[64] __attribute__((aligned(16)));

/* Where a message goes: usually an aligned spot well inside the page,
 * sometimes misaligned or with its constant part running into the next page. */
static uint32_t place(uint32_t len)
{
    switch (rnd() % 16) {
    case 0:
        return 4; /* misaligned */
    case 1:
        return (PAGE - len + 8) & ~7u; /* over the page end */
    default:
        return (rnd() % 32) * 64 + 64;
    }
}

static uint32_t checksum(const uint8_t *p, uint32_t n)
{
    uint32_t h = 2166136261u;
    for (uint32_t i = 0; i < n; i++)
        h = (h ^ p[i]) * 16777619u;
    return h;
}

int main(void)
{
    static uint8_t msg[sizeof(SMsgHdr) + 96] __attribute__((aligned(8)));
    uint32_t last_copy = 0; /* a handle Handle.Copy made */
    /* A notice subscribed to a user object: GetEvent's 104-byte reply (over
     * the 64 bytes of a fast request) when SetObjectEvent posted an event. */
    struct kl_core_Notice_Create_req ncreq = {0};
    struct kl_core_Notice_Create_res ncres;
    struct kl_core_Handle_CreateUserObject_req uoreq = {.type = 1, .rights = 0xffffffffu};
    struct kl_core_Handle_CreateUserObject_res uores;
    struct kl_core_Notice_SubscribeToObject_req subreq = {.evMask = 0xffff0000u, .evId = 7};
    struct kl_core_Notice_SubscribeToObject_res subres;
    Retcode src = kcall(kl_core_Core_notice_riid, kl_core_Notice_Create_mid, &ncreq,
                        kl_core_Notice_Create_req_size, &ncres, kl_core_Notice_Create_res_size);
    if (src == rcOk)
        src = kcall(kl_core_Core_handle_riid, kl_core_Handle_CreateUserObject_mid, &uoreq,
                    kl_core_Handle_CreateUserObject_req_size, &uores,
                    kl_core_Handle_CreateUserObject_res_size);
    subreq.notice = ncres.notice;
    subreq.object = uores.handle;
    if (src == rcOk)
        src = kcall(kl_core_Core_notice_riid, kl_core_Notice_SubscribeToObject_mid, &subreq,
                    kl_core_Notice_SubscribeToObject_req_size, &subres, 0);
    printf("KQ setup: rc=%d\n", src);
    for (unsigned i = 0; i < ROUNDS; i++) {
        const struct probe *p = &probes[rnd() % NPROBES];
        uint32_t riid = p->riid, mid = p->mid, size = p->size;
        switch (rnd() % 24) {
        case 0:
            riid = 50;
            break; /* no such endpoint */
        case 1:
            mid = 40;
            break; /* no such method */
        case 2:
            riid = MSG_RIID_SECURITY;
            break;
        case 3:
            mid = MSG_MID_ERROR;
            break;
        case 4:
            mid = MSG_MID_DISCONNECT;
            break;
        case 5:
        case 6:
            size = (uint32_t[]){0, 4, 8, 64, 72, 80}[rnd() % 6];
            break;
        default:
            break;
        }
        /* The request, built aligned, then put at its place. */
        memset(msg, 0, sizeof(msg));
        SMsgHdr *out = (SMsgHdr *)(void *)msg;
        out->riid = (uint16_t)riid;
        out->mid = mid;
        out->size = size;
        uint32_t *data = (uint32_t *)(void *)(out + 1);
        uint32_t words = size / 4 < 24 ? size / 4 : 24;
        for (uint32_t k = 0; k < words; k++)
            data[k] = rnd() % 4 ? rnd() % 40 : rnd();
        bool thread = riid == kl_core_Core_thread_riid, handle = riid == kl_core_Core_handle_riid;
        if (thread && mid == kl_core_Thread_SetPriority_mid && words >= 1)
            data[0] = 0; /* this thread (0), any priority */
        if (thread && mid == kl_core_Thread_Sleep_mid && words >= 2)
            data[0] = data[1] = 0; /* Sleep(0): a yield */
        if (thread && mid == kl_core_Thread_Terminate_mid && words >= 1)
            data[0] = 1000 + rnd() % 4; /* never this thread */
        if (handle && words >= 1) {
            if (mid == kl_core_Handle_Close_mid) /* never the kernel handle */
                data[0] = rnd() % 2 && last_copy ? last_copy : 200 + rnd() % 4;
            else if (rnd() % 3 == 0)
                data[0] = KERNEL_HANDLE; /* a valid handle to copy or ask about */
        }
        bool notice = riid == kl_core_Core_notice_riid;
        if (notice && mid == kl_core_Notice_GetEvent_mid && size == p->size) {
            struct kl_core_Notice_GetEvent_req *g = (void *)msg;
            g->notice = ncres.notice;
            g->timeoutNs = 0;
            g->countMax = rnd() % 10;
        }
        if (notice && mid == kl_core_Notice_SetObjectEvent_mid && size == p->size) {
            struct kl_core_Notice_SetObjectEvent_req *e = (void *)msg;
            e->object = uores.handle;
            e->evMask = rnd() % 4 ? 1u << (16 + rnd() % 16) : rnd() % 3;
        }
        if (rnd() % 12 == 0) {
            out->arena = (uint64_t)(uintptr_t)arena;
            out->arena_size = 16;
        }
        if (rnd() % 12 == 0) {
            out->nhandles = 1;
            out->handles[0] = (SMsgHandle){KERNEL_HANDLE, 0};
        }
        uint32_t sent = size < 96 ? size : 96;
        memset(outbuf, 0, sizeof(outbuf));
        uint32_t off = place(sizeof(SMsgHdr) + sent);
        memcpy(outbuf + off, msg, sizeof(SMsgHdr) + sent);

        /* The reply buffer's header (capacities), likewise. */
        uint32_t cap = rnd() % 8 == 0 ? (uint32_t[]){0, 4, 8, 600}[rnd() % 4] : 128;
        SMsgHdr in = {.size = cap};
        if (rnd() % 16 == 0) {
            in.arena = (uint64_t)(uintptr_t)arena;
            in.arena_cap = sizeof(arena);
        }
        memset(inbuf, 0xee, sizeof(inbuf));
        uint32_t ioff = place(sizeof(SMsgHdr) + (cap < 128 ? cap : 128));
        memcpy(inbuf + ioff, &in, sizeof(in));

        Retcode rc = Call(KERNEL_HANDLE, (SMsgHdr *)(void *)(outbuf + off),
                          (SMsgHdr *)(void *)(inbuf + ioff));
        memcpy(&in, inbuf + ioff, sizeof(in));
        if (rc == rcOk && handle && mid == kl_core_Handle_Copy_mid && in.size >= 4)
            memcpy(&last_copy, inbuf + ioff + sizeof(SMsgHdr), sizeof(last_copy));
        /* The whole reply buffer but the contents of replies that vary. */
        uint32_t sum = checksum(inbuf, ioff + sizeof(SMsgHdr));
        if (!p->varies || rc != rcOk)
            sum ^= checksum(inbuf + ioff + sizeof(SMsgHdr), sizeof(inbuf) - ioff - sizeof(SMsgHdr));
        printf("KQ %u riid=%u mid=%u size=%u off=%u arena=%u nh=%u cap=%u ioff=%u: rc=%d riid=%u "
               "mid=%u size=%u badge=%u arena=%s arena_size=%u arena_cap=%u nh=%u sum=%08x\n",
               i, riid, mid, size, off, out->arena_size, out->nhandles, cap, ioff, rc, in.riid,
               in.mid, in.size, in.badge,
               in.arena == (uint64_t)(uintptr_t)arena ? "ours"
               : in.arena                             ? "other"
                                                      : "0",
               in.arena_size, in.arena_cap, in.nhandles, sum);
    }
    printf("KQ client: done\n");
    return 0;
}
