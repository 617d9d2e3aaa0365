/*
 * test_ipc_pull_hostile: deferred arenas (docs/ABI.md, "Deferred arenas")
 * against what a hostile client or a confused server does while a request
 * is held, beyond test_ipc_pull's codes. Started as the first task, it
 * starts "server", "client" and "other" (a second client), both clients on
 * channel "pullh" to the server's listener. The server (threshold 1024,
 * fast path on) checks request by request:
 *   - another thread of its task reads while the main thread holds a
 *     deferred request: rcNotConnected (a request is held by one thread);
 *   - the client's other thread frees the arena's page after the server has
 *     read it once (the client's translation cache knows the page) and maps
 *     a fresh page elsewhere with a marker: the read fails (rcSourceFault)
 *     and never brings the marker (the freed page's next owner);
 *   - the same, the page mapped again at the same address: the read gives
 *     the new bytes, never the freed page's;
 *   - an arena in shared memory (MDL) mapped again read-only, then
 *     unmapped: read, read, rcSourceFault;
 *   - a CallEx with a timeout is never deferred (the general path), and
 *     after the client's timeout the read is rcNotConnected;
 *   - ReplyRecvRelease of a deferred request releases its word;
 *   - the second client's requests after the first's deferred ones (copied,
 *     or with no arena) never give the first client's bytes
 *     (rcInvalidOperation), and its own deferred arena gives its own bytes.
 * tests/test_ipc_pull_hostile.py runs it on one core and four and on the
 * debug kernel (whose DEBUG_ASSERT checks every translation the cache gives).
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
#define MARK 0x5a                                 /* the next owner's bytes */

enum { M_TWO_THREADS = 1, M_STALE, M_REMAP, M_SHM, M_TIMEOUT, M_RELEASE, M_DONE_A,
       M_B_COPIED, M_B_NONE, M_B_DEFERRED, M_END };

struct msg {
    SMsgHdr hdr;
    uint32_t value[4];
};

static uint8_t pat(uint32_t mid, uint32_t i)
{
    return (uint8_t)(i * 13u + mid * 29u + (i >> 8) + 1);
}

static int pattern_ok(const uint8_t *b, uint32_t mid, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++)
        if (b[i] != pat(mid, i))
            return 0;
    return 1;
}

static int all(const uint8_t *b, uint8_t v, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++)
        if (b[i] != v)
            return 0;
    return 1;
}

/* ---- server ---------------------------------------------------------------- */

static uint8_t recv_arena[2 * PAGE] __attribute__((aligned(4096)));
static uint8_t got[2 * PAGE] __attribute__((aligned(4096)));
static uint8_t got2[64];
static volatile Retcode helper_rc = 1;
static volatile int helper_go;

static void arm_in(struct msg *in)
{
    memset(in, 0, sizeof *in);
    in->hdr.size = sizeof in->value;
    in->hdr.arena = (uintptr_t)recv_arena;
    in->hdr.arena_cap = sizeof recv_arena;
}

/* The server's second thread: one read while the main thread holds. */
static int helper(void *arg)
{
    (void)arg;
    while (!helper_go)
        KosThreadSleep(5);
    KnArenaDefer(1);                          /* its own threshold: no request of its own */
    helper_rc = KnArenaRead(got2, 0, 16);
    return 0;
}

static Retcode read_all(uint32_t n)
{
    memset(got, 0xee, sizeof got);
    return KnArenaRead(got, 0, n);
}

