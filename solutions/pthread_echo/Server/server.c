/* pecho.Server: four POSIX threads serve pecho.Calc on one listener, each
 * with its own request, response and arenas, through the generated entity
 * dispatcher (KasperskyOS API). The caller's badge comes from the request
 * header, so no state about callers is global. */
#include <assert.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include <coresrv/nk/transport-kos.h>
#include <coresrv/sl/sl_api.h>
#include <pecho/Server.edl.h>

#define WORKERS 4

static NkKosTransport transport;
static pthread_key_t worker_key;          /* worker number + 1 of the calling thread */

static nk_err_t Add_impl(struct pecho_Calc *self, const struct pecho_Calc_Add_req *req,
                         const struct nk_arena *req_arena, struct pecho_Calc_Add_res *res,
                         struct nk_arena *res_arena)
{
    (void)self;
    (void)req_arena;
    (void)res_arena;
    res->sum = req->a + req->b;
    res->worker = (nk_uint32_t)(uintptr_t)pthread_getspecific(worker_key) - 1u;
    res->badge = req->base_.hdr.badge;        /* who called (nk_msg_badge(req)) */
    return NK_EOK;
}

/* Arena arguments: nk_arena_get checks each reference against the received
 * arena (the dispatcher has already checked it against the IDL). */
static nk_err_t Reverse_impl(struct pecho_Calc *self, const struct pecho_Calc_Reverse_req *req,
                             const struct nk_arena *req_arena, struct pecho_Calc_Reverse_res *res,
                             struct nk_arena *res_arena)
{
    nk_size_t n = 0;
    (void)self;
    const nk_char_t *in = nk_arena_get(nk_char_t, req_arena, &req->text, &n);
    if (in == NK_NULL || n == 0)
        return NK_EBADMSG;
    nk_char_t *out = nk_arena_alloc(nk_char_t, res_arena, &res->reversed, n);
    if (out == NK_NULL)
        return NK_ENOMEM;
    for (nk_size_t i = 0; i + 1 < n; i++)
        out[i] = in[n - 2 - i];
    out[n - 1] = 0;
    return NK_EOK;
}

static nk_err_t Sum_impl(struct pecho_Calc *self, const struct pecho_Calc_Sum_req *req,
                         const struct nk_arena *req_arena, struct pecho_Calc_Sum_res *res,
                         struct nk_arena *res_arena)
{
    nk_size_t n = 0;
    (void)self;
    (void)res_arena;
    const nk_uint32_t *v = nk_arena_get(nk_uint32_t, req_arena, &req->values, &n);
    if (v == NK_NULL && n != 0)
        return NK_EBADMSG;
    res->total = 0;
    for (nk_size_t i = 0; i < n; i++)
        res->total += v[i];
    return NK_EOK;
}

static const struct pecho_Calc_ops calc_ops = { .Add = Add_impl, .Reverse = Reverse_impl,
                                                .Sum = Sum_impl };
static struct pecho_Calc calc = { &calc_ops };
static pecho_Server_entity entity;

static void *worker(void *arg)
{
    uintptr_t n = (uintptr_t)arg;
    pecho_Server_entity_req req;
    char req_buffer[pecho_Server_entity_req_arena_size + 1];
    struct nk_arena req_arena = NK_ARENA_INITIALIZER(req_buffer, req_buffer + sizeof(req_buffer));
    pecho_Server_entity_res res;
    char res_buffer[pecho_Server_entity_res_arena_size + 1];
    struct nk_arena res_arena = NK_ARENA_INITIALIZER(res_buffer, res_buffer + sizeof(res_buffer));

    pthread_setspecific(worker_key, (void *)(n + 1));
    printf("Server: worker %u ready\n", (unsigned)n);
    for (;;) {
        nk_req_reset(&req);
        nk_arena_reset(&req_arena);
        nk_arena_reset(&res_arena);
        if (nk_transport_recv(&transport.base, &req.base_, &req_arena) != NK_EOK)
            continue;
        pecho_Server_entity_dispatch(&entity, &req.base_, &req_arena, &res.base_, &res_arena);
        if (nk_transport_reply(&transport.base, &res.base_, &res_arena) != NK_EOK)
            fprintf(stderr, "Server: worker %u: nk_transport_reply error\n", (unsigned)n);
    }
    return NULL;
}

int main(void)
{
    ServiceId iid;
    Handle handle = ServiceLocatorRegister("server_connection", NULL, 0, &iid);
    assert(handle != INVALID_HANDLE);
    NkKosTransport_Init(&transport, handle, NK_NULL, 0);
    pecho_Server_entity_init(&entity, &calc);
    if (pthread_key_create(&worker_key, NULL) != 0)
        return EXIT_FAILURE;

    pthread_t t[WORKERS];
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setstacksize(&attr, 32 * 1024);
    for (uintptr_t i = 1; i < WORKERS; i++)
        if (pthread_create(&t[i], &attr, worker, (void *)i) != 0) {
            fprintf(stderr, "Server: cannot start worker %u\n", (unsigned)i);
            return EXIT_FAILURE;
        }
    pthread_attr_destroy(&attr);
    worker((void *)0);                      /* the main thread is worker 0 */
    return EXIT_SUCCESS;
}
