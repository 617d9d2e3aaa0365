/*
 * test_ipc_pull: deferred arenas (docs/ABI.md, "Deferred arenas"): ArenaDefer
 * and ArenaRead. Started as the first task, it starts three copies of itself:
 * "server", "victim" (a client that dies while the server holds its
 * request) and "client", both clients on channel "pull" to the server's one
 * listener. The server sets its threshold and checks, request by request,
 * that an arena at or above it arrives deferred (arena 0, arena_size its
 * size) when the IPC fast path delivers it and copied otherwise, below it
 * always copied, with the threshold off always copied; that ArenaRead gives
 * the client's bytes for any range inside the arena and answers every error
 * with its code and nothing copied: no request held (before any, after the
 * reply, after the client died), an arena copied, a range outside the
 * arena (hostile offsets and sizes), a dst that is not writable (a kernel
 * address, NULL, unmapped, read-only), the client's arena page unmapped by
 * its other thread. Each request's "DEFERRED <name> <0|1>" line tells the
 * Python side (tests/test_ipc_pull.py) how it came, which it checks against
 * the fast path's setting.
 */
#include <coresrv/syscalls.h>
#include <coresrv/channel/channel_api.h>
#include <coresrv/handle/handle_api.h>
#include <coresrv/task/task_api.h>
#include <coresrv/vmm/vmm_api.h>
#include <kos/thread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include "../check.h"
#include "../spawn.h"

#define PAGE KOS_PAGE_SIZE
#define UNMAPPED ((void *)0x3100000000ull)         /* a user address nothing maps */
#define KERNEL_VA ((void *)0xffff000000100000ull)

enum { M_HANG = 1, M_SMALL, M_BIG, M_SYNC, M_GONE, M_EDGE_BELOW, M_EDGE_AT, M_OFF, M_END };

struct msg {
    SMsgHdr hdr;
    uint32_t value[4];
};

/* Byte i of the arena of request mid: a pattern no two requests share. */
static uint8_t pat(uint32_t mid, uint32_t i)
{
    return (uint8_t)(i * 7u + mid * 31u + (i >> 8));
}

static int pattern_ok(const uint8_t *b, uint32_t mid, uint32_t from, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++)
        if (b[i] != pat(mid, from + i))
            return 0;
    return 1;
}

/* ---- server ---------------------------------------------------------------- */

static uint8_t recv_arena[2 * PAGE] __attribute__((aligned(4096)));
static uint8_t got[2 * PAGE] __attribute__((aligned(4096)));

static void arm_in(struct msg *in)
{
    in->hdr.size = sizeof in->value;
    in->hdr.nhandles = 0;
    in->hdr.arena = (uintptr_t)recv_arena;
    in->hdr.arena_size = 0;
    in->hdr.arena_cap = sizeof recv_arena;
}

static int deferred(const struct msg *in)
{
    return KnArenaDeferred(&in->hdr);
}

/* The request's arena whole, whichever way it came: through ArenaRead when
 * deferred, else from the receive arena (where ArenaRead must refuse it). */
static int arena_ok(const struct msg *in, const char *name)
{
    uint32_t n = in->hdr.arena_size, mid = in->hdr.mid;
    int d = deferred(in);
    printf("DEFERRED %s %d\n", name, d);
    if (d) {
        memset(got, 0, sizeof got);
        Retcode r = KnArenaRead(got, 0, n);
        return r == rcOk && pattern_ok(got, mid, 0, n);
    }
    return in->hdr.arena == (uintptr_t)recv_arena && pattern_ok(recv_arena, mid, 0, n) &&
           KnArenaRead(got, 0, 1) == rcInvalidOperation;
}

