/*
 * sock_ops.c: the socket service's request handlers, one per kl.VfsNetwork
 * method (userland/idl/vfs): each runs in the worker thread that received
 * the request (pool.c) on lwIP's socket API, so a blocking call (accept,
 * recv, connect, poll) blocks that worker only. docs/NET.md, "Sockets over
 * IPC".
 *
 * Served through the generated KasperskyOS-form dispatcher
 * (VfsFsnet_entity_dispatch): the k_* functions at the end are the
 * kl_VfsNetwork ops (self, req, req_arena, res, res_arena); each passes the
 * caller, the badge in the request header, to its handler as `ctx` (no global
 * holds the caller) and moves data between the arenas and the handler.
 *
 * Every request field is checked here or by the generated dispatcher:
 * socket numbers against the caller's table (sock_table.c), addresses
 * (family, port), option levels, names and value lengths, flags, counts,
 * poll entries (sock_wire.c translates what passed).
 */
#include <coresrv/nk/transport-kos.h>   /* first: the KasperskyOS-form dispatcher */
#define NK_NO_SL_TABLE 1                  /* a server: its clients hold the records */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <kos/thread.h>
#include <lwip/api.h>
#include <lwip/sockets.h>
#include "net_up.h"
#include "sock_table.h"
#include "sock_wire.h"
#include "sockets.h"

/* The caller (the badge of the request's header) that the k_* ops pass as ctx. */
#define CALLER(ctx) ((uint32_t)(uintptr_t)(ctx))

/* Declares `s` for socket `sock` of the caller, or answers *res = -errno. */
#define SOCK(sock)                                                             \
    int64_t err_ = net_ready();                                                \
    struct nsock *s = err_ ? NULL : sock_get(CALLER(ctx), sock, &err_);             \
    if (!s) {                                                                  \
        *res = err_;                                                           \
        return rcOk;                                                           \
    }

static Retcode op_socket(void *ctx, int32_t domain, int32_t type, int32_t protocol, int64_t *res)
{
    (void)ctx;
    int64_t r = net_ready();
    int base = type & W_SOCK_TYPE_MASK;
    if (r == 0 && domain != W_AF_INET)
        r = -EAFNOSUPPORT;
    if (r == 0 && (type & ~(W_SOCK_TYPE_MASK | W_SOCK_NONBLOCK | W_SOCK_CLOEXEC)))
        r = -EINVAL;
    if (r == 0 && base != W_SOCK_STREAM && base != W_SOCK_DGRAM)
        r = -EPROTONOSUPPORT;
    if (r == 0 && protocol != 0 &&
        !(base == W_SOCK_STREAM && protocol == W_IPPROTO_TCP) &&
        !(base == W_SOCK_DGRAM && protocol == W_IPPROTO_UDP))
        r = -EPROTONOSUPPORT;
    if (r == 0) {
        int fd = lwip_socket(AF_INET, base == W_SOCK_STREAM ? SOCK_STREAM : SOCK_DGRAM, 0);
        if (fd < 0) {
            r = sock_errno();
            if (r == -ENFILE || r == -ENOMEM)
                r = -ENFILE;
        } else {
            bool nb = (type & W_SOCK_NONBLOCK) != 0;
            if (nb)
                sock_set_nonblock(fd, true);
            r = sock_install(CALLER(ctx), fd, nb);
        }
    }
    *res = r;
    return rcOk;
}

static Retcode op_close(void *ctx, int32_t sock, int64_t *res)
{
    (void)ctx;
    *res = sock_close(CALLER(ctx), sock);
    return rcOk;
}

static Retcode op_bind(void *ctx, int32_t sock, const struct kl_VfsNetwork_Addr *addr,
                       int64_t *res)
{
    (void)ctx;
    SOCK(sock);
    struct sockaddr_in sin;
    int64_t r = wire_to_sockaddr(addr, &sin);
    if (r == 0 && lwip_bind(s->lwfd, (struct sockaddr *)&sin, sizeof sin) < 0)
        r = sock_errno();
    sock_put(s);
    *res = r;
    return rcOk;
}