static int server(void)
{
    Handle l;
    if (KnChannelLookup("pullh", SERVICE_SERVER, &l)) {
        printf("test_ipc_pull_hostile server: no channel\n");
        return 1;
    }
    static struct msg in, out;
    static uint32_t word;
    Tid t;
    CHECK("helper_started", KosThreadCreate(&t, ThreadPriorityNormal, 16 * 1024, helper, NULL, 0)
                                == rcOk, "-");
    KnArenaDefer(1024);
    arm_in(&in);
    Retcode r = Recv(l, &in.hdr);
    for (int done = 0; !done && r == rcOk;) {
        uint32_t mid = in.hdr.mid, n = in.hdr.arena_size;
        int d = KnArenaDeferred(&in.hdr);
        int replied = 0;
        switch (mid) {
        case M_TWO_THREADS: {
            helper_go = 1;
            for (int i = 0; i < 200 && helper_rc == 1; i++)
                KosThreadSleep(5);
            Retcode mine = read_all(n);
            CHECK("other_server_thread_rcNotConnected", d && helper_rc == rcNotConnected &&
                  all(got2, 0, sizeof got2), "deferred %d rc %d", d, helper_rc);
            CHECK("holder_reads_its_request", mine == rcOk && pattern_ok(got, mid, n),
                  "rc %d", mine);
            break;
        }
        case M_STALE: {                              /* freed after the first read */
            Retcode a = read_all(n);
            int first = a == rcOk && pattern_ok(got, mid, n);
            KosThreadSleep(400);
            Retcode b = read_all(n);
            CHECK("stale_translation_rcSourceFault_never_next_owner",
                  d && first && b == rcSourceFault && all(got, 0xee, n),
                  "deferred %d first %d rc %d %d", d, first, a, b);
            break;
        }
        case M_REMAP: {                              /* mapped again at the same address */
            Retcode a = read_all(n);
            int first = a == rcOk && pattern_ok(got, mid, n);
            KosThreadSleep(400);
            Retcode b = read_all(n);
            CHECK("remapped_arena_gives_new_bytes", d && first && b == rcOk && all(got, MARK, n),
                  "deferred %d first %d rc %d %d", d, first, a, b);
            break;
        }
        case M_SHM: {                                /* MDL: rw, read-only, gone */
            Retcode a = read_all(n);
            int first = a == rcOk && pattern_ok(got, mid, n);
            KosThreadSleep(300);
            Retcode b = read_all(n);
            int second = b == rcOk && pattern_ok(got, mid, n);
            KosThreadSleep(300);
            Retcode c = read_all(n);
            CHECK("shared_arena_read_only_then_gone", d && first && second && c == rcSourceFault,
                  "deferred %d rc %d %d %d", d, a, b, c);
            break;
        }
        case M_TIMEOUT: {                            /* CallEx: general path, copied */
            KosThreadSleep(400);                     /* the client times out meanwhile */
            Retcode a = KnArenaRead(got, 0, 16);
            CHECK("callex_copied_read_after_timeout_rcNotConnected",
                  !d && n == 4096 && a == rcNotConnected, "deferred %d size %u rc %d", d, n, a);
            arm_in(&in);
            r = Recv(l, &in.hdr);                    /* nothing to answer */
            continue;
        }
        case M_RELEASE: {
            Retcode a = read_all(n);
            word = 1;
            arm_in(&in);
            r = ReplyRecvRelease(l, &out.hdr, &in.hdr, INFINITE_TIMEOUT, &word);
            CHECK("release_word_after_deferred", d && a == rcOk && word == 0, "deferred %d rc %d "
                  "word %u", d, a, word);
            continue;
        }
        case M_B_COPIED:
        case M_B_NONE: {                             /* after A's deferred requests */
            memset(got, 0xee, sizeof got);
            Retcode a = KnArenaRead(got, 0, 16);
            Retcode b = kos_syscall6(SYS_ArenaRead, (uintptr_t)got, 0, 0, 0, 0, 0);
            CHECK(mid == M_B_COPIED ? "second_client_copied_rcInvalidOperation"
                                    : "second_client_no_arena_rcInvalidOperation",
                  !d && a == rcInvalidOperation && b == rcInvalidOperation && all(got, 0xee, 16),
                  "deferred %d rc %d %d", d, a, b);
            break;
        }
        case M_B_DEFERRED: {
            Retcode a = read_all(n);
            CHECK("second_client_reads_its_own_bytes", d && a == rcOk && pattern_ok(got, mid, n),
                  "deferred %d rc %d", d, a);
            break;
        }
        case M_END:
            Reply(l, &out.hdr);
            done = replied = 1;
            continue;
        default:                                     /* M_DONE_A, disconnect notices */
            break;
        }
        arm_in(&in);
        if (mid == MSG_MID_DISCONNECT)
            r = Recv(l, &in.hdr);
        else if (!replied)
            r = ReplyRecv(l, &out.hdr, &in.hdr, INFINITE_TIMEOUT);
    }
    if (r != rcOk)
        printf("test_ipc_pull_hostile server: rc %d\n", r);
    return check_done("test_ipc_pull_hostile server");
}

