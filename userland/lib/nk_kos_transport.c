/*
 * NkKosTransport (coresrv/nk/transport-kos.h): the NK transport of the
 * KasperskyOS API over Call / Recv / Reply. It only moves messages: the
 * generated proxies and dispatchers check them against the IDL.
 */
#include <coresrv/nk/transport-kos-security.h>
#include <uapi/handle.h>              /* KERNEL_HANDLE */

static nk_err_t kos_call(struct nk_transport *t, struct nk_message *req,
                         const struct nk_arena *req_arena, struct nk_message *res,
                         struct nk_arena *res_arena)
{
    return nk_kos_transport_call((NkKosTransport *)t, req, req_arena, res, res_arena);
}

static nk_err_t kos_recv(struct nk_transport *t, struct nk_message *req, struct nk_arena *req_arena)
{
    NkKosTransport *k = (NkKosTransport *)t;
    nk_kos_recv_arena(&req->hdr, req_arena);
    uint32_t cap = req->hdr.size;
    nk_err_t rc = RecvEx(k->handle, &req->hdr, k->timeout_ns);
    /* A client end went away: a notice, not a request (uapi/msg.h). Nothing
     * waits for its reply, so wait for the next request instead. */
    while (rc == rcOk && req->hdr.mid == MSG_MID_DISCONNECT) {
        req->hdr.size = cap;
        nk_kos_recv_arena(&req->hdr, req_arena);
        rc = RecvEx(k->handle, &req->hdr, k->timeout_ns);
    }
    if (rc == rcOk)
        nk_kos_got_arena(&req->hdr, req_arena);
    return rc;
}

static nk_err_t kos_reply(struct nk_transport *t, struct nk_message *res,
                          const struct nk_arena *res_arena)
{
    NkKosTransport *k = (NkKosTransport *)t;
    nk_kos_send_arena(&res->hdr, res_arena);
    return Reply(k->handle, &res->hdr);
}

const struct nk_transport_ops nk_kos_transport_ops = { kos_call, kos_recv, kos_reply };

void NkKosTransport_Init(NkKosTransport *transport, Handle handle, const void *callbacks,
                         nk_uint32_t ncallbacks)
{
    (void)callbacks;
    (void)ncallbacks;
    transport->base.ops = &nk_kos_transport_ops;
    transport->handle = handle;
    transport->timeout_ns = INFINITE_TIMEOUT;
}

void NkKosSetTimeout(NkKosTransport *transport, nk_uint32_t timeout_ms)
{
    transport->timeout_ns = (nk_uint64_t)timeout_ms * 1000000u;
}

/* NkKosSecurityTransport (coresrv/nk/transport-kos-security.h): the same
 * transport on the kernel handle, where riid MSG_RIID_SECURITY reaches the
 * security module. */
nk_err_t NkKosSecurityTransport_Init(NkKosSecurityTransport *transport, const void *callbacks,
                                     nk_uint32_t ncallbacks)
{
    NkKosTransport_Init(transport, KERNEL_HANDLE, callbacks, ncallbacks);
    return NK_EOK;
}
