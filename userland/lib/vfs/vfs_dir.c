/*
 * libvfs: <dirent.h> over kl.VfsFilesystem. A DIR holds a C library
 * descriptor opened with Opendir (so dirfd, fstat and close work on it);
 * each readdir is one Readdir round trip. The position is the VFS's cookie,
 * read and set with lseek: telldir, seekdir and rewinddir need no state here.
 */
#include <coresrv/nk/transport-kos.h>   /* first: the KasperskyOS-form proxies */
#define NK_NO_SL_TABLE 1                  /* a library: no Service Locator records */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <kl/VfsFilesystem.idl.h>
#include "vfs_client_internal.h"

struct __kos_dir {
    int fd;
    struct dirent ent;
};

static DIR *dir_of(int fd)
{
    DIR *d = malloc(sizeof *d);
    if (!d) {
        close(fd);
        errno = ENOMEM;
        return NULL;
    }
    memset(d, 0, sizeof *d);
    d->fd = fd;
    return d;
}

DIR *opendir(const char *path)
{
    int64_t r = vfs_check_path(path);
    struct kl_VfsFilesystem *p = r ? NULL : vfs_proxy();
    if (!r && !p)
        r = -ENOSYS;
    if (!r) {
        _Alignas(8) char buf[kl_VfsFilesystem_Opendir_req_arena_size];
        struct nk_arena a = NK_ARENA_INITIALIZER(buf, buf + sizeof buf);
        kl_VfsFilesystem_Opendir_req rq;
        kl_VfsFilesystem_Opendir_res rs;
        nk_req_reset(&rq);
        Retcode rc = nk_arena_store(char, &a, &rq.path, path, strlen(path) + 1) == NK_EOK
                         ? kl_VfsFilesystem_Opendir(p, &rq, &a, &rs, NK_NULL)
                         : rcBufferTooLarge;
        r = kos_call_result(rc, rc == rcOk ? rs.res : 0);
        if (r >= 0)
            r = vfs_install((int)r);
    }
    if (r < 0) {
        kos_posix_result(r);
        return NULL;
    }
    return dir_of((int)r);
}

DIR *fdopendir(int fd)
{
    struct stat st;
    if (vfs_sfd(fd) < 0) {
        errno = EBADF;
        return NULL;
    }
    if (fstat(fd, &st) < 0)
        return NULL;
    if (!S_ISDIR(st.st_mode)) {
        errno = ENOTDIR;
        return NULL;
    }
    return dir_of(fd);
}

int dirfd(DIR *d)
{
    if (!d)
        return (int)kos_posix_result(-EINVAL);
    return d->fd;
}

/* One entry into *e: 1, 0 at the end, or -errno. */
static int next_entry(DIR *d, struct dirent *e)
{
    int sfd = vfs_sfd(d->fd);
    if (sfd < 0)
        return -EBADF;
    kl_VfsFilesystem_Readdir_req rq = { .fd = sfd };
    kl_VfsFilesystem_Readdir_res rs;
    Retcode rc = kl_VfsFilesystem_Readdir(vfs_proxy(), &rq, NK_NULL, &rs, NK_NULL);
    int64_t r = kos_call_result(rc, rc == rcOk ? rs.res : 0);
    if (r <= 0)
        return (int)r;
    if (r != 1 || rs.entry.namlen == 0 || rs.entry.namlen > kl_VfsFilesystem_NameMax)
        return -EIO;
    memset(e, 0, sizeof *e);
    e->d_ino = (ino_t)rs.entry.ino;
    e->d_type = (unsigned char)(rs.entry.type == DT_DIR || rs.entry.type == DT_REG ? rs.entry.type : DT_UNKNOWN);
    e->d_namlen = (unsigned char)rs.entry.namlen;
    e->d_reclen = sizeof *e;
    memcpy(e->d_name, rs.entry.name, rs.entry.namlen);
    e->d_name[rs.entry.namlen] = '\0';
    return 1;
}

struct dirent *readdir(DIR *d)
{
    if (!d) {
        errno = EBADF;
        return NULL;
    }
    int r = next_entry(d, &d->ent);
    kos_posix_result(r);                        /* r < 0: errno; the end: errno untouched */
    return r == 1 ? &d->ent : NULL;
}

int readdir_r(DIR *d, struct dirent *entry, struct dirent **result)
{
    if (!d || !entry || !result)
        return EINVAL;
    int r = next_entry(d, entry);
    *result = r == 1 ? entry : NULL;
    return r < 0 ? -r : 0;
}

long telldir(DIR *d)
{
    return d ? (long)lseek(d->fd, 0, SEEK_CUR) : -1;
}

void seekdir(DIR *d, long cookie)
{
    if (d)
        lseek(d->fd, cookie, SEEK_SET);
}

void rewinddir(DIR *d)
{
    seekdir(d, 0);
}

int closedir(DIR *d)
{
    if (!d)
        return (int)kos_posix_result(-EBADF);
    int r = close(d->fd);
    free(d);
    return r;
}
