/*
 * sock_wire.c: the socket service's wire <-> lwIP translation (sock_wire.h):
 * addresses, MSG_* flags, socket options, errno.
 */
#include <errno.h>
#include <string.h>
#include <lwip/sockets.h>
#include "sock_wire.h"

int64_t sock_errno(void)
{
    int e = errno;
    return -(int64_t)(e > 0 ? e : EIO);
}

int wire_to_sockaddr(const struct kl_VfsNetwork_Addr *a, struct sockaddr_in *sin)
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

void wire_from_sockaddr(const struct sockaddr_in *sin, struct kl_VfsNetwork_Addr *a)
{
    memset(a, 0, sizeof *a);
    if (sin->sin_family != AF_INET)
        return;
    a->family = W_AF_INET;
    a->port = lwip_ntohs(sin->sin_port);
    a->ip = lwip_ntohl(sin->sin_addr.s_addr);
}

/* Wire MSG_* to lwIP's, or -1 for a flag lwIP cannot do. */
int wire_msg_flags(int32_t f)
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

/* A wire (level, name) as lwIP's, with the kind of value; -ENOPROTOOPT if unknown. */
int wire_opt(int32_t level, int32_t name, int *llevel, int *lname, enum optkind *kind)
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

int sock_set_nonblock(int lwfd, bool on)
{
    u32_t v = on;
    return lwip_ioctl(lwfd, (long)FIONBIO, &v) < 0 ? -1 : 0;
}
