/*
 * nk/transport.h: the abstract NK transport (KasperskyOS NK API). A proxy
 * calls through nk_transport_call; a server loop receives with
 * nk_transport_recv and answers with nk_transport_reply.
 * NkKosTransport (coresrv/nk/transport-kos.h) is the IPC implementation.
 *
 * Buffer capacity: before nk_transport_recv/call, the header's size holds
 * the room for a constant part behind it (nk_req_reset sets it from the
 * size of the message object); the arena's [start, end) is the room for the
 * arena. After it, size is the constant part received and the arena's
 * `current` marks the end of the arena received.
 */
#ifndef NK_TRANSPORT_KOS_H
#define NK_TRANSPORT_KOS_H

#include <nk/arena.h>
#include <nk/types.h>
#include <coresrv/syscalls.h>

struct nk_transport;

struct nk_transport_ops {
    nk_err_t (*call)(struct nk_transport *t, struct nk_message *req,
                     const struct nk_arena *req_arena, struct nk_message *res,
                     struct nk_arena *res_arena);
    nk_err_t (*recv)(struct nk_transport *t, struct nk_message *req, struct nk_arena *req_arena);
    nk_err_t (*reply)(struct nk_transport *t, struct nk_message *res,
                      const struct nk_arena *res_arena);
};

struct nk_transport {
    const struct nk_transport_ops *ops;
};

/* NkKosTransport (coresrv/nk/transport-kos.h), here so that a call over it
 * is inlined: a proxy that passes constant arenas (none, most calls) then
 * costs what a hand-written Call costs (docs/IDL.md, "Speed"). */
struct NkKosTransport {
    struct nk_transport base;
    Handle handle;              /* client: the channel; server: the listener */
    nk_uint64_t timeout_ns;     /* INFINITE_TIMEOUT by default */
};
/* Its ops (userland/lib/nk_kos_transport.c). */
extern const struct nk_transport_ops nk_kos_transport_ops;

/* The send side of a header: the arena [start, current). */
static inline void nk_kos_send_arena(SMsgHdr *h, const struct nk_arena *a)
{
    h->arena = a ? (nk_uint64_t)(uintptr_t)a->start : 0;
    h->arena_size = a ? (nk_uint32_t)(a->current - a->start) : 0;
    h->arena_cap = 0;
}

/* The receive side: room for an arena [start, end), at most MSG_MAX_ARENA. */
static inline void nk_kos_recv_arena(SMsgHdr *h, const struct nk_arena *a)
{
    nk_uint64_t cap = a ? (nk_uint64_t)(a->end - a->start) : 0;
    h->arena = cap ? (nk_uint64_t)(uintptr_t)a->start : 0;
    h->arena_cap = cap > MSG_MAX_ARENA ? MSG_MAX_ARENA : (nk_uint32_t)cap;
    h->arena_size = 0;
}

/* After a receive: the arena's used part is what arrived. */
static inline void nk_kos_got_arena(const SMsgHdr *h, struct nk_arena *a)
{
    if (a != NK_NULL)
        a->current = a->start + (h->arena_size <= (nk_uint64_t)(a->end - a->start) ? h->arena_size : 0);
}

/* One Call over an NkKosTransport (Call when there is no timeout: the
 * kernel's shorter path; CallEx otherwise). */
static inline nk_err_t nk_kos_transport_call(struct NkKosTransport *k, struct nk_message *req,
                                             const struct nk_arena *req_arena,
                                             struct nk_message *res, struct nk_arena *res_arena)
{
    nk_kos_send_arena(&req->hdr, req_arena);
    nk_kos_recv_arena(&res->hdr, res_arena);
    nk_err_t rc = k->timeout_ns == INFINITE_TIMEOUT
                      ? Call(k->handle, &req->hdr, &res->hdr)
                      : CallEx(k->handle, &req->hdr, &res->hdr, k->timeout_ns);
    if (rc == rcOk)
        nk_kos_got_arena(&res->hdr, res_arena);
    return rc;
}

static inline nk_err_t nk_transport_call(struct nk_transport *t, struct nk_message *req,
                                         const struct nk_arena *req_arena,
                                         struct nk_message *res, struct nk_arena *res_arena)
{
    if (t->ops == &nk_kos_transport_ops)
        return nk_kos_transport_call((struct NkKosTransport *)t, req, req_arena, res, res_arena);
    return t->ops->call(t, req, req_arena, res, res_arena);
}

static inline nk_err_t nk_transport_recv(struct nk_transport *t, struct nk_message *req,
                                         struct nk_arena *req_arena)
{
    return t->ops->recv(t, req, req_arena);
}

static inline nk_err_t nk_transport_reply(struct nk_transport *t, struct nk_message *res,
                                          const struct nk_arena *res_arena)
{
    return t->ops->reply(t, res, res_arena);
}

/* Clear a message header and record the room of the object it heads:
 * `total` bytes including the header. */
static inline void nk_msg_reset(struct nk_message *m, nk_size_t total)
{
    memset(&m->hdr, 0, sizeof m->hdr);
    m->hdr.size = total > sizeof m->hdr ? (nk_uint32_t)(total - sizeof m->hdr) : 0;
}

/* nk_req_reset(&msg): msg is any request/response object with a `base_`
 * header (a method's _req/_res, an interface's, component's or entity's
 * _req/_res union). */
#define nk_req_reset(msg) nk_msg_reset(&(msg)->base_, sizeof(*(msg)))

#endif
