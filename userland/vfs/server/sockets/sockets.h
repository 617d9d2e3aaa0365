/*
 * sockets.h: VfsFsnet's socket service, kl.VfsNetwork (userland/vfs/server/
 * sockets): BSD sockets for client processes over IPC, served on lwIP.
 * docs/NET.md, "Sockets over IPC". Its parts: the network's bring-up
 * (net_up.c), the per-client socket tables (sock_table.c), the wire
 * translation (sock_wire.c) and the request handlers (sock_ops.c).
 */
#ifndef SOCKETS_H
#define SOCKETS_H

#include <VfsFsnet.edl.h>
#include "../pool.h"

/* Starts the network in the background from the "-n <option>" words of
 * VfsFsnet's command line (net_options_parse syntax: ip=, gw=, nodhcp, ...).
 * Without a device it prints one line and every socket call answers
 * -ENETDOWN; files are served either way. */
void sockets_start(int argc, char **argv);

/* Answers the request in m (kl.VfsNetwork) for the client behind its badge. A
 * client's first socket takes it a slot in the client table (clients.h), each
 * socket holds it; with no slot (the table is full) socket() answers -EMFILE and
 * the other calls -EBADF. Runs outside the file service's lock and may block
 * (this worker only). */
void sockets_serve(struct pool_msg *m);

/* Closes every socket of the client in `slot` (the kernel's "client gone"):
 * idle ones now, busy ones shut down and closed by their last call. */
void sockets_client_gone(int slot);

/* Sockets open for all clients (tests, statistics). */
int sockets_count(void);

#endif
