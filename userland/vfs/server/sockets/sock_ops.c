/*
 * sock_ops.c: the socket service's request handlers, one per kl.VfsNetwork
 * method (userland/idl/vfs): each runs in the worker thread that received
 * the request (pool.c) on lwIP's socket API, so a blocking call (accept,
 * recv, connect, poll) blocks that worker only. docs/NET.md, "Sockets over
 * IPC".
 *
 * Every request field is checked here or by the generated dispatcher:
 * socket numbers against the caller's table (sock_table.c), addresses
 * (family, port), option levels, names and value lengths, flags, counts,
 * poll entries (sock_wire.c translates what passed).
 */
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

/* The client (badge) of the request this worker thread serves (sockets_serve). */
static __thread uint32_t caller;

/* Declares `s` for socket `sock` of the caller, or answers *res = -errno. */
#define SOCK(sock)                                                             \
    int64_t err_ = net_ready();                                                \
    struct nsock *s = err_ ? NULL : sock_get(caller, sock, &err_);             \
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
            r = sock_install(caller, fd, nb);
        }
    }
    *res = r;
    return rcOk;
}

static Retcode op_close(void *ctx, int32_t sock, int64_t *res)
{
    (void)ctx;
    *res = sock_close(caller, sock);
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
            r = sock_install(caller, fd, nb);
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

static Retcode op_name(int32_t sock, struct kl_VfsNetwork_Addr *addr, int64_t *res, bool peer)
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
    (void)ctx;
    return op_name(sock, addr, res, false);
}

static Retcode op_getpeername(void *ctx, int32_t sock, struct kl_VfsNetwork_Addr *addr,
                              int64_t *res)
{
    (void)ctx;
    return op_name(sock, addr, res, true);
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
        held[i] = fds[i].sock >= 0 ? sock_get(caller, fds[i].sock, &e) : NULL;
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
    sock_close_all(caller);         /* this service's state only: files stay open */
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

const struct kl_VfsNetwork_ops sockets_ops = {
    .Socket = op_socket, .Close = op_close, .Bind = op_bind, .Listen = op_listen,
    .Accept = op_accept, .Connect = op_connect, .Send = op_send, .Recv = op_recv,
    .SendTo = op_sendto, .RecvFrom = op_recvfrom, .Shutdown = op_shutdown,
    .SetSockOpt = op_setsockopt, .GetSockOpt = op_getsockopt, .GetSockName = op_getsockname,
    .GetPeerName = op_getpeername, .Fcntl = op_fcntl, .Poll = op_poll, .Release = op_release,
    .Resolve = op_resolve,
};

/* Every answer of this interface fits the pool's buffers. */
_Static_assert(kl_VfsNetwork_res_max <= POOL_MSG_MAX, "socket answers fit a worker's buffer");

static const struct VfsFsnet_ops class_ops = { .vfs_net = &sockets_ops, .vfs_net_ctx = NULL };

void sockets_serve(struct pool_msg *m)
{
    caller = m->req.hdr.badge;
    VfsFsnet_dispatch(&class_ops, &m->req.hdr, sizeof m->req, &m->res.hdr, sizeof m->res,
                      m->res_arena, sizeof m->res_arena);
    caller = 0;
}
