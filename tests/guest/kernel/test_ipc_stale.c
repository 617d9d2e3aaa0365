/*
 * test_ipc_stale: IPC buffers that stop being the task's, after the kernel's
 * translation cache (struct vmspace's tlb, kernel/vm.c) has learnt them.
 * Started as the first task it starts two copies of itself, "server" and
 * "client", with channel "stale" between them. Each case first makes an IPC
 * through a buffer (so its page is in the cache), then frees it, maps it
 * read-only, or frees it while a thread is blocked on it, and maps a fresh
 * page elsewhere in the same leaf table (which gets the freed physical page:
 * the allocator is next-fit from the lowest free page). Every later IPC
 * through the old address must fail (rcInvalidArgument at once, or
 * rcTargetFault when the buffer was checked before it went away) and the
 * fresh page must stay all zero: a stale cache entry would have the kernel
 * write there. The first task then checks every page came back.
 */
#include <coresrv/syscalls.h>
#include <coresrv/channel/channel_api.h>
#include <coresrv/handle/handle_api.h>
#include <coresrv/sys/sys_api.h>
#include <coresrv/task/task_api.h>
#include <coresrv/vmm/vmm_api.h>
#include <kos/thread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include "../check.h"
#include "../spawn.h"
#include "../reg_probe.h"

#define PAGE KOS_PAGE_SIZE
/* 2 MiB-aligned: the pages used below share one leaf table. */
#define AREA ((uint8_t *)0x3000000000ull)

enum { S_ECHO, S_SLOW, S_ARENA, S_ARM, S_WARM, S_PROBE, S_EXIT, S_SLOW_GRAB, S_REPORT, S_FUTEX,
       S_FUTEX_SHARED, S_REGS, S_REGS_REPORT };

struct msg {
    SMsgHdr hdr;
    uint32_t value[8];
};

static Handle ch;

static int all_zero(const void *p, size_t n)
{
    const uint8_t *b = p;
    for (size_t i = 0; i < n; i++)
        if (b[i])
            return 0;
    return 1;
}

static void *alloc_at(uint8_t *at)
{
    void *p = NULL;
    return KnVmAllocate(at, PAGE, VM_READ | VM_WRITE, VM_FIXED, &p) == rcOk ? p : NULL;
}

/* ---- server ---------------------------------------------------------------- */

struct freer {
    uint8_t *victim, *fresh_at, *fresh;
    Retcode rc;
};

/* Frees the page the server's main thread is about to block on, once it is blocked. */
static int free_later(void *arg)
{
    struct freer *f = arg;
    KosThreadSleep(100);
    f->rc = KnVmFree(f->victim, PAGE);
    f->fresh = alloc_at(f->fresh_at);
    return 0;
}

/* A request received in registers by a raw RecvReg / ReplyRecvReg: S_ECHO's
 * 32 bytes in x1..x5, x6 and x7 zero, x9 = MSG_REG_IN | badge, every other
 * register as it was. 1 if not. */
static int regs_request_bad(const uint64_t *rin, const uint64_t *rout)
{
    int r = reg_probe_changed(rin, rout, 0xfe | 1u << 9);
    if (rout[0] == 0 && r < 0 && rout[1] == MSG_REG_HDR(0, S_ECHO, 32) && !rout[6] && !rout[7] &&
        rout[9] >> 32 == 1)
        return 0;
    printf("test_ipc_stale server: rc %d, x%d changed, x1 %#lx x6 %#lx x7 %#lx x9 %#lx\n",
           (int)rout[0], r, (unsigned long)rout[1], (unsigned long)rout[6],
           (unsigned long)rout[7], (unsigned long)rout[9]);
    return 1;
}

/* S_REGS: the next request through a raw RecvReg, the one after through a raw
 * ReplyRecvReg (whose reply is the first's answer), then two through raw
 * memory ReplyRecv and ReplyRecvRelease; the fourth stays held. */
