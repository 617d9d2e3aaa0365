/*
 * libvfs sockets: the BSD socket calls of <sys/socket.h>, poll, select and
 * fcntl, over IPC to the network endpoint of a VFS process (kl.VfsNetwork,
 * docs/NET.md "Sockets over IPC").
 *
 * socket()/accept() get a socket number from the VFS and install it in the
 * C library's descriptor table (kos/fd.h) with this file's backend, so
 * sockets and files share one table and read/write/close work on both.
 * Every call goes through the generated KasperskyOS-form proxy (docs/IDL.md).
 * Send/Recv move data through the message arena straight from and into the
 * caller's buffer (Send: the buffer is the request arena; Recv/RecvFrom: the
 * generated _into proxies take it as the response arena; at most IoMax =
 * 64 KiB per message; send loops, recv returns what one message brought).
 *
 * The channel: `client:<name>` from _VFS_NETWORK_BACKEND (or
 * VFS_NETWORK_BACKEND), else the files' channel name (vfs_client_channel_name()).
 * Results: every function below works in -errno and converts once at the
 * POSIX boundary with kos/errno.h (the same as files): the answer's -errno
 * becomes errno; no channel is ENOSYS, a transport failure or a malformed
 * answer EIO, a policy refusal EACCES.
 */
#include <coresrv/nk/transport-kos.h>   /* first: the KasperskyOS-form proxies */
#define NK_NO_SL_TABLE 1                  /* a library: no Service Locator records */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <netinet/in.h>
#include <unistd.h>
#include <coresrv/channel/channel_api.h>
#include <coresrv/syscalls.h>
#include <kos/fd.h>
#include <kos/mutex.h>
#include <kos/thread.h>
#include <vfs/client.h>
#include <VfsFsnet.edl.h>
#include "vfs_client_internal.h"

#define IO_MAX kl_VfsNetwork_IoMax
#define LONGEST_IO 0x7ffff000u

/* ---- the channel -------------------------------------------------------------------- */

static KosMutex net_lock = KOS_MUTEX_INITIALIZER;
static struct kl_VfsNetwork_proxy nproxy;
static NkKosTransport ntransport;
static int nconnected;

const char *vfs_network_channel_name(void)
{
    const char *v = getenv("_VFS_NETWORK_BACKEND");
    if (!v)
        v = getenv("VFS_NETWORK_BACKEND");
    if (v && strncmp(v, "client:", 7) == 0 && v[7])
        return v + 7;
    return vfs_client_channel_name();
}

/* The proxy on the network channel (its interface object), or NULL (the
 * caller's error: -ENOSYS). */
static struct kl_VfsNetwork *net_proxy(void)
{
    if (__atomic_load_n(&nconnected, __ATOMIC_ACQUIRE))
        return &nproxy.base;
    KosMutexLock(&net_lock);
    if (!nconnected) {
        /* Looked up here even when it is the files' channel, so a program that uses
         * only sockets never connects (nor Releases) the file side. */
        Handle h = INVALID_HANDLE;
        if (KnChannelLookup(vfs_network_channel_name(), SERVICE_CLIENT, &h) != rcOk)
            h = INVALID_HANDLE;
        if (h != INVALID_HANDLE) {
            NkKosTransport_Init(&ntransport, h, NK_NULL, 0);
            kl_VfsNetwork_proxy_init(&nproxy, &ntransport.base, VfsFsnet_vfs_net_iid);
            __atomic_store_n(&nconnected, 1, __ATOMIC_RELEASE);
        }
    }
    int ok = nconnected;
    KosMutexUnlock(&net_lock);
    return ok ? &nproxy.base : NULL;
}

/* The call's Retcode and the answer's res as one value (kos/errno.h). */
#define RESULT(rc, rs) kos_call_result((rc), (rc) == rcOk ? (rs).res : 0)

/* M with the request fields given as designated initialisers, no arenas:
 * RESULT of it. */
#define NET_CALL(p, M, ...)                                                    \
    ({                                                                         \
        kl_VfsNetwork_##M##_req rq_ = { __VA_ARGS__ };                         \
        kl_VfsNetwork_##M##_res rs_;                                           \
        Retcode rc_ = kl_VfsNetwork_##M((p), &rq_, NK_NULL, &rs_, NK_NULL);    \
        RESULT(rc_, rs_);                                                      \
    })

