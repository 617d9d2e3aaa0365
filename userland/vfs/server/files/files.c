/*
 * files.c: VfsFsnet's file service, kl.VfsFilesystem (userland/idl/vfs): the
 * VFS core (userland/vfs/core) behind one op per method, a descriptor table
 * and cwd per client. docs/VFS.md, "Server and client".
 *
 * A RAM file system is at "/" from the start; the romfs image (source
 * "romfs") is the one linked into the program (romfs_image.S).
 *
 * Clients are VfsFsnet's client slots (clients.h): each has its own table,
 * created on its first request, without trusting anything it sends.
 * Everything else in a request is checked by the generated dispatcher
 * before an op runs; an op answers `res` >= 0 or -errno. Requests run one
 * at a time under fs_lock (files_serve).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <coresrv/syscalls.h>
#include <coresrv/vmm/vmm_api.h>
#include <kos/mutex.h>
#include <VfsFsnet.edl.h>
#include "../../core/vfs.h"
#include "../clients.h"
#include "../pool.h"
#include "files.h"

/* ---- the romfs image linked into the program ------------------------------------ */

extern const unsigned char vfs_romfs_image[];
extern const unsigned long long vfs_romfs_size;

static int image_of(void *ctx, const char *source, size_t len, const void **image,
                    size_t *image_len)
{
    (void)ctx;
    if (len != 5 || memcmp(source, "romfs", 5) != 0 || vfs_romfs_size == 0)
        return -ENOENT;
    *image = vfs_romfs_image;
    *image_len = (size_t)vfs_romfs_size;
    return 0;
}

/* ---- memory ----------------------------------------------------------------------
 * picolibc's malloc never gives memory back to the kernel (its heap only grows), so the
 * blocks of the VFS core that are whole pages (ramfs chunk slabs: 64 KiB, fewer pages when
 * memory is short; the fstab buffer) are mapped straight from the kernel and unmapped when
 * freed: the pages of a removed file go back to the kernel at once. Other blocks (nodes,
 * directories, tree nodes) stay on the heap, whose freed space malloc reuses (docs/VFS.md,
 * "Where the space goes"). */

static int whole_pages(size_t size) { return size && (size & (KOS_PAGE_SIZE - 1)) == 0; }

static void *mem_alloc(void *ctx, size_t size)
{
    (void)ctx;
    if (!whole_pages(size))
        return malloc(size);
    void *p;
    return KnVmAllocate(NULL, size, VM_READ | VM_WRITE, 0, &p) == rcOk ? p : NULL;
}

static void mem_free(void *ctx, void *p, size_t size)
{
    (void)ctx;
    if (!whole_pages(size))
        free(p);
    else if (p)
        KnVmFree(p, size);
}

static const struct vfs_alloc vfs_memory = { mem_alloc, mem_free, NULL };

/* ---- clients: one descriptor table and cwd per slot of the client table ------------ */

static struct vfs *the_vfs;
static KosMutex fs_lock = KOS_MUTEX_INITIALIZER;  /* the VFS core, tables[], cur */
static struct vfs_client *tables[CLIENTS_MAX];
/* The badge of each slot with a table: while the table holds its slot, the slot
 * stays this client's, so a request finds its table here, under fs_lock alone,
 * and the client table (its own lock) is asked only on a client's first request. */
static uint32_t badges[CLIENTS_MAX];

/* The client of the request being served, or NULL with cur_err set. */
static struct vfs_client *cur;
static int cur_err;
static int cur_slot = -1;

/* The first request of the client behind `badge`: its slot in the client table and a
 * new descriptor table holding it. Under fs_lock. */
static void first_request_locked(uint32_t badge)
{
    int slot = client_enter(badge);
    if (slot < 0) {
        cur_err = -ENFILE;          /* no slot: too many clients */
        return;
    }
    struct vfs_client *c = NULL;
    if (!client_hold(slot)) {
        cur_err = -EBADF;           /* the client is gone: nobody reads the answer */
    } else if ((cur_err = vfs_client_create(the_vfs, &c)) < 0) {
        client_unhold(slot);
    } else {
        tables[slot] = c;
        badges[slot] = badge;
        cur_slot = slot;
        cur = c;
    }
    client_leave(slot);             /* the table's hold keeps the slot */
}

/* Selects the client behind `badge` for the ops (cur, or cur_err). Under fs_lock. */
static inline void select_locked(uint32_t badge)
{
    cur = NULL;
    cur_slot = -1;
    for (int i = 0; i < CLIENTS_MAX; i++) {
        if (badges[i] == badge && tables[i]) {
            cur_slot = i;
            cur = tables[i];
            return;
        }
    }
    first_request_locked(badge);
}

