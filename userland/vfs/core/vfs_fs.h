/*
 * VFS core: the interface between the VFS layer (paths, mounts, descriptors) and one file
 * system implementation (ramfs, romfs, ...). A file system sees single names, never paths,
 * and never checks mount options: the VFS layer does both before calling it.
 */
#ifndef VFS_CORE_VFS_FS_H
#define VFS_CORE_VFS_FS_H

#include "vfs.h"

/*
 * Nodes are opaque pointers owned by the file system. A node returned by lookup/create is
 * valid until the next call that changes the file system; ref() pins it (an open file) so it
 * stays readable and writable after its last name is removed, until the matching unref().
 * Names passed in are 1..VFS_NAME_MAX bytes without '/' or NUL, never "." or "..".
 */
struct vfs_fs_ops {
    void *(*root)(struct vfs_fs *fs);
    int (*lookup)(struct vfs_fs *fs, void *dir, const char *name, size_t len, void **out);
    int (*getattr)(struct vfs_fs *fs, void *node, struct vfs_stat *st);
    /* Optional: the node's st_mode alone, for the search check of every directory a
     * path walks through (getattr fills the whole struct). NULL: getattr is used. */
    uint32_t (*mode)(struct vfs_fs *fs, void *node);
    void (*ref)(struct vfs_fs *fs, void *node);
    void (*unref)(struct vfs_fs *fs, void *node);
    /* off >= 0 and off + len <= VFS_FILE_MAX are guaranteed by the caller. */
    int64_t (*read)(struct vfs_fs *fs, void *node, void *buf, size_t len, int64_t off);
    int64_t (*write)(struct vfs_fs *fs, void *node, const void *buf, size_t len, int64_t off);
    /* Optional: a read answered in place: the bytes read, *ref their address in the
     * file system's own memory (valid until the next change: the caller pins it,
     * vfs_pin.h, and the file system waits for pins before changing or freeing
     * memory), or -EAGAIN when not in one piece (read copies it then). */
    int64_t (*read_ref)(struct vfs_fs *fs, void *node, size_t len, int64_t off,
                        const void **ref);
    /* Optional: read/write with the data moved by io->move between the file's own
     * memory and the client (one copy, docs/VFS.md "Large reads and writes"). */
    int64_t (*read_io)(struct vfs_fs *fs, void *node, const struct vfs_io *io, size_t len,
                       int64_t off);
    int64_t (*write_io)(struct vfs_fs *fs, void *node, const struct vfs_io *io, size_t len,
                        int64_t off);
    int (*truncate)(struct vfs_fs *fs, void *node, int64_t size);
    /* mode: VFS_S_IFDIR or VFS_S_IFREG | permissions. EEXIST when the name is taken. */
    int (*create)(struct vfs_fs *fs, void *dir, const char *name, size_t len, uint32_t mode,
                  void **out);
    /* is_dir: rmdir semantics (ENOTDIR, ENOTEMPTY), else unlink semantics (EISDIR). */
    int (*remove)(struct vfs_fs *fs, void *dir, const char *name, size_t len, int is_dir);
    /* Replaces an existing target of a compatible type (POSIX rename). */
    int (*rename)(struct vfs_fs *fs, void *odir, const char *oname, size_t olen,
                  void *ndir, const char *nname, size_t nlen);
    /* Entry at or after *cookie: 1 and advances *cookie, or 0 at the end, or -errno. */
    int (*readdir)(struct vfs_fs *fs, void *dir, uint64_t *cookie, struct vfs_dirent *out);
    void (*destroy)(struct vfs_fs *fs);
};

struct vfs_fs {
    const struct vfs_fs_ops *ops;
    int read_only;                  /* the type can never write (romfs) */
};

/* Allocation helpers shared by the core's files. */
void *vfs_mem_alloc(const struct vfs_alloc *a, size_t size);
void vfs_mem_free(const struct vfs_alloc *a, void *p, size_t size);
const struct vfs_alloc *vfs_allocator(struct vfs *vfs);

/* Built-in file systems. budget 0 = unlimited. */
int ramfs_create(const struct vfs_alloc *a, uint64_t budget, struct vfs_fs **out);
/* The image is used in place and must outlive the mount. flags: ROMFS_CHECK_LAZY skips the
 * full check at mount time (tests use it to exercise the per-access bounds checks). */
#define ROMFS_CHECK_LAZY 1u
int romfs_create(const struct vfs_alloc *a, const void *image, size_t len, unsigned flags,
                 struct vfs_fs **out);

#endif
