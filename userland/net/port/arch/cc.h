/*
 * lwIP compiler/platform glue for KOS-A64 user space (aarch64, GCC,
 * picolibc). docs/NET.md.
 */
#ifndef KOS_LWIP_ARCH_CC_H
#define KOS_LWIP_ARCH_CC_H

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/time.h>          /* struct timeval (LWIP_TIMEVAL_PRIVATE 0), fd_set */

#define LWIP_ERRNO_STDINCLUDE   1
#define LWIP_NO_UNISTD_H        0

#ifndef BYTE_ORDER
#define BYTE_ORDER LITTLE_ENDIAN
#endif

/* lwIP's own ssize_t guess is not needed: picolibc has one. */
#define SSIZE_MAX               0x7fffffffffffffffL

/* Debian's "port" patch makes api/sockets.c use these, defined only in
 * Debian's own POSIX port headers; lwIP's own struct sockaddr has the
 * BSD length fields, so they are plain field accesses here. */
#define IP4ADDR_SOCKADDR_SET_LEN(sin)   ((sin)->sin_len = (u8_t)sizeof(struct sockaddr_in))
#define IP6ADDR_SOCKADDR_SET_LEN(sin6)  ((sin6)->sin6_len = (u8_t)sizeof(struct sockaddr_in6))
#define IPADDR_SOCKADDR_GET_LEN(addr)   ((socklen_t)(addr)->sa.sa_len)

/* Byte order inline (lwIP's def.c otherwise compiles calls to its own loops). */
#define lwip_htons(x)           __builtin_bswap16((uint16_t)(x))
#define lwip_htonl(x)           __builtin_bswap32((uint32_t)(x))

void net_platform_assert(const char *msg, const char *file, int line) __attribute__((noreturn));
#define LWIP_PLATFORM_DIAG(x)   do { printf x; } while (0)
#define LWIP_PLATFORM_ASSERT(x) net_platform_assert((x), __FILE__, __LINE__)

#endif