/* Closes every descriptor of the client in `slot`. Under fs_lock. */
static void drop_locked(int slot)
{
    if (slot >= 0 && tables[slot]) {
        vfs_client_destroy(tables[slot]);
        tables[slot] = NULL;
        badges[slot] = 0;
        client_unhold(slot);
    }
}

void files_client_gone(int slot)
{
    KosMutexLock(&fs_lock);
    drop_locked(slot);
    KosMutexUnlock(&fs_lock);
}

/* ---- the ops: one VFS core call each ---------------------------------------------- */

#define CLIENT()                                                               \
    do {                                                                       \
        if (!cur) {                                                            \
            *res = cur_err;                                                    \
            return rcOk;                                                       \
        }                                                                      \
    } while (0)

static size_t slen(const char *s)
{
    return strlen(s);               /* the dispatcher checked the NUL is inside the arena */
}

static void to_wire(const struct vfs_stat *s, struct kl_VfsFilesystem_StatInfo *st)
{
    memset(st, 0, sizeof *st);
    st->ino = s->st_ino;
    st->dev = s->st_dev;
    st->mode = s->st_mode;
    st->nlink = s->st_nlink;
    st->blksize = s->st_blksize;
    st->size = s->st_size;
    st->blocks = s->st_blocks;
}

static Retcode op_open(void *ctx, const char *path, int32_t flags, uint32_t mode, int64_t *res)
{
    (void)ctx;
    CLIENT();
    *res = vfs_open(cur, path, slen(path), flags, mode);
    return rcOk;
}

static Retcode op_close(void *ctx, int32_t fd, int64_t *res)
{
    (void)ctx;
    CLIENT();
    *res = vfs_close(cur, fd);
    return rcOk;
}

static Retcode op_read(void *ctx, int32_t fd, uint32_t count, void *data, uint32_t data_cap,
                       uint32_t *data_len, int64_t *res)
{
    (void)ctx;
    *data_len = 0;
    CLIENT();
    int64_t n = vfs_read(cur, fd, data, count < data_cap ? count : data_cap);
    if (n > 0)
        *data_len = (uint32_t)n;
    *res = n;
    return rcOk;
}

static Retcode op_write(void *ctx, int32_t fd, const void *data, uint32_t data_len, int64_t *res)
{
    (void)ctx;
    CLIENT();
    *res = vfs_write(cur, fd, data, data_len);
    return rcOk;
}

static Retcode op_pread(void *ctx, int32_t fd, int64_t offset, uint32_t count, void *data,
                        uint32_t data_cap, uint32_t *data_len, int64_t *res)
{
    (void)ctx;
    *data_len = 0;
    CLIENT();
    int64_t n = vfs_pread(cur, fd, data, count < data_cap ? count : data_cap, offset);
    if (n > 0)
        *data_len = (uint32_t)n;
    *res = n;
    return rcOk;
}

static Retcode op_pwrite(void *ctx, int32_t fd, int64_t offset, const void *data,
                         uint32_t data_len, int64_t *res)
{
    (void)ctx;
    CLIENT();
    *res = vfs_pwrite(cur, fd, data, data_len, offset);
    return rcOk;
}

static Retcode op_lseek(void *ctx, int32_t fd, int64_t offset, int32_t whence, int64_t *res)
{
    (void)ctx;
    CLIENT();
    *res = vfs_lseek(cur, fd, offset, whence);
    return rcOk;
}

static Retcode op_fstat(void *ctx, int32_t fd, struct kl_VfsFilesystem_StatInfo *st,
                        int64_t *res)
{
    (void)ctx;
    memset(st, 0, sizeof *st);
    CLIENT();
    struct vfs_stat s;
    *res = vfs_fstat(cur, fd, &s);
    if (*res == 0)
        to_wire(&s, st);
    return rcOk;
}

static Retcode op_stat(void *ctx, const char *path, struct kl_VfsFilesystem_StatInfo *st,
                       int64_t *res)
{
    (void)ctx;
    memset(st, 0, sizeof *st);
    CLIENT();
    struct vfs_stat s;
    *res = vfs_stat(cur, path, slen(path), &s);
    if (*res == 0)
        to_wire(&s, st);
    return rcOk;
}

static Retcode op_ftruncate(void *ctx, int32_t fd, int64_t length, int64_t *res)
{
    (void)ctx;
    CLIENT();
    *res = vfs_ftruncate(cur, fd, length);
    return rcOk;
}

static Retcode op_fsync(void *ctx, int32_t fd, int64_t *res)
{
    (void)ctx;
    CLIENT();
    *res = vfs_fsync(cur, fd);
    return rcOk;
}

static Retcode op_unlink(void *ctx, const char *path, int64_t *res)
{
    (void)ctx;
    CLIENT();
    *res = vfs_unlink(cur, path, slen(path));
    return rcOk;
}

