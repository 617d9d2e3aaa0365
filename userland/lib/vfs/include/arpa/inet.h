/*
 * <arpa/inet.h> for programs linked with libvfs: picolibc's byte-order
 * macros (htons, ntohl, ...) plus the address conversions libvfs provides
 * (vfs_inet.c). IPv4 only.
 */
#ifndef _VFS_ARPA_INET_H
#define _VFS_ARPA_INET_H

#include_next <arpa/inet.h>
#include <stdint.h>
#include <sys/socket.h>

struct in_addr;

int inet_pton(int af, const char *src, void *dst);
const char *inet_ntop(int af, const void *src, char *dst, socklen_t size);
int inet_aton(const char *cp, struct in_addr *inp);
uint32_t inet_addr(const char *cp);
char *inet_ntoa(struct in_addr in);

#endif
