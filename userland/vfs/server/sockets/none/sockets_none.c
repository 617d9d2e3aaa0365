/*
 * sockets_none.c: VfsFsnet's socket service in a build without lwIP (NET=0):
 * every socket call answers -ENETDOWN. The real one is the rest of sockets/.
 * Served like it through the generated KasperskyOS-form dispatcher.
 */
#include <coresrv/nk/transport-kos.h>   /* first: the KasperskyOS-form dispatcher */
#define NK_NO_SL_TABLE 1                  /* a server: its clients hold the records */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "../sockets.h"

void sockets_start(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    printf("VfsFsnet: no network device, sockets unavailable\n");
}

void sockets_client_gone(int slot)
{
    (void)slot;
}

int sockets_count(void)
{
    return 0;
}

#define KOP(name, M)                                                           \
    static nk_err_t name(struct kl_VfsNetwork *self, const kl_VfsNetwork_##M##_req *req,  \
                         const struct nk_arena *req_arena, kl_VfsNetwork_##M##_res *res,  \
                         struct nk_arena *res_arena)
#define UNUSED() ((void)self, (void)req, (void)req_arena, (void)res_arena)

KOP(op_socket, Socket)
{
    UNUSED();
    res->res = -ENETDOWN;
    return NK_EOK;
}

KOP(op_poll, Poll)
{
    UNUSED();
    res->ready.offset = res->ready.size = 0;
    res->res = -ENETDOWN;
    return NK_EOK;
}

KOP(op_release, Release)
{
    UNUSED();
    res->res = 0;
    return NK_EOK;
}

KOP(op_resolve, Resolve)
{
    UNUSED();
    res->ip = 0;
    res->res = -ENETDOWN;
    return NK_EOK;
}

/* No socket can exist: the other methods are refused (NK_ENOSYS, rcUnimplemented). */
static const struct kl_VfsNetwork_ops sockets_ops = {
    .Socket = op_socket, .Poll = op_poll, .Release = op_release, .Resolve = op_resolve,
};

void sockets_serve(struct pool_msg *m)
{
    struct kl_VfsNetwork net = { &sockets_ops };
    struct kl_Vfs_component vfs;
    VfsFsnet_entity entity;
    kl_Vfs_component_init(&vfs, NK_NULL, &net);
    VfsFsnet_entity_init(&entity, &vfs);
    uint32_t got = m->req.hdr.arena_size <= sizeof m->req_arena ? m->req.hdr.arena_size : 0;
    nk_char_t *q = (nk_char_t *)m->req_arena;
    struct nk_arena qa = { q, q + got, q + sizeof m->req_arena };
    struct nk_arena ra = NK_ARENA_INITIALIZER(m->res_arena, m->res_arena + sizeof m->res_arena);
    VfsFsnet_entity_dispatch(&entity, (const struct nk_message *)(const void *)&m->req.hdr, &qa,
                             (struct nk_message *)(void *)&m->res.hdr, &ra);
    nk_kos_send_arena(&m->res.hdr, &ra);
}
