/*
 * kos_loop.h: a stand-in for the kernel in host tests of the KasperskyOS-form
 * code tools/nk generates. A loopback nk_transport whose call copies the
 * request into the "server" as the kernel would (with the caller's badge),
 * checks it against the class's layout record as the security module would
 * (the kernel's sec_check_layout plus the receiver's string rule,
 * layout_check.h), runs the entity dispatcher, checks a normal response the
 * same way and copies it back within the caller's room. Include after
 * <coresrv/nk/transport-kos.h> and the class's headers.
 */
#ifndef KOS_LOOP_H
#define KOS_LOOP_H

#include <stdio.h>
#include <string.h>

#include "layout_check.h"

typedef nk_err_t loop_dispatch_fn(const struct nk_message *req, const struct nk_arena *req_arena,
                                  struct nk_message *res, struct nk_arena *res_arena);

struct loop_transport {
    struct nk_transport base;
    loop_dispatch_fn *dispatch;
    const struct sec_class *layout;
    uint32_t badge;                 /* given to every request, as the kernel does */
    int calls;
    int layout_failures;            /* requests or responses the check refused */
};

/* The system calls coresrv/nk/transport-kos.h declares: never reached here. */
Retcode Call(Handle h, const SMsgHdr *o, SMsgHdr *i) { (void)h; (void)o; (void)i; return rcFail; }
Retcode CallEx(Handle h, const SMsgHdr *o, SMsgHdr *i, uint64_t t) { (void)h; (void)o; (void)i; (void)t; return rcFail; }
Retcode RecvEx(Handle h, SMsgHdr *i, uint64_t t) { (void)h; (void)i; (void)t; return rcFail; }
Retcode Reply(Handle h, const SMsgHdr *o) { (void)h; (void)o; return rcFail; }
const struct nk_transport_ops nk_kos_transport_ops;

static _Alignas(8) uint8_t loop_req[sizeof(SMsgHdr) + MSG_MAX_CONST];
static _Alignas(8) uint8_t loop_res[sizeof(SMsgHdr) + MSG_MAX_CONST];
static _Alignas(8) uint8_t loop_req_arena[MSG_MAX_ARENA];
static _Alignas(8) uint8_t loop_res_arena[MSG_MAX_ARENA];

static nk_err_t loop_call(struct nk_transport *t, struct nk_message *req,
                          const struct nk_arena *req_arena, struct nk_message *res,
                          struct nk_arena *res_arena)
{
    struct loop_transport *lt = (struct loop_transport *)t;
    struct nk_message *q = (struct nk_message *)(void *)loop_req;
    struct nk_message *s = (struct nk_message *)(void *)loop_res;
    size_t used = nk_arena_size(req_arena);
    lt->calls++;
    if (req->hdr.size > MSG_MAX_CONST || req->hdr.nhandles > MSG_MAX_HANDLES ||
        used > MSG_MAX_ARENA)
        return rcInvalidArgument;
    memcpy(q, req, sizeof(SMsgHdr) + req->hdr.size);
    if (used)
        memcpy(loop_req_arena, req_arena->start, used);
    q->hdr.arena_size = (uint32_t)used;
    q->hdr.badge = lt->badge;
    const struct sec_method *ml = lay_method(lt->layout, q->hdr.riid, q->hdr.mid);
    if (ml == NULL || !lay_ok(&ml->req, (const uint8_t *)(&q->hdr + 1), q->hdr.size,
                              loop_req_arena, q->hdr.arena_size, q->hdr.nhandles)) {
        lt->layout_failures++;
        return rcSecurityDisallow;
    }
    struct nk_arena qa = NK_ARENA_INITIALIZER(loop_req_arena, loop_req_arena + sizeof loop_req_arena);
    struct nk_arena ra = NK_ARENA_INITIALIZER(loop_res_arena, loop_res_arena + sizeof loop_res_arena);
    qa.current = qa.start + used;
    memset(s, 0, sizeof(SMsgHdr));
    s->hdr.size = MSG_MAX_CONST;
    lt->dispatch(q, &qa, s, &ra);
    size_t rused = nk_arena_size(&ra);
    s->hdr.arena_size = (uint32_t)rused;
    if (s->hdr.mid != MSG_MID_ERROR &&
        !lay_ok(&ml->res, (const uint8_t *)(&s->hdr + 1), s->hdr.size, loop_res_arena,
                s->hdr.arena_size, s->hdr.nhandles)) {
        lt->layout_failures++;
        return rcSecurityDisallow;
    }
    if (s->hdr.size > res->hdr.size || rused > nk_arena_capacity(res_arena))
        return rcBufferTooSmall;
    memcpy(res, s, sizeof(SMsgHdr) + s->hdr.size);
    if (res_arena != NULL) {
        if (rused)
            memcpy(res_arena->start, loop_res_arena, rused);
        res_arena->current = res_arena->start + rused;
    }
    return NK_EOK;
}

static const struct nk_transport_ops loop_ops = { loop_call, NULL, NULL };

static inline void loop_init(struct loop_transport *lt, loop_dispatch_fn *dispatch,
                             const struct sec_class *layout, uint32_t badge)
{
    memset(lt, 0, sizeof *lt);
    lt->base.ops = &loop_ops;
    lt->dispatch = dispatch;
    lt->layout = layout;
    lt->badge = badge;
}

#endif
