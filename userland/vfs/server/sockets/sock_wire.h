/*
 * sock_wire.h: the socket service's translation between the wire
 * (kl.VfsNetwork: Linux's constants, userland/idl/vfs/kl/VfsNetwork.idl) and
 * lwIP's socket API (sock_wire.c). Every value a client sends passes here
 * before lwIP sees it.
 */
#ifndef SOCK_WIRE_H
#define SOCK_WIRE_H

#include <stdbool.h>
#include <stdint.h>
#include <lwip/sockets.h>
#include <VfsFsnet.edl.h>

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

/* lwIP's errno after a failed call as -errno (-EIO when it left none). */
int64_t sock_errno(void);

/* A wire address as lwIP's: 0, -EAFNOSUPPORT (not AF_INET) or -EINVAL (port). */
int wire_to_sockaddr(const struct kl_VfsNetwork_Addr *a, struct sockaddr_in *sin);
/* lwIP's address on the wire (zeroes for a family other than AF_INET). */
void wire_from_sockaddr(const struct sockaddr_in *sin, struct kl_VfsNetwork_Addr *a);

/* Wire MSG_* to lwIP's, or -1 for a flag lwIP cannot do. */
int wire_msg_flags(int32_t f);

enum optkind { OPT_INT, OPT_LINGER, OPT_TIME };
/* A wire (level, name) as lwIP's, with the kind of value; -ENOPROTOOPT if unknown. */
int wire_opt(int32_t level, int32_t name, int *llevel, int *lname, enum optkind *kind);

/* O_NONBLOCK on an lwIP socket: 0 or -1 (lwIP's errno set). */
int sock_set_nonblock(int lwfd, bool on);

#endif
