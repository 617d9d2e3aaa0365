/* libvfs internals shared by vfs_client.c and vfs_dir.c. */
#ifndef VFS_CLIENT_INTERNAL_H
#define VFS_CLIENT_INTERNAL_H

#include <stddef.h>
#include <stdint.h>
#include <kos/errno.h>         /* kos_call_result, kos_posix_result: the error convention */
#include <kos/fd.h>

extern const struct kos_fd_ops vfs_fd_ops;

/* The proxy on the VFS channel (its `base`, a KasperskyOS-form interface
 * object: vfs_client.c and vfs_dir.c, which include coresrv/nk/transport-kos.h
 * first), or NULL when there is none. */
struct kl_VfsFilesystem;
struct kl_VfsFilesystem *vfs_proxy(void);
/* 0 when the path can be sent, else -EFAULT, -ENOENT (empty), -ENAMETOOLONG. */
int vfs_check_path(const char *path);
/* Remote descriptor of a C library descriptor: >= 0, -EBADF, or -ESPIPE (not a VFS file). */
int vfs_sfd(int fd);
/* Installs remote descriptor sfd in the C library table: the new fd, or -EMFILE (sfd is
 * then closed). */
int vfs_install(int sfd);
int64_t vfs_remote_close(int sfd);
/* Read or write n bytes in chunks of at most IoMax. */
int64_t vfs_transfer(int sfd, void *buf, size_t n, int64_t off, int positional, int writing);
/* DNS on the network channel (kl.VfsNetwork Resolve): 0 and *ip in host byte order, or
 * -ENOENT (no such name / no answer), -EINVAL (not a name), -EAGAIN, -ENETDOWN, -ENOSYS
 * (no network channel), -EIO (the call failed, e.g. the policy refused it). */
int64_t vfs_net_resolve(const char *name, uint32_t *ip);

#endif