/* ---- clients ----------------------------------------------------------------- */

static Retcode call_ex(Handle ch, uint32_t mid, uint8_t *arena, uint32_t n, uint64_t timeout)
{
    static struct msg out, in;
    for (uint32_t i = 0; i < n; i++)
        arena[i] = pat(mid, i);
    memset(&out, 0, sizeof out);
    out.hdr.mid = mid;
    out.hdr.arena = (uintptr_t)arena;
    out.hdr.arena_size = n;
    memset(&in, 0, sizeof in);
    in.hdr.size = sizeof in.value;
    return timeout ? CallEx(ch, &out.hdr, &in.hdr, timeout) : Call(ch, &out.hdr, &in.hdr);
}

static Retcode call(Handle ch, uint32_t mid, uint8_t *arena, uint32_t n)
{
    return call_ex(ch, mid, arena, n, 0);
}

/* What the client's second thread does to the arena while the Call waits. */
enum { FREE_ELSEWHERE = 1, FREE_SAME_PLACE, SHM_RO_THEN_GONE };
static volatile int job;
static void *region;
#define ELSEWHERE ((void *)0x3000000000ull)      /* a user address nothing else maps */
static Handle mdl;
static volatile Retcode job_rc = 1;

static int meddler(void *arg)
{
    (void)arg;
    KosThreadSleep(150);
    Retcode rc = rcOk;
    void *p = NULL;
    switch (job) {
    case FREE_ELSEWHERE:                     /* its page free, then likely ours again */
        rc = KnVmFree(region, PAGE);
        if (rc == rcOk)                      /* far from it: its address stays unmapped */
            rc = KnVmAllocate(ELSEWHERE, PAGE, VM_READ | VM_WRITE, VM_FIXED, &p);
        if (rc == rcOk)
            memset(p, MARK, PAGE);
        break;
    case FREE_SAME_PLACE:
        rc = KnVmFree(region, PAGE);
        if (rc == rcOk)
            rc = KnVmAllocate(region, PAGE, VM_READ | VM_WRITE, VM_FIXED, &p);
        if (rc == rcOk)
            memset(p, MARK, PAGE);
        break;
    case SHM_RO_THEN_GONE:
        rc = KnPmmMdlUnmap(region, PAGE);
        if (rc == rcOk)
            rc = KnPmmMdlMapFixed(mdl, 0, PAGE, region, VM_READ);
        KosThreadSleep(300);
        if (rc == rcOk)
            rc = KnPmmMdlUnmap(region, PAGE);
        break;
    }
    job_rc = rc;
    return 0;
}

/* A Call whose arena (n bytes at the start of region) the second thread
 * meddles with (how) while the server holds it. */
static Retcode call_meddled(Handle ch, uint32_t mid, int how, uint32_t n)
{
    Tid t;
    job = how;
    job_rc = 1;
    Retcode rc = KosThreadCreate(&t, ThreadPriorityNormal, 16 * 1024, meddler, NULL, 0);
    if (rc == rcOk)
        rc = call(ch, mid, region, n);
    if (rc == rcOk) {
        KosThreadWait(t, 5000);
        rc = job_rc;
    }
    return rc;
}

