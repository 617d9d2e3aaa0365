/*
 * sockets_none.c: VfsFsnet's socket service in a build without lwIP (NET=0):
 * every socket call answers -ENETDOWN. The real one is the rest of sockets/.
 */
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

static Retcode op_socket(void *ctx, int32_t domain, int32_t type, int32_t protocol, int64_t *res)
{
    (void)ctx, (void)domain, (void)type, (void)protocol;
    *res = -ENETDOWN;
    return rcOk;
}

static Retcode op_poll(void *ctx, const struct kl_VfsNetwork_PollFd *fds, uint32_t fds_count,
                       int32_t timeout, struct kl_VfsNetwork_PollFd *ready, uint32_t ready_cap,
                       uint32_t *ready_count, int64_t *res)
{
    (void)ctx, (void)fds, (void)fds_count, (void)timeout, (void)ready, (void)ready_cap;
    *ready_count = 0;
    *res = -ENETDOWN;
    return rcOk;
}

static Retcode op_release(void *ctx, int64_t *res)
{
    (void)ctx;
    *res = 0;
    return rcOk;
}

static Retcode op_resolve(void *ctx, const char *name, uint32_t *ip, int64_t *res)
{
    (void)ctx;
    (void)name;
    *ip = 0;
    *res = -ENETDOWN;
    return rcOk;
}

/* No socket can exist: the other methods are refused (rcUnimplemented). */
const struct kl_VfsNetwork_ops sockets_ops = {
    .Socket = op_socket, .Poll = op_poll, .Release = op_release, .Resolve = op_resolve,
};

static const struct VfsFsnet_ops class_ops = { .vfs_net = &sockets_ops, .vfs_net_ctx = NULL };

void sockets_serve(struct pool_msg *m)
{
    VfsFsnet_dispatch(&class_ops, &m->req.hdr, sizeof m->req, &m->res.hdr, sizeof m->res,
                      m->res_arena, sizeof m->res_arena);
}
