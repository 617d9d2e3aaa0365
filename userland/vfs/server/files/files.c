/*
 * files.c: VfsFsnet's file service, kl.VfsFilesystem (userland/idl/vfs): the
 * VFS core (userland/vfs/core) behind one op per method, a descriptor table
 * and cwd per client. docs/VFS.md, "Server and client".
 *
 * A RAM file system is at "/" from the start; the romfs image (source
 * "romfs") is the one linked into the program (romfs_image.S).
 *
 * Clients are VfsFsnet's client slots (clients.h): each has its own table,
 * created on its first request, without trusting anything it sends. An op
 * finds the caller's table by the badge in the request header (the kernel's,
 * one per client channel end): nothing about the caller is kept in a global.
 * Everything else in a request is checked by the generated KasperskyOS-form
 * dispatcher (VfsFsnet_entity_dispatch) before an op runs; an op answers
 * `res` >= 0 or -errno. Requests run one at a time under fs_lock
 * (files_serve).
 */
#include <coresrv/nk/transport-kos.h>   /* first: the KasperskyOS-form dispatcher */
#define NK_NO_SL_TABLE 1                  /* a server: its clients hold the records */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <coresrv/syscalls.h>
#include <coresrv/vmm/vmm_api.h>
#include <VfsFsnet.edl.h>
#include "../../core/vfs.h"
#include "../../core/vfs_pin.h"
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
/* fs_lock: the VFS core, tables[], cur. A futex word of three states (0 free, 1 held,
 * 2 held and maybe waited for), without KosMutex's owner and depth bookkeeping (two
 * thread-id calls and outlined atomics: ~90 instructions a request). Only
 * files_serve and files_client_gone take it, never recursively. */
static uint32_t fs_lock;