/* At exit: the VFS closes the sockets this process left open. */
__attribute__((destructor(101))) static void net_release_at_exit(void)
{
    if (__atomic_load_n(&nconnected, __ATOMIC_ACQUIRE)) {
        kl_VfsNetwork_Release_req rq;
        kl_VfsNetwork_Release_res rs;
        nk_req_reset(&rq);
        kl_VfsNetwork_Release(&nproxy.base, &rq, NK_NULL, &rs, NK_NULL);
    }
}

/* DNS for getaddrinfo (vfs_inet.c): 0 and *ip (host order), or -errno (the IDL's). */
int64_t vfs_net_resolve(const char *name, uint32_t *ip)
{
    size_t len = strlen(name);
    if (len == 0 || len >= kl_VfsNetwork_HostMax)
        return -EINVAL;
    struct kl_VfsNetwork *p = net_proxy();
    if (!p)
        return -ENOSYS;
    *ip = 0;
    _Alignas(8) char buf[kl_VfsNetwork_Resolve_req_arena_size];
    struct nk_arena a = NK_ARENA_INITIALIZER(buf, buf + sizeof buf);
    kl_VfsNetwork_Resolve_req rq;
    kl_VfsNetwork_Resolve_res rs;
    nk_req_reset(&rq);
    if (nk_arena_store(char, &a, &rq.name, name, len + 1) != NK_EOK)
        return -EINVAL;
    Retcode rc = kl_VfsNetwork_Resolve(p, &rq, &a, &rs, NK_NULL);
    int64_t r = RESULT(rc, rs);
    if (r >= 0)
        *ip = rs.ip;
    return r;
}

/* ---- descriptors ---------------------------------------------------------------------- */

#define SOCK(ctx) ((int)((intptr_t)(ctx) - 1))
#define CTX(s) ((void *)(intptr_t)((s) + 1))

static int64_t remote_close(int s);
static int64_t do_send(int s, const void *buf, size_t n, int flags, const struct sockaddr *to,
                       socklen_t tolen);
static int64_t do_recv(int s, void *buf, size_t n, int flags, struct sockaddr *from,
                       socklen_t *fromlen);

static ssize_t sock_read(void *ctx, void *buf, size_t n)
{
    return (ssize_t)do_recv(SOCK(ctx), buf, n, 0, NULL, NULL);
}

static ssize_t sock_write(void *ctx, const void *buf, size_t n)
{
    return (ssize_t)do_send(SOCK(ctx), buf, n, 0, NULL, 0);
}

static int sock_close(void *ctx)
{
    return (int)remote_close(SOCK(ctx));
}

static const struct kos_fd_ops sock_ops = {
    .read = sock_read, .write = sock_write, .lseek = NULL, .close = sock_close,
};

/* The remote socket of fd: >= 0, -EBADF (not open), -ENOTSOCK (not a socket). */
static int sock_of(int fd)
{
    const struct kos_fd_ops *ops;
    void *ctx;
    int rc = kos_fd_get(fd, &ops, &ctx);
    if (rc < 0)
        return rc;
    return ops == &sock_ops ? SOCK(ctx) : -ENOTSOCK;
}

int vfs_client_remote_socket(int fd)
{
    int s = sock_of(fd);
    return s >= 0 ? s : (int)kos_posix_result(s);
}

static int64_t remote_close(int s)
{
    struct kl_VfsNetwork *p = net_proxy();
    if (!p)
        return -ENOSYS;
    return NET_CALL(p, Close, .sock = s);
}

/* Installs remote socket s: the descriptor, or -EMFILE (s closed again). */
static int64_t install(int64_t s)
{
    if (s < 0)
        return s;
    int fd = kos_fd_install(-1, &sock_ops, CTX((int)s));
    if (fd < 0)
        remote_close((int)s);
    return fd;
}

/* ---- addresses ------------------------------------------------------------------------ */

