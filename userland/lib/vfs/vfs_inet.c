/*
 * libvfs address helpers: inet_pton/inet_ntop/inet_aton/inet_addr/inet_ntoa
 * for IPv4 (no IPC), and getaddrinfo/freeaddrinfo/gai_strerror: numeric
 * hosts and "localhost" locally, other names through the network VFS's DNS
 * (kl.VfsNetwork Resolve, vfs_net_resolve in vfs_socket.c); numeric or a few
 * well-known services.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include "vfs_client_internal.h"

/* Dotted quad, exactly four decimal parts 0..255 (inet_pton's rule): 1 or 0. */
static int parse_quad(const char *s, uint32_t *out)
{
    uint32_t v = 0;
    for (int part = 0; part < 4; part++) {
        if (part && *s++ != '.')
            return 0;
        if (*s < '0' || *s > '9')
            return 0;
        unsigned n = 0, digits = 0;
        while (*s >= '0' && *s <= '9') {
            n = n * 10 + (unsigned)(*s++ - '0');
            if (++digits > 3 || n > 255)
                return 0;
        }
        v = v << 8 | n;
    }
    if (*s)
        return 0;
    *out = v;
    return 1;
}

int inet_pton(int af, const char *src, void *dst)
{
    if (af != AF_INET) {
        errno = EAFNOSUPPORT;
        return -1;
    }
    uint32_t v;
    if (!src || !dst || !parse_quad(src, &v))
        return 0;
    uint32_t n = htonl(v);
    memcpy(dst, &n, 4);
    return 1;
}

const char *inet_ntop(int af, const void *src, char *dst, socklen_t size)
{
    if (af != AF_INET) {
        errno = EAFNOSUPPORT;
        return NULL;
    }
    const uint8_t *b = src;
    char tmp[INET_ADDRSTRLEN];
    int n = snprintf(tmp, sizeof tmp, "%u.%u.%u.%u", b[0], b[1], b[2], b[3]);
    if (!dst || n < 0 || (socklen_t)n >= size) {
        errno = ENOSPC;
        return NULL;
    }
    memcpy(dst, tmp, (size_t)n + 1);
    return dst;
}

int inet_aton(const char *cp, struct in_addr *inp)
{
    uint32_t v;
    if (!cp || !parse_quad(cp, &v))
        return 0;
    if (inp)
        inp->s_addr = htonl(v);
    return 1;
}

uint32_t inet_addr(const char *cp)
{
    struct in_addr a;
    return inet_aton(cp, &a) ? a.s_addr : INADDR_NONE;
}

char *inet_ntoa(struct in_addr in)
{
    static __thread char buf[INET_ADDRSTRLEN];
    inet_ntop(AF_INET, &in.s_addr, buf, sizeof buf);
    return buf;
}

/* ---- getaddrinfo ---------------------------------------------------------------------- */

static const struct { const char *name; int port; } services[] = {
    { "echo", 7 }, { "ftp", 21 }, { "ssh", 22 }, { "telnet", 23 }, { "domain", 53 },
    { "http", 80 }, { "https", 443 },
};

static int parse_service(const char *s, int numeric_only, int *port)
{
    if (!s) {
        *port = 0;
        return 0;
    }
    if (*s >= '0' && *s <= '9') {
        char *end;
        long v = strtol(s, &end, 10);
        if (*end || v < 0 || v > 65535)
            return EAI_SERVICE;
        *port = (int)v;
        return 0;
    }
    if (numeric_only)
        return EAI_NONAME;
    for (size_t i = 0; i < sizeof services / sizeof services[0]; i++) {
        if (strcmp(s, services[i].name) == 0) {
            *port = services[i].port;
            return 0;
        }
    }
    return EAI_SERVICE;
}

/* A name that is not a dotted quad: EAI_NONAME with AI_NUMERICHOST or when the name
 * does not exist (or no DNS server answered), EAI_AGAIN when the resolver is busy or the
 * network down, EAI_FAIL when the call failed (no network channel, refused). */
