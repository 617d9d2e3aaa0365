/*
 * vfs_net.c: VfsFsnet's network endpoint, kl.VfsNetwork (userland/idl/vfs):
 * BSD sockets for client processes, served on lwIP's socket API in the
 * worker thread that received the request (pool.c), so a blocking call
 * (accept, recv, connect, poll) blocks that worker only. docs/NET.md,
 * "Sockets over IPC".
 *
 * Owns: the network bring-up (a background thread: net_init; no device is
 * not an error, the sockets then answer -ENETDOWN), the per-client socket
 * tables keyed by the channel badge (a client names only its own sockets:
 * numbers 0..SOCKS_PER_CLIENT-1 in its own table, never lwIP's), and the
 * translation of the wire constants (Linux's, see the IDL) to lwIP's.
 *
 * Every request field is checked here or by the generated dispatcher:
 * socket numbers against the caller's table, addresses (family, port),
 * option levels, names and value lengths, flags, counts, poll entries.
 *
 * Closing a socket another worker is using (a client thread blocked in
 * recv while another closes): the socket leaves the client's table at once;
 * lwIP's socket is closed when the last in-flight call returns (as Linux,
 * close does not interrupt a blocked recv). Release and "client gone" also
 * shut busy TCP sockets down, which wakes their blocked calls.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <kos/mutex.h>
#include <kos/thread.h>
#include <lwip/api.h>
#include <lwip/sockets.h>
#include <net/net.h>
#include "vfs_net.h"

#define NET_CLIENTS 64              /* client processes with sockets at once */
#define SOCKS_PER_CLIENT 48         /* lwIP has MEMP_NUM_NETCONN (60) in all */

/* Wire constants (Linux's values; kl/VfsNetwork.idl). */
enum {
    W_AF_INET = 2,
    W_SOCK_STREAM = 1, W_SOCK_DGRAM = 2, W_SOCK_TYPE_MASK = 0xf,
    W_SOCK_NONBLOCK = 0x4000, W_SOCK_CLOEXEC = 0x80000,
    W_MSG_PEEK = 0x2, W_MSG_DONTWAIT = 0x40, W_MSG_WAITALL = 0x100, W_MSG_NOSIGNAL = 0x4000,
    W_MSG_MORE = 0x8000,
    W_SOL_SOCKET = 1, W_IPPROTO_IP = 0, W_IPPROTO_TCP = 6, W_IPPROTO_UDP = 17,
    W_SO_REUSEADDR = 2, W_SO_TYPE = 3, W_SO_ERROR = 4, W_SO_BROADCAST = 6, W_SO_SNDBUF = 7,
    W_SO_RCVBUF = 8, W_SO_KEEPALIVE = 9, W_SO_LINGER = 13, W_SO_REUSEPORT = 15,
    W_SO_RCVTIMEO = 20, W_SO_SNDTIMEO = 21, W_SO_ACCEPTCONN = 30,
    W_TCP_NODELAY = 1, W_TCP_KEEPIDLE = 4, W_TCP_KEEPINTVL = 5, W_TCP_KEEPCNT = 6,
    W_IP_TOS = 1, W_IP_TTL = 2,
    W_POLLIN = 0x1, W_POLLPRI = 0x2, W_POLLOUT = 0x4, W_POLLERR = 0x8, W_POLLHUP = 0x10,
    W_POLLNVAL = 0x20,
    W_F_GETFL = 3, W_F_SETFL = 4, W_O_NONBLOCK = 0x4000, W_O_RDWR = 2,
    W_SHUT_RD = 0, W_SHUT_WR = 1, W_SHUT_RDWR = 2,
};

/* ---- the network's state ------------------------------------------------------------- */

enum { NET_STARTING, NET_UP, NET_DOWN };
static int net_state = NET_STARTING;
static int net_down_err = ENETDOWN;

#define NET_ARGS_MAX 16
static char *net_argv[NET_ARGS_MAX + 1];
static int net_argc;

static int net_thread(void *arg)
{
    (void)arg;
    struct net_options o;
    net_options_default(&o);
    int state = NET_DOWN;
    if (net_options_parse(&o, net_argc, net_argv) != NET_OK) {
        fprintf(stderr, "VfsFsnet: bad network option, sockets unavailable\n");
    } else {
        struct net_info info;
        int rc = net_init(&o, &info);
        if (rc == NET_OK) {
            char ip[16];
            printf("VfsFsnet: network %s (%s), sockets served\n", net_ip_str(info.ip, ip),
                   info.from_dhcp ? "dhcp" : "static");
            state = NET_UP;
        } else if (rc == NET_ENODEV) {
            printf("VfsFsnet: no network device, sockets unavailable\n");
        } else {
            printf("VfsFsnet: network down (%s), sockets unavailable\n", net_strerror(rc));
            if (rc == NET_EACCES)
                net_down_err = EACCES;
        }
    }
    __atomic_store_n(&net_state, state, __ATOMIC_RELEASE);
    return 0;
}