static int64_t to_wire(const struct sockaddr *sa, socklen_t len, struct kl_VfsNetwork_Addr *a)
{
    if (!sa)
        return -EFAULT;
    if (len < sizeof(struct sockaddr_in))
        return -EINVAL;
    const struct sockaddr_in *sin = (const struct sockaddr_in *)(const void *)sa;
    if (sin->sin_family != AF_INET)
        return -EAFNOSUPPORT;
    memset(a, 0, sizeof *a);
    a->family = AF_INET;
    a->port = ntohs(sin->sin_port);
    a->ip = ntohl(sin->sin_addr.s_addr);
    return 0;
}

/* Copies a wire address out as POSIX says: truncated to *len, *len = the full size. */
static void from_wire(const struct kl_VfsNetwork_Addr *a, struct sockaddr *sa, socklen_t *len)
{
    if (!sa || !len)
        return;
    struct sockaddr_in sin;
    memset(&sin, 0, sizeof sin);
    sin.sin_family = (sa_family_t)a->family;
    sin.sin_port = htons((uint16_t)a->port);
    sin.sin_addr.s_addr = htonl(a->ip);
    memcpy(sa, &sin, *len < sizeof sin ? *len : sizeof sin);
    *len = sizeof sin;
}

/* ---- data: the arena is the caller's buffer ------------------------------------------- */

/* One Send/SendTo of at most IO_MAX bytes: buf is the request arena as it is. */
static int64_t send_chunk(int s, const void *buf, uint32_t n, int flags,
                          const struct kl_VfsNetwork_Addr *to)
{
    struct kl_VfsNetwork *p = net_proxy();
    if (!p)
        return -ENOSYS;
    nk_char_t *b = (nk_char_t *)(uintptr_t)buf;
    const struct nk_arena arena = { b, b + n, b + n };   /* full: [buf, buf + n) is sent */
    const struct nk_arena *ap = n ? &arena : NK_NULL;
    nk_arena_desc d = { 0, n };
    int64_t r;
    if (to) {
        kl_VfsNetwork_SendTo_req rq = { .sock = s, .data = d, .flags = flags, .to = *to };
        kl_VfsNetwork_SendTo_res rs;
        Retcode rc = kl_VfsNetwork_SendTo(p, &rq, ap, &rs, NK_NULL);
        r = RESULT(rc, rs);
    } else {
        kl_VfsNetwork_Send_req rq = { .sock = s, .data = d, .flags = flags };
        kl_VfsNetwork_Send_res rs;
        Retcode rc = kl_VfsNetwork_Send(p, &rq, ap, &rs, NK_NULL);
        r = RESULT(rc, rs);
    }
    return r > (int64_t)n ? -EIO : r;
}

/* One Recv/RecvFrom of at most IO_MAX bytes into buf: the generated _into
 * proxies take buf as the response arena, so the data lands in place. */
static int64_t recv_chunk(int s, void *buf, uint32_t n, int flags,
                          struct kl_VfsNetwork_Addr *from)
{
    struct kl_VfsNetwork *p = net_proxy();
    if (!p)
        return -ENOSYS;
    nk_size_t got = 0;
    int64_t res;
    Retcode rc;
    if (from) {
        kl_VfsNetwork_RecvFrom_req rq = { .sock = s, .count = n, .flags = flags };
        kl_VfsNetwork_RecvFrom_res rs;
        rc = kl_VfsNetwork_RecvFrom_into(p, &rq, NK_NULL, &rs, buf, n, &got);
        res = rs.res;
        if (rc == rcOk)
            *from = rs.from;
    } else {
        kl_VfsNetwork_Recv_req rq = { .sock = s, .count = n, .flags = flags };
        kl_VfsNetwork_Recv_res rs;
        rc = kl_VfsNetwork_Recv_into(p, &rq, NK_NULL, &rs, buf, n, &got);
        res = rs.res;
    }
    if (rc != rcOk)
        return kos_call_result(rc, 0);
    if (res < 0)
        return got == 0 ? res : -EIO;
    /* The answer must be exactly res bytes at the start of our buffer. */
    if ((uint64_t)res != got || got > n)
        return -EIO;
    return res;
}