static Retcode op_listen(void *ctx, int32_t sock, int32_t backlog, int64_t *res)
{
    (void)ctx;
    SOCK(sock);
    if (backlog < 0)
        backlog = 0;
    if (backlog > 255)
        backlog = 255;
    *res = lwip_listen(s->lwfd, backlog) < 0 ? sock_errno() : 0;
    sock_put(s);
    return rcOk;
}

static Retcode op_accept(void *ctx, int32_t sock, int32_t flags, struct kl_VfsNetwork_Addr *peer,
                         int64_t *res)
{
    (void)ctx;
    memset(peer, 0, sizeof *peer);
    SOCK(sock);
    int64_t r = 0;
    if (flags & ~(W_SOCK_NONBLOCK | W_SOCK_CLOEXEC))
        r = -EINVAL;
    if (r == 0) {
        struct sockaddr_in sin;
        socklen_t len = sizeof sin;
        memset(&sin, 0, sizeof sin);
        int fd = lwip_accept(s->lwfd, (struct sockaddr *)&sin, &len);
        if (fd < 0) {
            r = sock_errno();
        } else {
            bool nb = (flags & W_SOCK_NONBLOCK) != 0;
            if (nb)
                sock_set_nonblock(fd, true);
            r = sock_install(CALLER(ctx), fd, nb);
            if (r >= 0)
                wire_from_sockaddr(&sin, peer);
        }
    }
    sock_put(s);
    *res = r;
    return rcOk;
}

static Retcode op_connect(void *ctx, int32_t sock, const struct kl_VfsNetwork_Addr *addr,
                          int64_t *res)
{
    (void)ctx;
    SOCK(sock);
    struct sockaddr_in sin;
    int64_t r = wire_to_sockaddr(addr, &sin);
    if (r == 0 && lwip_connect(s->lwfd, (struct sockaddr *)&sin, sizeof sin) < 0) {
        r = sock_errno();
        /* lwIP reports a RST answering the SYN as ECONNRESET; POSIX calls it refused. */
        if (r == -ECONNRESET)
            r = -ECONNREFUSED;
    }
    sock_put(s);
    *res = r;
    return rcOk;
}

static Retcode op_send(void *ctx, int32_t sock, const void *data, uint32_t data_len,
                       int32_t flags, int64_t *res)
{
    (void)ctx;
    SOCK(sock);
    int f = wire_msg_flags(flags);
    int64_t r = -EOPNOTSUPP;
    if (f >= 0) {
        ssize_t n = lwip_send(s->lwfd, data, data_len, f);
        r = n < 0 ? sock_errno() : n;
    }
    sock_put(s);
    *res = r;
    return rcOk;
}

static Retcode op_recv(void *ctx, int32_t sock, uint32_t count, int32_t flags, void *data,
                       uint32_t data_cap, uint32_t *data_len, int64_t *res)
{
    (void)ctx;
    *data_len = 0;
    SOCK(sock);
    int f = wire_msg_flags(flags);
    int64_t r = -EOPNOTSUPP;
    if (f >= 0) {
        ssize_t n = lwip_recv(s->lwfd, data, count < data_cap ? count : data_cap, f);
        r = n < 0 ? sock_errno() : n;
        if (n > 0)
            *data_len = (uint32_t)n;
    }
    sock_put(s);
    *res = r;
    return rcOk;
}

static Retcode op_sendto(void *ctx, int32_t sock, const void *data, uint32_t data_len,
                         int32_t flags, const struct kl_VfsNetwork_Addr *to, int64_t *res)
{
    (void)ctx;
    SOCK(sock);
    int f = wire_msg_flags(flags);
    struct sockaddr_in sin;
    int64_t r = f < 0 ? -EOPNOTSUPP : wire_to_sockaddr(to, &sin);
    if (r == 0) {
        ssize_t n = lwip_sendto(s->lwfd, data, data_len, f, (struct sockaddr *)&sin, sizeof sin);
        r = n < 0 ? sock_errno() : n;
    }
    sock_put(s);
    *res = r;
    return rcOk;
}

