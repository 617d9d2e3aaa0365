/*
 * VFS core: the public API of the in-process file system library behind VfsFsnet.
 * Owns paths, mounts, per-client descriptor tables and the file calls; it never makes a
 * system call or an IPC call, so the server wraps it and the host tests link it directly.
 *
 * Conventions: every call returns 0 (or a count, an fd, an offset) on success and a
 * negative errno value (<errno.h>: picolibc's numbers on the target) on failure. Every
 * string argument comes with its length; a NUL inside a path is an error, never an end.
 * Not thread-safe: the server serialises calls on one struct vfs.
 */
#ifndef VFS_CORE_VFS_H
#define VFS_CORE_VFS_H

#include <stddef.h>
#include <stdint.h>

/* ---------------------------------------------------------------- limits */
#define VFS_PATH_MAX   256          /* bytes with the terminating NUL: paths up to 255 */
#define VFS_NAME_MAX   64           /* bytes in one path component, no NUL counted */
#define VFS_FD_MAX     64           /* descriptors per client: the 65th open is EMFILE */
#define VFS_MOUNT_MAX  16           /* mount table entries, "/" included */
#define VFS_FILE_MAX   ((int64_t)1 << 40)   /* largest file size: writes past it are EFBIG */
#define VFS_IO_MAX     0x7ffff000u  /* longest single read/write; longer ones are short */
#define VFS_FSTAB_MAX  16384        /* largest fstab file read by -f */

/* ---------------------------------------------------------------- open flags
 * The VFS wire ABI. The values are picolibc's O_* (checked at compile time when the core is
 * built against picolibc), so the C library glue can pass its flags straight through. */
#define VFS_O_RDONLY    0x0000
#define VFS_O_WRONLY    0x0001
#define VFS_O_RDWR      0x0002
#define VFS_O_ACCMODE   0x0003
#define VFS_O_CREAT     0x0040
#define VFS_O_TRUNC     0x0200
#define VFS_O_APPEND    0x0400
#define VFS_O_EXCL      0x0800
#define VFS_O_DIRECTORY 0x200000

#define VFS_SEEK_SET 0
#define VFS_SEEK_CUR 1
#define VFS_SEEK_END 2

/* st_mode: the traditional values shared by every Unix C library. */
#define VFS_S_IFMT  0170000u
#define VFS_S_IFDIR 0040000u
#define VFS_S_IFREG 0100000u
#define VFS_S_IRUSR 0400u
#define VFS_S_IWUSR 0200u
#define VFS_S_IXUSR 0100u

#define VFS_DT_REG 8                /* d_type values, as in <dirent.h> on Linux and BSD */
#define VFS_DT_DIR 4

struct vfs_stat {
    uint64_t st_ino;                /* unique within one mount, never 0 */
    uint32_t st_dev;                /* mount id (1 = the first mount, "/") */
    uint32_t st_mode;               /* VFS_S_IFDIR or VFS_S_IFREG | permission bits */
    uint32_t st_nlink;              /* files: names; dirs: 2 + subdirectories */
    uint32_t st_blksize;            /* preferred I/O size */
    int64_t st_size;                /* files: bytes; dirs: number of entries */
    int64_t st_blocks;              /* 512-byte blocks actually stored */
};

struct vfs_dirent {
    uint64_t d_ino;
    uint32_t d_type;                /* VFS_DT_DIR or VFS_DT_REG */
    uint32_t d_namlen;              /* bytes in d_name, 1..VFS_NAME_MAX */
    char d_name[VFS_NAME_MAX + 1];  /* NUL-terminated for convenience */
};

/* ---------------------------------------------------------------- allocator
 * Every allocation of the core goes through this (NULL in vfs_config: malloc/free).
 * free gets the size that was asked for, so simple pool allocators need no header. */
struct vfs_alloc {
    void *(*alloc)(void *ctx, size_t size);
    void (*free)(void *ctx, void *ptr, size_t size);
    void *ctx;
};

/* The server's source of read-only images (the boot image's ROMFS). For source "romfs" of
 * an fstab line, and for -f. Returns 0 and the image, or a negative errno. */
