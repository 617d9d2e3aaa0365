/* admit.Server: answers Hello(value) with value + 1 and prints each request
 * it gets (the refused ones never arrive). */
#include <coresrv/nk/transport-kos.h>   /* first: the KasperskyOS-form headers */
#include <coresrv/sl/sl_api.h>
#include <stdio.h>
#include "admit/Server.edl.h"

static nk_err_t hello(struct admit_IHello *self, const admit_IHello_Hello_req *req,
                      const struct nk_arena *req_arena, admit_IHello_Hello_res *res,
                      struct nk_arena *res_arena)
{
    (void)self; (void)req_arena; (void)res_arena;
    printf("Server: Hello(%u)\n", (unsigned)req->value);
    res->result = req->value + 1;
    return NK_EOK;
}

int main(void)
{
    Handle listener = ServiceLocatorRegister("admit.Server", NULL, 0, NULL);
    if (listener == INVALID_HANDLE) {
        fprintf(stderr, "Server: no channel\n");
        return 1;
    }
    static const struct admit_IHello_ops ops = { .Hello = hello };
    static struct admit_IHello impl = { &ops };
    static admit_Server_entity entity;
    static admit_Server_entity_req req;
    static admit_Server_entity_res res;
    NkKosTransport transport;
    NkKosTransport_Init(&transport, listener, NK_NULL, 0);
    admit_Server_entity_init(&entity, &impl);
    for (;;) {
        nk_req_reset(&req);
        if (nk_transport_recv(&transport.base, &req.base_, NK_NULL) != NK_EOK)
            continue;
        admit_Server_entity_dispatch(&entity, &req.base_, NK_NULL, &res.base_, NK_NULL);
        nk_transport_reply(&transport.base, &res.base_, NK_NULL);
    }
}