static Retcode op_recvfrom(void *ctx, int32_t sock, uint32_t count, int32_t flags, void *data,
                           uint32_t data_cap, uint32_t *data_len,
                           struct kl_VfsNetwork_Addr *from, int64_t *res)
{
    (void)ctx;
    *data_len = 0;
    memset(from, 0, sizeof *from);
    SOCK(sock);
    int f = wire_msg_flags(flags);
    int64_t r = -EOPNOTSUPP;
    if (f >= 0) {
        struct sockaddr_in sin;
        socklen_t len = sizeof sin;
        memset(&sin, 0, sizeof sin);
        ssize_t n = lwip_recvfrom(s->lwfd, data, count < data_cap ? count : data_cap, f,
                                  (struct sockaddr *)&sin, &len);
        r = n < 0 ? sock_errno() : n;
        if (n > 0)
            *data_len = (uint32_t)n;
        if (n >= 0)
            wire_from_sockaddr(&sin, from);
    }
    sock_put(s);
    *res = r;
    return rcOk;
}

static Retcode op_shutdown(void *ctx, int32_t sock, int32_t how, int64_t *res)
{
    (void)ctx;
    SOCK(sock);
    int64_t r = 0;
    int lhow = how == W_SHUT_RD ? SHUT_RD : how == W_SHUT_WR ? SHUT_WR : SHUT_RDWR;
    if (how != W_SHUT_RD && how != W_SHUT_WR && how != W_SHUT_RDWR)
        r = -EINVAL;
    else if (lwip_shutdown(s->lwfd, lhow) < 0)
        r = sock_errno();
    sock_put(s);
    *res = r;
    return rcOk;
}

static Retcode op_setsockopt(void *ctx, int32_t sock, int32_t level, int32_t name,
                             const void *value, uint32_t value_len, int64_t *res)
{
    (void)ctx;
    SOCK(sock);
    int llevel = 0, lname = 0;
    enum optkind kind = OPT_INT;
    int64_t r = wire_opt(level, name, &llevel, &lname, &kind);
    if (r == 0 && (lname == SO_TYPE || lname == SO_ERROR || lname == SO_ACCEPTCONN))
        r = -ENOPROTOOPT;           /* read-only */
    if (r == 0) {
        int rc = -1;
        if (kind == OPT_INT && value_len >= 4) {
            int32_t v;
            memcpy(&v, value, 4);
            int iv = v;
            rc = lwip_setsockopt(s->lwfd, llevel, lname, &iv, sizeof iv);
        } else if (kind == OPT_LINGER && value_len >= 8) {
            int32_t v[2];
            memcpy(v, value, 8);
            struct linger l = { v[0] != 0, v[1] < 0 ? 0 : v[1] };
            rc = lwip_setsockopt(s->lwfd, llevel, lname, &l, sizeof l);
        } else if (kind == OPT_TIME && value_len >= 16) {
            int64_t v[2];
            memcpy(v, value, 16);
            if (v[0] < 0 || v[1] < 0 || v[1] >= 1000000 || v[0] > 86400 * 365) {
                errno = EDOM;
            } else {
                struct timeval tv = { (time_t)v[0], (suseconds_t)v[1] };
                rc = lwip_setsockopt(s->lwfd, llevel, lname, &tv, sizeof tv);
            }
        } else {
            errno = EINVAL;
        }
        r = rc < 0 ? sock_errno() : 0;
    }
    sock_put(s);
    *res = r;
    return rcOk;
}

