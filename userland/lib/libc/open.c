/*
 * open(): no file system yet, so ENOSYS. Kept alone in this object and weak,
 * so a VFS client library linked before libkos.a (or as an object) replaces
 * it; it then installs a backend per descriptor (kos/fd.h).
 */
#include <errno.h>
#include <fcntl.h>

__attribute__((weak)) int open(const char *path, int flags, ...)
{
    (void)path;
    (void)flags;
    errno = ENOSYS;
    return -1;
}
