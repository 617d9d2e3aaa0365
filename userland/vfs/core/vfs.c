/*
 * VFS core: clients, their descriptor tables, and the file calls, which resolve paths
 * (vfs_mount.c) and then call a file system through struct vfs_fs_ops.
 * Must never hand one client's descriptor to another, nor trust a length it did not check.
 */
#define _POSIX_C_SOURCE 200809L         /* picolibc: O_DIRECTORY for the ABI check below */
#include <errno.h>
#include <string.h>

#include "vfs_internal.h"

#if defined(__PICOLIBC__)
#include <fcntl.h>
_Static_assert(VFS_O_WRONLY == O_WRONLY && VFS_O_RDWR == O_RDWR && VFS_O_CREAT == O_CREAT &&
               VFS_O_TRUNC == O_TRUNC && VFS_O_APPEND == O_APPEND && VFS_O_EXCL == O_EXCL &&
               VFS_O_DIRECTORY == O_DIRECTORY, "VFS_O_* must equal picolibc's O_*");
#endif

/* ---------------------------------------------------------------- helpers */
static int resolve_c(struct vfs_client *c, const char *path, size_t len, struct resolved *r)
{
    return vfs_resolve(c->vfs, c->cwd, c->cwd_len, path, len, r);
}

/* Does the caller's path end in "." or ".."? Calls that add or remove that name refuse. */
static int last_is_dot(const char *p, size_t len)
{
    while (len > 0 && p[len - 1] == '/')
        len--;
    size_t start = len;
    while (start > 0 && p[start - 1] != '/')
        start--;
    size_t n = len - start;
    return (n == 1 && p[start] == '.') || (n == 2 && p[start] == '.' && p[start + 1] == '.');
}

/* Write right on a directory, to add or remove one of its names. */
static int check_dir_write(struct vfs_mount *m, void *dir)
{
    struct vfs_stat st;
    int rc = vfs_node_stat(m, dir, &st);
    if (rc)
        return rc;
    return st.st_mode & VFS_S_IWUSR ? 0 : -EACCES;
}
int vfs_client_create(struct vfs *vfs, struct vfs_client **out)
{
    struct vfs_client *c = vfs_mem_alloc(vfs_allocator(vfs), sizeof *c);
    if (!c)
        return -ENOMEM;
    memset(c, 0, sizeof *c);
    c->vfs = vfs;
    c->cwd[0] = '/';
    c->cwd_len = 1;
    c->next = vfs->clients;
    if (c->next)
        c->next->prev = c;
    vfs->clients = c;
    *out = c;
    return 0;
}

/* A file description for open: the client's own one when free, else a new one. */
static struct vfs_file *file_alloc(struct vfs_client *c)
{
    if (!c->own_file_busy) {
        c->own_file_busy = 1;
        return &c->own_file;
    }
    return vfs_mem_alloc(vfs_allocator(c->vfs), sizeof(struct vfs_file));
}

/* Gives back a description (file_alloc's). */
static void file_free(struct vfs_client *c, struct vfs_file *f)
{
    if (f == &c->own_file)
        c->own_file_busy = 0;
    else
        vfs_mem_free(vfs_allocator(c->vfs), f, sizeof *f);
}

static void file_release(struct vfs_client *c, struct vfs_file *f)
{
    f->mnt->fs->ops->unref(f->mnt->fs, f->node);
    f->mnt->opens--;
    file_free(c, f);
}

void vfs_client_destroy(struct vfs_client *c)
{
    if (!c)
        return;
    struct vfs *vfs = c->vfs;
    for (int fd = 0; fd < VFS_FD_MAX; fd++)
        if (c->fds[fd])
            file_release(c, c->fds[fd]);
    if (c->prev)
        c->prev->next = c->next;
    else
        vfs->clients = c->next;
    if (c->next)
        c->next->prev = c->prev;
    vfs_mem_free(vfs_allocator(vfs), c, sizeof *c);
}
/* ---------------------------------------------------------------- descriptors */
static struct vfs_file *get_file(struct vfs_client *c, int fd)
{
    if (fd < 0 || fd >= VFS_FD_MAX)
        return NULL;
    return c->fds[fd];
}

