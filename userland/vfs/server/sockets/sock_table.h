/*
 * sock_table.h: the socket service's per-client socket tables (sock_table.c).
 * A client names only its own sockets: numbers 0..SOCKS_PER_CLIENT-1 in the
 * table of its slot in VfsFsnet's client table (clients.h), never lwIP's.
 * Each socket holds its client's slot (client_hold) until lwIP's socket is
 * closed, so while a client has sockets its badge finds its table here
 * without asking the client table; a client without sockets has nothing to
 * find (-EBADF), and its first socket takes it a slot.
 */
#ifndef SOCK_TABLE_H
#define SOCK_TABLE_H

#include <stdbool.h>
#include <stdint.h>

#define SOCKS_PER_CLIENT 48         /* lwIP has MEMP_NUM_NETCONN (60) in all */

struct nsock {
    int lwfd;                       /* lwIP socket, -1: none */
    int users;                      /* workers inside a call on it */
    bool closing;                   /* closed by the client: not findable; last user closes */
    bool nonblock;
};

/* Socket `id` of the client behind `badge` with a use counted (sock_put it), or
 * NULL with *err = -EBADF. */
struct nsock *sock_get(uint32_t badge, int32_t id, int64_t *err);
void sock_put(struct nsock *s);

/* Puts a new lwIP socket in the table of the client behind `badge`: its number,
 * or -EMFILE (its table full, or no slot in the client table: lwfd is closed). */
int64_t sock_install(uint32_t badge, int lwfd, bool nonblock);

/* The client closes socket `id`: 0, or -EBADF. As Linux, a call blocked on it
 * goes on; lwIP's socket is closed when the last one returns. */
int64_t sock_close(uint32_t badge, int32_t id);

/* Closes every socket of the client behind `badge` (its Release): idle ones now;
 * busy ones are shut down, which wakes their blocked calls, and closed by the
 * last. sockets_client_gone does the same by slot. */
void sock_close_all(uint32_t badge);

#endif