static Retcode op_getsockopt(void *ctx, int32_t sock, int32_t level, int32_t name, void *value,
                             uint32_t value_cap, uint32_t *value_len, int64_t *res)
{
    (void)ctx;
    *value_len = 0;
    SOCK(sock);
    int llevel = 0, lname = 0;
    enum optkind kind = OPT_INT;
    int64_t r = wire_opt(level, name, &llevel, &lname, &kind);
    if (r == 0 && value_cap < 16)
        r = -EINVAL;
    if (r == 0) {
        int rc;
        uint8_t out[16];
        uint32_t n = 0;
        memset(out, 0, sizeof out);
        if (kind == OPT_INT) {
            int iv = 0;
            socklen_t len = sizeof iv;
            rc = lwip_getsockopt(s->lwfd, llevel, lname, &iv, &len);
            if (lname == SO_TYPE && llevel == SOL_SOCKET)
                iv = iv == SOCK_STREAM ? W_SOCK_STREAM : W_SOCK_DGRAM;
            if (lname == SO_REUSEADDR || lname == SO_KEEPALIVE || lname == SO_BROADCAST ||
                lname == SO_ACCEPTCONN)
                iv = iv != 0;
            int32_t v = iv;
            memcpy(out, &v, 4);
            n = 4;
        } else if (kind == OPT_LINGER) {
            struct linger l = { 0, 0 };
            socklen_t len = sizeof l;
            rc = lwip_getsockopt(s->lwfd, llevel, lname, &l, &len);
            int32_t v[2] = { l.l_onoff, l.l_linger };
            memcpy(out, v, 8);
            n = 8;
        } else {
            struct timeval tv = { 0, 0 };
            socklen_t len = sizeof tv;
            rc = lwip_getsockopt(s->lwfd, llevel, lname, &tv, &len);
            int64_t v[2] = { tv.tv_sec, tv.tv_usec };
            memcpy(out, v, 16);
            n = 16;
        }
        if (rc < 0) {
            r = sock_errno();
        } else {
            memcpy(value, out, n);
            *value_len = n;
        }
    }
    sock_put(s);
    *res = r;
    return rcOk;
}

static Retcode op_name(void *ctx, int32_t sock, struct kl_VfsNetwork_Addr *addr, int64_t *res,
                       bool peer)
{
    memset(addr, 0, sizeof *addr);
    SOCK(sock);
    struct sockaddr_in sin;
    socklen_t len = sizeof sin;
    memset(&sin, 0, sizeof sin);
    int rc = peer ? lwip_getpeername(s->lwfd, (struct sockaddr *)&sin, &len)
                  : lwip_getsockname(s->lwfd, (struct sockaddr *)&sin, &len);
    *res = rc < 0 ? sock_errno() : 0;
    if (rc == 0)
        wire_from_sockaddr(&sin, addr);
    sock_put(s);
    return rcOk;
}

static Retcode op_getsockname(void *ctx, int32_t sock, struct kl_VfsNetwork_Addr *addr,
                              int64_t *res)
{
    return op_name(ctx, sock, addr, res, false);
}

static Retcode op_getpeername(void *ctx, int32_t sock, struct kl_VfsNetwork_Addr *addr,
                              int64_t *res)
{
    return op_name(ctx, sock, addr, res, true);
}

static Retcode op_fcntl(void *ctx, int32_t sock, int32_t cmd, int32_t arg, int64_t *res)
{
    (void)ctx;
    SOCK(sock);
    int64_t r;
    if (cmd == W_F_GETFL) {
        r = W_O_RDWR | (s->nonblock ? W_O_NONBLOCK : 0);
    } else if (cmd == W_F_SETFL) {
        bool nb = (arg & W_O_NONBLOCK) != 0;
        r = sock_set_nonblock(s->lwfd, nb) < 0 ? sock_errno() : 0;
        if (r == 0)
            s->nonblock = nb;
    } else {
        r = -EINVAL;
    }
    sock_put(s);
    *res = r;
    return rcOk;
}