void vfs_net_start(int argc, char **argv)
{
    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "off") == 0) {       /* "-n off": a files-only VFS */
            printf("VfsFsnet: network off, sockets unavailable\n");
            __atomic_store_n(&net_state, NET_DOWN, __ATOMIC_RELEASE);
            return;
        }
    }
    net_argv[0] = "VfsFsnet";
    net_argc = 1;
    for (int i = 0; i < argc && net_argc < NET_ARGS_MAX; i++)
        net_argv[net_argc++] = argv[i];
    net_argv[net_argc] = NULL;
    Tid tid;
    if (KosThreadCreate(&tid, ThreadPriorityNormal, 64 * 1024, net_thread, NULL, 0) != rcOk) {
        printf("VfsFsnet: cannot start the network thread, sockets unavailable\n");
        __atomic_store_n(&net_state, NET_DOWN, __ATOMIC_RELEASE);
    }
}

/* 0 once the network is up (waits for the bring-up, DHCP included), else -errno. */
static int net_ready(void)
{
    for (;;) {
        int s = __atomic_load_n(&net_state, __ATOMIC_ACQUIRE);
        if (s == NET_UP)
            return 0;
        if (s == NET_DOWN)
            return -net_down_err;
        KosThreadSleep(10);
    }
}

/* ---- per-client socket tables -------------------------------------------------------- */

struct nsock {
    int lwfd;                       /* lwIP socket, -1: none */
    int users;                      /* workers inside a call on it */
    bool closing;                   /* closed by the client: not findable; last user closes */
    bool nonblock;
};

struct nclient {
    uint32_t badge;                 /* 0: free */
    struct nsock s[SOCKS_PER_CLIENT];
};

static KosMutex tab_lock = KOS_MUTEX_INITIALIZER;
static struct nclient clients[NET_CLIENTS];
static bool tab_ready;
static __thread uint32_t caller;

void vfs_net_set_caller(uint32_t badge)
{
    caller = badge;
}

static void tab_init_locked(void)
{
    if (tab_ready)
        return;
    for (int c = 0; c < NET_CLIENTS; c++)
        for (int i = 0; i < SOCKS_PER_CLIENT; i++)
            clients[c].s[i].lwfd = -1;
    tab_ready = true;
}

static struct nclient *client_locked(uint32_t badge, bool create)
{
    tab_init_locked();
    if (badge == 0)
        return NULL;
    struct nclient *free_c = NULL;
    for (int c = 0; c < NET_CLIENTS; c++) {
        if (clients[c].badge == badge)
            return &clients[c];
        if (!clients[c].badge && !free_c)
            free_c = &clients[c];
    }
    if (!create || !free_c)
        return NULL;
    free_c->badge = badge;
    return free_c;
}

/* The caller's socket `id` with a use counted (put() it), or NULL with *err. */
static struct nsock *get(int32_t id, int64_t *err)
{
    struct nsock *s = NULL;
    KosMutexLock(&tab_lock);
    struct nclient *c = client_locked(caller, false);
    if (c && id >= 0 && id < SOCKS_PER_CLIENT && c->s[id].lwfd >= 0 && !c->s[id].closing) {
        s = &c->s[id];
        s->users++;
    }
    KosMutexUnlock(&tab_lock);
    if (!s)
        *err = -EBADF;
    return s;
}

static void put(struct nsock *s)
{
    int fd = -1;
    KosMutexLock(&tab_lock);
    if (--s->users == 0 && s->closing) {
        fd = s->lwfd;
        s->lwfd = -1;
        s->closing = false;
        s->nonblock = false;
    }
    KosMutexUnlock(&tab_lock);
    if (fd >= 0)
        lwip_close(fd);
}

/* Puts a new lwIP socket in the caller's table: its number, or -EMFILE (fd closed). */
static int64_t install(int lwfd, bool nonblock)
{
    int id = -1;
    KosMutexLock(&tab_lock);
    struct nclient *c = client_locked(caller, true);
    if (c) {
        for (int i = 0; i < SOCKS_PER_CLIENT; i++) {
            if (c->s[i].lwfd < 0 && c->s[i].users == 0) {
                c->s[i].lwfd = lwfd;
                c->s[i].closing = false;
                c->s[i].nonblock = nonblock;
                id = i;
                break;
            }
        }
    }
    KosMutexUnlock(&tab_lock);
    if (id < 0) {
        lwip_close(lwfd);
        return -EMFILE;
    }
    return id;
}