static int64_t do_send(int s, const void *buf, size_t n, int flags, const struct sockaddr *to,
                       socklen_t tolen)
{
    struct kl_VfsNetwork_Addr a, *ap = NULL;
    if (to) {
        int64_t r = to_wire(to, tolen, &a);
        if (r < 0)
            return r;
        ap = &a;
        if (n > IO_MAX)
            return -EMSGSIZE;       /* a datagram goes in one message */
    }
    if (n && !buf)
        return -EFAULT;
    if (n > LONGEST_IO)
        n = LONGEST_IO;
    size_t done = 0;
    do {
        uint32_t chunk = n - done < IO_MAX ? (uint32_t)(n - done) : IO_MAX;
        int64_t r = send_chunk(s, (const uint8_t *)buf + done, chunk, flags, ap);
        if (r < 0)
            return done ? (int64_t)done : r;
        done += (size_t)r;
        if ((uint64_t)r < chunk)
            break;
    } while (done < n);
    return (int64_t)done;
}

static int64_t do_recv(int s, void *buf, size_t n, int flags, struct sockaddr *from,
                       socklen_t *fromlen)
{
    if (n && !buf)
        return -EFAULT;
    if (from && !fromlen)
        return -EFAULT;
    uint32_t chunk = n < IO_MAX ? (uint32_t)n : IO_MAX;
    struct kl_VfsNetwork_Addr a;
    memset(&a, 0, sizeof a);
    int64_t r = recv_chunk(s, buf, chunk, flags, from ? &a : NULL);
    if (r >= 0 && from)
        from_wire(&a, from, fromlen);
    return r;
}

/* ---- POSIX ---------------------------------------------------------------------------------- */

/* Looks fd's socket up into `s` or returns -1 with errno. */
#define SOCKET_OR_FAIL(fd)                                                     \
    int s = sock_of(fd);                                                       \
    if (s < 0)                                                                 \
        return (int)kos_posix_result(s);                                              \
    struct kl_VfsNetwork *p = net_proxy();                                     \
    if (!p)                                                                    \
        return (int)kos_posix_result(-ENOSYS)

int socket(int domain, int type, int protocol)
{
    struct kl_VfsNetwork *p = net_proxy();
    if (!p)
        return (int)kos_posix_result(-ENOSYS);
    return (int)kos_posix_result(
        install(NET_CALL(p, Socket, .domain = domain, .type = type, .protocol = protocol)));
}

int bind(int fd, const struct sockaddr *addr, socklen_t len)
{
    SOCKET_OR_FAIL(fd);
    struct kl_VfsNetwork_Addr a;
    int64_t r = to_wire(addr, len, &a);
    if (r == 0)
        r = NET_CALL(p, Bind, .sock = s, .addr = a);
    return (int)kos_posix_result(r);
}

int listen(int fd, int backlog)
{
    SOCKET_OR_FAIL(fd);
    return (int)kos_posix_result(NET_CALL(p, Listen, .sock = s, .backlog = backlog));
}

int accept4(int fd, struct sockaddr *addr, socklen_t *len, int flags)
{
    SOCKET_OR_FAIL(fd);
    if (addr && !len)
        return (int)kos_posix_result(-EFAULT);
    kl_VfsNetwork_Accept_req rq = { .sock = s, .flags = flags };
    kl_VfsNetwork_Accept_res rs;
    Retcode rc = kl_VfsNetwork_Accept(p, &rq, NK_NULL, &rs, NK_NULL);
    int64_t r = install(RESULT(rc, rs));
    if (r >= 0)
        from_wire(&rs.peer, addr, len);
    return (int)kos_posix_result(r);
}

int accept(int fd, struct sockaddr *addr, socklen_t *len)
{
    return accept4(fd, addr, len, 0);
}

int connect(int fd, const struct sockaddr *addr, socklen_t len)
{
    SOCKET_OR_FAIL(fd);
    struct kl_VfsNetwork_Addr a;
    int64_t r = to_wire(addr, len, &a);
    if (r == 0)
        r = NET_CALL(p, Connect, .sock = s, .addr = a);
    return (int)kos_posix_result(r);
}

ssize_t send(int fd, const void *buf, size_t n, int flags)
{
    int s = sock_of(fd);
    if (s < 0)
        return kos_posix_result(s);
    return kos_posix_result(do_send(s, buf, n, flags, NULL, 0));
}

ssize_t sendto(int fd, const void *buf, size_t n, int flags, const struct sockaddr *to,
               socklen_t tolen)
{
    int s = sock_of(fd);
    if (s < 0)
        return kos_posix_result(s);
    return kos_posix_result(do_send(s, buf, n, flags, to, tolen));
}

