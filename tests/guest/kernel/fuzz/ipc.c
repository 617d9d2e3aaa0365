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

void fuzz_ipc_one(struct fuzz_ctx *c)
{
    SMsgHdr *out = (SMsgHdr *)(c->scratch + MSG_OFF), *in = (SMsgHdr *)(c->scratch + IN_OFF);
    fill_msg(c, out, false);
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
    while (gone < clients) {
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
                Reply(l, (const SMsgHdr *)(uintptr_t)out_p);
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
    }
    return 0;
}