/* Takes socket s out of its table: closes it now when idle, else marks it for its last
 * user (and with `wake`, shuts it down so blocked calls return). Under tab_lock. */
static int close_locked(struct nsock *s, bool wake)
{
    if (s->lwfd < 0 || s->closing)
        return -EBADF;
    if (s->users == 0) {
        int fd = s->lwfd;
        s->lwfd = -1;
        s->nonblock = false;
        return fd;                  /* the caller closes it outside the lock */
    }
    s->closing = true;
    if (wake)
        lwip_shutdown(s->lwfd, SHUT_RDWR);
    return -1;
}

void vfs_net_client_gone(uint32_t badge)
{
    int fds[SOCKS_PER_CLIENT], n = 0;
    KosMutexLock(&tab_lock);
    struct nclient *c = client_locked(badge, false);
    if (c) {
        for (int i = 0; i < SOCKS_PER_CLIENT; i++) {
            int fd = close_locked(&c->s[i], true);
            if (fd >= 0)
                fds[n++] = fd;
        }
        c->badge = 0;               /* busy slots stay taken until their last user */
    }
    KosMutexUnlock(&tab_lock);
    for (int i = 0; i < n; i++)
        lwip_close(fds[i]);
}

int vfs_net_socket_count(void)
{
    int n = 0;
    KosMutexLock(&tab_lock);
    tab_init_locked();
    for (int c = 0; c < NET_CLIENTS; c++)
        for (int i = 0; i < SOCKS_PER_CLIENT; i++)
            n += clients[c].s[i].lwfd >= 0;
    KosMutexUnlock(&tab_lock);
    return n;
}

/* ---- translation ----------------------------------------------------------------------- */

static int64_t fail(void)
{
    int e = errno;
    return -(int64_t)(e > 0 ? e : EIO);
}

static int to_sockaddr(const struct kl_VfsNetwork_Addr *a, struct sockaddr_in *sin)
{
    if (a->family != W_AF_INET)
        return -EAFNOSUPPORT;
    if (a->port > 0xffff)
        return -EINVAL;
    memset(sin, 0, sizeof *sin);
    sin->sin_len = sizeof *sin;
    sin->sin_family = AF_INET;
    sin->sin_port = lwip_htons((u16_t)a->port);
    sin->sin_addr.s_addr = lwip_htonl(a->ip);
    return 0;
}

static void from_sockaddr(const struct sockaddr_in *sin, struct kl_VfsNetwork_Addr *a)
{
    memset(a, 0, sizeof *a);
    if (sin->sin_family != AF_INET)
        return;
    a->family = W_AF_INET;
    a->port = lwip_ntohs(sin->sin_port);
    a->ip = lwip_ntohl(sin->sin_addr.s_addr);
}

/* Wire MSG_* to lwIP's, or -1 for a flag lwIP cannot do. */
static int msg_flags(int32_t f)
{
    int out = 0;
    if (f & ~(W_MSG_PEEK | W_MSG_DONTWAIT | W_MSG_WAITALL | W_MSG_NOSIGNAL | W_MSG_MORE))
        return -1;
    if (f & W_MSG_PEEK)
        out |= MSG_PEEK;
    if (f & W_MSG_DONTWAIT)
        out |= MSG_DONTWAIT;
    if (f & W_MSG_WAITALL)
        out |= MSG_WAITALL;
    if (f & W_MSG_MORE)
        out |= MSG_MORE;
    return out;                     /* MSG_NOSIGNAL: there are no signals */
}

enum optkind { OPT_INT, OPT_LINGER, OPT_TIME };