ssize_t recv(int fd, void *buf, size_t n, int flags)
{
    int s = sock_of(fd);
    if (s < 0)
        return kos_posix_result(s);
    return kos_posix_result(do_recv(s, buf, n, flags, NULL, NULL));
}

ssize_t recvfrom(int fd, void *buf, size_t n, int flags, struct sockaddr *from,
                 socklen_t *fromlen)
{
    int s = sock_of(fd);
    if (s < 0)
        return kos_posix_result(s);
    return kos_posix_result(do_recv(s, buf, n, flags, from, fromlen));
}

int shutdown(int fd, int how)
{
    SOCKET_OR_FAIL(fd);
    return (int)kos_posix_result(NET_CALL(p, Shutdown, .sock = s, .how = how));
}

static int is_time_opt(int level, int name)
{
    return level == SOL_SOCKET && (name == SO_RCVTIMEO || name == SO_SNDTIMEO);
}

int setsockopt(int fd, int level, int name, const void *value, socklen_t len)
{
    SOCKET_OR_FAIL(fd);
    if (!value)
        return (int)kos_posix_result(-EFAULT);
    _Alignas(8) uint8_t w[16];
    uint32_t n;
    if (is_time_opt(level, name)) {
        if (len < sizeof(struct timeval))
            return (int)kos_posix_result(-EINVAL);
        struct timeval tv;
        memcpy(&tv, value, sizeof tv);
        int64_t v[2] = { tv.tv_sec, tv.tv_usec };
        memcpy(w, v, 16);
        n = 16;
    } else if (level == SOL_SOCKET && name == SO_LINGER) {
        if (len < sizeof(struct linger))
            return (int)kos_posix_result(-EINVAL);
        struct linger l;
        memcpy(&l, value, sizeof l);
        int32_t v[2] = { l.l_onoff, l.l_linger };
        memcpy(w, v, 8);
        n = 8;
    } else {
        if (len < sizeof(int))
            return (int)kos_posix_result(-EINVAL);
        int iv;
        memcpy(&iv, value, sizeof iv);
        int32_t v = iv;
        memcpy(w, &v, 4);
        n = 4;
    }
    const struct nk_arena a = { (nk_char_t *)w, (nk_char_t *)w + n, (nk_char_t *)w + n };
    kl_VfsNetwork_SetSockOpt_req rq = { .sock = s, .level = level, .name = name,
                                        .value = { 0, n } };
    kl_VfsNetwork_SetSockOpt_res rs;
    Retcode rc = kl_VfsNetwork_SetSockOpt(p, &rq, &a, &rs, NK_NULL);
    return (int)kos_posix_result(RESULT(rc, rs));
}

int getsockopt(int fd, int level, int name, void *value, socklen_t *len)
{
    SOCKET_OR_FAIL(fd);
    if (!value || !len)
        return (int)kos_posix_result(-EFAULT);
    _Alignas(8) uint8_t w[16];
    nk_size_t got = 0;
    memset(w, 0, sizeof w);
    kl_VfsNetwork_GetSockOpt_req rq = { .sock = s, .level = level, .name = name };
    kl_VfsNetwork_GetSockOpt_res rs;
    Retcode rc = kl_VfsNetwork_GetSockOpt_into(p, &rq, NK_NULL, &rs, w, sizeof w, &got);
    int64_t r = RESULT(rc, rs);
    if (r < 0)
        return (int)kos_posix_result(r);
    uint8_t out[sizeof(struct timeval) > 16 ? sizeof(struct timeval) : 16];
    size_t n;
    memset(out, 0, sizeof out);
    if (is_time_opt(level, name)) {
        int64_t v[2];
        memcpy(v, w, 16);
        struct timeval tv;
        memset(&tv, 0, sizeof tv);
        tv.tv_sec = (time_t)v[0];
        tv.tv_usec = (suseconds_t)v[1];
        memcpy(out, &tv, sizeof tv);
        n = sizeof tv;
    } else if (level == SOL_SOCKET && name == SO_LINGER) {
        int32_t v[2];
        memcpy(v, w, 8);
        struct linger l = { v[0], v[1] };
        memcpy(out, &l, sizeof l);
        n = sizeof l;
    } else {
        int32_t v;
        memcpy(&v, w, 4);
        int iv = v;
        memcpy(out, &iv, sizeof iv);
        n = sizeof iv;
    }
    memcpy(value, out, *len < n ? *len : n);
    *len = (socklen_t)n;
    return 0;
}

