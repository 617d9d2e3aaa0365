/* echo.Server (examples/echo, SDK layout): serves echo.Ping, answering
 * value + 1, through the generated component and entity dispatchers over
 * NkKosTransport, as KasperskyOS servers do. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#include <coresrv/nk/transport-kos.h>
#include <coresrv/sl/sl_api.h>

#include <echo/Server.edl.h>

static nk_err_t ping(struct echo_Ping *self, const struct echo_Ping_Ping_req *req,
                     const struct nk_arena *req_arena, struct echo_Ping_Ping_res *res,
                     struct nk_arena *res_arena)
{
    (void)self;
    (void)req_arena;
    (void)res_arena;
    res->result = req->value + 1;
    return NK_EOK;
}

int main(void)
{
    /* The server end of init.yaml's "server_connection". */
    ServiceId iid;
    Handle handle = ServiceLocatorRegister("server_connection", NULL, 0, &iid);
    if (handle == INVALID_HANDLE) {
        fprintf(stderr, "Server: no channel server_connection\n");
        return EXIT_FAILURE;
    }
    NkKosTransport transport;
    NkKosTransport_Init(&transport, handle, NK_NULL, 0);

    static const struct echo_Ping_ops ops = { .Ping = ping };
    static struct echo_Ping impl = { .ops = &ops };
    echo_Ping_component component;
    echo_Ping_component_init(&component, &impl);
    echo_Server_entity entity;
    echo_Server_entity_init(&entity, &component);

    echo_Server_entity_req req;
    char req_buffer[echo_Server_entity_req_arena_size + 1];
    struct nk_arena req_arena = NK_ARENA_INITIALIZER(req_buffer, req_buffer + sizeof req_buffer);
    echo_Server_entity_res res;
    char res_buffer[echo_Server_entity_res_arena_size + 1];
    struct nk_arena res_arena = NK_ARENA_INITIALIZER(res_buffer, res_buffer + sizeof res_buffer);

    printf("Server: serving echo.Ping\n");
    for (;;) {
        nk_req_reset(&req);
        nk_arena_reset(&req_arena);
        nk_arena_reset(&res_arena);
        if (nk_transport_recv(&transport.base, &req.base_, &req_arena) != NK_EOK)
            continue;
        echo_Server_entity_dispatch(&entity, &req.base_, &req_arena, &res.base_, &res_arena);
        if (nk_transport_reply(&transport.base, &res.base_, &res_arena) != NK_EOK)
            fprintf(stderr, "Server: reply failed\n");
    }
}