static Retcode op_poll(void *ctx, const struct kl_VfsNetwork_PollFd *fds, uint32_t fds_count,
                       int32_t timeout, struct kl_VfsNetwork_PollFd *ready, uint32_t ready_cap,
                       uint32_t *ready_count, int64_t *res)
{
    (void)ctx;
    *ready_count = 0;
    int64_t r = net_ready();
    if (r) {
        *res = r;
        return rcOk;
    }
    if (fds_count > kl_VfsNetwork_PollMax || fds_count > ready_cap) {
        *res = -EINVAL;
        return rcOk;
    }
    struct pollfd pfd[kl_VfsNetwork_PollMax];
    struct nsock *held[kl_VfsNetwork_PollMax];
    int nvalid = 0;
    for (uint32_t i = 0; i < fds_count; i++) {
        int64_t e;
        ready[i] = fds[i];
        ready[i].revents = 0;
        held[i] = fds[i].sock >= 0 ? sock_get(CALLER(ctx), fds[i].sock, &e) : NULL;
        pfd[i].fd = held[i] ? held[i]->lwfd : -1;
        pfd[i].events = (short)(((fds[i].events & W_POLLIN) ? POLLIN : 0) |
                                ((fds[i].events & W_POLLOUT) ? POLLOUT : 0));
        pfd[i].revents = 0;
        if (held[i])
            nvalid++;
        else if (fds[i].sock >= 0)
            ready[i].revents = W_POLLNVAL;
    }
    int nready = 0;
    for (uint32_t i = 0; i < fds_count; i++)
        nready += ready[i].revents != 0;
    if (nvalid > 0) {
        /* An invalid entry answers at once (POLLNVAL), as poll(2). lwIP ignores fd -1. */
        int n = lwip_poll(pfd, fds_count, nready ? 0 : (timeout < 0 ? -1 : timeout));
        if (n < 0) {
            r = sock_errno();
        } else {
            for (uint32_t i = 0; i < fds_count; i++) {
                if (!held[i])
                    continue;
                short rv = pfd[i].revents;
                uint16_t w = (uint16_t)(((rv & POLLIN) ? W_POLLIN : 0) |
                                        ((rv & POLLOUT) ? W_POLLOUT : 0) |
                                        ((rv & POLLERR) ? W_POLLERR : 0) |
                                        ((rv & POLLHUP) ? W_POLLHUP : 0) |
                                        ((rv & POLLNVAL) ? W_POLLNVAL : 0));
                ready[i].revents = w;
                nready += w != 0;
            }
        }
    } else if (nready == 0 && timeout != 0) {
        /* nothing to wait for: sleep out the timeout (bounded, so a worker comes back) */
        KosThreadSleep(timeout < 0 || timeout > 60000 ? 60000 : (uint32_t)timeout);
    }
    for (uint32_t i = 0; i < fds_count; i++)
        if (held[i])
            sock_put(held[i]);
    if (r == 0) {
        *ready_count = fds_count;
        r = nready;
    }
    *res = r;
    return rcOk;
}

static Retcode op_release(void *ctx, int64_t *res)
{
    (void)ctx;
    sock_close_all(CALLER(ctx));         /* this service's state only: files stay open */
    *res = 0;
    return rcOk;
}

/* A host name as DNS allows it: labels of letters, digits, '-' and '_', joined by dots,
 * 1..63 bytes each, 253 in all (a trailing dot allowed). Anything else never reaches
 * the resolver (no query for garbage from a hostile client). */
static bool valid_host_name(const char *name)
{
    size_t len = strlen(name), label = 0;
    if (len == 0 || len > 253)
        return false;
    for (size_t i = 0; i < len; i++) {
        char c = name[i];
        if (c == '.') {
            if (label == 0)
                return false;
            label = 0;
        } else if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                   c == '-' || c == '_') {
            if (++label > 63)
                return false;
        } else {
            return false;
        }
    }
    return true;
}

/* DNS through lwIP's resolver (the servers DHCP gave): blocks this worker until the
 * answer or lwIP's retries run out. */