static int acc_mode(const struct vfs_file *f) { return f->flags & VFS_O_ACCMODE; }

/* The checks of open once the node exists (or was just created by this call). */
static int open_node(struct vfs_mount *m, void *node, int must_dir, int flags,
                     int created, int *is_dir)
{
    struct vfs_stat st;
    int acc = flags & VFS_O_ACCMODE;
    if (m->fs->ops->mode) {             /* the mode alone, as vfs_check_search takes it */
        st.st_mode = m->fs->ops->mode(m->fs, node);
    } else {
        int rc = vfs_node_stat(m, node, &st);
        if (rc)
            return rc;
    }
    *is_dir = vfs_st_is_dir(&st);
    int want_write = acc != VFS_O_RDONLY || (flags & VFS_O_TRUNC);
    if ((must_dir || (flags & VFS_O_DIRECTORY)) && !*is_dir)
        return -ENOTDIR;
    if (*is_dir && want_write)
        return -EISDIR;
    if (created)                        /* the creator may use it whatever its mode */
        return 0;
    if (want_write && vfs_mnt_ro(m))
        return -EROFS;
    if ((acc != VFS_O_WRONLY && !(st.st_mode & VFS_S_IRUSR)) ||
        (want_write && !(st.st_mode & VFS_S_IWUSR)))
        return -EACCES;
    if (flags & VFS_O_TRUNC)
        return m->fs->ops->truncate(m->fs, node, 0);
    return 0;
}

/* The end of vfs_open: f becomes descriptor fd on node, or is given back with rc. */
static int open_finish(struct vfs_client *c, struct vfs_file *f, int fd, struct vfs_mount *m,
                       void *node, int flags, int is_dir, int rc)
{
    if (rc) {
        file_free(c, f);
        return rc;
    }
    memset(f, 0, sizeof *f);
    f->mnt = m;
    f->node = node;
    f->flags = flags;
    f->is_dir = is_dir;
    m->fs->ops->ref(m->fs, node);
    m->opens++;
    c->fds[fd] = f;
    return fd;
}

int vfs_open(struct vfs_client *c, const char *path, size_t len, int flags, uint32_t mode)
{
    struct resolved r;
    void *node, *dir;
    const char *name;
    size_t nlen;
    int created = 0, is_dir = 0, rc, fd;

    if ((flags & VFS_O_ACCMODE) == VFS_O_ACCMODE)
        return -EINVAL;
    if ((flags & VFS_O_CREAT) && (flags & VFS_O_DIRECTORY))
        return -EINVAL;
    for (fd = 0; fd < VFS_FD_MAX && c->fds[fd]; fd++)
        ;
    if (fd == VFS_FD_MAX)
        return -EMFILE;
    struct vfs_mount *m;
    node = vfs_name_find(c->vfs, path, len, &m);
    if (node) {                         /* a path that resolved before: no walk */
        struct vfs_file *f = file_alloc(c);
        if (!f)
            return -ENOMEM;
        rc = (flags & VFS_O_CREAT) && (flags & VFS_O_EXCL) ? -EEXIST : 0;
        if (rc == 0)
            rc = open_node(m, node, 0, flags, 0, &is_dir);
        return open_finish(c, f, fd, m, node, flags, is_dir, rc);
    }
    rc = resolve_c(c, path, len, &r);
    if (rc)
        return rc;
    m = r.mnt;
    struct vfs_fs *fs = m->fs;
    /* Allocated first: once a file is created, nothing but its own checks can fail. */
    struct vfs_file *f = file_alloc(c);
    if (!f)
        return -ENOMEM;

    if (r.rest_len == 0) {
        node = fs->ops->root(fs);
        if ((flags & VFS_O_CREAT) && (flags & VFS_O_EXCL))
            rc = -EEXIST;
    } else if ((rc = vfs_walk_parent(&r, &dir, &name, &nlen)) == 0) {
        rc = fs->ops->lookup(fs, dir, name, nlen, &node);
        if (rc == -ENOENT && (flags & VFS_O_CREAT)) {
            if (r.must_dir)
                rc = -EISDIR;
            else if (vfs_mnt_ro(m))
                rc = -EROFS;
            else if ((rc = check_dir_write(m, dir)) == 0)
                rc = fs->ops->create(fs, dir, name, nlen, VFS_S_IFREG | (mode & 0777), &node);
            created = rc == 0;
        } else if (rc == 0 && (flags & VFS_O_CREAT) && (flags & VFS_O_EXCL)) {
            rc = -EEXIST;
        }
    }
    if (rc == 0)
        rc = open_node(m, node, r.must_dir, flags, created, &is_dir);
    if (rc == 0)
        vfs_name_put(c->vfs, r.path, r.len, m, node);
    return open_finish(c, f, fd, m, node, flags, is_dir, rc);
}

