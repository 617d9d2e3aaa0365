/*
 * pool_arena_pull: a deferred request arena (docs/ABI.md, "Deferred arenas") read
 * whole into the worker's own arena, for the requests that want it there. Apart from
 * pool.c (threads, kernel memory) so the host fuzz harness links the real one.
 */
#include <nk_types.h>
#include "pool.h"

Retcode pool_arena_pull(struct pool_msg *m)
{
    uint32_t n = m->req.hdr.arena_size;
    if (n > POOL_ARENA_SIZE)
        return nk_reply_error(&m->res.hdr, sizeof m->res, m->req.hdr.riid, rcBufferTooSmall);
    Retcode r = KnArenaRead(m->req_arena, 0, n);
    if (r == rcOk)
        m->req.hdr.arena = (uintptr_t)m->req_arena;
    else
        nk_reply_error(&m->res.hdr, sizeof m->res, m->req.hdr.riid, r);
    return r;
}