/* A wire (level, name) as lwIP's, with the kind of value; -ENOPROTOOPT if unknown. */
static int map_opt(int32_t level, int32_t name, int *llevel, int *lname, enum optkind *kind)
{
    static const struct { int32_t level, name; int llevel, lname; enum optkind kind; } t[] = {
        { W_SOL_SOCKET, W_SO_REUSEADDR, SOL_SOCKET, SO_REUSEADDR, OPT_INT },
        { W_SOL_SOCKET, W_SO_REUSEPORT, SOL_SOCKET, SO_REUSEADDR, OPT_INT },
        { W_SOL_SOCKET, W_SO_TYPE, SOL_SOCKET, SO_TYPE, OPT_INT },
        { W_SOL_SOCKET, W_SO_ERROR, SOL_SOCKET, SO_ERROR, OPT_INT },
        { W_SOL_SOCKET, W_SO_BROADCAST, SOL_SOCKET, SO_BROADCAST, OPT_INT },
        { W_SOL_SOCKET, W_SO_RCVBUF, SOL_SOCKET, SO_RCVBUF, OPT_INT },
        { W_SOL_SOCKET, W_SO_KEEPALIVE, SOL_SOCKET, SO_KEEPALIVE, OPT_INT },
        { W_SOL_SOCKET, W_SO_ACCEPTCONN, SOL_SOCKET, SO_ACCEPTCONN, OPT_INT },
        { W_SOL_SOCKET, W_SO_LINGER, SOL_SOCKET, SO_LINGER, OPT_LINGER },
        { W_SOL_SOCKET, W_SO_RCVTIMEO, SOL_SOCKET, SO_RCVTIMEO, OPT_TIME },
        { W_SOL_SOCKET, W_SO_SNDTIMEO, SOL_SOCKET, SO_SNDTIMEO, OPT_TIME },
        { W_IPPROTO_TCP, W_TCP_NODELAY, IPPROTO_TCP, TCP_NODELAY, OPT_INT },
        { W_IPPROTO_TCP, W_TCP_KEEPIDLE, IPPROTO_TCP, TCP_KEEPIDLE, OPT_INT },
        { W_IPPROTO_TCP, W_TCP_KEEPINTVL, IPPROTO_TCP, TCP_KEEPINTVL, OPT_INT },
        { W_IPPROTO_TCP, W_TCP_KEEPCNT, IPPROTO_TCP, TCP_KEEPCNT, OPT_INT },
        { W_IPPROTO_IP, W_IP_TOS, IPPROTO_IP, IP_TOS, OPT_INT },
        { W_IPPROTO_IP, W_IP_TTL, IPPROTO_IP, IP_TTL, OPT_INT },
    };
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
        if (t[i].level == level && t[i].name == name) {
            *llevel = t[i].llevel;
            *lname = t[i].lname;
            *kind = t[i].kind;
            return 0;
        }
    }
    return -ENOPROTOOPT;
}

static int set_nonblock(int lwfd, bool on)
{
    u32_t v = on;
    return lwip_ioctl(lwfd, (long)FIONBIO, &v) < 0 ? -1 : 0;
}

/* ---- the ops ----------------------------------------------------------------------------- */

/* Declares `s` for socket `sock` of the caller, or answers *res = -errno. */
#define SOCK(sock)                                                             \
    int64_t err_ = net_ready();                                                \
    struct nsock *s = err_ ? NULL : get(sock, &err_);                          \
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
            r = fail();
            if (r == -ENFILE || r == -ENOMEM)
                r = -ENFILE;
        } else {
            bool nb = (type & W_SOCK_NONBLOCK) != 0;
            if (nb)
                set_nonblock(fd, true);
            r = install(fd, nb);
        }
    }
    *res = r;
    return rcOk;
}

static Retcode op_close(void *ctx, int32_t sock, int64_t *res)
{
    (void)ctx;
    int fd = -1;
    int64_t r = -EBADF;
    KosMutexLock(&tab_lock);
    struct nclient *c = client_locked(caller, false);
    if (c && sock >= 0 && sock < SOCKS_PER_CLIENT) {
        struct nsock *s = &c->s[sock];
        if (s->lwfd >= 0 && !s->closing) {
            fd = close_locked(s, false);
            r = 0;
        }
    }
    KosMutexUnlock(&tab_lock);
    if (fd >= 0)
        lwip_close(fd);
    *res = r;
    return rcOk;
}

static Retcode op_bind(void *ctx, int32_t sock, const struct kl_VfsNetwork_Addr *addr,
                       int64_t *res)
{
    (void)ctx;
    SOCK(sock);
    struct sockaddr_in sin;
    int64_t r = to_sockaddr(addr, &sin);
    if (r == 0 && lwip_bind(s->lwfd, (struct sockaddr *)&sin, sizeof sin) < 0)
        r = fail();
    put(s);
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
    *res = lwip_listen(s->lwfd, backlog) < 0 ? fail() : 0;
    put(s);
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
            r = fail();
        } else {
            bool nb = (flags & W_SOCK_NONBLOCK) != 0;
            if (nb)
                set_nonblock(fd, true);
            r = install(fd, nb);
            if (r >= 0)
                from_sockaddr(&sin, peer);
        }
    }
    put(s);
    *res = r;
    return rcOk;
}