/* The hostile ranges and destinations on a deferred request of n bytes. */
static void hostile(const struct msg *in)
{
    uint32_t n = in->hdr.arena_size, mid = in->hdr.mid;
    memset(got, 0xee, sizeof got);
    Retcode r1 = KnArenaRead(got, n - 96, 96);                 /* the tail */
    Retcode r2 = KnArenaRead(got + 96, 1, 0);                  /* empty, inside */
    Retcode r3 = KnArenaRead(got + 96, n, 0);                  /* empty, at the end */
    CHECK("read_ranges_inside", r1 == rcOk && r2 == rcOk && r3 == rcOk &&
          pattern_ok(got, mid, n - 96, 96) && got[96] == 0xee,
          "rc %d %d %d", r1, r2, r3);
    memset(got, 0xee, sizeof got);
    Retcode o1 = KnArenaRead(got, n - 10, 11);                 /* one byte over */
    Retcode o2 = KnArenaRead(got, n + 1, 0);
    Retcode o3 = KnArenaRead(got, 0xffffffffu, 2);             /* offset + size wraps */
    Retcode o4 = KnArenaRead(got, 1, 0xffffffffu);
    Retcode o5 = kos_sys_ArenaRead((uintptr_t)got, 1ull << 32, 1);   /* 64-bit offset */
    Retcode o6 = kos_sys_ArenaRead((uintptr_t)got, 0, (1ull << 32) | 1);
    int untouched = got[0] == 0xee && got[10] == 0xee;
    CHECK("range_outside_rcInvalidArgument_nothing_copied",
          o1 == rcInvalidArgument && o2 == rcInvalidArgument && o3 == rcInvalidArgument &&
              o4 == rcInvalidArgument && o5 == rcInvalidArgument && o6 == rcInvalidArgument &&
              untouched,
          "rc %d %d %d %d %d %d untouched %d", o1, o2, o3, o4, o5, o6, untouched);
    void *ro = NULL;
    Retcode ra = KnVmAllocate(NULL, PAGE, VM_READ, 0, &ro);
    Retcode d1 = KnArenaRead(KERNEL_VA, 0, 16);
    Retcode d2 = KnArenaRead(NULL, 0, 16);
    Retcode d3 = KnArenaRead(UNMAPPED, 0, 16);
    Retcode d4 = ra == rcOk ? KnArenaRead(ro, 0, 16) : ra;
    Retcode d5 = KnArenaRead((void *)(uintptr_t)hostile, 0, 16);     /* program text */
    Retcode d6 = kos_sys_ArenaRead(~0ull - 7, 0, 16);                 /* dst + size wraps */
    CHECK("dst_not_writable_rcTargetFault",
          d1 == rcTargetFault && d2 == rcTargetFault && d3 == rcTargetFault &&
              d4 == rcTargetFault && d5 == rcTargetFault && d6 == rcTargetFault,
          "rc %d %d %d %d %d %d", d1, d2, d3, d4, d5, d6);
    if (ro)
        KnVmFree(ro, PAGE);
    /* A dst across a page end, and reading twice: the same bytes. */
    Retcode x = KnArenaRead(got + PAGE - 100, 0, n);
    CHECK("read_again_across_pages", x == rcOk && pattern_ok(got + PAGE - 100, mid, 0, n),
          "rc %d", x);
}

static int server(void)
{
    Handle l;
    if (KnChannelLookup("pull", SERVICE_SERVER, &l)) {
        printf("test_ipc_pull server: no channel\n");
        return 1;
    }
    static struct msg in, out;
    out.hdr.size = 0;
    out.hdr.nhandles = 0;
    out.hdr.arena = 0;
    out.hdr.arena_size = 0;

    CHECK("no_request_rcNotConnected", KnArenaRead(got, 0, 1) == rcNotConnected, "-");
    Retcode t1 = kos_sys_ArenaDefer(1ull << 32);
    Retcode t2 = KnArenaDefer(1024);
    CHECK("threshold_set", t1 == rcInvalidArgument && t2 == rcOk, "rc %d %d", t1, t2);

    arm_in(&in);
    Retcode r = Recv(l, &in.hdr);
    for (int done = 0; !done && r == rcOk;) {
        uint32_t mid = in.hdr.mid;
        switch (mid) {
        case M_HANG:                                 /* the victim dies meanwhile */
            printf("DEFERRED victim %d\n", deferred(&in));
            KosThreadSleep(300);
            r = KnArenaRead(got, 0, 16);
            CHECK("read_after_client_died_rcNotConnected", r == rcNotConnected, "rc %d", r);
            break;
        case M_SMALL:                                /* 100 bytes, below 1024: copied */
            CHECK("small_arena_copied",
                  !deferred(&in) && in.hdr.arena_size == 100 && arena_ok(&in, "small"),
                  "arena %#llx size %u", (unsigned long long)in.hdr.arena, in.hdr.arena_size);
            break;
        case M_BIG: {                                /* 4096: deferred on the fast path */
            int d = deferred(&in);
            CHECK("big_arena_received", in.hdr.arena_size == 4096 && arena_ok(&in, "big"),
                  "arena %#llx size %u", (unsigned long long)in.hdr.arena, in.hdr.arena_size);
            if (d)
                hostile(&in);
            r = Reply(l, &out.hdr);
            Retcode a = KnArenaRead(got, 0, 16);
            CHECK("read_after_reply_rcNotConnected", r == rcOk && a == rcNotConnected,
                  "rc %d %d", r, a);
            arm_in(&in);
            r = Recv(l, &in.hdr);                    /* M_SYNC: queued or not, no arena */
            continue;
        }
        case M_SYNC:
            break;
        case M_GONE:                                 /* the client's thread unmaps it */
            KosThreadSleep(300);
            if (deferred(&in)) {
                printf("DEFERRED gone 1\n");
                memset(got, 0xee, 16);
                Retcode g = KnArenaRead(got, 0, in.hdr.arena_size);
                Retcode g2 = KnArenaRead(got, PAGE, 16);
                CHECK("client_page_gone_rcSourceFault", g == rcSourceFault && g2 == rcSourceFault,
                      "rc %d %d", g, g2);
            } else {
                printf("DEFERRED gone 0\n");
                CHECK("gone_arena_copied", pattern_ok(recv_arena, mid, 0, in.hdr.arena_size), "-");
            }
            KnArenaDefer(4096);                      /* the next requests: 4095, 4096 */
            break;
        case M_EDGE_BELOW:
            CHECK("below_threshold_copied", !deferred(&in) && arena_ok(&in, "below"),
                  "arena %#llx size %u", (unsigned long long)in.hdr.arena, in.hdr.arena_size);
            break;
        case M_EDGE_AT:
            CHECK("at_threshold_received", arena_ok(&in, "at"), "size %u", in.hdr.arena_size);
            KnArenaDefer(0);                         /* off: the next one copied */
            break;
        case M_OFF:
            CHECK("threshold_off_copied", !deferred(&in) && arena_ok(&in, "off"),
                  "arena %#llx size %u", (unsigned long long)in.hdr.arena, in.hdr.arena_size);
            break;
        case M_END:
            Reply(l, &out.hdr);
            done = 1;
            continue;
        default:                                     /* the victim's disconnect notice */
            break;
        }
        arm_in(&in);
        if (mid == M_HANG || mid == MSG_MID_DISCONNECT)
            r = Recv(l, &in.hdr);                    /* nobody to answer */
        else
            r = ReplyRecv(l, &out.hdr, &in.hdr, INFINITE_TIMEOUT);
    }
    if (r != rcOk)
        printf("test_ipc_pull server: rc %d\n", r);
    return check_done("test_ipc_pull server");
}