static void fs_lock_take(void)
{
    uint32_t c = 0;
    if (__atomic_compare_exchange_n(&fs_lock, &c, 1, 0, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
        return;
    if (c != 2)
        c = __atomic_exchange_n(&fs_lock, 2, __ATOMIC_ACQUIRE);
    while (c != 0) {                /* announced (2): sleep until an exchange finds it free */
        KnFutexWait(&fs_lock, 2, INFINITE_TIMEOUT);
        c = __atomic_exchange_n(&fs_lock, 2, __ATOMIC_ACQUIRE);
    }
}

static void fs_lock_give(void)
{
    if (__atomic_exchange_n(&fs_lock, 0, __ATOMIC_RELEASE) == 2)
        KnFutexWake(&fs_lock, 1, NULL);
}
static struct vfs_client *tables[CLIENTS_MAX];
/* The badge of each slot with a table: while the table holds its slot, the slot
 * stays this client's, so a request finds its table here, under fs_lock alone,
 * and the client table (its own lock) is asked only on a client's first request. */
static uint32_t badges[CLIENTS_MAX];

/* The first request of the client behind `badge`: its slot in the client table and a
 * new descriptor table holding it, or NULL with *err. Under fs_lock. */
static struct vfs_client *first_request_locked(uint32_t badge, int *slot_out, int *err)
{
    int slot = client_enter(badge);
    if (slot < 0) {
        *err = -ENFILE;             /* no slot: too many clients */
        return NULL;
    }
    struct vfs_client *c = NULL;
    if (!client_hold(slot)) {
        *err = -EBADF;              /* the client is gone: nobody reads the answer */
    } else if ((*err = vfs_client_create(the_vfs, &c)) < 0) {
        client_unhold(slot);
        c = NULL;
    } else {
        tables[slot] = c;
        badges[slot] = badge;
        *slot_out = slot;
    }
    client_leave(slot);             /* the table's hold keeps the slot */
    return c;
}

/* The caller of `req`: the descriptor table of the client behind the badge in
 * its header (created on its first request) and its slot, or NULL with *err =
 * -errno. Under fs_lock. */
static int last_slot;                /* the slot client_of found last: tried first */

static __attribute__((noinline)) struct vfs_client *client_search(uint32_t badge, int *slot,
                                                                    int *err)
{
    int i;
    *slot = -1;
    for (i = 0; i < CLIENTS_MAX; i++) {
        if (badges[i] == badge && tables[i]) {
            *slot = last_slot = i;
            return tables[i];
        }
    }
    return first_request_locked(badge, slot, err);
}

/* Inline in each op: the last slot's check (the common case) without a call's frame. */
static inline __attribute__((always_inline)) struct vfs_client *
client_of(const struct nk_message *req, int *slot, int *err)
{
    uint32_t badge = req->hdr.badge;
    int i = last_slot;
    if (badges[i] == badge && tables[i]) {
        *slot = i;
        return tables[i];
    }
    return client_search(badge, slot, err);
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
    fs_lock_take();
    drop_locked(slot);
    fs_lock_give();
}

/* ---- the ops: one VFS core call each ----------------------------------------------
 * Each is a kl_VfsFilesystem_<M>_fn (self, req, req_arena, res, res_arena); the
 * dispatcher has checked req against the IDL (sizes, arena references, strings
 * with their one NUL last). */

#define OP(name, M)                                                            \
    static nk_err_t name(struct kl_VfsFilesystem *self,                        \
                         const kl_VfsFilesystem_##M##_req *req,                \
                         const struct nk_arena *req_arena,                     \
                         kl_VfsFilesystem_##M##_res *res, struct nk_arena *res_arena)

/* `cur`: the caller's table (client_of), or answer its error. */
#define CLIENT()                                                               \
    int slot_, err_ = 0;                                                       \
    struct vfs_client *cur = client_of(&req->base_, &slot_, &err_);            \
    (void)self;                                                                \
    (void)req_arena;                                                           \
    (void)res_arena;                                                           \
    if (!cur) {                                                                \
        res->res = err_;                                                       \
        return NK_EOK;                                                         \
    }

/* A string of the request: its bytes and length without the NUL (checked by
 * the dispatcher: inside the arena, its one NUL last). */
static inline __attribute__((always_inline)) const char *str(const struct nk_arena *a, const nk_ptr_t *p, size_t *len)
{
    nk_size_t n = 0;
    const char *s = nk_arena_get(nk_char_t, a, p, &n);
    *len = s && n ? n - 1 : 0;
    return s ? s : "";
}

/* Every field of the answer's StatInfo (no padding: no memset needed). */
_Static_assert(sizeof(struct kl_VfsFilesystem_StatInfo) == 40, "StatInfo: seven fields, no padding");
static void to_wire(const struct vfs_stat *s, struct kl_VfsFilesystem_StatInfo *st)
{
    st->ino = s->st_ino;
    st->dev = s->st_dev;
    st->mode = s->st_mode;
    st->nlink = s->st_nlink;
    st->blksize = s->st_blksize;
    st->size = s->st_size;
    st->blocks = s->st_blocks;
}

OP(op_open, Open)
{
    CLIENT();
    size_t n;
    const char *path = str(req_arena, &req->path, &n);
    res->res = vfs_open(cur, path, n, req->flags, req->mode);
    return NK_EOK;
}

OP(op_close, Close)
{
    CLIENT();
    res->res = vfs_close(cur, req->fd);
    return NK_EOK;
}

/* Reads shorter than this are copied through the arena: the pin and its release in
 * the kernel (~50 instructions) cost more than such a copy saves. */
#define IN_PLACE_MIN 256

/* A read answered in place (vfs_read_ref): the bytes in the file system's memory,
 * for files_serve to pin and name as the reply's arena (answer_in_place, which sets
 * it back to NULL). Under fs_lock. */
static const void *read_ref;

/* Read or Pread into the response arena, first in it (offset 0: the client's
 * Read_into takes its own buffer as the arena); or, a read that lies in one
 * chunk of a RAM fs, in place (read_ref: files_serve answers with the chunk). */
static inline __attribute__((always_inline)) int64_t
read_into(struct vfs_client *cur, int32_t fd, uint32_t count, int64_t off, int positional,
          nk_ptr_t *data, struct nk_arena *a)
{
    nk_size_t cap = nk_arena_capacity(a);
    uint32_t want = count < cap ? count : (uint32_t)cap;
    uint8_t *d = (uint8_t *)a->start;
    int64_t n;
    if (want < IN_PLACE_MIN) {      /* (positional is a constant in each op) */
        n = positional ? vfs_pread(cur, fd, d, want, off) : vfs_read(cur, fd, d, want);
    } else {
        const void *ref = NULL;
        n = vfs_read_ref(cur, fd, d, want, off, positional, &ref);
        read_ref = ref;
    }
    uint32_t got = n > 0 ? (uint32_t)n : 0;
    data->offset = 0;
    data->size = got;
    a->current = a->start + got;
    return n;
}

OP(op_read, Read)
{
    res->data.offset = res->data.size = 0;
    CLIENT();
    res->res = read_into(cur, req->fd, req->count, 0, 0, &res->data, res_arena);
    return NK_EOK;
}

OP(op_pread, Pread)
{
    res->data.offset = res->data.size = 0;
    CLIENT();
    res->res = read_into(cur, req->fd, req->count, req->offset, 1, &res->data, res_arena);
    return NK_EOK;
}

/* ---- writes with the arena deferred: the data straight from the client's arena into
 * the file's chunks, with the kernel's one copy (KnArenaRead; docs/VFS.md, "Writes
 * copied once"). The dispatcher has checked the data's reference against the arena's
 * size (it reads no byte of the arena); the file system takes its chunks, pins and all,
 * as for WriteDirect (vfs_write_io), and asks for each batch of them to be filled. */

/* The requests that take their arena deferred (files_serve pulls it for the others). */
static int takes_deferred(const SMsgHdr *rq)
{
    return rq->riid == VfsFsnet_vfs_fs_iid &&
           (rq->mid == kl_VfsFilesystem_Write_mid || rq->mid == kl_VfsFilesystem_Pwrite_mid);
}

/* A deferred arena that the request does not take (takes_deferred) pulled whole into
 * the worker's arena: false when that failed (the error reply is in m->res). Out of
 * line: files_serve's usual path pays one test of the arena's address. */
static __attribute__((noinline)) int pulled(struct pool_msg *m)
{
    return !KnArenaDeferred(&m->req.hdr) || takes_deferred(&m->req.hdr) ||
           pool_arena_pull(m) == rcOk;
}

/* The data's place in the deferred arena: `at` of the transfer is base + at there. */
struct pull {
    uint32_t base;
};

static int pull_move(void *ctx, const struct vfs_seg *seg, size_t n, uint64_t at)
{
    const struct pull *p = ctx;
    for (size_t i = 0; i < n; i++) {
        if (KnArenaRead((void *)(uintptr_t)seg[i].addr, p->base + (uint32_t)at,
                        (uint32_t)seg[i].len) != rcOk)
            return -EFAULT;         /* the client's arena page is gone */
        at += seg[i].len;
    }
    return 0;
}

/* Fresh whole pages holding bytes [at, at+size) of the data (a write of a run of new
 * chunks: one copy, no zeroing), freed by mem_free like the ramfs's own slabs. */
static int pull_fill(void *ctx, size_t size, uint64_t at, void **out)
{
    const struct pull *p = ctx;
    void *mem;
    if (KnVmAllocate(NULL, size, VM_READ | VM_WRITE, 0, &mem) != rcOk)
        return -ENOMEM;
    if (KnArenaRead(mem, p->base + (uint32_t)at, (uint32_t)size) != rcOk) {
        KnVmFree(mem, size);
        return -EFAULT;
    }
    *out = mem;
    return 0;
}

/* Write (off < 0: at the descriptor's position) or Pwrite of the data d of a deferred
 * arena. Out of line: the copied arena's ops keep their shape. */
static __attribute__((noinline)) int64_t write_deferred(struct vfs_client *cur, int32_t fd,
                                                        const nk_arena_desc *d, int64_t off)
{
    struct pull p = { d->offset };
    struct vfs_io io = { pull_move, &p, pull_fill };
    return vfs_write_io(cur, fd, &io, d->size, off);
}

OP(op_write, Write)
{
    CLIENT();
    if (__builtin_expect(KnArenaDeferred(&req->base_.hdr), 0)) {
        res->res = write_deferred(cur, req->fd, &req->data, -1);
        return NK_EOK;
    }
    nk_size_t n = 0;
    const void *d = nk_arena_get(nk_uint8_t, req_arena, &req->data, &n);
    res->res = vfs_write(cur, req->fd, d, d ? n : 0);
    return NK_EOK;
}

OP(op_pwrite, Pwrite)
{
    CLIENT();
    /* (a negative offset is -EINVAL for a pwrite; to vfs_write_io it means "at the
     * position": answered here, as vfs_pwrite does, after the descriptor's checks) */
    if (__builtin_expect(KnArenaDeferred(&req->base_.hdr), 0) && req->offset >= 0) {
        res->res = write_deferred(cur, req->fd, &req->data, req->offset);
        return NK_EOK;
    }
    nk_size_t n = 0;
    const void *d = KnArenaDeferred(&req->base_.hdr) ? NULL
                                                     : nk_arena_get(nk_uint8_t, req_arena, &req->data, &n);
    res->res = vfs_pwrite(cur, req->fd, d, d ? n : 0, req->offset);
    return NK_EOK;
}

/* ---- large reads and writes: one kernel copy between the file's chunks and the
 * client's window (docs/VFS.md, "Large reads and writes") ---------------------------- */

struct window {
    Handle h;
    int writing;                    /* WriteDirect: copy from the window */
};

static int window_move(void *ctx, const struct vfs_seg *seg, size_t n, uint64_t at)
{
    const struct window *w = ctx;
    const KnMdlSeg *k = (const KnMdlSeg *)(const void *)seg;   /* same layout */
    Retcode rc = w->writing ? KnPmmMdlRead(w->h, at, k, (rtl_uint32_t)n, NULL)
                            : KnPmmMdlWrite(w->h, at, k, (rtl_uint32_t)n, NULL);
    if (rc == rcOk)
        return 0;
    /* Not allowed to copy at all (a policy without kl.core.Mdl): the client falls back. */
    return rc == rcSecurityDisallow || rc == rcUnimplemented ? -EOPNOTSUPP : -EFAULT;
}
_Static_assert(sizeof(KnMdlSeg) == sizeof(struct vfs_seg), "one segment layout");

/* Fresh pages holding the window's bytes (KnPmmMdlReadNew): whole pages like the
 * ramfs slabs of mem_alloc, so mem_free gives them back with KnVmFree. */
static int window_fill(void *ctx, size_t size, uint64_t at, void **out)
{
    const struct window *w = ctx;
    Retcode rc = KnPmmMdlReadNew(w->h, at, size, out);
    if (rc == rcOk)
        return 0;
    if (rc == rcOutOfMemory)
        return -ENOMEM;
    return rc == rcSecurityDisallow || rc == rcUnimplemented ? -EOPNOTSUPP : -EFAULT;
}

/* The window handle of the request (its slot checked), or INVALID_HANDLE. */
static Handle window_of(const struct nk_message *m, nk_uint32_t slot)
{
    return slot < m->hdr.nhandles ? m->hdr.handles[slot].handle : INVALID_HANDLE;
}

static int64_t direct(const struct nk_message *m, int32_t fd, int64_t off, uint32_t count,
                      nk_uint32_t slot, int writing)
{
    int s, err = 0;
    struct vfs_client *cur = client_of(m, &s, &err);
    struct window w = { window_of(m, slot), writing };
    int64_t r;
    if (!cur)
        r = err;
    else if (w.h == INVALID_HANDLE)
        r = -EFAULT;
    else {
        struct vfs_io io = { window_move, &w, writing ? window_fill : NULL };
        r = writing ? vfs_write_io(cur, fd, &io, count, off) : vfs_read_io(cur, fd, &io, count, off);
    }
    return r;                       /* serve() (main.c) closes the window handle */
}

OP(op_read_direct, ReadDirect)
{
    (void)self, (void)req_arena, (void)res_arena;
    res->res = direct(&req->base_, req->fd, req->offset, req->count, req->buf, 0);
    return NK_EOK;
}

OP(op_write_direct, WriteDirect)
{
    (void)self, (void)req_arena, (void)res_arena;
    res->res = direct(&req->base_, req->fd, req->offset, req->count, req->buf, 1);
    return NK_EOK;
}

OP(op_lseek, Lseek)
{
    CLIENT();
    res->res = vfs_lseek(cur, req->fd, req->offset, req->whence);
    return NK_EOK;
}

/* The answer of Fstat and Stat: the attributes, or zeros with an error. */
static void stat_answer(int rc, const struct vfs_stat *s, struct kl_VfsFilesystem_StatInfo *st)
{
    static const struct vfs_stat none;
    to_wire(rc == 0 ? s : &none, st);
}

OP(op_fstat, Fstat)
{
    struct vfs_stat s;
    int slot_, err_ = 0;
    struct vfs_client *cur = client_of(&req->base_, &slot_, &err_);
    (void)self, (void)req_arena, (void)res_arena;
    int rc = cur ? vfs_fstat(cur, req->fd, &s) : err_;
    stat_answer(rc, &s, &res->st);
    res->res = rc;
    return NK_EOK;
}

OP(op_stat, Stat)
{
    struct vfs_stat s;
    int slot_, err_ = 0;
    struct vfs_client *cur = client_of(&req->base_, &slot_, &err_);
    (void)self, (void)res_arena;
    size_t n;
    const char *path = str(req_arena, &req->path, &n);
    int rc = cur ? vfs_stat(cur, path, n, &s) : err_;
    stat_answer(rc, &s, &res->st);
    res->res = rc;
    return NK_EOK;
}

OP(op_ftruncate, Ftruncate)
{
    CLIENT();
    res->res = vfs_ftruncate(cur, req->fd, req->length);
    return NK_EOK;
}

OP(op_fsync, Fsync)
{
    CLIENT();
    res->res = vfs_fsync(cur, req->fd);
    return NK_EOK;
}

/* The path ops that answer only `res`. */
#define PATH_OP(name, M, call)                                                 \
    OP(name, M)                                                                \
    {                                                                          \
        CLIENT();                                                              \
        size_t n;                                                              \
        const char *path = str(req_arena, &req->path, &n);                     \
        res->res = call;                                                       \
        return NK_EOK;                                                         \
    }
PATH_OP(op_unlink, Unlink, vfs_unlink(cur, path, n))
PATH_OP(op_mkdir, Mkdir, vfs_mkdir(cur, path, n, req->mode))
PATH_OP(op_rmdir, Rmdir, vfs_rmdir(cur, path, n))
PATH_OP(op_opendir, Opendir, vfs_opendir(cur, path, n))
PATH_OP(op_chdir, Chdir, vfs_chdir(cur, path, n))

OP(op_rename, Rename)
{
    CLIENT();
    size_t fn, tn;
    const char *from = str(req_arena, &req->from, &fn);
    const char *to = str(req_arena, &req->to, &tn);
    res->res = vfs_rename(cur, from, fn, to, tn);
    return NK_EOK;
}

OP(op_readdir, Readdir)
{
    memset(&res->entry, 0, sizeof res->entry);
    CLIENT();
    struct vfs_dirent d;
    res->res = vfs_readdir(cur, req->fd, &d);
    if (res->res == 1) {
        res->entry.ino = d.d_ino;
        res->entry.type = d.d_type;
        res->entry.namlen = d.d_namlen;
        memcpy(res->entry.name, d.d_name, d.d_namlen);     /* namlen <= NameMax: NUL stays */
    }
    return NK_EOK;
}

/* The cwd as a string first in the response arena (Getcwd_into); "" on error. */
OP(op_getcwd, Getcwd)
{
    nk_arena_reset(res_arena);
    char *p = nk_arena_alloc(nk_char_t, res_arena, &res->path, kl_VfsFilesystem_PathMax);
    if (!p)
        return NK_ENOMEM;
    p[0] = '\0';
    int slot_, err_ = 0;
    struct vfs_client *cur = client_of(&req->base_, &slot_, &err_);
    (void)self;
    (void)req_arena;
    res->res = cur ? vfs_getcwd(cur, p, kl_VfsFilesystem_PathMax) : err_;
    if (res->res < 0)
        p[0] = '\0';
    const char *z = memchr(p, 0, kl_VfsFilesystem_PathMax - 1);
    size_t n = z ? (size_t)(z - p) : kl_VfsFilesystem_PathMax - 1;
    p[n] = '\0';
    res->path.size = (nk_uint32_t)(n + 1);
    res_arena->current = res_arena->start + res->path.offset + n + 1;
    return NK_EOK;
}

OP(op_release, Release)
{
    /* This service's state only: the client's sockets stay open. A later request
     * gets a fresh table (no descriptors, cwd "/"). */
    int slot = -1, err = 0;
    (void)self;
    (void)req_arena;
    (void)res_arena;
    if (client_of(&req->base_, &slot, &err))
        drop_locked(slot);
    res->res = 0;
    return NK_EOK;
}

static const struct kl_VfsFilesystem_ops files_ops = {
    .Open = op_open, .Close = op_close, .Read = op_read, .Write = op_write,
    .Pread = op_pread, .Pwrite = op_pwrite, .Lseek = op_lseek, .Fstat = op_fstat,
    .Stat = op_stat, .Ftruncate = op_ftruncate, .Fsync = op_fsync, .Unlink = op_unlink,
    .Rename = op_rename, .Mkdir = op_mkdir, .Rmdir = op_rmdir, .Opendir = op_opendir,
    .Readdir = op_readdir, .Getcwd = op_getcwd, .Chdir = op_chdir, .Release = op_release,
    .ReadDirect = op_read_direct, .WriteDirect = op_write_direct,
};

/* Every answer of this class fits the pool's buffers. */
_Static_assert(sizeof(VfsFsnet_entity_res) <= POOL_MSG_MAX, "file answers fit a worker's buffer");
_Static_assert(VfsFsnet_entity_res_arena_size <= POOL_ARENA_SIZE,
               "file answers' arenas fit a worker's buffer");

/* The interface object the ops get as self, and the class around it: only the file
 * endpoint (the socket one is served by sockets_serve). Built once (files_start) and
 * only read after: not per request. */
static struct kl_VfsFilesystem files_if = { &files_ops };
static struct kl_Vfs_component files_component;
static VfsFsnet_entity files_entity;

/* A read in place (read_ref, under fs_lock): the answer's arena is the chunk itself,
 * pinned (under the lock) until the kernel has copied it (ReplyRecvRelease ends the
 * pin, pool.c): meanwhile nothing changes or frees those bytes (vfs_pin_wait). Out
 * of line: files_serve stays small enough for the dispatcher to be inlined there. */
static __attribute__((noinline)) void answer_in_place(struct pool_msg *m, const struct nk_arena *ra)
{
    const void *ref = read_ref;
    read_ref = NULL;                /* NULL outside a read's request: none is reset */
    m->release = vfs_pin_set(m->id, ref, (size_t)(ra->current - ra->start));
    fs_lock_give();
    nk_kos_send_arena(&m->res.hdr, ra);
    m->res.hdr.arena = (uint64_t)(uintptr_t)ref;
}

/* flatten: the generated dispatcher inlined here, as it was before answer_in_place
 * (gcc stopped inlining it on its own: ~30 instructions a request). */
__attribute__((flatten)) void files_serve(struct pool_msg *m)
{
    uint32_t got = m->req.hdr.arena_size <= POOL_ARENA_SIZE ? m->req.hdr.arena_size : 0;
    nk_char_t *q = (nk_char_t *)m->req_arena;
    struct nk_arena qa = { q, q + got, q + POOL_ARENA_SIZE };
    struct nk_arena ra = NK_ARENA_INITIALIZER(m->res_arena, m->res_arena + POOL_ARENA_SIZE);
    if (__builtin_expect(got && !m->req.hdr.arena, 0) && !pulled(m))
        return;                     /* a deferred arena that could not be read: answered */
    fs_lock_take();
    /* Any other interface or method gets its error reply here. */
    VfsFsnet_entity_dispatch(&files_entity, (const struct nk_message *)(const void *)&m->req.hdr, &qa,
                             (struct nk_message *)(void *)&m->res.hdr, &ra);
    if (__builtin_expect(read_ref != NULL, 0)) {
        answer_in_place(m, &ra);
        return;
    }
    fs_lock_give();
    nk_kos_send_arena(&m->res.hdr, &ra);
}

_Static_assert(POOL_MAX <= VFS_PINS_MAX, "a pin slot for every worker");

/* A server thread waits for a pin's end (vfs_pin.h): the kernel stores 0 and wakes it. */
static void pin_block(uint32_t *word)
{
    KnFutexWait(word, 1, INFINITE_TIMEOUT);
}

int files_start(int argc, char **argv)
{
    vfs_pin_block = pin_block;
    kl_Vfs_component_init(&files_component, &files_if, NK_NULL);
    VfsFsnet_entity_init(&files_entity, &files_component);
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