static uint32_t server_regs(Handle listener, struct msg *in, const struct msg *out)
{
    uint64_t rin[PROBE_REGS], rout[PROBE_REGS];
    uint32_t bad = 0;
    if (Reply(listener, &out->hdr))
        return 100;
    for (int nr = 11; nr <= 12; nr++) {
        reg_probe_fill(rin, (uint64_t)nr);
        rin[0] = listener;
        if (nr == 12)
            rin[1] = MSG_REG_HDR(0, S_ECHO, 32);    /* the reply: x2..x5 */
        rin[9] = 0;
        rin[10] = (uint64_t)(uintptr_t)in;
        rin[11] = MSG_REG_CAP(sizeof(in->value), 0);
        rin[12] = 0;
        rin[13] = INFINITE_TIMEOUT;
        reg_probe_svc(rin, rout);
        bad += (uint32_t)regs_request_bad(rin, rout);
    }
    /* Then two through memory, by a raw ReplyRecv and a raw ReplyRecvRelease (the
     * fast path's memory way, ipc_reply_recv_mem: the client waits, no timeout):
     * each answers the request held and takes the next into `in`; nothing but x0
     * may change, and the release word must read 0 after. The last stays held. */
    static uint32_t release_word;
    for (int nr = 5; nr <= 13; nr += 8) {
        memset(in, 0, sizeof(*in));
        in->hdr.size = sizeof(in->value);
        release_word = 1;
        reg_probe_fill(rin, (uint64_t)nr);
        rin[0] = listener;
        rin[1] = (uint64_t)(uintptr_t)&out->hdr;
        rin[2] = (uint64_t)(uintptr_t)&in->hdr;
        rin[3] = INFINITE_TIMEOUT;
        if (nr == 13)
            rin[4] = (uint64_t)(uintptr_t)&release_word;
        reg_probe_svc(rin, rout);
        int r = reg_probe_changed(rin, rout, 0);
        if (rout[0] != 0 || r >= 0 || in->hdr.mid != S_ECHO || in->hdr.size != 32 ||
            (nr == 13 && __atomic_load_n(&release_word, __ATOMIC_ACQUIRE) != 0)) {
            printf("test_ipc_stale server: memory call %d rc %d, x%d changed, mid %u size %u "
                   "word %u\n", nr, (int)rout[0], r, in->hdr.mid, in->hdr.size, release_word);
            bad++;
        }
    }
    return bad;
}

static int server(void)
{
    Handle listener;
    if (KnChannelLookup("stale", SERVICE_SERVER, &listener)) {
        printf("test_ipc_stale server: no channel\n");
        return 1;
    }
    static struct msg in, out;
    static uint8_t arena[64];
    static struct freer f;
    struct msg *rbuf = &in;              /* where the next request goes */
    uint32_t n = 0;
    Tid tid = 0;
    int answered = 1;                    /* no request held: Recv, not ReplyRecv */
    uint32_t grab[2] = { 0, 0 };         /* S_SLOW_GRAB's Reply rc, its page still zero */
    uint32_t regs_bad = 0;               /* S_REGS: requests whose registers were wrong */
    /* Keeps AREA's leaf table for good: a page taken later in it is a data page. */
    if (!alloc_at(AREA + 8 * PAGE))
        return 4;
    memset(&out, 0, sizeof(out));
    for (Retcode rc = rcOk;; n++) {
        rbuf->hdr.size = sizeof(rbuf->value);
        rbuf->hdr.arena_cap = 0;
        rc = !answered ? ReplyRecv(listener, &out.hdr, &rbuf->hdr, INFINITE_TIMEOUT)
                       : Recv(listener, &rbuf->hdr);
        answered = 0;
        memset(&out, 0, sizeof(out));
        out.hdr.size = sizeof(out.value);
        if (rc == rcTargetFault && tid) {
            /* S_PROBE found the buffer gone: what the kernel did, then the request. */
            KosThreadWait(tid, 10000);
            tid = 0;
            out.value[0] = (uint32_t)rc;
            out.value[1] = (uint32_t)RecvEx(listener, &rbuf->hdr, 0);   /* unmapped now */
            out.value[2] = f.fresh && all_zero(f.fresh, PAGE);
            out.value[3] = (uint32_t)f.rc;
            rbuf = &in;
            in.hdr.size = sizeof(in.value);
            if ((rc = Recv(listener, &in.hdr)) || in.hdr.mid != S_PROBE)
                return 3;
            n++;
            answered = 0;
            if (f.fresh)
                KnVmFree(f.fresh, PAGE);
            KnVmFree(AREA + PAGE, PAGE);
            continue;
        }
        if (rc)
            return 2;
        struct msg *req = rbuf;
        if (req->hdr.mid == MSG_MID_DISCONNECT)
            continue;
        for (int i = 0; i < 8; i++)
            out.value[i] = 0xA5000000u + n * 16 + i;    /* differs per reply */
        switch (req->hdr.mid) {
        case S_SLOW:
            KosThreadSleep(300);
            break;
        case S_SLOW_GRAB: {
            /* The client frees its reply buffer meanwhile: the next page taken
             * (here, by this task) is that one; the reply must not land in it. */
            KosThreadSleep(300);
            uint8_t *g = alloc_at(AREA + 3 * PAGE);
            grab[0] = (uint32_t)Reply(listener, &out.hdr);
            grab[1] = g && all_zero(g, PAGE);
            if (g)
                KnVmFree(g, PAGE);
            answered = 1;
            continue;
        }
        case S_REGS:
            regs_bad = server_regs(listener, &in, &out);
            rbuf = &in;                    /* holds the second S_ECHO: answered below */
            break;
        case S_REGS_REPORT:
            out.value[0] = regs_bad;
            break;
        case S_REPORT:
            out.value[0] = grab[0];
            out.value[1] = grab[1];
            break;
        case S_FUTEX: {
            /* The next free page (the client's, just freed): wake whoever waits on it. */
            uint32_t *g = alloc_at(AREA + 3 * PAGE), woken = 0xff;
            out.value[1] = g != NULL;
            if (g) {
                KnFutexWake(g, 0, &woken);
                KnVmFree(g, PAGE);
            }
            out.value[0] = woken;
            break;
        }
        case S_FUTEX_SHARED: {
            /* A buffer the client shares: wake its waiter through our own mapping. */
            void *p = NULL;
            uint32_t woken = 0xff;
            Handle h = req->hdr.nhandles ? req->hdr.handles[0].handle : 0;
            out.value[1] = KnPmmMdlMap(h, 0, PAGE, &p, VM_READ | VM_WRITE) == rcOk;
            if (out.value[1]) {
                KnFutexWake(p, 0, &woken);
                KnPmmMdlUnmap(p, PAGE);
            }
            if (h)
                KnHandleClose(h);
            out.value[0] = woken;
            break;
        }
        case S_ARENA:
            memset(arena, 0x5a, sizeof(arena));
            out.hdr.arena = (uint64_t)(uintptr_t)arena;
            out.hdr.arena_size = sizeof(arena);
            break;
        case S_ARM:
            /* The next request goes to page R = AREA (K = AREA + PAGE keeps the leaf table). */
            rbuf = alloc_at(AREA);
            if (!rbuf || !alloc_at(AREA + PAGE))
                out.value[0] = 1;
            if (!rbuf)
                rbuf = &in;
            break;
        case S_WARM:
            /* R is in the cache now (this request came through it); it goes while we wait on it. */
            f = (struct freer){ .victim = AREA, .fresh_at = AREA + 2 * PAGE };
            if (KosThreadCreate(&tid, THREAD_PRIORITY_DEFAULT, 0, free_later, &f, 0))
                out.value[0] = 1;
            break;
        case S_EXIT:
            Reply(listener, &out.hdr);
            return 0;
        }
    }
}