/* ---- clients ----------------------------------------------------------------- */

static Retcode call(Handle ch, uint32_t mid, uint8_t *arena, uint32_t n)
{
    static struct msg out, in;
    for (uint32_t i = 0; i < n; i++)
        arena[i] = pat(mid, i);
    out.hdr.riid = 0;
    out.hdr.mid = mid;
    out.hdr.size = 0;
    out.hdr.nhandles = 0;
    out.hdr.arena = (uintptr_t)arena;
    out.hdr.arena_size = n;
    in.hdr.size = sizeof in.value;
    in.hdr.arena = 0;
    in.hdr.arena_cap = 0;
    return Call(ch, &out.hdr, &in.hdr);
}

static int die_later(void *arg)
{
    (void)arg;
    KosThreadSleep(100);
    KnTaskExit(0);
    return 0;
}

static int victim(void)
{
    Handle ch;
    static uint8_t buf[PAGE];
    if (KnChannelLookup("pull", SERVICE_CLIENT, &ch))
        return 1;
    KosThreadSleep(200);                             /* the server waits in Recv by now */
    Tid t;
    KosThreadCreate(&t, ThreadPriorityNormal, 16 * 1024, die_later, NULL, 0);
    call(ch, M_HANG, buf, sizeof buf);               /* never returns: the task ends */
    return 2;
}

static void *gone_region;

static int unmap_later(void *arg)
{
    (void)arg;
    KosThreadSleep(100);
    KnVmFree(gone_region, 2 * PAGE);
    return 0;
}

static int client(void)
{
    Handle ch;
    static uint8_t buf[2 * PAGE] __attribute__((aligned(4096)));
    if (KnChannelLookup("pull", SERVICE_CLIENT, &ch))
        return 1;
    Retcode r = call(ch, M_SMALL, buf + 8, 100);
    Retcode r2 = call(ch, M_BIG, buf + 40, 4096);    /* across a page end */
    Retcode r3 = call(ch, M_SYNC, buf, 0);
    CHECK("small_big_answered", r == rcOk && r2 == rcOk && r3 == rcOk, "rc %d %d %d", r, r2, r3);
    r = KnVmAllocate(NULL, 2 * PAGE, VM_READ | VM_WRITE, 0, &gone_region);
    Tid t;
    if (r == rcOk)
        r = KosThreadCreate(&t, ThreadPriorityNormal, 16 * 1024, unmap_later, NULL, 0);
    if (r == rcOk)
        r = call(ch, M_GONE, gone_region, 2 * PAGE);
    CHECK("gone_answered", r == rcOk, "rc %d", r);
    r = call(ch, M_EDGE_BELOW, buf, 4095);
    r2 = call(ch, M_EDGE_AT, buf, 4096);
    r3 = call(ch, M_OFF, buf, 4096);
    CHECK("edges_answered", r == rcOk && r2 == rcOk && r3 == rcOk, "rc %d %d %d", r, r2, r3);
    r = call(ch, M_END, buf, 0);
    CHECK("end_answered", r == rcOk, "rc %d", r);
    return check_done("test_ipc_pull client");
}

int main(int argc, char **argv)
{
    if (argc > 1) {
        if (strcmp(argv[1], "server") == 0)
            return server();
        return strcmp(argv[1], "victim") == 0 ? victim() : client();
    }
    /* (the server is past the victim's checks before the client starts) */
    run_server_victim_client("test_ipc_pull", "pull", 500);
    return check_done("test_ipc_pull");
}