typedef int (*vfs_image_fn)(void *ctx, const char *source, size_t source_len,
                            const void **image, size_t *image_len);

struct vfs_config {
    const struct vfs_alloc *alloc;  /* NULL: malloc/free */
    uint64_t root_budget;           /* bytes the ramfs at "/" may use; 0 = no limit */
    vfs_image_fn image;             /* NULL: romfs mounts fail with ENOENT */
    void *image_ctx;
    int fstab_from_vfs;             /* -f reads through the mounted tree instead of the
                                       "romfs" image (KasperskyOS: ROOTFS + UNMAP_ROMFS) */
};

struct vfs;
struct vfs_client;

/* ---------------------------------------------------------------- life cycle */
int vfs_create(const struct vfs_config *cfg, struct vfs **out);  /* ramfs mounted at "/" */
void vfs_destroy(struct vfs *vfs);  /* closes remaining clients, unmounts everything */

int vfs_client_create(struct vfs *vfs, struct vfs_client **out);   /* cwd "/" */
void vfs_client_destroy(struct vfs_client *c);  /* process exit: closes all its fds */

/* ---------------------------------------------------------------- mounts */
#define VFS_MS_RDONLY 1u

struct vfs_mount_args {
    const char *source; size_t source_len;   /* ramfs: ignored; romfs: image name */
    const char *target; size_t target_len;   /* absolute path */
    const char *fstype; size_t fstype_len;   /* "ramfs", "romfs" or a registered type */
    unsigned flags;                          /* VFS_MS_RDONLY */
    uint64_t size;                           /* ramfs byte budget, 0 = no limit */
};

struct vfs_fs;
/* A file system type: builds an instance for one mount (see vfs_fs.h). */
typedef int (*vfs_fstype_fn)(void *ctx, struct vfs *vfs, const struct vfs_mount_args *a,
                             struct vfs_fs **out);
int vfs_register_fstype(struct vfs *vfs, const char *name, vfs_fstype_fn fn, void *ctx);

/* Missing target directories are created (like mkdir -p) when the covering file system
 * is writable. "/" can be replaced only while nothing else is mounted or open. */
int vfs_mount(struct vfs *vfs, const struct vfs_mount_args *a);
int vfs_umount(struct vfs *vfs, const char *target, size_t target_len);

/* ---------------------------------------------------------------- startup arguments */
struct vfs_error {
    int line;                       /* fstab line (1-based), 0 when not from a file */
    char msg[160];
};
/* One fstab entry: "<source> <mountpoint> <fstype> [<options> [<dump> [<pass>]]]",
 * options comma-separated: ro, rw, defaults, 0, size=N[k|m|g]. \040 \011 \134 escapes. */
int vfs_mount_entry(struct vfs *vfs, const char *line, size_t len, struct vfs_error *err);
/* A whole fstab: lines as above, blank lines and lines starting with '#' skipped. */
int vfs_mount_fstab(struct vfs *vfs, const char *text, size_t len, struct vfs_error *err);
/* argv[0] is the program name; then any number of -l "<entry>" and -f <fstab path>, in
 * order. -f reads the file from the "romfs" image (or the tree, see fstab_from_vfs). */
int vfs_parse_args(struct vfs *vfs, int argc, char *const argv[], struct vfs_error *err);

/* ---------------------------------------------------------------- paths
 * Joins a relative path to cwd and resolves ".", ".." and repeated or trailing "/"
 * lexically (there are no symbolic links). Never climbs above "/". *must_dir is set when
 * the path ended in "/", "/." or "/..": its object has to be a directory. out gets a
 * NUL-terminated absolute path of *out_len bytes; out_size must be >= VFS_PATH_MAX. */
int vfs_path_normalize(const char *cwd, size_t cwd_len, const char *path, size_t len,
                       char *out, size_t out_size, size_t *out_len, int *must_dir);
/* Is path[0..len) (0 < len < VFS_PATH_MAX) absolute and normal already (what
 * vfs_path_normalize would give back unchanged, with *must_dir 0)? One pass. */
int vfs_path_is_normal(const char *path, size_t len);