/* ---- client ---------------------------------------------------------------- */

static Retcode call(uint32_t mid, SMsgHdr *in, uint32_t arena_cap, void *arena)
{
    static struct msg out;
    memset(&out, 0, sizeof(out));
    out.hdr.mid = mid;
    out.hdr.size = sizeof(out.value);
    in->size = sizeof(out.value);
    in->arena = (uint64_t)(uintptr_t)arena;
    in->arena_cap = arena_cap;
    return Call(ch, &out.hdr, in);
}

/* The same into a buffer this task cannot write (its header is left as it is). */
static Retcode call_raw(uint32_t mid, SMsgHdr *in)
{
    static struct msg out;
    memset(&out, 0, sizeof(out));
    out.hdr.mid = mid;
    out.hdr.size = sizeof(out.value);
    return Call(ch, &out.hdr, in);
}

/* A reply buffer freed after use; its physical page now mapped elsewhere. */
static void freed_reply_buffer(void)
{
    uint8_t *x = alloc_at(AREA), *keep = alloc_at(AREA + PAGE);
    Retcode rc = x && keep ? call(S_ECHO, (SMsgHdr *)x, 0, NULL) : rcOutOfMemory;
    CHECK("reply_into_fresh_buffer", rc == rcOk && ((struct msg *)x)->value[0] >> 24 == 0xA5,
          "rc %d", rc);
    if (rc)
        return;
    KnVmFree(x, PAGE);
    uint8_t *fresh = alloc_at(AREA + 2 * PAGE);
    rc = call_raw(S_ECHO, (SMsgHdr *)(void *)x);
    CHECK("reply_into_freed_buffer_refused", rc == rcInvalidArgument, "rc %d", rc);
    CHECK("freed_reply_page_not_written", fresh && all_zero(fresh, PAGE), "fresh %p", fresh);
    KnVmFree(fresh, PAGE);
    KnVmFree(keep, PAGE);
}

/* The kernel's translation cache has two ways per set (kernel/vm.h): two reply
 * buffers 16 pages apart share a set, the older one in way 1. Freeing it must
 * drop that entry too (the page's physical frame mapped elsewhere meanwhile),
 * while the newer one, in way 0, still works. */
static void freed_reply_buffer_way1(void)
{
    uint8_t *x = alloc_at(AREA), *y = alloc_at(AREA + 16 * PAGE);
    Retcode rc = x && y ? call(S_ECHO, (SMsgHdr *)x, 0, NULL) : rcOutOfMemory;
    Retcode rc2 = rc ? rc : call(S_ECHO, (SMsgHdr *)y, 0, NULL);
    CHECK("way1_replies_into_two_buffers_of_one_set",
          rc == rcOk && rc2 == rcOk && ((struct msg *)x)->value[0] >> 24 == 0xA5 &&
              ((struct msg *)y)->value[0] >> 24 == 0xA5,
          "rc %d %d", rc, rc2);
    if (rc || rc2)
        return;
    KnVmFree(x, PAGE);
    uint8_t *fresh = alloc_at(AREA + 2 * PAGE);
    rc = call_raw(S_ECHO, (SMsgHdr *)(void *)x);
    CHECK("way1_reply_into_freed_buffer_refused", rc == rcInvalidArgument, "rc %d", rc);
    CHECK("way1_freed_page_not_written", fresh && all_zero(fresh, PAGE), "fresh %p", fresh);
    memset(y, 0, PAGE);
    rc = call(S_ECHO, (SMsgHdr *)y, 0, NULL);
    CHECK("way1_other_buffer_still_served", rc == rcOk && ((struct msg *)y)->value[0] >> 24 == 0xA5,
          "rc %d", rc);
    KnVmFree(fresh, PAGE);
    KnVmFree(y, PAGE);
}

