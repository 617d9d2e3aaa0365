/*
 * ipc.c: malformed IPC. Clients (threads of the fuzzer's child tasks) send
 * requests with random endpoint and method ids, sizes, arenas and handle
 * transfers to a live VfsFsnet and to the fuzzer's own server; the server
 * role answers with equally malformed replies (hostile arenas, handles,
 * error replies) and ends once its clients are gone.
 */
#include <coresrv/channel/channel_api.h>
#include <coresrv/handle/handle_api.h>
#include <coresrv/syscalls.h>
#include <coresrv/vmm/vmm_api.h>
#include <stdio.h>
#include <string.h>
#include <uapi/handle.h>
#include <uapi/syscall.h>
#include "fuzz.h"

#define PAGE 4096ull
#define MSG_OFF   (6 * PAGE)       /* scratch layout of the IPC messages */
#define IN_OFF    (8 * PAGE)
#define ARENA_OFF (10 * PAGE)      /* up to 64 KiB minus a bit: to the end of scratch */

static void fill_msg(struct fuzz_ctx *c, SMsgHdr *h, bool reply)
{
    uint8_t *data = (uint8_t *)(h + 1);
    uint8_t *arena = c->scratch + ARENA_OFF;
    uint32_t arena_room = FUZZ_SCRATCH_PAGES * PAGE - ARENA_OFF;
    memset(h, 0, sizeof *h);
    h->riid = (uint16_t)(rng_chance(&c->rng, 80) ? rng_below(&c->rng, 6) : fz_u32(c));
    h->mid = rng_chance(&c->rng, 80) ? rng_below(&c->rng, 32) : fz_u32(c);
    if (reply && rng_chance(&c->rng, 20))
        h->mid = MSG_MID_ERROR;
    h->size = rng_chance(&c->rng, 85) ? rng_below(&c->rng, 65) * 4 : fz_u32(c);
    uint32_t fill = h->size < 512 ? h->size : 512;
    for (uint32_t i = 0; i + 4 <= fill; i += 4) {
        uint32_t v = rng_chance(&c->rng, 50) ? rng_below(&c->rng, 300) : fz_u32(c);
        memcpy(data + i, &v, 4);
    }
    if (rng_chance(&c->rng, 50)) {
        uint32_t n = rng_below(&c->rng, 512);
        for (uint32_t i = 0; i < n; i++)
            arena[i] = rng_chance(&c->rng, 80) ? (uint8_t)('a' + rng_below(&c->rng, 26))
                                               : (uint8_t)rng_next(&c->rng);
        if (n && rng_chance(&c->rng, 70))
            arena[n - 1] = 0;
        h->arena = (uint64_t)(uintptr_t)arena;
        h->arena_size = n;
        switch (rng_below(&c->rng, 6)) {
        case 0: h->arena = fz_ptr(c); break;
        case 1: h->arena_size = rng_chance(&c->rng, 50) ? arena_room : fz_u32(c); break;
        case 2: h->arena_size = 65536 + rng_below(&c->rng, 2); break;
        default: break;
        }
    }
    if (rng_chance(&c->rng, 25)) {
        h->nhandles = (uint16_t)(rng_chance(&c->rng, 85) ? rng_below(&c->rng, 5) : fz_u32(c));
        for (unsigned i = 0; i < MSG_MAX_HANDLES; i++) {
            h->handles[i].handle = fz_handle(c);
            h->handles[i].rights = rng_chance(&c->rng, 50) ? RIGHT_TRANSFER | RIGHT_COPY
                                                             : fz_u32(c);
        }
    }
}

static void prepare_in(struct fuzz_ctx *c, SMsgHdr *in)
{
    memset(in, 0, sizeof *in);
    in->size = rng_chance(&c->rng, 80) ? 512 : fz_u32(c);
    if (rng_chance(&c->rng, 60)) {
        in->arena = (uint64_t)(uintptr_t)(c->scratch + ARENA_OFF);
        in->arena_cap = rng_chance(&c->rng, 80) ? 4096 : fz_u32(c) % (8 * 4096);
    } else if (rng_chance(&c->rng, 30)) {
        in->arena = fz_ptr(c);
        in->arena_cap = fz_u32(c);
    }
}

/* Received handles are closed at once: a server must not collect them (the
 * first task's direct calls do the same, calls.c). */
void fuzz_close_received(const SMsgHdr *in)
{
    uint16_t n = in->nhandles < MSG_MAX_HANDLES ? in->nhandles : MSG_MAX_HANDLES;
    for (unsigned i = 0; i < n; i++)
        if (in->handles[i].handle)
            KnHandleClose(in->handles[i].handle);
}

