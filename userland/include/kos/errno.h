/*
 * kos/errno.h: libkos's one conversion from KasperskyOS results to POSIX
 * errors. Everything that turns an IPC Retcode into an errno (libvfs files,
 * sockets and DNS) or a -errno into the -1/errno of a POSIX call (libvfs and
 * the C library's descriptor layer) goes through these three functions, so an
 * error reads the same whichever path it took (docs/USERLAND.md "Errors").
 * Inline on purpose: they sit on every read/write, and the compiler must see
 * that a result >= 0 means the call went through (the answer was filled in).
 */
#ifndef KOS_ERRNO_H
#define KOS_ERRNO_H

#include <errno.h>
#include <stdint.h>
#include <uapi/retcode.h>

/* The errno for a failed call: 0 for rcOk, EACCES when the policy refused the
 * request or its answer (rcSecurityDisallow), ENAMETOOLONG when an argument is
 * longer than its IDL type allows (rcBufferTooLarge), EIO for everything else
 * (no server, a dead or misbehaving one, a malformed answer). */
static inline int kos_retcode_errno(Retcode rc)
{
    if (rc == rcOk)
        return 0;
    if (rc == rcSecurityDisallow)
        return EACCES;
    return rc == rcBufferTooLarge ? ENAMETOOLONG : EIO;
}

/* A generated proxy's Retcode and the answer's `res` (>= 0 or -errno) as one
 * value: res when the call went through, else -kos_retcode_errno(rc). */
static inline int64_t kos_call_result(Retcode rc, int64_t res)
{
    return rc == rcOk ? res : -(int64_t)kos_retcode_errno(rc);
}

/* The POSIX convention: r < 0 sets errno = -r and gives -1; else r. */
static inline long kos_posix_result(int64_t r)
{
    if (r < 0) {
        errno = (int)-r;
        return -1;
    }
    return (long)r;
}

#endif
