/* ping.Server: answers Ping(value) and Pong(value) with value + 1 through the
 * generated KasperskyOS-form entity dispatcher, and prints each request it gets
 * (the test checks that the refused ones never arrive). */
#include <coresrv/nk/transport-kos.h>     /* first: the KasperskyOS API */
#include <coresrv/channel/channel_api.h>
#include <stdio.h>
#include "ping/Server.edl.h"

static nk_err_t ping(struct ping_IPingPong *self, const ping_IPingPong_Ping_req *req,
                     const struct nk_arena *req_arena, ping_IPingPong_Ping_res *res,
                     struct nk_arena *res_arena)
{
    (void)self, (void)req_arena, (void)res_arena;
    printf("Server: Ping(%u)\n", req->value);
    res->result = req->value + 1;
    return NK_EOK;
}

static nk_err_t pong(struct ping_IPingPong *self, const ping_IPingPong_Pong_req *req,
                     const struct nk_arena *req_arena, ping_IPingPong_Pong_res *res,
                     struct nk_arena *res_arena)
{
    (void)self, (void)req_arena, (void)res_arena;
    printf("Server: Pong(%u)\n", req->value);
    res->result = req->value + 1;
    return NK_EOK;
}

int main(void)
{
    Handle listener;
    if (KnChannelLookup("ping.Server", SERVICE_SERVER, &listener)) {
        fprintf(stderr, "Server: no channel\n");
        return 1;
    }
    NkKosTransport transport;
    NkKosTransport_Init(&transport, listener, NK_NULL, 0);
    static const struct ping_IPingPong_ops ops = { .Ping = ping, .Pong = pong };
    struct ping_IPingPong impl = { &ops };
    ping_Server_entity entity;
    ping_Server_entity_init(&entity, &impl);
    static ping_Server_entity_req req;
    static ping_Server_entity_res res;
    printf("Server: ready\n");
    for (;;) {
        nk_req_reset(&req);
        if (nk_transport_recv(&transport.base, &req.base_, NK_NULL) != NK_EOK)
            break;
        ping_Server_entity_dispatch(&entity, &req.base_, NK_NULL, &res.base_, NK_NULL);
        nk_transport_reply(&transport.base, &res.base_, NK_NULL);
    }
    return 0;
}
