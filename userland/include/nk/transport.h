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

static inline nk_err_t nk_transport_call(struct nk_transport *t, struct nk_message *req,
                                         const struct nk_arena *req_arena,
                                         struct nk_message *res, struct nk_arena *res_arena)
{
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
