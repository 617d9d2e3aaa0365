/*
 * clients.h: VfsFsnet's one table of client processes (clients.c), keyed by
 * the badge the kernel puts in every request (one per client channel end).
 * A client is a slot number 0..CLIENTS_MAX-1; each service keeps its own
 * per-client state in an array indexed by it (the file service its
 * descriptor table and cwd, the socket service its sockets), so the table
 * knows no service and no service knows the other.
 *
 * A slot lives while something holds it: a request in flight (counted from
 * client_enter to client_leave) or a service's state (a hold per vfs client,
 * per socket). When the last goes, the slot is free for another client. A
 * service's Release drops that service's state only; the kernel's "client
 * gone" notice (client_disconnect) marks the client gone, so no service
 * takes a new hold, and the program then has every service drop its state.
 */
#ifndef CLIENTS_H
#define CLIENTS_H

#include <stdbool.h>
#include <stdint.h>

#define CLIENTS_MAX 64              /* client processes with state or requests at once */

/* The slot of the client behind `badge`, created on its first request, with this
 * request counted; -1 when the table is full or badge is 0 (the services then
 * answer their "too many" error). Pair with client_leave. */
int client_enter(uint32_t badge);
void client_leave(int slot);

/* A service keeps state for the client of `slot` (one hold each: a vfs client, a
 * socket); false when the client is gone (nothing to keep it for). The caller
 * holds a request on the slot. client_unhold drops one. */
bool client_hold(int slot);
void client_unhold(int slot);

/* The kernel's notice that the client behind `badge` is gone: its slot marked
 * gone, with a request counted (client_leave it once every service has dropped
 * its state), or -1 when the badge has no slot. */
int client_disconnect(uint32_t badge);

/* Clients with a slot now (tests, statistics). */
int clients_count(void);

#endif