static int name_call(int fd, struct sockaddr *addr, socklen_t *len, int peer)
{
    SOCKET_OR_FAIL(fd);
    if (!addr || !len)
        return (int)kos_posix_result(-EFAULT);
    struct kl_VfsNetwork_Addr a;
    int64_t r;
    if (peer) {
        kl_VfsNetwork_GetPeerName_req rq = { .sock = s };
        kl_VfsNetwork_GetPeerName_res rs;
        Retcode rc = kl_VfsNetwork_GetPeerName(p, &rq, NK_NULL, &rs, NK_NULL);
        r = RESULT(rc, rs);
        a = rs.addr;
    } else {
        kl_VfsNetwork_GetSockName_req rq = { .sock = s };
        kl_VfsNetwork_GetSockName_res rs;
        Retcode rc = kl_VfsNetwork_GetSockName(p, &rq, NK_NULL, &rs, NK_NULL);
        r = RESULT(rc, rs);
        a = rs.addr;
    }
    if (r == 0)
        from_wire(&a, addr, len);
    return (int)kos_posix_result(r);
}

int getsockname(int fd, struct sockaddr *addr, socklen_t *len)
{
    return name_call(fd, addr, len, 0);
}

int getpeername(int fd, struct sockaddr *addr, socklen_t *len)
{
    return name_call(fd, addr, len, 1);
}

/* fcntl: F_GETFL/F_SETFL (O_NONBLOCK) on sockets; files and the console accept
 * F_GETFD/F_SETFD/F_GETFL/F_SETFL and report O_RDWR. */
int fcntl(int fd, int cmd, ...)
{
    va_list ap;
    va_start(ap, cmd);
    int arg = (cmd == F_SETFL || cmd == F_SETFD) ? va_arg(ap, int) : 0;
    va_end(ap);
    int s = sock_of(fd);
    if (s == -EBADF)
        return (int)kos_posix_result(-EBADF);
    if (cmd == F_GETFD || cmd == F_SETFD)
        return 0;
    if (cmd != F_GETFL && cmd != F_SETFL)
        return (int)kos_posix_result(-EINVAL);
    if (s < 0)                      /* not a socket */
        return cmd == F_GETFL ? O_RDWR : 0;
    struct kl_VfsNetwork *p = net_proxy();
    if (!p)
        return (int)kos_posix_result(-ENOSYS);
    return (int)kos_posix_result(NET_CALL(p, Fcntl, .sock = s, .cmd = cmd, .arg = arg));
}

/* poll: sockets are asked in one Poll; other open descriptors (files, the console) are
 * always ready for what they can do; unknown ones are POLLNVAL. */