int vfs_close(struct vfs_client *c, int fd)
{
    struct vfs_file *f = get_file(c, fd);
    if (!f)
        return -EBADF;
    c->fds[fd] = NULL;
    file_release(c, f);
    return 0;
}

/* Inline in each caller: a read request runs one of them. */
static inline __attribute__((always_inline)) int64_t
do_read(struct vfs_file *f, void *buf, const struct vfs_io *io, size_t len, int64_t off,
        const void **ref)
{
    if (acc_mode(f) == VFS_O_WRONLY)
        return -EBADF;
    if (f->is_dir)
        return -EISDIR;
    if (off < 0)
        return -EINVAL;
    if (!buf && !io && len)
        return -EFAULT;
    if (io && !f->mnt->fs->ops->read_io)
        return -EOPNOTSUPP;
    if (len > VFS_IO_MAX)
        len = VFS_IO_MAX;
    if (len == 0 || off >= VFS_FILE_MAX)
        return 0;
    if ((uint64_t)len > (uint64_t)(VFS_FILE_MAX - off))
        len = (size_t)(VFS_FILE_MAX - off);
    if (io)
        return f->mnt->fs->ops->read_io(f->mnt->fs, f->node, io, len, off);
    if (ref && f->mnt->fs->ops->read_ref) {
        int64_t n = f->mnt->fs->ops->read_ref(f->mnt->fs, f->node, len, off, ref);
        if (n != -EAGAIN)
            return n;
    }
    return f->mnt->fs->ops->read(f->mnt->fs, f->node, buf, len, off);
}

static int64_t do_write(struct vfs_file *f, const void *buf, const struct vfs_io *io, size_t len,
                        int64_t off)
{
    if (acc_mode(f) == VFS_O_RDONLY)
        return -EBADF;
    if (f->is_dir)
        return -EISDIR;
    if (vfs_mnt_ro(f->mnt))
        return -EROFS;
    if (off < 0)
        return -EINVAL;
    if (!buf && !io && len)
        return -EFAULT;
    if (io && !f->mnt->fs->ops->write_io)
        return -EOPNOTSUPP;
    if (len > VFS_IO_MAX)
        len = VFS_IO_MAX;
    if (len == 0)
        return 0;
    if (off >= VFS_FILE_MAX)
        return -EFBIG;
    if ((uint64_t)len > (uint64_t)(VFS_FILE_MAX - off))
        len = (size_t)(VFS_FILE_MAX - off);  /* a short write up to the limit */
    if (io)
        return f->mnt->fs->ops->write_io(f->mnt->fs, f->node, io, len, off);
    return f->mnt->fs->ops->write(f->mnt->fs, f->node, buf, len, off);
}

static int64_t read_at_pos(struct vfs_client *c, int fd, void *buf, const struct vfs_io *io,
                           size_t len, const void **ref)
{
    struct vfs_file *f = get_file(c, fd);
    if (!f)
        return -EBADF;
    int64_t n = do_read(f, buf, io, len, f->pos, ref);
    if (n > 0)
        f->pos += n;
    return n;
}

int64_t vfs_read(struct vfs_client *c, int fd, void *buf, size_t len)
{
    return read_at_pos(c, fd, buf, NULL, len, NULL);
}

int64_t vfs_read_ref(struct vfs_client *c, int fd, void *buf, size_t len, int64_t off,
                     int positional, const void **ref)
{
    if (!positional)
        return read_at_pos(c, fd, buf, NULL, len, ref);
    struct vfs_file *f = get_file(c, fd);
    return f ? do_read(f, buf, NULL, len, off, ref) : -EBADF;
}

