/* mic.Files: a high-integrity store of one value; prints each request it gets
 * (the refused ones never arrive). The value lives in the implementation
 * object. */
#include <coresrv/nk/transport-kos.h>   /* first: the KasperskyOS-form headers */
#include <coresrv/sl/sl_api.h>
#include <stdio.h>
#include "mic/Files.edl.h"

struct files {
    struct mic_IFiles base;
    uint32_t stored;
};

static nk_err_t do_write(struct mic_IFiles *self, const mic_IFiles_Write_req *req,
                         const struct nk_arena *req_arena, mic_IFiles_Write_res *res,
                         struct nk_arena *res_arena)
{
    (void)req_arena; (void)res; (void)res_arena;
    printf("Files: Write(%u)\n", (unsigned)req->value);
    ((struct files *)self)->stored = req->value;
    return NK_EOK;
}

static nk_err_t do_read(struct mic_IFiles *self, const mic_IFiles_Read_req *req,
                        const struct nk_arena *req_arena, mic_IFiles_Read_res *res,
                        struct nk_arena *res_arena)
{
    (void)req; (void)req_arena; (void)res_arena;
    printf("Files: Read\n");
    res->value = ((struct files *)self)->stored;
    return NK_EOK;
}

int main(void)
{
    Handle listener = ServiceLocatorRegister("mic.Files", NULL, 0, NULL);
    if (listener == INVALID_HANDLE) {
        fprintf(stderr, "Files: no channel\n");
        return 1;
    }
    static const struct mic_IFiles_ops ops = { .Write = do_write, .Read = do_read };
    static struct files impl = { { &ops }, 0 };
    static mic_Files_entity entity;
    static mic_Files_entity_req req;
    static mic_Files_entity_res res;
    NkKosTransport transport;
    NkKosTransport_Init(&transport, listener, NK_NULL, 0);
    mic_Files_entity_init(&entity, &impl.base);
    for (;;) {
        nk_req_reset(&req);
        if (nk_transport_recv(&transport.base, &req.base_, NK_NULL) != NK_EOK)
            continue;
        mic_Files_entity_dispatch(&entity, &req.base_, NK_NULL, &res.base_, NK_NULL);
        nk_transport_reply(&transport.base, &res.base_, NK_NULL);
    }
}