static Retcode op_resolve(void *ctx, const char *name, uint32_t *ip, int64_t *res)
{
    (void)ctx;
    *ip = 0;
    int64_t r = net_ready();
    if (r == 0 && !valid_host_name(name))
        r = -EINVAL;
    if (r == 0) {
        ip_addr_t addr;
        err_t e = netconn_gethostbyname(name, &addr);
        if (e == ERR_OK)
            *ip = lwip_ntohl(ip4_addr_get_u32(ip_2_ip4(&addr)));
        r = e == ERR_OK ? 0 : e == ERR_VAL ? -ENOENT : e == ERR_ARG ? -EINVAL : -EAGAIN;
    }
    *res = r;
    return rcOk;
}

/* ---- the kl_VfsNetwork ops: request fields and arenas to the handlers above ------ */

#define KOP(name, M)                                                           \
    static nk_err_t name(struct kl_VfsNetwork *self, const kl_VfsNetwork_##M##_req *req,  \
                         const struct nk_arena *req_arena, kl_VfsNetwork_##M##_res *res,  \
                         struct nk_arena *res_arena)
#define CTX ((void)self, (void)req_arena, (void)res_arena, (void *)(uintptr_t)nk_msg_badge(req))

/* Bytes of a request's arena reference (checked by the dispatcher). */
static const void *bytes(const struct nk_arena *a, const nk_ptr_t *p, uint32_t *len)
{
    nk_size_t n = 0;
    const void *d = nk_arena_get(nk_uint8_t, a, p, &n);
    *len = d ? (uint32_t)n : 0;
    return d;
}

/* The response arena's first `got` bytes are the answer's `d` (offset 0: the
 * client's _into proxies take their own buffer as the arena). */
static void answer(struct nk_arena *a, nk_ptr_t *d, uint32_t got)
{
    d->offset = 0;
    d->size = got;
    a->current = a->start + got;
}

KOP(k_socket, Socket) { return op_socket(CTX, req->domain, req->type, req->protocol, &res->res); }
KOP(k_close, Close) { return op_close(CTX, req->sock, &res->res); }
KOP(k_bind, Bind) { return op_bind(CTX, req->sock, &req->addr, &res->res); }
KOP(k_listen, Listen) { return op_listen(CTX, req->sock, req->backlog, &res->res); }
KOP(k_accept, Accept) { return op_accept(CTX, req->sock, req->flags, &res->peer, &res->res); }
KOP(k_connect, Connect) { return op_connect(CTX, req->sock, &req->addr, &res->res); }
KOP(k_shutdown, Shutdown) { return op_shutdown(CTX, req->sock, req->how, &res->res); }
KOP(k_getsockname, GetSockName) { return op_getsockname(CTX, req->sock, &res->addr, &res->res); }
KOP(k_getpeername, GetPeerName) { return op_getpeername(CTX, req->sock, &res->addr, &res->res); }
KOP(k_fcntl, Fcntl) { return op_fcntl(CTX, req->sock, req->cmd, req->arg, &res->res); }
KOP(k_release, Release) { return op_release(CTX, &res->res); }

KOP(k_send, Send)
{
    uint32_t n;
    const void *d = bytes(req_arena, &req->data, &n);
    return op_send(CTX, req->sock, d, n, req->flags, &res->res);
}

KOP(k_sendto, SendTo)
{
    uint32_t n;
    const void *d = bytes(req_arena, &req->data, &n);
    return op_sendto(CTX, req->sock, d, n, req->flags, &req->to, &res->res);
}

KOP(k_setsockopt, SetSockOpt)
{
    uint32_t n;
    const void *d = bytes(req_arena, &req->value, &n);
    return op_setsockopt(CTX, req->sock, req->level, req->name, d, n, &res->res);
}

KOP(k_recv, Recv)
{
    uint32_t got = 0;
    nk_arena_reset(res_arena);
    Retcode rc = op_recv(CTX, req->sock, req->count, req->flags, res_arena->start,
                         (uint32_t)nk_arena_capacity(res_arena), &got, &res->res);
    answer(res_arena, &res->data, got);
    return rc;
}