static int64_t write_at_pos(struct vfs_client *c, int fd, const void *buf,
                            const struct vfs_io *io, size_t len)
{
    struct vfs_file *f = get_file(c, fd);
    if (!f)
        return -EBADF;
    int64_t off = f->pos;
    if ((f->flags & VFS_O_APPEND) && acc_mode(f) != VFS_O_RDONLY && !f->is_dir) {
        struct vfs_stat st;
        int rc = vfs_node_stat(f->mnt, f->node, &st);
        if (rc)
            return rc;
        off = st.st_size;
    }
    int64_t n = do_write(f, buf, io, len, off);
    if (n > 0)
        f->pos = off + n;
    return n;
}

int64_t vfs_write(struct vfs_client *c, int fd, const void *buf, size_t len)
{
    return write_at_pos(c, fd, buf, NULL, len);
}

int64_t vfs_read_io(struct vfs_client *c, int fd, const struct vfs_io *io, size_t len,
                    int64_t off)
{
    if (off < 0)
        return read_at_pos(c, fd, NULL, io, len, NULL);
    struct vfs_file *f = get_file(c, fd);
    return f ? do_read(f, NULL, io, len, off, NULL) : -EBADF;
}

int64_t vfs_write_io(struct vfs_client *c, int fd, const struct vfs_io *io, size_t len,
                     int64_t off)
{
    if (off < 0)
        return write_at_pos(c, fd, NULL, io, len);
    struct vfs_file *f = get_file(c, fd);
    return f ? do_write(f, NULL, io, len, off) : -EBADF;
}

int64_t vfs_pread(struct vfs_client *c, int fd, void *buf, size_t len, int64_t off)
{
    struct vfs_file *f = get_file(c, fd);
    return f ? do_read(f, buf, NULL, len, off, NULL) : -EBADF;
}

int64_t vfs_pwrite(struct vfs_client *c, int fd, const void *buf, size_t len, int64_t off)
{
    struct vfs_file *f = get_file(c, fd);
    return f ? do_write(f, buf, NULL, len, off) : -EBADF;
}

int64_t vfs_lseek(struct vfs_client *c, int fd, int64_t off, int whence)
{
    struct vfs_file *f = get_file(c, fd);
    int64_t base;
    if (!f)
        return -EBADF;
    if (f->is_dir) {                    /* positions are readdir cookies */
        if (whence == VFS_SEEK_SET && off >= 0)
            return f->pos = off;
        if (whence == VFS_SEEK_CUR && off == 0)
            return f->pos;
        return -EINVAL;
    }
    switch (whence) {
    case VFS_SEEK_SET:
        base = 0;
        break;
    case VFS_SEEK_CUR:
        base = f->pos;
        break;
    case VFS_SEEK_END: {
        struct vfs_stat st;
        int rc = vfs_node_stat(f->mnt, f->node, &st);
        if (rc)
            return rc;
        base = st.st_size;
        break;
    }
    default:
        return -EINVAL;
    }
    if (off > 0 && base > INT64_MAX - off)
        return -EOVERFLOW;
    if (base + off < 0)                 /* base >= 0, so this cannot overflow */
        return -EINVAL;
    return f->pos = base + off;
}

int vfs_fstat(struct vfs_client *c, int fd, struct vfs_stat *st)
{
    struct vfs_file *f = get_file(c, fd);
    if (!f)
        return -EBADF;
    if (!st)
        return -EFAULT;
    return vfs_node_stat(f->mnt, f->node, st);
}

/* stat of a path the name cache does not hold: resolution and walk (out of line: its
 * 300-byte frame is not set up for a cached path). */
static __attribute__((noinline)) int stat_walk(struct vfs_client *c, const char *path, size_t len,
                                               struct vfs_stat *st)
{
    struct resolved r;
    void *node;
    int rc = resolve_c(c, path, len, &r);
    if (!rc)
        rc = vfs_walk(r.mnt, r.rest, r.rest_len, &node);
    if (!rc)
        rc = vfs_node_stat(r.mnt, node, st);
    if (!rc && r.must_dir && !vfs_st_is_dir(st))
        rc = -ENOTDIR;
    if (!rc && !r.must_dir)
        vfs_name_put(c->vfs, r.path, r.len, r.mnt, node);
    return rc;
}