/* The same for a request: sent from a page that has gone. */
static void freed_request_buffer(void)
{
    static struct msg in;
    struct msg *x = alloc_at(AREA);
    uint8_t *keep = alloc_at(AREA + PAGE);
    Retcode rc = rcOutOfMemory;
    if (x && keep) {
        x->hdr.mid = S_ECHO;
        x->hdr.size = sizeof(x->value);
        in.hdr.size = sizeof(in.value);
        rc = Call(ch, &x->hdr, &in.hdr);
    }
    CHECK("request_from_fresh_buffer", rc == rcOk, "rc %d", rc);
    if (rc)
        return;
    KnVmFree(x, PAGE);
    struct msg *fresh = alloc_at(AREA + 2 * PAGE);
    if (fresh) {
        fresh->hdr.mid = 0x7777;            /* what a stale translation would send */
        fresh->hdr.size = sizeof(fresh->value);
    }
    in.hdr.size = sizeof(in.value);
    rc = Call(ch, &x->hdr, &in.hdr);
    CHECK("request_from_freed_buffer_refused", rc == rcInvalidArgument, "rc %d", rc);
    KnVmFree(fresh, PAGE);
    KnVmFree(keep, PAGE);
}

/* A shared buffer mapped read-write, used, unmapped, mapped read-only at the
 * same address (same physical page): no reply may be written into it. */
static void read_only_again(void)
{
    Handle h = 0;
    Retcode rc = KnPmmMdlCreate(PAGE, VM_READ | VM_WRITE, &h);
    if (rc == rcOk)
        rc = KnPmmMdlMapFixed(h, 0, PAGE, AREA, VM_READ | VM_WRITE);
    if (rc == rcOk)
        rc = call(S_ECHO, (SMsgHdr *)(void *)AREA, 0, NULL);
    CHECK("reply_into_rw_mapping", rc == rcOk, "rc %d", rc);
    if (rc) {
        if (h)
            KnHandleClose(h);
        return;
    }
    static uint8_t before[PAGE];
    memcpy(before, AREA, PAGE);
    rc = KnPmmMdlUnmap(AREA, PAGE);
    if (rc == rcOk)
        rc = KnPmmMdlMapFixed(h, 0, PAGE, AREA, VM_READ);
    CHECK("remapped_read_only", rc == rcOk, "rc %d", rc);
    rc = call_raw(S_ECHO, (SMsgHdr *)(void *)AREA);   /* its header says size 32 still */
    CHECK("reply_into_read_only_refused", rc == rcInvalidArgument, "rc %d", rc);
    CHECK("read_only_page_unchanged", memcmp(before, AREA, PAGE) == 0, "reply written");
    KnPmmMdlUnmap(AREA, PAGE);
    KnHandleClose(h);
}

/* The reply arena's page freed after an arena went into it. */
static void freed_reply_arena(void)
{
    static struct msg in;
    uint8_t *z = alloc_at(AREA), *keep = alloc_at(AREA + PAGE);
    Retcode rc = z && keep ? call(S_ARENA, &in.hdr, 64, z) : rcOutOfMemory;
    CHECK("arena_into_fresh_page", rc == rcOk && in.hdr.arena_size == 64 && z[63] == 0x5a,
          "rc %d", rc);
    if (rc)
        return;
    KnVmFree(z, PAGE);
    uint8_t *fresh = alloc_at(AREA + 2 * PAGE);
    rc = call(S_ARENA, &in.hdr, 64, z);
    CHECK("arena_into_freed_page_refused", rc == rcTargetFault, "rc %d", rc);
    CHECK("freed_arena_page_not_written", fresh && all_zero(fresh, PAGE), "fresh %p", fresh);
    KnVmFree(fresh, PAGE);
    KnVmFree(keep, PAGE);
}

struct client_freer {
    uint8_t *victim, *fresh;
    int leave_free;                        /* the page is for the server to take */
    Retcode rc;
};

static int free_during_call(void *arg)
{
    struct client_freer *f = arg;
    KosThreadSleep(100);                   /* the Call waits for S_SLOW's reply */
    f->rc = KnVmFree(f->victim, PAGE);
    if (!f->leave_free)
        f->fresh = alloc_at(AREA + 2 * PAGE);
    return 0;
}

