/* echo.Server, the KasperskyOS "echo" example: serves Ping (value + step)
 * through the generated component and entity dispatchers over NkKosTransport. */
#include <assert.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

/* Files required for transport initialization. */
#include <coresrv/nk/transport-kos.h>
#include <coresrv/sl/sl_api.h>

/* EDL description of the server. */
#include <echo/Server.edl.h>

/* The object implementing interface echo.Ping. */
typedef struct IPingImpl {
    struct echo_Ping base;      /* base interface of the object */
    rtl_uint32_t step;          /* what Ping adds */
} IPingImpl;

/* Ping: result = value + step. The caller's badge (who called) is in
 * req->base_.hdr.badge, unused here. */
static nk_err_t Ping_impl(struct echo_Ping *self, const struct echo_Ping_Ping_req *req,
                          const struct nk_arena *req_arena, struct echo_Ping_Ping_res *res,
                          struct nk_arena *res_arena)
{
    IPingImpl *impl = (IPingImpl *)self;
    (void)req_arena;
    (void)res_arena;
    printf("Server: Ping(%u)\n", (unsigned)req->value);   /* shows which requests arrived */
    res->result = req->value + impl->step;
    return NK_EOK;
}

/* The IPing object: its ops table and step. */
static struct echo_Ping *CreateIPingImpl(rtl_uint32_t step)
{
    static const struct echo_Ping_ops ops = { .Ping = Ping_impl };
    static struct IPingImpl impl = { .base = { &ops } };
    impl.step = step;
    return &impl.base;
}

int main(void)
{
    NkKosTransport transport;
    ServiceId iid;

    /* The server IPC handle of "server_connection". */
    Handle handle = ServiceLocatorRegister("server_connection", NULL, 0, &iid);
    assert(handle != INVALID_HANDLE);

    /* IPC transport to the clients. */
    NkKosTransport_Init(&transport, handle, NK_NULL, 0);

    /* Request and response: constant parts and arenas (no method of the
     * server has arena arguments, but the transport and the dispatcher
     * take arenas all the same). */
    echo_Server_entity_req req;
    char req_buffer[echo_Server_entity_req_arena_size + 1];
    struct nk_arena req_arena = NK_ARENA_INITIALIZER(req_buffer, req_buffer + sizeof(req_buffer));
    echo_Server_entity_res res;
    char res_buffer[echo_Server_entity_res_arena_size + 1];
    struct nk_arena res_arena = NK_ARENA_INITIALIZER(res_buffer, res_buffer + sizeof(res_buffer));

    /* Component dispatcher: Ping adds 1. */
    echo_Ping_component component;
    echo_Ping_component_init(&component, CreateIPingImpl(1));

    /* Entity (process) dispatcher. */
    echo_Server_entity entity;
    echo_Server_entity_init(&entity, &component);

    printf("Server: ready\n");

    do {
        /* Empty the request and the arenas. */
        nk_req_reset(&req);
        nk_arena_reset(&req_arena);
        nk_arena_reset(&res_arena);

        /* Wait for a request. */
        if (nk_transport_recv(&transport.base, &req.base_, &req_arena) != NK_EOK) {
            fprintf(stderr, "Server: nk_transport_recv error\n");
            continue;
        }
        /* Run Ping_impl (or answer a bad request with an error reply). */
        echo_Server_entity_dispatch(&entity, &req.base_, &req_arena, &res.base_, &res_arena);

        /* Send the response. */
        if (nk_transport_reply(&transport.base, &res.base_, &res_arena) != NK_EOK)
            fprintf(stderr, "Server: nk_transport_reply error\n");
    } while (true);

    return EXIT_SUCCESS;
}