int vfs_stat(struct vfs_client *c, const char *path, size_t len, struct vfs_stat *st)
{
    void *node;
    if (!st)
        return -EFAULT;
    struct vfs_mount *m;
    if ((node = vfs_name_find(c->vfs, path, len, &m)) != NULL)
        return vfs_node_stat(m, node, st);      /* a path that resolved before: no walk */
    return stat_walk(c, path, len, st);
}

int vfs_ftruncate(struct vfs_client *c, int fd, int64_t size)
{
    struct vfs_file *f = get_file(c, fd);
    if (!f)
        return -EBADF;
    if (acc_mode(f) == VFS_O_RDONLY)
        return -EBADF;
    if (f->is_dir)
        return -EISDIR;
    if (size < 0)
        return -EINVAL;
    if (size > VFS_FILE_MAX)
        return -EFBIG;
    if (vfs_mnt_ro(f->mnt))
        return -EROFS;
    return f->mnt->fs->ops->truncate(f->mnt->fs, f->node, size);
}

int vfs_fsync(struct vfs_client *c, int fd)
{
    return get_file(c, fd) ? 0 : -EBADF;    /* RAM and ROM: nothing to flush */
}

/* Common start of unlink, rmdir and mkdir: the parent directory and the last name. */
static int name_op(struct vfs_client *c, const char *path, size_t len, struct resolved *r,
                   void **dir, const char **name, size_t *nlen, int root_err, int dot_err)
{
    int rc = resolve_c(c, path, len, r);
    if (rc)
        return rc;
    if (r->rest_len == 0)
        return root_err;                /* "/" or a mount point */
    if (last_is_dot(path, len))
        return dot_err;
    return vfs_walk_parent(r, dir, name, nlen);
}

int vfs_unlink(struct vfs_client *c, const char *path, size_t len)
{
    vfs_names_changed(c->vfs);          /* a name may go: the name cache empties */
    struct resolved r;
    void *dir, *node;
    const char *name;
    size_t nlen;
    int rc = name_op(c, path, len, &r, &dir, &name, &nlen, -EISDIR, -EINVAL);
    if (rc)
        return rc;
    struct vfs_fs *fs = r.mnt->fs;
    if (r.must_dir) {                   /* "file/" names no file; "dir/" is a directory */
        struct vfs_stat st;
        rc = fs->ops->lookup(fs, dir, name, nlen, &node);
        if (!rc)
            rc = vfs_node_stat(r.mnt, node, &st);
        return rc ? rc : vfs_st_is_dir(&st) ? -EISDIR : -ENOTDIR;
    }
    if (vfs_mnt_ro(r.mnt))
        return -EROFS;
    rc = check_dir_write(r.mnt, dir);
    return rc ? rc : fs->ops->remove(fs, dir, name, nlen, 0);
}

int vfs_rmdir(struct vfs_client *c, const char *path, size_t len)
{
    vfs_names_changed(c->vfs);
    struct resolved r;
    void *dir;
    const char *name;
    size_t nlen;
    int rc = name_op(c, path, len, &r, &dir, &name, &nlen, -EBUSY, -EINVAL);
    if (rc)
        return rc;
    if (vfs_mnt_ro(r.mnt))
        return -EROFS;
    rc = check_dir_write(r.mnt, dir);
    return rc ? rc : r.mnt->fs->ops->remove(r.mnt->fs, dir, name, nlen, 1);
}

int vfs_mkdir(struct vfs_client *c, const char *path, size_t len, uint32_t mode)
{
    struct resolved r;
    void *dir, *node;
    const char *name;
    size_t nlen;
    /* "a/." and "a/.." name directories that exist when a does */
    int rc = name_op(c, path, len, &r, &dir, &name, &nlen, -EEXIST, -EEXIST);
    if (rc)
        return rc;
    struct vfs_fs *fs = r.mnt->fs;
    rc = fs->ops->lookup(fs, dir, name, nlen, &node);
    if (rc != -ENOENT)
        return rc ? rc : -EEXIST;
    if (vfs_mnt_ro(r.mnt))
        return -EROFS;
    rc = check_dir_write(r.mnt, dir);
    return rc ? rc : fs->ops->create(fs, dir, name, nlen, VFS_S_IFDIR | (mode & 0777), &node);
}

