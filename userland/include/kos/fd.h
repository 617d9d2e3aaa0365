/*
 * kos/fd.h: the C library's file-descriptor table. read/write/lseek/close
 * look the descriptor up here and call its backend, so a file system (the
 * VFS client) installs its own backend per descriptor. At start fds 0, 1, 2
 * use the console backend (write -> DebugWrite, read -> end of file).
 * Backend functions return a count or a negative errno (never set errno).
 */
#ifndef KOS_FD_H
#define KOS_FD_H

#include <stddef.h>
#include <sys/types.h>

struct kos_fd_ops {
    ssize_t (*read)(void *ctx, void *buf, size_t n);            /* NULL: EBADF */
    ssize_t (*write)(void *ctx, const void *buf, size_t n);     /* NULL: EBADF */
    off_t (*lseek)(void *ctx, off_t offset, int whence);        /* NULL: ESPIPE */
    int (*close)(void *ctx);                                    /* NULL: nothing to do */
};

#define KOS_FD_MAX 64

/* Puts (ops, ctx) at descriptor fd (0 <= fd < KOS_FD_MAX), replacing what was
 * there without closing it; fd < 0: the lowest free descriptor. Returns the
 * descriptor or -EMFILE / -EBADF. */
int kos_fd_install(int fd, const struct kos_fd_ops *ops, void *ctx);
/* The backend of fd: 0, or -EBADF when it is not open. */
int kos_fd_get(int fd, const struct kos_fd_ops **ops, void **ctx);
/* Frees the slot without calling the backend's close: 0 or -EBADF. */
int kos_fd_release(int fd);

/* The console backend (ctx unused). */
extern const struct kos_fd_ops kos_console_ops;

#endif