/* The reply buffer freed by another thread while its Call waits for the reply. */
static void freed_while_waiting(void)
{
    uint8_t *x = alloc_at(AREA), *keep = alloc_at(AREA + PAGE);
    Retcode rc = x && keep ? call(S_ECHO, (SMsgHdr *)x, 0, NULL) : rcOutOfMemory;   /* warm */
    static struct client_freer f;
    f = (struct client_freer){ .victim = x };
    Tid tid;
    if (rc == rcOk)
        rc = KosThreadCreate(&tid, THREAD_PRIORITY_DEFAULT, 0, free_during_call, &f, 0);
    CHECK("waiting_setup", rc == rcOk, "rc %d", rc);
    if (rc)
        return;
    rc = call(S_SLOW, (SMsgHdr *)x, 0, NULL);
    KosThreadWait(tid, 10000);
    CHECK("reply_after_free_refused", f.rc == rcOk && rc == rcTargetFault, "free %d, call %d",
          f.rc, rc);
    CHECK("reply_after_free_not_written", f.fresh && all_zero(f.fresh, PAGE), "fresh %p",
          f.fresh);
    KnVmFree(f.fresh, PAGE);
    KnVmFree(keep, PAGE);
}

/* The reply buffer freed by another thread while its Call waits; the server
 * takes the next free page (the freed one) before it replies. */
static void freed_page_goes_to_server(void)
{
    uint8_t *x = alloc_at(AREA), *keep = alloc_at(AREA + PAGE);
    Retcode rc = x && keep ? call(S_ECHO, (SMsgHdr *)x, 0, NULL) : rcOutOfMemory;   /* warm */
    static struct client_freer f;
    f = (struct client_freer){ .victim = x, .leave_free = 1 };
    Tid tid;
    if (rc == rcOk)
        rc = KosThreadCreate(&tid, THREAD_PRIORITY_DEFAULT, 0, free_during_call, &f, 0);
    CHECK("grab_setup", rc == rcOk, "rc %d", rc);
    if (rc)
        return;
    rc = call(S_SLOW_GRAB, (SMsgHdr *)x, 0, NULL);
    KosThreadWait(tid, 10000);
    static struct msg in;
    Retcode rep = call(S_REPORT, &in.hdr, 0, NULL);
    CHECK("reply_into_page_of_other_task_refused",
          rc == rcTargetFault && rep == rcOk && in.value[0] == (uint32_t)rcTargetFault,
          "call %d, report %d, server's Reply %d", rc, rep, (int)in.value[0]);
    CHECK("page_of_other_task_not_written", rep == rcOk && in.value[1] == 1, "zero %u",
          in.value[1]);
    KnVmFree(keep, PAGE);
}

struct waiter {
    uint32_t *word;
    Retcode rc;
};

static int futex_waiter(void *arg)
{
    struct waiter *w = arg;
    w->rc = KnFutexWait(w->word, 0, 1000000000ull);      /* 1 s */
    return 0;
}

/* A futex is keyed by the physical word (so tasks sharing a buffer share
 * it): a thread waiting on a page its task then frees must not be woken by
 * the page's next owner, which must not learn that anyone waits there. */
static void futex_on_freed_page(void)
{
    uint32_t *x = alloc_at(AREA);
    uint8_t *keep = alloc_at(AREA + PAGE);
    static struct waiter w;
    w = (struct waiter){ .word = x, .rc = rcOk };
    Tid tid;
    Retcode rc = x && keep ? KosThreadCreate(&tid, THREAD_PRIORITY_DEFAULT, 0, futex_waiter, &w, 0)
                           : rcOutOfMemory;
    CHECK("futex_setup", rc == rcOk, "rc %d", rc);
    if (rc)
        return;
    KosThreadSleep(100);                   /* it waits by now */
    KnVmFree(x, PAGE);
    static struct msg in;
    rc = call(S_FUTEX, &in.hdr, 0, NULL);
    KosThreadWait(tid, 10000);
    CHECK("futex_on_freed_page_not_woken_by_next_owner",
          rc == rcOk && in.value[1] == 1 && in.value[0] == 0 && w.rc == rcTimeout,
          "call %d, page taken %u, woken %u, wait %d", rc, in.value[1], in.value[0], w.rc);
    KnVmFree(keep, PAGE);
}

/* The same with a buffer both tasks map: the other task's wake reaches it. */
static void futex_shared_across_tasks(void)
{
    Handle h = 0;
    void *p = NULL;
    Retcode rc = KnPmmMdlCreate(PAGE, VM_READ | VM_WRITE, &h);
    if (rc == rcOk)
        rc = KnPmmMdlMap(h, 0, PAGE, &p, VM_READ | VM_WRITE);
    static struct waiter w;
    w = (struct waiter){ .word = p, .rc = rcTimeout };
    Tid tid;
    if (rc == rcOk)
        rc = KosThreadCreate(&tid, THREAD_PRIORITY_DEFAULT, 0, futex_waiter, &w, 0);
    if (rc) {
        CHECK("futex_shared_woken_across_tasks", 0, "setup rc %d", rc);
        return;
    }
    KosThreadSleep(100);
    static struct msg out, in;
    memset(&out, 0, sizeof(out));
    out.hdr.mid = S_FUTEX_SHARED;
    out.hdr.size = sizeof(out.value);
    out.hdr.nhandles = 1;
    out.hdr.handles[0].handle = h;
    out.hdr.handles[0].rights = RIGHT_TRANSFER | RIGHT_MEM_READ | RIGHT_MEM_WRITE;
    in.hdr.size = sizeof(in.value);
    rc = Call(ch, &out.hdr, &in.hdr);
    KosThreadWait(tid, 10000);
    CHECK("futex_shared_woken_across_tasks",
          rc == rcOk && in.value[1] == 1 && in.value[0] == 1 && w.rc == rcOk,
          "call %d, mapped %u, woken %u, wait %d", rc, in.value[1], in.value[0], w.rc);
    KnPmmMdlUnmap(p, PAGE);
    KnHandleClose(h);
}