static Retcode op_connect(void *ctx, int32_t sock, const struct kl_VfsNetwork_Addr *addr,
                          int64_t *res)
{
    (void)ctx;
    SOCK(sock);
    struct sockaddr_in sin;
    int64_t r = to_sockaddr(addr, &sin);
    if (r == 0 && lwip_connect(s->lwfd, (struct sockaddr *)&sin, sizeof sin) < 0) {
        r = fail();
        /* lwIP reports a RST answering the SYN as ECONNRESET; POSIX calls it refused. */
        if (r == -ECONNRESET)
            r = -ECONNREFUSED;
    }
    put(s);
    *res = r;
    return rcOk;
}

static Retcode op_send(void *ctx, int32_t sock, const void *data, uint32_t data_len,
                       int32_t flags, int64_t *res)
{
    (void)ctx;
    SOCK(sock);
    int f = msg_flags(flags);
    int64_t r = -EOPNOTSUPP;
    if (f >= 0) {
        ssize_t n = lwip_send(s->lwfd, data, data_len, f);
        r = n < 0 ? fail() : n;
    }
    put(s);
    *res = r;
    return rcOk;
}

static Retcode op_recv(void *ctx, int32_t sock, uint32_t count, int32_t flags, void *data,
                       uint32_t data_cap, uint32_t *data_len, int64_t *res)
{
    (void)ctx;
    *data_len = 0;
    SOCK(sock);
    int f = msg_flags(flags);
    int64_t r = -EOPNOTSUPP;
    if (f >= 0) {
        ssize_t n = lwip_recv(s->lwfd, data, count < data_cap ? count : data_cap, f);
        r = n < 0 ? fail() : n;
        if (n > 0)
            *data_len = (uint32_t)n;
    }
    put(s);
    *res = r;
    return rcOk;
}

static Retcode op_sendto(void *ctx, int32_t sock, const void *data, uint32_t data_len,
                         int32_t flags, const struct kl_VfsNetwork_Addr *to, int64_t *res)
{
    (void)ctx;
    SOCK(sock);
    int f = msg_flags(flags);
    struct sockaddr_in sin;
    int64_t r = f < 0 ? -EOPNOTSUPP : to_sockaddr(to, &sin);
    if (r == 0) {
        ssize_t n = lwip_sendto(s->lwfd, data, data_len, f, (struct sockaddr *)&sin, sizeof sin);
        r = n < 0 ? fail() : n;
    }
    put(s);
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
    int f = msg_flags(flags);
    int64_t r = -EOPNOTSUPP;
    if (f >= 0) {
        struct sockaddr_in sin;
        socklen_t len = sizeof sin;
        memset(&sin, 0, sizeof sin);
        ssize_t n = lwip_recvfrom(s->lwfd, data, count < data_cap ? count : data_cap, f,
                                  (struct sockaddr *)&sin, &len);
        r = n < 0 ? fail() : n;
        if (n > 0)
            *data_len = (uint32_t)n;
        if (n >= 0)
            from_sockaddr(&sin, from);
    }
    put(s);
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
        r = fail();
    put(s);
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
    int64_t r = map_opt(level, name, &llevel, &lname, &kind);
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
        r = rc < 0 ? fail() : 0;
    }
    put(s);
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
    int64_t r = map_opt(level, name, &llevel, &lname, &kind);
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
            r = fail();
        } else {
            memcpy(value, out, n);
            *value_len = n;
        }
    }
    put(s);
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
    *res = rc < 0 ? fail() : 0;
    if (rc == 0)
        from_sockaddr(&sin, addr);
    put(s);
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
        r = set_nonblock(s->lwfd, nb) < 0 ? fail() : 0;
        if (r == 0)
            s->nonblock = nb;
    } else {
        r = -EINVAL;
    }
    put(s);
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
        held[i] = fds[i].sock >= 0 ? get(fds[i].sock, &e) : NULL;
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
            r = fail();
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
            put(held[i]);
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
    vfs_net_client_gone(caller);
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

const struct kl_VfsNetwork_ops vfs_net_ops = {
    .Socket = op_socket, .Close = op_close, .Bind = op_bind, .Listen = op_listen,
    .Accept = op_accept, .Connect = op_connect, .Send = op_send, .Recv = op_recv,
    .SendTo = op_sendto, .RecvFrom = op_recvfrom, .Shutdown = op_shutdown,
    .SetSockOpt = op_setsockopt, .GetSockOpt = op_getsockopt, .GetSockName = op_getsockname,
    .GetPeerName = op_getpeername, .Fcntl = op_fcntl, .Poll = op_poll, .Release = op_release,
    .Resolve = op_resolve,
};