static Retcode op_rename(void *ctx, const char *from, const char *to, int64_t *res)
{
    (void)ctx;
    CLIENT();
    *res = vfs_rename(cur, from, slen(from), to, slen(to));
    return rcOk;
}

static Retcode op_mkdir(void *ctx, const char *path, uint32_t mode, int64_t *res)
{
    (void)ctx;
    CLIENT();
    *res = vfs_mkdir(cur, path, slen(path), mode);
    return rcOk;
}

static Retcode op_rmdir(void *ctx, const char *path, int64_t *res)
{
    (void)ctx;
    CLIENT();
    *res = vfs_rmdir(cur, path, slen(path));
    return rcOk;
}

static Retcode op_opendir(void *ctx, const char *path, int64_t *res)
{
    (void)ctx;
    CLIENT();
    *res = vfs_opendir(cur, path, slen(path));
    return rcOk;
}

static Retcode op_readdir(void *ctx, int32_t fd, struct kl_VfsFilesystem_DirEntry *entry,
                          int64_t *res)
{
    (void)ctx;
    memset(entry, 0, sizeof *entry);
    CLIENT();
    struct vfs_dirent d;
    *res = vfs_readdir(cur, fd, &d);
    if (*res == 1) {
        entry->ino = d.d_ino;
        entry->type = d.d_type;
        entry->namlen = d.d_namlen;
        memcpy(entry->name, d.d_name, d.d_namlen);      /* namlen <= NameMax: NUL stays */
    }
    return rcOk;
}

static Retcode op_getcwd(void *ctx, char *path, uint32_t path_cap, int64_t *res)
{
    (void)ctx;
    if (path_cap)
        path[0] = '\0';
    CLIENT();
    *res = vfs_getcwd(cur, path, path_cap);
    if (*res < 0 && path_cap)
        path[0] = '\0';
    return rcOk;
}

static Retcode op_chdir(void *ctx, const char *path, int64_t *res)
{
    (void)ctx;
    CLIENT();
    *res = vfs_chdir(cur, path, slen(path));
    return rcOk;
}

static Retcode op_release(void *ctx, int64_t *res)
{
    (void)ctx;
    /* This service's state only: the client's sockets stay open. A later request
     * gets a fresh table (no descriptors, cwd "/"). */
    drop_locked(cur_slot);
    cur = NULL;
    cur_err = -ENFILE;
    *res = 0;
    return rcOk;
}

const struct kl_VfsFilesystem_ops files_ops = {
    .Open = op_open, .Close = op_close, .Read = op_read, .Write = op_write,
    .Pread = op_pread, .Pwrite = op_pwrite, .Lseek = op_lseek, .Fstat = op_fstat,
    .Stat = op_stat, .Ftruncate = op_ftruncate, .Fsync = op_fsync, .Unlink = op_unlink,
    .Rename = op_rename, .Mkdir = op_mkdir, .Rmdir = op_rmdir, .Opendir = op_opendir,
    .Readdir = op_readdir, .Getcwd = op_getcwd, .Chdir = op_chdir, .Release = op_release,
};

/* Every answer of this interface fits the pool's buffers. */
_Static_assert(kl_VfsFilesystem_res_max <= POOL_MSG_MAX, "file answers fit a worker's buffer");

static const struct VfsFsnet_ops class_ops = { .vfs_fs = &files_ops, .vfs_fs_ctx = NULL };

void files_serve(struct pool_msg *m)
{
    KosMutexLock(&fs_lock);
    select_locked(m->req.hdr.badge);
    /* The class dispatcher answers a request to another interface rcUnimplemented. */
    VfsFsnet_dispatch(&class_ops, &m->req.hdr, sizeof m->req, &m->res.hdr, sizeof m->res,
                      m->res_arena, sizeof m->res_arena);
    cur = NULL;
    cur_slot = -1;
    KosMutexUnlock(&fs_lock);
}

int files_start(int argc, char **argv)
{
    struct vfs_config cfg = { .image = image_of, .alloc = &vfs_memory };
    int rc = vfs_create(&cfg, &the_vfs);
    if (rc < 0) {
        fprintf(stderr, "VfsFsnet: cannot create the VFS: %s\n", strerror(-rc));
        return 2;
    }
    struct vfs_error err = { 0, "" };
    rc = vfs_parse_args(the_vfs, argc, argv, &err);
    if (rc < 0) {
        if (err.line)
            fprintf(stderr, "VfsFsnet: fstab line %d: %s (%s)\n", err.line, err.msg, strerror(-rc));
        else
            fprintf(stderr, "VfsFsnet: %s (%s)\n", err.msg[0] ? err.msg : "bad arguments",
                    strerror(-rc));
        return 2;
    }
    return 0;
}