/* The waiter's own task maps a shared buffer twice and drops the mapping the
 * thread waits through: the word still exists (the other mapping), so a wake
 * through that mapping by the same task must reach the waiter, else nothing
 * ever can and it waits until its timeout. */
static void futex_own_task_remapped(void)
{
    Handle h = 0;
    void *p1 = NULL, *p2 = NULL;
    Retcode rc = KnPmmMdlCreate(PAGE, VM_READ | VM_WRITE, &h);
    if (rc == rcOk)
        rc = KnPmmMdlMap(h, 0, PAGE, &p1, VM_READ | VM_WRITE);
    if (rc == rcOk)
        rc = KnPmmMdlMap(h, 0, PAGE, &p2, VM_READ | VM_WRITE);
    static struct waiter w;
    w = (struct waiter){ .word = p1, .rc = rcTimeout };
    Tid tid;
    if (rc == rcOk)
        rc = KosThreadCreate(&tid, THREAD_PRIORITY_DEFAULT, 0, futex_waiter, &w, 0);
    if (rc) {
        CHECK("futex_own_task_remapped_woken", 0, "setup rc %d", rc);
        return;
    }
    KosThreadSleep(100);                   /* it waits by now */
    Retcode un = KnPmmMdlUnmap(p1, PAGE);
    uint32_t woken = 0xff;
    Retcode wr = KnFutexWake(p2, 0, &woken);
    KosThreadWait(tid, 10000);
    CHECK("futex_own_task_remapped_woken",
          un == rcOk && wr == rcOk && woken == 1 && w.rc == rcOk,
          "unmap %d wake %d woken %u wait %d", un, wr, woken, w.rc);
    KnPmmMdlUnmap(p2, PAGE);
    KnHandleClose(h);
}

/* The server's receive buffer freed while it waits in ReplyRecv on it. */
static void server_buffer_freed(void)
{
    static struct msg in;
    Retcode rc = call(S_ARM, &in.hdr, 0, NULL);
    if (rc == rcOk && in.value[0] == 1)
        rc = rcOutOfMemory;
    if (rc == rcOk)
        rc = call(S_WARM, &in.hdr, 0, NULL);
    CHECK("server_armed", rc == rcOk && in.value[0] != 1, "rc %d", rc);
    if (rc)
        return;
    KosThreadSleep(500);                   /* the server has freed it by then */
    rc = call(S_PROBE, &in.hdr, 0, NULL);
    CHECK("server_wait_on_freed_buffer_fails", rc == rcOk && in.value[0] == (uint32_t)rcTargetFault,
          "rc %d, server's ReplyRecv %d", rc, (int)in.value[0]);
    CHECK("server_recv_into_freed_buffer_refused", in.value[1] == (uint32_t)rcInvalidArgument,
          "RecvEx %d", (int)in.value[1]);
    CHECK("server_freed_page_not_written", in.value[2] == 1 && in.value[3] == rcOk,
          "fresh page zero %u, free %d", in.value[2], (int)in.value[3]);
}

/* The IPC calls' registers (docs/ABI.md, "Short messages in registers"): a
 * memory Call changes none but x0; CallReg changes only its documented
 * outputs (x1..x7 and x9 when the reply came in registers, none when it went
 * to the buffer, none when it is refused), so no kernel value reaches EL0. */