static int resolve(const char *node, int flags, uint32_t *ip)
{
    if (flags & AI_NUMERICHOST)
        return EAI_NONAME;
    int64_t r = vfs_net_resolve(node, ip);
    if (r == 0)
        return 0;
    if (r == -ENOENT || r == -EINVAL)
        return EAI_NONAME;
    if (r == -EAGAIN || r == -ENOMEM || r == -ENETDOWN)
        return EAI_AGAIN;
    return EAI_FAIL;
}

struct ai_block {
    struct addrinfo ai;
    struct sockaddr_in sin;
};

int getaddrinfo(const char *node, const char *service, const struct addrinfo *hints,
                struct addrinfo **res)
{
    if (!res || (!node && !service))
        return EAI_NONAME;
    *res = NULL;
    int flags = hints ? hints->ai_flags : 0;
    int family = hints ? hints->ai_family : AF_UNSPEC;
    int socktype = hints ? hints->ai_socktype : 0;
    int protocol = hints ? hints->ai_protocol : 0;
    if (flags & ~(AI_PASSIVE | AI_CANONNAME | AI_NUMERICHOST | AI_NUMERICSERV))
        return EAI_BADFLAGS;
    if (family != AF_UNSPEC && family != AF_INET)
        return EAI_FAMILY;
    if (socktype != 0 && socktype != SOCK_STREAM && socktype != SOCK_DGRAM)
        return EAI_SOCKTYPE;
    int port;
    int rc = parse_service(service, flags & AI_NUMERICSERV, &port);
    if (rc)
        return rc;
    uint32_t ip;
    if (!node)
        ip = (flags & AI_PASSIVE) ? INADDR_ANY : INADDR_LOOPBACK;
    else if (strcmp(node, "localhost") == 0 && !(flags & AI_NUMERICHOST))
        ip = INADDR_LOOPBACK;
    else if (!parse_quad(node, &ip) && (rc = resolve(node, flags, &ip)) != 0)
        return rc;
    int types[2], ntypes = 0;
    if (socktype == 0 || socktype == SOCK_STREAM)
        types[ntypes++] = SOCK_STREAM;
    if (socktype == 0 || socktype == SOCK_DGRAM)
        types[ntypes++] = SOCK_DGRAM;
    struct addrinfo *head = NULL, **tail = &head;
    for (int i = 0; i < ntypes; i++) {
        int proto = types[i] == SOCK_STREAM ? IPPROTO_TCP : IPPROTO_UDP;
        if (protocol && protocol != proto)
            continue;
        struct ai_block *b = calloc(1, sizeof *b);
        if (!b) {
            freeaddrinfo(head);
            return EAI_MEMORY;
        }
        b->sin.sin_family = AF_INET;
        b->sin.sin_port = htons((uint16_t)port);
        b->sin.sin_addr.s_addr = htonl(ip);
        b->ai.ai_family = AF_INET;
        b->ai.ai_socktype = types[i];
        b->ai.ai_protocol = proto;
        b->ai.ai_addrlen = sizeof b->sin;
        b->ai.ai_addr = (struct sockaddr *)&b->sin;
        if ((flags & AI_CANONNAME) && node && !head)
            b->ai.ai_canonname = strdup(node);
        *tail = &b->ai;
        tail = &b->ai.ai_next;
    }
    if (!head)
        return EAI_SOCKTYPE;
    *res = head;
    return 0;
}

void freeaddrinfo(struct addrinfo *ai)
{
    while (ai) {
        struct addrinfo *next = ai->ai_next;
        free(ai->ai_canonname);
        free(ai);                   /* the addrinfo is the start of its ai_block */
        ai = next;
    }
}

const char *gai_strerror(int code)
{
    switch (code) {
    case 0: return "Success";
    case EAI_BADFLAGS: return "Bad value for ai_flags";
    case EAI_NONAME: return "Name or service not known";
    case EAI_AGAIN: return "Temporary failure in name resolution";
    case EAI_FAIL: return "Non-recoverable failure in name resolution";
    case EAI_FAMILY: return "ai_family not supported";
    case EAI_SOCKTYPE: return "ai_socktype not supported";
    case EAI_SERVICE: return "Service not supported for ai_socktype";
    case EAI_MEMORY: return "Memory allocation failure";
    case EAI_SYSTEM: return "System error";
    default: return "Unknown error";
    }
}
