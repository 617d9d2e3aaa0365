/*
 * files.h: VfsFsnet's file service, kl.VfsFilesystem (files.c): the VFS core
 * behind IPC, one descriptor table and cwd per client. docs/VFS.md.
 */
#ifndef FILES_H
#define FILES_H

#include "../pool.h"

/* Creates the VFS and runs its command line (-l "<fstab entry>", -f <fstab>;
 * argv[0] is the program's name): 0, or the exit status after one line on
 * stderr. */
int files_start(int argc, char **argv);

/* Answers the request in m (any interface but the socket one: others get an error
 * reply) under the service's lock, for the client behind its badge. An arena that
 * came deferred (pool.h) is read straight into the file by Write and Pwrite, and
 * pulled whole first for any other request. A client's first
 * request takes it a slot in the client table (clients.h) and creates its descriptor
 * table, which holds the slot until Release or "client gone"; with no slot (the
 * table is full) every op answers -ENFILE. */
void files_serve(struct pool_msg *m);

/* Closes every descriptor of the client in `slot` (the kernel's "client gone"). */
void files_client_gone(int slot);

#endif