static void ipc_registers(void)
{
    static struct msg out, in;
    static _Alignas(8) uint8_t arena[64];
    uint64_t rin[PROBE_REGS], rout[PROBE_REGS];
    int bad = 0, r;

    memset(&out, 0, sizeof(out));
    out.hdr.mid = S_ECHO;
    out.hdr.size = sizeof(out.value);
    memset(&in, 0, sizeof(in));
    in.hdr.size = sizeof(in.value);
    reg_probe_fill(rin, 0);                          /* Call, through memory */
    rin[0] = ch;
    rin[1] = (uint64_t)(uintptr_t)&out;
    rin[2] = (uint64_t)(uintptr_t)&in;
    reg_probe_svc(rin, rout);
    r = reg_probe_changed(rin, rout, 0);
    if (rout[0] != 0 || r >= 0 || in.value[0] >> 24 != 0xA5) {
        printf("ipc_registers: Call rc %d, x%d changed\n", (int)rout[0], r);
        bad++;
    }

    reg_probe_fill(rin, 10);                         /* CallReg, reply in registers */
    rin[0] = ch;
    rin[1] = MSG_REG_HDR(0, S_ECHO, 32);
    rin[9] = 0;
    rin[10] = (uint64_t)(uintptr_t)&in;
    rin[11] = MSG_REG_CAP(sizeof(in.value), 0);
    rin[12] = 0;
    reg_probe_svc(rin, rout);
    const uint32_t outputs = 0xfe | 1u << 9;         /* x1..x7, x9 */
    r = reg_probe_changed(rin, rout, outputs);
    if (rout[0] != 0 || r >= 0 ||
        rout[9] >> 32 != 1 || rout[1] != MSG_REG_HDR(0, S_ECHO, 32) || rout[6] || rout[7] ||
        (uint32_t)rout[2] >> 24 != 0xA5) {
        printf("ipc_registers: CallReg rc %d, x%d changed, x1 %#lx x6 %#lx x7 %#lx x9 %#lx\n",
               (int)rout[0], r, (unsigned long)rout[1], (unsigned long)rout[6],
               (unsigned long)rout[7], (unsigned long)rout[9]);
        bad++;
    }

    reg_probe_fill(rin, 10);                         /* CallReg, reply (with arena) in memory */
    rin[0] = ch;
    rin[1] = MSG_REG_HDR(0, S_ARENA, 32);
    rin[9] = 0;
    rin[10] = (uint64_t)(uintptr_t)&in;
    rin[11] = MSG_REG_CAP(sizeof(in.value), sizeof(arena));
    rin[12] = (uint64_t)(uintptr_t)arena;
    memset(&in, 0, sizeof(in));
    reg_probe_svc(rin, rout);
    r = reg_probe_changed(rin, rout, 0);
    if (rout[0] != 0 || r >= 0 || in.hdr.arena_size != 64 ||
        arena[63] != 0x5a) {
        printf("ipc_registers: CallReg to memory rc %d, x%d changed\n", (int)rout[0], r);
        bad++;
    }

    reg_probe_fill(rin, 10);                         /* CallReg refused: 49 bytes */
    rin[0] = ch;
    rin[1] = MSG_REG_HDR(0, S_ECHO, MSG_REG_CONST + 1);
    rin[9] = 0;
    rin[10] = (uint64_t)(uintptr_t)&in;
    rin[11] = MSG_REG_CAP(sizeof(in.value), 0);
    rin[12] = 0;
    reg_probe_svc(rin, rout);
    r = reg_probe_changed(rin, rout, 0);
    if ((Retcode)(int32_t)rout[0] != rcInvalidArgument || r >= 0) {
        printf("ipc_registers: CallReg 49 bytes rc %d, x%d changed\n", (int)rout[0], r);
        bad++;
    }
    CHECK("ipc_registers_hold_no_kernel_value", bad == 0, "%d calls", bad);

    /* The server's side: it takes the next four requests with raw RecvReg,
     * ReplyRecvReg, ReplyRecv and ReplyRecvRelease and checks its registers the
     * same way. */
    Retcode rc = call(S_REGS, &in.hdr, 0, NULL);
    for (int i = 0; i < 4 && rc == rcOk; i++)
        rc = call(S_ECHO, &in.hdr, 0, NULL);
    Retcode rc3 = rc ? rc : call(S_REGS_REPORT, &in.hdr, 0, NULL);
    CHECK("ipc_server_registers_hold_no_kernel_value", rc3 == rcOk && in.value[0] == 0,
          "calls %d %d, server saw %u wrong", rc, rc3, in.value[0]);
}

/* The register calls' handle cache (kernel/ipc_fastpath.c) at its edges. A
 * handle resolved by a memory Call (raw svc: libkos would use CallReg) has
 * the cache's "no" word ~0 as its remembered header word: CallReg with the
 * header word ~0 must still be refused (the straight line lets it past its
 * first guard). A value equal to the cached one in its low 32 bits but with
 * higher bits set names no handle. Both rcInvalidArgument with no register
 * changed, and the handle then works as before. */