/* Fresh pages one client thread of a child calls with as its arena and
 * another may free meanwhile (Vmm.Free by the other thread while the server
 * holds the request, deferred or not): a deferred arena read then must fail,
 * never reach the freed page or its next owner (docs/ABI.md "Deferred
 * arenas"). One slot per child task, taken by an atomic exchange. */
static uint64_t shared_arena;
#define SHARED_ARENA_SIZE (2 * PAGE)

/* A request the IPC fast path takes (a short constant part, no handles, an
 * arena in one piece), with an arena of a size around the thresholds the
 * server sets: such requests are the ones delivered deferred. */
static void fast_shape(struct fuzz_ctx *c, SMsgHdr *h)
{
    static const uint32_t n[] = { 1, 2, 63, 64, 511, 512, 513, 2048, 4095, 4096 };
    h->size = rng_below(&c->rng, 17) * 4;
    h->nhandles = 0;
    h->arena = (uint64_t)(uintptr_t)(c->scratch + ARENA_OFF) + rng_below(&c->rng, 64);
    h->arena_size = n[rng_below(&c->rng, sizeof n / sizeof n[0])];
    if (c->role == FUZZ_CHILD && rng_chance(&c->rng, 20)) {
        uint64_t a = __atomic_exchange_n(&shared_arena, 0, __ATOMIC_ACQ_REL);
        if (a && rng_chance(&c->rng, 50)) {
            KnVmFree((void *)(uintptr_t)a, SHARED_ARENA_SIZE);   /* maybe held right now */
            return;
        }
        void *m = NULL;
        if (!a && KnVmAllocate(NULL, SHARED_ARENA_SIZE, VM_READ | VM_WRITE, 0, &m) == rcOk)
            a = (uint64_t)(uintptr_t)m;
        if (a) {
            h->arena = a + PAGE - rng_below(&c->rng, 64);   /* across its page end */
            if (h->arena_size > SHARED_ARENA_SIZE - (h->arena - a))
                h->arena_size = (uint32_t)(SHARED_ARENA_SIZE - (h->arena - a));
            __atomic_store_n(&shared_arena, a, __ATOMIC_RELEASE);
        }
    }
}

void fuzz_ipc_one(struct fuzz_ctx *c)
{
    SMsgHdr *out = (SMsgHdr *)(c->scratch + MSG_OFF), *in = (SMsgHdr *)(c->scratch + IN_OFF);
    fill_msg(c, out, false);
    if (rng_chance(&c->rng, 40))
        fast_shape(c, out);
    prepare_in(c, in);
    Handle h = c->ipc[rng_below(&c->rng, (uint32_t)c->nipc)];
    uint64_t out_p = (uint64_t)(uintptr_t)out, in_p = (uint64_t)(uintptr_t)in;
    if (rng_chance(&c->rng, 5))
        out_p = fz_ptr(c);
    if (rng_chance(&c->rng, 5))
        in_p = fz_ptr(c);
    c->cur.riid = out->riid, c->cur.mid = out->mid, c->cur.size = out->size;
    c->cur.nhandles = out->nhandles;
    c->cur.nr = rng_chance(&c->rng, 30) ? SYS_CallEx : SYS_Call;
    c->cur.a[0] = h, c->cur.a[1] = out_p, c->cur.a[2] = in_p;
    c->cur.a[3] = c->cur.nr == SYS_CallEx ? fz_timeout(c) : 0;
    c->cur.a[4] = c->cur.a[5] = 0;
    c->calls++;
    if (c->trace)
        fuzz_print_call(c, "call");
    Retcode rc = kos_syscall6(c->cur.nr, h, out_p, in_p, c->cur.a[3], 0, 0);
    if (rc == rcOk && in_p == (uint64_t)(uintptr_t)in)
        fuzz_close_received(in);
}

/* ---- deferred arenas (docs/ABI.md "Deferred arenas") on the server ------ */

/* A threshold for ArenaDefer: off, small, at the usual arena sizes, the
 * largest arena and over it, or hostile (over 32 bits: refused). Returns the
 * threshold in force after the call (0: off), as the kernel keeps it. */
static uint32_t defer_set(struct fuzz_ctx *c, uint32_t now)
{
    static const uint64_t t[] = { 0, 1, 2, 64, 511, 512, 4096, 65536, 65537, 0xffffffffull,
                                  1ull << 32, ~0ull };
    uint64_t v = rng_chance(&c->rng, 70) ? t[rng_below(&c->rng, sizeof t / sizeof t[0])]
                                         : fz_u64(c);
    Retcode rc = kos_syscall6(SYS_ArenaDefer, v, fz_u64(c), 0, 0, 0, 0);
    if (v > 0xffffffffull)
        return rc == rcInvalidArgument ? now : 0xdead;   /* unchanged; else fails below */
    if (rc != rcOk)
        return 0xdead;
    return v <= MSG_MAX_ARENA ? (uint32_t)v : 0;
}

