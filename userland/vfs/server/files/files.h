/*
 * files.h: VfsFsnet's file service, kl.VfsFilesystem (files.c): the VFS core
 * behind IPC, one descriptor table and cwd per client. docs/VFS.md.
 */
#ifndef FILES_H
#define FILES_H

#include <VfsFsnet.edl.h>

/* The request handlers (ctx unused); between files_begin and files_end. */
extern const struct kl_VfsFilesystem_ops files_ops;

/* Creates the VFS and runs its command line (-l "<fstab entry>", -f <fstab>;
 * argv[0] is the program's name): 0, or the exit status after one line on
 * stderr. */
int files_start(int argc, char **argv);

/* Around the dispatch of one request: takes the service's lock and selects the
 * client behind `badge`; on its first request, takes it a slot in the client
 * table (clients.h) and creates its descriptor table, which holds the slot until
 * Release or "client gone". No slot (the table is full) makes every op answer
 * -ENFILE. */
void files_begin(uint32_t badge);
void files_end(void);

/* Closes every descriptor of the client in `slot` (the kernel's "client gone"). */
void files_client_gone(int slot);

#endif
