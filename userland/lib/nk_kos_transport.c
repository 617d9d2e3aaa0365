/*
 * NkKosTransport (coresrv/nk/transport-kos.h): the NK transport of the
 * KasperskyOS API over Call / Recv / Reply. It only moves messages: the
 * generated proxies and dispatchers check them against the IDL.
 */
#include <coresrv/nk/transport-kos.h>

/* Point the header at the arena to send: [start, current). */
static void set_send_arena(SMsgHdr *h, const struct nk_arena *a)
{
    h->arena = a ? (uint64_t)(uintptr_t)a->start : 0;
    h->arena_size = a ? (uint32_t)(a->current - a->start) : 0;
    h->arena_cap = 0;
}

/* Point the header at the room to receive an arena into: [start, end). */
static void set_recv_arena(SMsgHdr *h, const struct nk_arena *a)
{
    uint64_t cap = a ? (uint64_t)(a->end - a->start) : 0;
    h->arena = cap ? (uint64_t)(uintptr_t)a->start : 0;
    h->arena_cap = cap > MSG_MAX_ARENA ? MSG_MAX_ARENA : (uint32_t)cap;
    h->arena_size = 0;
}

/* After a receive: the arena's used part is what arrived. */
static void got_arena(const SMsgHdr *h, struct nk_arena *a)
{
    if (a != NK_NULL)
        a->current = a->start + (h->arena_size <= (uint64_t)(a->end - a->start) ? h->arena_size : 0);
}

static nk_err_t kos_call(struct nk_transport *t, struct nk_message *req,
                         const struct nk_arena *req_arena, struct nk_message *res,
                         struct nk_arena *res_arena)
{
    NkKosTransport *k = (NkKosTransport *)t;
    set_send_arena(&req->hdr, req_arena);
    set_recv_arena(&res->hdr, res_arena);
    nk_err_t rc = CallEx(k->handle, &req->hdr, &res->hdr, k->timeout_ns);
    if (rc == rcOk)
        got_arena(&res->hdr, res_arena);
    return rc;
}

static nk_err_t kos_recv(struct nk_transport *t, struct nk_message *req, struct nk_arena *req_arena)
{
    NkKosTransport *k = (NkKosTransport *)t;
    set_recv_arena(&req->hdr, req_arena);
    uint32_t cap = req->hdr.size;
    nk_err_t rc = RecvEx(k->handle, &req->hdr, k->timeout_ns);
    /* A client end went away: a notice, not a request (uapi/msg.h). Nothing
     * waits for its reply, so wait for the next request instead. */
    while (rc == rcOk && req->hdr.mid == MSG_MID_DISCONNECT) {
        req->hdr.size = cap;
        set_recv_arena(&req->hdr, req_arena);
        rc = RecvEx(k->handle, &req->hdr, k->timeout_ns);
    }
    if (rc == rcOk)
        got_arena(&req->hdr, req_arena);
    return rc;
}

static nk_err_t kos_reply(struct nk_transport *t, struct nk_message *res,
                          const struct nk_arena *res_arena)
{
    NkKosTransport *k = (NkKosTransport *)t;
    set_send_arena(&res->hdr, res_arena);
    return Reply(k->handle, &res->hdr);
}

static const struct nk_transport_ops kos_ops = { kos_call, kos_recv, kos_reply };

void NkKosTransport_Init(NkKosTransport *transport, Handle handle, const void *callbacks,
                         nk_uint32_t ncallbacks)
{
    (void)callbacks;
    (void)ncallbacks;
    transport->base.ops = &kos_ops;
    transport->handle = handle;
    transport->timeout_ns = INFINITE_TIMEOUT;
}

void NkKosSetTimeout(NkKosTransport *transport, nk_uint32_t timeout_ms)
{
    transport->timeout_ns = (nk_uint64_t)timeout_ms * 1000000u;
}