static int client(void)
{
    Handle ch;
    static uint8_t buf[PAGE] __attribute__((aligned(4096)));
    if (KnChannelLookup("pullh", SERVICE_CLIENT, &ch))
        return 1;
    Retcode r1 = call(ch, M_TWO_THREADS, buf, 2048);
    Retcode r2 = KnVmAllocate(NULL, PAGE, VM_READ | VM_WRITE, 0, &region);
    if (r2 == rcOk)
        r2 = call_meddled(ch, M_STALE, FREE_ELSEWHERE, PAGE);
    Retcode r3 = KnVmAllocate(NULL, PAGE, VM_READ | VM_WRITE, 0, &region);
    if (r3 == rcOk)
        r3 = call_meddled(ch, M_REMAP, FREE_SAME_PLACE, PAGE);
    KnVmFree(region, PAGE);
    Retcode r4 = KnPmmMdlCreate(PAGE, VM_READ | VM_WRITE, &mdl);
    if (r4 == rcOk)
        r4 = KnPmmMdlMap(mdl, 0, PAGE, &region, VM_READ | VM_WRITE);
    if (r4 == rcOk)
        r4 = call_meddled(ch, M_SHM, SHM_RO_THEN_GONE, 3000);
    Retcode r5 = call_ex(ch, M_TIMEOUT, buf, PAGE, 200000000ull);   /* 200 ms */
    KosThreadSleep(500);                             /* the server waits in Recv again */
    Retcode r6 = call(ch, M_RELEASE, buf, 1500);
    Retcode r7 = call(ch, M_DONE_A, buf, 0);
    CHECK("client_calls_answered", r1 == rcOk && r2 == rcOk && r3 == rcOk && r4 == rcOk &&
          r5 == rcTimeout && r6 == rcOk && r7 == rcOk,
          "rc %d %d %d %d %d %d %d", r1, r2, r3, r4, r5, r6, r7);
    return check_done("test_ipc_pull_hostile client");
}

static int other(void)
{
    Handle ch;
    static uint8_t buf[2 * PAGE] __attribute__((aligned(4096)));
    if (KnChannelLookup("pullh", SERVICE_CLIENT, &ch))
        return 1;
    Retcode r1 = call(ch, M_B_COPIED, buf + 16, 100);
    Retcode r2 = call(ch, M_B_NONE, buf, 0);
    Retcode r3 = call(ch, M_B_DEFERRED, buf + 100, PAGE);
    Retcode r4 = call(ch, M_END, buf, 0);
    CHECK("other_calls_answered", r1 == rcOk && r2 == rcOk && r3 == rcOk && r4 == rcOk,
          "rc %d %d %d %d", r1, r2, r3, r4);
    return check_done("test_ipc_pull_hostile other");
}

int main(int argc, char **argv)
{
    if (argc > 1) {
        if (strcmp(argv[1], "server") == 0)
            return server();
        return strcmp(argv[1], "other") == 0 ? other() : client();
    }
    Handle srv = spawn_suspended("test_ipc_pull_hostile", "server", "server");
    Handle cl = spawn_suspended("test_ipc_pull_hostile", "client", "client");
    Handle ot = spawn_suspended("test_ipc_pull_hostile", "other", "other");
    Retcode rc = srv && cl && ot ? KnChannelCreate(cl, srv, "pullh") : rcInvalidArgument;
    if (rc == rcOk)
        rc = KnChannelCreate(ot, srv, "pullh");
    int32_t ss = -1, sc = -1, so = -1;
    if (rc == rcOk) {
        KnTaskStart(srv);
        KosThreadSleep(100);                         /* the server waits in Recv */
        KnTaskStart(cl);
        KnTaskWait(cl, INFINITE_TIMEOUT, &sc);       /* its deferred requests first */
        KnTaskStart(ot);
        KnTaskWait(ot, INFINITE_TIMEOUT, &so);
        KnTaskWait(srv, INFINITE_TIMEOUT, &ss);
    }
    CHECK("server_and_clients_pass", rc == rcOk && sc == 0 && so == 0 && ss == 0,
          "channel %d, client %d, other %d, server %d", rc, sc, so, ss);
    return check_done("test_ipc_pull_hostile");
}
