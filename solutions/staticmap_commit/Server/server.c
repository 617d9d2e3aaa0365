/* limit.Server: accepts Set, Commit, Rollback and Use and prints each request
 * it gets (the refused ones never arrive); the limit itself lives in the
 * policy's StaticMap object. */
#include <coresrv/nk/transport-kos.h>   /* first: the KasperskyOS-form headers */
#include <coresrv/sl/sl_api.h>
#include <stdio.h>
#include "limit/Server.edl.h"

#define OP(M) static nk_err_t M##_impl(struct limit_ILimit *self, \
        const limit_ILimit_##M##_req *req, const struct nk_arena *req_arena, \
        limit_ILimit_##M##_res *res, struct nk_arena *res_arena)

OP(Set)
{
    (void)self; (void)req_arena; (void)res; (void)res_arena;
    printf("Server: Set(%u)\n", (unsigned)req->value);
    return NK_EOK;
}

OP(Commit)
{
    (void)self; (void)req; (void)req_arena; (void)res; (void)res_arena;
    printf("Server: Commit\n");
    return NK_EOK;
}

OP(Rollback)
{
    (void)self; (void)req; (void)req_arena; (void)res; (void)res_arena;
    printf("Server: Rollback\n");
    return NK_EOK;
}

OP(Use)
{
    (void)self; (void)req_arena; (void)res_arena;
    printf("Server: Use(%u)\n", (unsigned)req->amount);
    res->result = req->amount;
    return NK_EOK;
}

int main(void)
{
    Handle listener = ServiceLocatorRegister("limit.Server", NULL, 0, NULL);
    if (listener == INVALID_HANDLE) {
        fprintf(stderr, "Server: no channel\n");
        return 1;
    }
    static const struct limit_ILimit_ops ops = {
        .Set = Set_impl, .Commit = Commit_impl, .Rollback = Rollback_impl, .Use = Use_impl };
    static struct limit_ILimit impl = { &ops };
    static limit_Server_entity entity;
    static limit_Server_entity_req req;
    static limit_Server_entity_res res;
    NkKosTransport transport;
    NkKosTransport_Init(&transport, listener, NK_NULL, 0);
    limit_Server_entity_init(&entity, &impl);
    for (;;) {
        nk_req_reset(&req);
        if (nk_transport_recv(&transport.base, &req.base_, NK_NULL) != NK_EOK)
            continue;
        limit_Server_entity_dispatch(&entity, &req.base_, NK_NULL, &res.base_, NK_NULL);
        nk_transport_reply(&transport.base, &res.base_, NK_NULL);
    }
}