/* ArenaRead's codes for the request just received (in), each one the ABI's:
 * after a copied delivery rcInvalidOperation; on a deferred arena (only at or
 * above the threshold in force, never with it off) a range outside it
 * rcInvalidArgument, a destination outside user space rcTargetFault, and a
 * range inside it into scratch rcOk or rcSourceFault (the client's arena
 * hostile or freed: its other threads may have unmapped it). Some reads land
 * on the server's own receive buffer (its header already taken). 0 when all
 * held (or the client died: rcNotConnected), else the failing check's
 * number (printed). */
static int arena_reads(struct fuzz_ctx *c, const SMsgHdr *in, uint32_t threshold)
{
    uint8_t *dst = c->scratch + ARENA_OFF;
    uint32_t room = FUZZ_SCRATCH_PAGES * PAGE - ARENA_OFF;
    uint32_t n = in->arena_size;
    uint64_t d = (uint64_t)(uintptr_t)dst;
    Retcode rc;
    /* rcNotConnected at any point: the client died meanwhile (children do) */
#define GONE_OR(expr, ok) ((rc = (expr)) == rcNotConnected || (ok))
    if (!KnArenaDeferred(in))
        return GONE_OR(kos_syscall6(SYS_ArenaRead, d, 0, 0, 0, 0, 0), rc == rcInvalidOperation) ? 0 : 1;
    if (!threshold || n < threshold || n > MSG_MAX_ARENA || threshold == 0xdead)
        return 2;                                 /* deferred without being asked to */
    if (!GONE_OR(kos_syscall6(SYS_ArenaRead, d, n, 0, 0, 0, 0), rc == rcOk))   /* empty, at the end */
        return 3;
    uint64_t off = rng_chance(&c->rng, 50) ? n + 1 + rng_below(&c->rng, 8) : fz_u64(c);
    uint64_t size = rng_chance(&c->rng, 50) ? fz_u64(c) : n + 1;
    if (off <= n && size <= n - off)
        size = n - off + 1 + rng_below(&c->rng, 4);   /* always outside */
    if (!GONE_OR(kos_syscall6(SYS_ArenaRead, d, off, size, 0, 0, 0), rc == rcInvalidArgument))
        return 4;
    static const uint64_t kernel[] = { 0xffff000000000000ull, 0xffffff8000000000ull,
                                       0x8000000000ull, ~0ull - 7 };
    if (!GONE_OR(kos_syscall6(SYS_ArenaRead, kernel[rng_below(&c->rng, 4)], 0,
                              1 + rng_below(&c->rng, n), 0, 0, 0), rc == rcTargetFault))
        return 5;
    for (int k = 0; k < 3; k++) {
        uint32_t o = rng_below(&c->rng, n + 1), s = rng_below(&c->rng, n - o + 1);
        if (s > room)
            s = room;
        if (k == 2) {
            /* the server's own message buffers (scratch, before ARENA_OFF): the
             * header of `in` was read above, the next Recv rewrites it */
            uint64_t at = (uint64_t)(uintptr_t)c->scratch + MSG_OFF + rng_below(&c->rng, 4 * PAGE);
            uint64_t end = d + room;
            if (s > end - at)
                s = (uint32_t)(end - at);
            rc = kos_syscall6(SYS_ArenaRead, at, o, s, 0, 0, 0);
        } else {
            rc = kos_syscall6(SYS_ArenaRead, d, o, s, 0, 0, 0);
        }
        if (rc != rcOk && rc != rcSourceFault && rc != rcNotConnected)
            return 6 + k;
    }
    /* and anything at all */
    kos_syscall6(SYS_ArenaRead, fz_ptr(c), fz_u64(c), fz_u64(c), 0, 0, 0);
    return 0;
#undef GONE_OR
}

/* The server: one listener, looked up as "fz.srv"; random replies. Ends when
 * every client's disconnect notice came, or when idle for a while after the
 * first one (a client end copied into another task may outlive its child). */
