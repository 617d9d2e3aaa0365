/* echo.Server: answers Ping(value) with value + 1, through the generated
 * KasperskyOS-form entity dispatcher (docs/IDL.md). */
#include <coresrv/nk/transport-kos.h>     /* first: the KasperskyOS API */
#include <coresrv/channel/channel_api.h>
#include <stdio.h>
#include "echo/Server.edl.h"

static nk_err_t ping(struct echo_IPing *self, const echo_IPing_Ping_req *req,
                     const struct nk_arena *req_arena, echo_IPing_Ping_res *res,
                     struct nk_arena *res_arena)
{
    (void)self, (void)req_arena, (void)res_arena;
    printf("Server: Ping(%u)\n", req->value);     /* shows which requests reached the server */
    res->result = req->value + 1;
    return NK_EOK;
}

int main(void)
{
    Handle listener;
    if (KnChannelLookup("echo.Server", SERVICE_SERVER, &listener)) {
        fprintf(stderr, "Server: no channel\n");
        return 1;
    }
    NkKosTransport transport;
    NkKosTransport_Init(&transport, listener, NK_NULL, 0);
    static const struct echo_IPing_ops ops = { .Ping = ping };
    struct echo_IPing impl = { &ops };
    echo_Server_entity entity;
    echo_Server_entity_init(&entity, &impl);
    static echo_Server_entity_req req;
    static echo_Server_entity_res res;
    printf("Server: ready\n");
    for (;;) {
        nk_req_reset(&req);
        if (nk_transport_recv(&transport.base, &req.base_, NK_NULL) != NK_EOK)
            break;
        echo_Server_entity_dispatch(&entity, &req.base_, NK_NULL, &res.base_, NK_NULL);
        nk_transport_reply(&transport.base, &res.base_, NK_NULL);
    }
    return 0;
}