int vfs_rename(struct vfs_client *c, const char *from, size_t from_len, const char *to,
               size_t to_len)
{
    struct resolved o, n;
    void *odir, *ndir, *node;
    const char *oname, *nname;
    size_t olen, nlen;
    struct vfs_stat st;

    vfs_names_changed(c->vfs);          /* names may move or go */

    int rc = resolve_c(c, from, from_len, &o);
    if (!rc)
        rc = resolve_c(c, to, to_len, &n);
    if (rc)
        return rc;
    if (last_is_dot(from, from_len) || last_is_dot(to, to_len))
        return -EINVAL;
    if (o.rest_len == 0 || n.rest_len == 0 || vfs_mount_below(c->vfs, o.path, o.len))
        return -EBUSY;
    if (o.mnt != n.mnt)
        return -EXDEV;
    rc = vfs_walk_parent(&o, &odir, &oname, &olen);
    if (!rc)
        rc = vfs_walk_parent(&n, &ndir, &nname, &nlen);
    if (rc)
        return rc;
    struct vfs_fs *fs = o.mnt->fs;
    rc = fs->ops->lookup(fs, odir, oname, olen, &node);
    if (!rc)
        rc = vfs_node_stat(o.mnt, node, &st);
    if (rc)
        return rc;
    if ((o.must_dir || n.must_dir) && !vfs_st_is_dir(&st))
        return -ENOTDIR;
    /* A directory cannot move below itself (paths are lexical, so a prefix test is exact). */
    if (n.len > o.len && memcmp(n.path, o.path, o.len) == 0 && n.path[o.len] == '/')
        return -EINVAL;
    if (n.len == o.len && memcmp(n.path, o.path, o.len) == 0)
        return 0;
    if (vfs_mnt_ro(o.mnt))
        return -EROFS;
    rc = check_dir_write(o.mnt, odir);
    if (!rc)
        rc = check_dir_write(o.mnt, ndir);
    return rc ? rc : fs->ops->rename(fs, odir, oname, olen, ndir, nname, nlen);
}

int vfs_opendir(struct vfs_client *c, const char *path, size_t len)
{
    return vfs_open(c, path, len, VFS_O_RDONLY | VFS_O_DIRECTORY, 0);
}

int vfs_readdir(struct vfs_client *c, int fd, struct vfs_dirent *out)
{
    struct vfs_file *f = get_file(c, fd);
    if (!f)
        return -EBADF;
    if (!f->is_dir)
        return -ENOTDIR;
    if (!out)
        return -EFAULT;
    uint64_t cookie = (uint64_t)f->pos;
    int rc = f->mnt->fs->ops->readdir(f->mnt->fs, f->node, &cookie, out);
    if (rc > 0)
        f->pos = cookie > (uint64_t)INT64_MAX ? INT64_MAX : (int64_t)cookie;
    return rc;
}

int vfs_closedir(struct vfs_client *c, int fd)
{
    struct vfs_file *f = get_file(c, fd);
    if (f && !f->is_dir)
        return -ENOTDIR;
    return vfs_close(c, fd);
}

int vfs_chdir(struct vfs_client *c, const char *path, size_t len)
{
    struct resolved r;
    void *node;
    int rc = resolve_c(c, path, len, &r);
    if (!rc)
        rc = vfs_walk(r.mnt, r.rest, r.rest_len, &node);
    if (!rc)
        rc = vfs_check_search(r.mnt, node);
    if (rc)
        return rc;
    memcpy(c->cwd, r.path, r.len);      /* r.path: not NUL-terminated */
    c->cwd[r.len] = '\0';
    c->cwd_len = r.len;
    return 0;
}

int vfs_getcwd(struct vfs_client *c, char *buf, size_t size)
{
    if (!buf)
        return -EFAULT;
    if (size < c->cwd_len + 1)
        return -ERANGE;
    memcpy(buf, c->cwd, c->cwd_len + 1);
    return (int)c->cwd_len;
}