int poll(struct pollfd *fds, nfds_t nfds, int timeout)
{
    if (nfds && !fds)
        return (int)kos_posix_result(-EFAULT);
    if (nfds > KOS_FD_MAX)
        return (int)kos_posix_result(-EINVAL);
    struct kl_VfsNetwork_PollFd w[kl_VfsNetwork_PollMax];
    int widx[kl_VfsNetwork_PollMax];
    uint32_t nw = 0;
    int ready = 0;
    for (nfds_t i = 0; i < nfds; i++) {
        fds[i].revents = 0;
        if (fds[i].fd < 0)
            continue;
        const struct kos_fd_ops *ops;
        void *ctx;
        if (kos_fd_get(fds[i].fd, &ops, &ctx) < 0) {
            fds[i].revents = POLLNVAL;
        } else if (ops == &sock_ops) {
            if (nw == kl_VfsNetwork_PollMax)
                return (int)kos_posix_result(-EINVAL);
            w[nw].sock = SOCK(ctx);
            w[nw].events = (uint16_t)(fds[i].events & (POLLIN | POLLOUT | POLLPRI));
            w[nw].revents = 0;
            widx[nw++] = (int)i;
        } else {
            short can = (short)((ops->read ? POLLIN | POLLRDNORM : 0) |
                                (ops->write ? POLLOUT | POLLWRNORM : 0));
            fds[i].revents = (short)(fds[i].events & can);
        }
        ready += fds[i].revents != 0;
    }
    if (nw == 0) {
        if (!ready && timeout != 0)
            KosThreadSleep(timeout < 0 ? 0xffffffffu : (uint32_t)timeout);
        return ready;
    }
    struct kl_VfsNetwork *p = net_proxy();
    if (!p)
        return (int)kos_posix_result(-ENOSYS);
    struct kl_VfsNetwork_PollFd out[kl_VfsNetwork_PollMax];
    nk_size_t got = 0;
    nk_char_t *wb = (nk_char_t *)w;
    const struct nk_arena wa = { wb, wb + nw * sizeof w[0], wb + nw * sizeof w[0] };
    kl_VfsNetwork_Poll_req rq = { .fds = { 0, (nk_uint32_t)(nw * sizeof w[0]) },
                                  .timeout = ready ? 0 : timeout };
    kl_VfsNetwork_Poll_res rs;
    Retcode rc = kl_VfsNetwork_Poll_into(p, &rq, &wa, &rs, out, sizeof out, &got);
    int64_t r = RESULT(rc, rs);
    if (r < 0)
        return (int)kos_posix_result(r);
    uint32_t nout = (uint32_t)(got / sizeof out[0]);
    if (nout != nw)
        return (int)kos_posix_result(-EIO);
    for (uint32_t k = 0; k < nw; k++) {
        struct pollfd *f = &fds[widx[k]];
        f->revents = (short)(out[k].revents & ((f->events & (POLLIN | POLLOUT | POLLPRI)) |
                                               POLLERR | POLLHUP | POLLNVAL));
        if (f->events & POLLRDNORM && out[k].revents & POLLIN)
            f->revents |= POLLRDNORM;
        if (f->events & POLLWRNORM && out[k].revents & POLLOUT)
            f->revents |= POLLWRNORM;
        ready += f->revents != 0;
    }
    return ready;
}

int select(int nfds, fd_set *rd, fd_set *wr, fd_set *ex, struct timeval *tv)
{
    if (nfds < 0 || nfds > FD_SETSIZE || nfds > KOS_FD_MAX)
        return (int)kos_posix_result(-EINVAL);
    struct pollfd pf[KOS_FD_MAX];
    int n = 0;
    for (int fd = 0; fd < nfds; fd++) {
        short ev = (short)(((rd && FD_ISSET(fd, rd)) ? POLLIN : 0) |
                           ((wr && FD_ISSET(fd, wr)) ? POLLOUT : 0) |
                           ((ex && FD_ISSET(fd, ex)) ? POLLPRI : 0));
        if (ev) {
            pf[n].fd = fd;
            pf[n].events = ev;
            pf[n].revents = 0;
            n++;
        }
    }
    int timeout = -1;
    if (tv) {
        if (tv->tv_sec < 0 || tv->tv_usec < 0)
            return (int)kos_posix_result(-EINVAL);
        int64_t ms = (int64_t)tv->tv_sec * 1000 + tv->tv_usec / 1000;
        timeout = ms > 0x7fffffff ? 0x7fffffff : (int)ms;
    }
    int r = poll(pf, (nfds_t)n, timeout);
    if (r < 0)
        return r;
    for (int i = 0; i < n; i++)
        if (pf[i].revents & POLLNVAL)
            return (int)kos_posix_result(-EBADF);
    if (rd)
        FD_ZERO(rd);
    if (wr)
        FD_ZERO(wr);
    if (ex)
        FD_ZERO(ex);
    int count = 0;
    for (int i = 0; i < n; i++) {
        short rv = pf[i].revents;
        if (rd && (rv & (POLLIN | POLLHUP | POLLERR)) && (pf[i].events & POLLIN)) {
            FD_SET(pf[i].fd, rd);
            count++;
        }
        if (wr && (rv & (POLLOUT | POLLERR)) && (pf[i].events & POLLOUT)) {
            FD_SET(pf[i].fd, wr);
            count++;
        }
        if (ex && (rv & POLLPRI) && (pf[i].events & POLLPRI)) {
            FD_SET(pf[i].fd, ex);
            count++;
        }
    }
    return count;
}
