/*
 * vfs/client.h: the VFS client library (libvfs, userland/lib/vfs). It makes
 * open/read/write/stat/... and <dirent.h> talk to a VFS process over IPC
 * (kl.VfsFilesystem); stdin/stdout/stderr stay on the console. The channel
 * is `client:<name>` from _VFS_FILESYSTEM_BACKEND or VFS_FILESYSTEM_BACKEND,
 * else _VFS_CONNECTION_ID ("{VFS}"). docs/VFS.md, "Server and client".
 */
#ifndef VFS_CLIENT_H
#define VFS_CLIENT_H

#include <stdint.h>
#include <uapi/msg.h>

/* The client IPC handle of the VFS channel, looked up on first use; 0 and
 * errno = ENOSYS when there is none. */
Handle vfs_client_channel(void);
/* The channel name libvfs uses (from the environment or the default). */
const char *vfs_client_channel_name(void);
/* The VFS descriptor behind a C library descriptor, or -1 (errno EBADF) when fd
 * is not a VFS file. */
int vfs_client_remote_fd(int fd);
/* Tells the VFS this process is done (closes all its VFS descriptors there);
 * libvfs does it at exit. Returns 0 or -1 with errno. */
int vfs_client_release(void);

/* Sockets (vfs_socket.c): the network channel's name (client:<name> from
 * _VFS_NETWORK_BACKEND or VFS_NETWORK_BACKEND, else the files' channel), and the
 * VFS socket number behind a C library descriptor (-1, errno ENOTSOCK/EBADF). */
const char *vfs_network_channel_name(void);
int vfs_client_remote_socket(int fd);

#endif