int fuzz_server_main(uint64_t seed, int clients)
{
    struct fuzz_ctx ctx, *c = &ctx;
    if (fuzz_ctx_init(c, FUZZ_CHILD, seed, 0, 999))
        return 2;
    Handle l;
    if (KnChannelLookup("fz.srv", SERVICE_SERVER, &l) != rcOk)
        return 3;
    SMsgHdr *out = (SMsgHdr *)(c->scratch + MSG_OFF), *in = (SMsgHdr *)(c->scratch + IN_OFF);
    int gone = 0;
    bool holding = false;
    uint64_t idle_ns = 0;
    uint32_t threshold = 0;                      /* ArenaDefer's, as the kernel keeps it */
    uint64_t nreq = 0, ndeferred = 0;
    for (bool first = true; gone < clients; first = false) {
        if (rng_chance(&c->rng, first ? 80 : 10)) {
            threshold = defer_set(c, threshold);
            if (threshold == 0xdead) {
                printf("fuzz: server: ArenaDefer's code is not the ABI's\n");
                return 5;
            }
        }
        prepare_in(c, in);
        in->size = 512;
        Retcode rc;
        uint64_t timeout = 50000000ull;           /* 50 ms */
        if (holding && rng_chance(&c->rng, 90)) {
            fill_msg(c, out, true);
            uint64_t out_p = rng_chance(&c->rng, 5) ? fz_ptr(c) : (uint64_t)(uintptr_t)out;
            /* The next request's buffer: sometimes one the kernel cannot write
             * (NULL, kernel, code, straddling the unmapped page after scratch),
             * so that nothing is delivered there: the server must still see
             * every disconnect notice in `in`. */
            uint64_t in_p = (uint64_t)(uintptr_t)in;
            if (rng_chance(&c->rng, 5)) {
                static const uint64_t bad[] = { 0, 0xffff000000001000ull };
                unsigned k = rng_below(&c->rng, 4);
                in_p = k < 2 ? bad[k] : k == 2 ? (uint64_t)(uintptr_t)&fuzz_exit_stub
                     : (uint64_t)(uintptr_t)c->scratch + FUZZ_SCRATCH_PAGES * PAGE - 16;
            }
            unsigned how = rng_below(&c->rng, 4);
            if (how == 0) {
                rc = ReplyRecv(l, (const SMsgHdr *)(uintptr_t)out_p, (SMsgHdr *)(uintptr_t)in_p,
                               timeout);
            } else if (how == 1) {
                /* The release word: 0 (none), a word of scratch, or hostile
                 * (misaligned, kernel, unmapped: refused or stored to nothing). */
                uint64_t word = rng_chance(&c->rng, 30) ? 0 : rng_chance(&c->rng, 50)
                                    ? (uint64_t)(uintptr_t)(c->scratch + MSG_OFF - 8)
                                    : fz_ptr(c);
                rc = kos_syscall6(SYS_ReplyRecvRelease, l, out_p, in_p, timeout, word, 0);
            } else {
                Retcode r = Reply(l, (const SMsgHdr *)(uintptr_t)out_p);
                /* replied: no request held any more (a refused reply keeps it) */
                Retcode a = kos_syscall6(SYS_ArenaRead, (uint64_t)(uintptr_t)(c->scratch + ARENA_OFF),
                                         0, 0, 0, 0, 0);
                if (r == rcOk ? a != rcNotConnected
                              : a != rcNotConnected && a != rcInvalidOperation && a != rcOk) {
                    printf("fuzz: server: ArenaRead after Reply: rc %d\n", a);
                    return 5;
                }
                rc = RecvEx(l, in, timeout);
            }
        } else {
            rc = RecvEx(l, in, timeout);         /* holding: rcInvalidThreadState, tested too */
        }
        if (rc == rcTimeout) {
            idle_ns += timeout;
            if (gone && idle_ns >= 500000000ull)
                break;
            if (idle_ns >= 30000000000ull)
                return 4;                         /* nobody ever came or went */
            continue;
        }
        idle_ns = 0;
        if (rc == rcInvalidThreadState) {        /* still holding a request: answer it */
            memset(out, 0, sizeof *out);
            Reply(l, out);
            holding = false;
            continue;
        }
        if (rc != rcOk) {
            holding = false;
            continue;
        }
        if (in->mid == MSG_MID_DISCONNECT && in->riid == 0 && in->size == 0) {
            gone++;
            holding = false;
            continue;
        }
        fuzz_close_received(in);
        holding = true;
        nreq++;
        ndeferred += KnArenaDeferred(in);
        SMsgHdr got = *in;                       /* (arena_reads may write over in) */
        int bad = rng_chance(&c->rng, 60) ? arena_reads(c, &got, threshold) : 0;
        if (bad) {
            printf("fuzz: server: ArenaRead check %d failed (threshold %u, arena %#llx size %u)\n",
                   bad, threshold, (unsigned long long)got.arena, got.arena_size);
            return 5;
        }
    }
    printf("fuzz: server: %llu requests, %llu with the arena deferred\n",
           (unsigned long long)nreq, (unsigned long long)ndeferred);
    return 0;
}