/* ---------------------------------------------------------------- file calls */
int vfs_open(struct vfs_client *c, const char *path, size_t len, int flags, uint32_t mode);
int vfs_close(struct vfs_client *c, int fd);
/* Direct I/O (docs/VFS.md, "Large reads and writes"): the file system hands
 * segments of its own memory to move(), which copies them to the client
 * (reading) or fills them from it (writing). `at` is the byte offset of seg[0]
 * in the transfer. move returns 0 or -errno (then the call stops there). */
struct vfs_seg {
    uint64_t addr;
    uint64_t len;
};
#define VFS_IO_SEGS 64              /* segments per move() */
struct vfs_io {
    int (*move)(void *ctx, const struct vfs_seg *seg, size_t n, uint64_t at);
    void *ctx;
    /* Writing only, optional (NULL: not offered): new memory of `size` bytes (whole
     * pages) holding bytes [at, at+size) of the transfer, in *out, that the file
     * system's vfs_alloc frees like its own whole-page blocks. A file system takes
     * its fresh chunks this way (one copy, no zeroing). 0, -ENOMEM (then it takes
     * memory as usual), or -errno as move (the call stops there). */
    int (*fill)(void *ctx, size_t size, uint64_t at, void **out);
};
/* read/pread (off < 0: the descriptor's position) through io; -EOPNOTSUPP when
 * the file's system has no direct I/O. */
int64_t vfs_read_io(struct vfs_client *c, int fd, const struct vfs_io *io, size_t len,
                    int64_t off);
int64_t vfs_write_io(struct vfs_client *c, int fd, const struct vfs_io *io, size_t len,
                     int64_t off);
int64_t vfs_read(struct vfs_client *c, int fd, void *buf, size_t len);
int64_t vfs_write(struct vfs_client *c, int fd, const void *buf, size_t len);
int64_t vfs_pread(struct vfs_client *c, int fd, void *buf, size_t len, int64_t off);
/* read (!positional: at the descriptor's position, off ignored) or pread, answered in
 * place when ref and the file system can (*ref, NULL before the call: the bytes in its
 * memory, for the caller to pin before it lets go of the lock: vfs_pin.h), else copied
 * into buf (*ref left NULL). */
int64_t vfs_read_ref(struct vfs_client *c, int fd, void *buf, size_t len, int64_t off,
                     int positional, const void **ref);
int64_t vfs_pwrite(struct vfs_client *c, int fd, const void *buf, size_t len, int64_t off);
int64_t vfs_lseek(struct vfs_client *c, int fd, int64_t off, int whence);
int vfs_fstat(struct vfs_client *c, int fd, struct vfs_stat *st);
int vfs_stat(struct vfs_client *c, const char *path, size_t len, struct vfs_stat *st);
int vfs_ftruncate(struct vfs_client *c, int fd, int64_t size);
int vfs_fsync(struct vfs_client *c, int fd);
int vfs_unlink(struct vfs_client *c, const char *path, size_t len);
int vfs_rename(struct vfs_client *c, const char *from, size_t from_len,
               const char *to, size_t to_len);
int vfs_mkdir(struct vfs_client *c, const char *path, size_t len, uint32_t mode);
int vfs_rmdir(struct vfs_client *c, const char *path, size_t len);

/* Directories: opendir is open(O_RDONLY|O_DIRECTORY); readdir returns 1 and one entry, 0 at
 * the end, or -errno. "." and ".." are not listed. The position is a cookie kept in the fd:
 * lseek(fd, 0, SEEK_CUR) reads it (telldir), lseek(fd, cookie, SEEK_SET) restores it. */
int vfs_opendir(struct vfs_client *c, const char *path, size_t len);
int vfs_readdir(struct vfs_client *c, int fd, struct vfs_dirent *out);
int vfs_closedir(struct vfs_client *c, int fd);

int vfs_chdir(struct vfs_client *c, const char *path, size_t len);
/* Copies the cwd with its NUL; returns its length without the NUL, or -ERANGE. */
int vfs_getcwd(struct vfs_client *c, char *buf, size_t size);

#endif