static void call_cache_edges(void)
{
    static struct msg out, in;
    uint64_t rin[PROBE_REGS], rout[PROBE_REGS];
    Handle c2 = 0;
    Retcode copy = KnHandleCopy(ch, RIGHT_IPC_CALL, &c2);
    memset(&out, 0, sizeof(out));
    out.hdr.mid = S_ECHO;
    out.hdr.size = sizeof(out.value);
    memset(&in, 0, sizeof(in));
    in.hdr.size = sizeof(in.value);
    reg_probe_fill(rin, 0);                          /* Call through memory: the fill */
    rin[0] = c2;
    rin[1] = (uint64_t)(uintptr_t)&out;
    rin[2] = (uint64_t)(uintptr_t)&in;
    reg_probe_svc(rin, rout);
    Retcode filled = (Retcode)(int32_t)rout[0];

    static const uint64_t words[] = { ~0ull, ~0ull >> 32 | 0xffffull << 48 };
    Retcode word_rc[2];
    int changed = -1;
    for (int i = 0; i < 2; i++) {                    /* CallReg, header word ~0 and kin */
        reg_probe_fill(rin, 10);
        rin[0] = c2;
        rin[1] = words[i];
        rin[9] = 0;
        rin[10] = (uint64_t)(uintptr_t)&in;
        rin[11] = MSG_REG_CAP(sizeof(in.value), 0);
        rin[12] = 0;
        reg_probe_svc(rin, rout);
        word_rc[i] = (Retcode)(int32_t)rout[0];
        if (changed < 0)
            changed = reg_probe_changed(rin, rout, 0);
    }

    static const uint64_t high[] = { 1ull << 32, 1ull << 63, 0xffffffffull << 32 };
    Retcode high_rc[3];
    for (int i = 0; i < 3; i++) {                    /* CallReg, the value's high bits set */
        reg_probe_fill(rin, 10);
        rin[0] = (uint64_t)c2 | high[i];
        rin[1] = MSG_REG_HDR(0, S_ECHO, 32);
        rin[9] = 0;
        rin[10] = (uint64_t)(uintptr_t)&in;
        rin[11] = MSG_REG_CAP(sizeof(in.value), 0);
        rin[12] = 0;
        reg_probe_svc(rin, rout);
        high_rc[i] = (Retcode)(int32_t)rout[0];
        if (changed < 0)
            changed = reg_probe_changed(rin, rout, 0);
    }

    reg_probe_fill(rin, 10);                         /* and the handle itself still calls */
    rin[0] = c2;
    rin[1] = MSG_REG_HDR(0, S_ECHO, 32);
    rin[9] = 0;
    rin[10] = (uint64_t)(uintptr_t)&in;
    rin[11] = MSG_REG_CAP(sizeof(in.value), 0);
    rin[12] = 0;
    reg_probe_svc(rin, rout);
    Retcode after = (Retcode)(int32_t)rout[0];
    uint32_t echoed = (uint32_t)rout[2];
    KnHandleClose(c2);
    CHECK("call_cache_edges_refused",
          copy == rcOk && filled == rcOk && word_rc[0] == rcInvalidArgument &&
          word_rc[1] == rcInvalidArgument && high_rc[0] == rcInvalidArgument &&
          high_rc[1] == rcInvalidArgument && high_rc[2] == rcInvalidArgument && changed < 0 &&
          after == rcOk && echoed >> 24 == 0xA5,
          "copy %d fill %d words %d %d high %d %d %d x%d changed, after %d (%#x)", copy, filled,
          word_rc[0], word_rc[1], high_rc[0], high_rc[1], high_rc[2], changed, after, echoed);
}

static int client(void)
{
    if (KnChannelLookup("stale", SERVICE_CLIENT, &ch)) {
        printf("test_ipc_stale client: no channel\n");
        return 1;
    }
    ipc_registers();
    call_cache_edges();
    freed_reply_buffer();
    freed_reply_buffer_way1();
    freed_request_buffer();
    read_only_again();
    freed_reply_arena();
    freed_while_waiting();
    freed_page_goes_to_server();
    futex_on_freed_page();
    futex_shared_across_tasks();
    futex_own_task_remapped();
    server_buffer_freed();
    static struct msg in;
    call(S_EXIT, &in.hdr, 0, NULL);
    return check_done("test_ipc_stale client");
}

/* ---- first task ------------------------------------------------------------ */

int main(int argc, char **argv)
{
    if (argc > 1)
        return strcmp(argv[1], "server") == 0 ? server() : client();
    KnSysInfo before, after;
    KnSysGetInfo(&before);
    Handle srv = spawn_suspended("test_ipc_stale", "server", "server");
    Handle cl = spawn_suspended("test_ipc_stale", "client", "client");
    Retcode rc = srv && cl ? KnChannelCreate(cl, srv, "stale") : rcInvalidArgument;
    int32_t ss = -1, sc = -1;
    if (rc == rcOk) {
        KnTaskStart(srv);
        KnTaskStart(cl);
        KnTaskWait(cl, INFINITE_TIMEOUT, &sc);
        KnTaskWait(srv, INFINITE_TIMEOUT, &ss);
    }
    KnHandleClose(srv);
    KnHandleClose(cl);
    for (int i = 0; i < 40; i++) {
        KnSysGetInfo(&after);
        if (after.freePages == before.freePages)
            break;
        KosThreadSleep(5);
    }
    CHECK("client_and_server_end_well", rc == rcOk && sc == 0 && ss == 0,
          "channel %d, client %d, server %d", rc, sc, ss);
    CHECK("pages_back_after_both_exit", after.freePages == before.freePages,
          "free pages %lu -> %lu", (unsigned long)before.freePages,
          (unsigned long)after.freePages);
    return check_done("test_ipc_stale");
}
