/*
 * pool.h: a pool of worker threads serving one listener (pool.c). Generic:
 * it knows the kernel's message header and nothing of the interfaces served;
 * the program hands it a serve callback and that callback's context. Each
 * worker receives on the one listener and answers what it received, so a
 * request that blocks (a socket's recv, accept, poll) holds only its worker.
 */
#ifndef POOL_H
#define POOL_H

#include <stdint.h>
#include <coresrv/syscalls.h>

/* The largest message the kernel delivers or takes: header, constant part, arena. */
#define POOL_MSG_MAX (sizeof(SMsgHdr) + MSG_MAX_CONST)

/* Bytes of each arena buffer of a worker: the largest arena the kernel moves. */
#define POOL_ARENA_SIZE MSG_MAX_ARENA

/* One worker's message buffers: any request the kernel can deliver, any answer it takes.
 * A server checks its own largest answer against POOL_MSG_MAX (a _Static_assert).
 * The headers of the first POOL_STATIC workers lie in the program's bss: libkos then
 * sends a short answer without arena in registers and takes the receive room from
 * registers (ReplyRecvReg), so the kernel reads neither buffer's header (docs/ABI.md,
 * "Short messages in registers"); the arenas, 64 KiB each, come from the kernel. */
struct pool_msg {
    union {
        SMsgHdr hdr;
        uint8_t raw[POOL_MSG_MAX];
    } req;
    union {
        SMsgHdr hdr;
        uint8_t raw[POOL_MSG_MAX];
    } res;
    uint8_t *req_arena;             /* POOL_ARENA_SIZE bytes each, 8-byte aligned */
    uint8_t *res_arena;
    unsigned id;                    /* the worker's number, 0 .. POOL_MAX-1 */
    /* Set by serve when the answer's arena names memory it pinned: the word the
     * kernel clears once the answer is copied (ReplyRecvRelease). NULL: none. */
    uint32_t *release;
};

/* Builds the answer to m->req in m->res (always: a reply or an error reply; m->release
 * set when the answer's arena is pinned memory), or
 * nothing for a kernel notice (MSG_MID_DISCONNECT: ReplyRecv then sends no answer). */
typedef void (*pool_serve_fn)(void *ctx, struct pool_msg *m);

#define POOL_START 4                /* workers at start (the main thread is one) */
#define POOL_MAX 64                 /* at most: requests in service at once */
#define POOL_STATIC 8               /* workers whose headers are in bss (registers) */

/* Serves `listener` forever with serve(ctx, m): the calling thread is the first
 * worker; another is started whenever none is left waiting, up to POOL_MAX. */
__attribute__((noreturn)) void pool_run(Handle listener, pool_serve_fn serve, void *ctx);

/* Every worker asks for deferred arenas (KnArenaDefer, docs/ABI.md "Deferred arenas")
 * from this size on: a request with an arena that large may come with hdr.arena 0
 * (KnArenaDeferred), its arena still in the client's memory. Paths and small requests
 * stay copied. serve takes such a request either by reading what it wants of the arena
 * itself (KnArenaRead: a write, straight into the file) or by pool_arena_pull first. */
#define POOL_DEFER_MIN 1024

/* A deferred arena of m->req, whole, into m->req_arena, and the request then as if
 * the kernel had copied it (hdr.arena = m->req_arena): rcOk; else KnArenaRead's code
 * (rcSourceFault: the client's arena page is gone) with the error reply in m->res. */
Retcode pool_arena_pull(struct pool_msg *m);

/* Workers running now (statistics). */
int pool_workers(void);

#endif