KOP(k_recvfrom, RecvFrom)
{
    uint32_t got = 0;
    nk_arena_reset(res_arena);
    Retcode rc = op_recvfrom(CTX, req->sock, req->count, req->flags, res_arena->start,
                             (uint32_t)nk_arena_capacity(res_arena), &got, &res->from, &res->res);
    answer(res_arena, &res->data, got);
    return rc;
}

KOP(k_getsockopt, GetSockOpt)
{
    uint32_t got = 0;
    nk_arena_reset(res_arena);
    Retcode rc = op_getsockopt(CTX, req->sock, req->level, req->name, res_arena->start,
                               (uint32_t)nk_arena_capacity(res_arena), &got, &res->res);
    answer(res_arena, &res->value, got);
    return rc;
}

KOP(k_poll, Poll)
{
    nk_size_t n = 0;
    const struct kl_VfsNetwork_PollFd *fds =
        nk_arena_get(struct kl_VfsNetwork_PollFd, req_arena, &req->fds, &n);
    uint32_t count = 0;
    nk_arena_reset(res_arena);
    struct kl_VfsNetwork_PollFd *ready = (struct kl_VfsNetwork_PollFd *)(void *)res_arena->start;
    uint32_t cap = (uint32_t)(nk_arena_capacity(res_arena) / sizeof *ready);
    Retcode rc = op_poll(CTX, fds, fds ? (uint32_t)n : 0, req->timeout, ready, cap, &count,
                         &res->res);
    answer(res_arena, &res->ready, count * (uint32_t)sizeof *ready);
    return rc;
}

KOP(k_resolve, Resolve)
{
    nk_size_t n = 0;
    const char *name = nk_arena_get(nk_char_t, req_arena, &req->name, &n);
    return op_resolve(CTX, name && n ? name : "", &res->ip, &res->res);
}

static const struct kl_VfsNetwork_ops sockets_ops = {
    .Socket = k_socket, .Close = k_close, .Bind = k_bind, .Listen = k_listen,
    .Accept = k_accept, .Connect = k_connect, .Send = k_send, .Recv = k_recv,
    .SendTo = k_sendto, .RecvFrom = k_recvfrom, .Shutdown = k_shutdown,
    .SetSockOpt = k_setsockopt, .GetSockOpt = k_getsockopt, .GetSockName = k_getsockname,
    .GetPeerName = k_getpeername, .Fcntl = k_fcntl, .Poll = k_poll, .Release = k_release,
    .Resolve = k_resolve,
};

/* Every answer of this class fits the pool's buffers. */
_Static_assert(sizeof(VfsFsnet_entity_res) <= POOL_MSG_MAX, "socket answers fit a worker's buffer");

void sockets_serve(struct pool_msg *m)
{
    /* The interface object the ops get as self, and the class around it: only
     * the socket endpoint (the file one is served by files_serve). */
    struct kl_VfsNetwork net = { &sockets_ops };
    struct kl_Vfs_component vfs;
    VfsFsnet_entity entity;
    kl_Vfs_component_init(&vfs, NK_NULL, &net);
    VfsFsnet_entity_init(&entity, &vfs);
    uint32_t got = m->req.hdr.arena_size <= POOL_ARENA_SIZE ? m->req.hdr.arena_size : 0;
    nk_char_t *q = (nk_char_t *)m->req_arena;
    struct nk_arena qa = { q, q + got, q + POOL_ARENA_SIZE };
    struct nk_arena ra = NK_ARENA_INITIALIZER(m->res_arena, m->res_arena + POOL_ARENA_SIZE);
    VfsFsnet_entity_dispatch(&entity, (const struct nk_message *)(const void *)&m->req.hdr, &qa,
                             (struct nk_message *)(void *)&m->res.hdr, &ra);
    nk_kos_send_arena(&m->res.hdr, &ra);
}
