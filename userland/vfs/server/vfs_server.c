/*
 * VfsFsnet: the VFS process. Wraps the VFS core (userland/vfs/core) in the
 * kl.VfsFilesystem endpoint (userland/idl/vfs) and serves every client of
 * its one listener. docs/VFS.md, "Server and client".
 *
 *   VfsFsnet [-l "<fstab entry>"]... [-f <fstab in the romfs image>]...
 *   env _VFS_FILESYSTEM_BACKEND / VFS_FILESYSTEM_BACKEND = server:<channel>
 *
 * A RAM file system is at "/" from the start; the romfs image (source
 * "romfs") is the one linked into this program (romfs_image.S).
 *
 * Clients are told apart by the badge the kernel puts in every request:
 * one per client channel end, so each client process gets its own
 * descriptor table and cwd without trusting anything it sends. Everything
 * else in a request is checked by the generated dispatcher before an op
 * runs; a malformed request gets an error reply, a well-formed one a
 * normal reply whose `res` is >= 0 or -errno. The server never exits.
 *
 * Requests are served by a pool of worker threads (pool.c); the file
 * side (the VFS core, the client table) runs under one lock, fs_lock. The
 * network endpoint (kl.VfsNetwork, vfs_net.c) runs outside it, so a socket
 * call that blocks holds only its worker.
 *
 *   VfsFsnet ... [-n <network option>]...   (ip=A.B.C.D/N, gw=, nodhcp, ...: docs/NET.md)
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <coresrv/channel/channel_api.h>
#include <coresrv/handle/handle_api.h>
#include <coresrv/syscalls.h>
#include <coresrv/thread/thread_api.h>
#include <coresrv/vmm/vmm_api.h>
#include <kos/mutex.h>
#include <vfs/defs.h>
#include <VfsFsnet.edl.h>
#include "../core/vfs.h"
#include "vfs_net.h"
#include "pool.h"
#include "vfs_server.h"

#define MAX_CLIENTS 64              /* client processes served at once */

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

/* ---- clients, by badge ---------------------------------------------------------- */

static struct vfs *the_vfs;
static KosMutex fs_lock = KOS_MUTEX_INITIALIZER;  /* the VFS core, clients[], cur */

static struct {
    uint32_t badge;                 /* 0: free slot */
    struct vfs_client *client;
} clients[MAX_CLIENTS];

/* The client of the request being served, or NULL with cur_err set. */
static struct vfs_client *cur;
static int cur_err;

static struct vfs_client *client_of(uint32_t badge, int *err)
{
    int free_slot = -1;
    for (int i = 0; i < MAX_CLIENTS; i++) {
        if (clients[i].badge == badge && badge != 0)
            return clients[i].client;
        if (clients[i].badge == 0 && free_slot < 0)
            free_slot = i;
    }
    if (badge == 0 || free_slot < 0) {
        *err = -ENFILE;             /* no badge (cannot happen) or too many clients */
        return NULL;
    }
    struct vfs_client *c;
    int rc = vfs_client_create(the_vfs, &c);
    if (rc < 0) {
        *err = rc;
        return NULL;
    }
    clients[free_slot].badge = badge;
    clients[free_slot].client = c;
    return c;
}

void vfs_server_client_gone(uint32_t badge)
{
    for (int i = 0; i < MAX_CLIENTS; i++) {
        if (clients[i].badge == badge && badge != 0) {
            vfs_client_destroy(clients[i].client);
            clients[i].badge = 0;
            clients[i].client = NULL;
        }
    }
    vfs_net_client_gone(badge);     /* and its sockets */
}

int vfs_server_client_count(void)
{
    int n = 0;
    for (int i = 0; i < MAX_CLIENTS; i++)
        n += clients[i].badge != 0;
    return n;
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
    *res = 0;                       /* done by serve(), after the client is looked up */
    return rcOk;
}

static const struct kl_VfsFilesystem_ops fs_ops = {
    .Open = op_open, .Close = op_close, .Read = op_read, .Write = op_write,
    .Pread = op_pread, .Pwrite = op_pwrite, .Lseek = op_lseek, .Fstat = op_fstat,
    .Stat = op_stat, .Ftruncate = op_ftruncate, .Fsync = op_fsync, .Unlink = op_unlink,
    .Rename = op_rename, .Mkdir = op_mkdir, .Rmdir = op_rmdir, .Opendir = op_opendir,
    .Readdir = op_readdir, .Getcwd = op_getcwd, .Chdir = op_chdir, .Release = op_release,
};

/* Every answer fits the pool's buffers (the error reply, 4 bytes, included). */
_Static_assert(VfsFsnet_res_max <= POOL_MSG_MAX && sizeof(SMsgHdr) + 4 <= POOL_MSG_MAX,
               "VfsFsnet's answers fit a worker's buffer");
_Static_assert(VfsFsnet_req_arena_max <= MSG_MAX_ARENA, "request arena fits");
_Static_assert(VfsFsnet_res_arena_max <= MSG_MAX_ARENA, "response arena fits");

static const struct VfsFsnet_ops class_ops = { .vfs_fs = &fs_ops, .vfs_fs_ctx = NULL,
                                               .vfs_net = &vfs_net_ops, .vfs_net_ctx = NULL };

/* ---- the server loop ---------------------------------------------------------------- */

/* Answers the request in m->req in m->res; runs in any worker thread. */
static void serve(void *ctx, struct pool_msg *m)
{
    (void)ctx;
    SMsgHdr *rq = &m->req.hdr;
    if (rq->riid == VfsFsnet_vfs_net_riid) {
        /* Sockets: outside fs_lock (the call may block); vfs_net.c has its own lock. */
        vfs_net_set_caller(rq->badge);
        VfsFsnet_dispatch(&class_ops, rq, sizeof m->req, &m->res.hdr, sizeof m->res,
                          m->res_arena, sizeof m->res_arena);
    } else {
        KosMutexLock(&fs_lock);
        if (rq->mid == MSG_MID_DISCONNECT) {  /* the kernel: this badge's client is gone */
            vfs_server_client_gone(rq->badge);  /* a notice: ReplyRecv sends no answer */
            KosMutexUnlock(&fs_lock);
            return;
        }
        cur_err = 0;
        cur = client_of(rq->badge, &cur_err);
        VfsFsnet_dispatch(&class_ops, rq, sizeof m->req, &m->res.hdr, sizeof m->res,
                          m->res_arena, sizeof m->res_arena);
        /* Release: after the reply is built, so the answer still names the client. */
        if (m->res.hdr.mid == kl_VfsFilesystem_Release_mid && rq->riid == VfsFsnet_vfs_fs_riid &&
            rq->mid == kl_VfsFilesystem_Release_mid)
            vfs_server_client_gone(rq->badge);
        cur = NULL;
        KosMutexUnlock(&fs_lock);
    }
    /* The interfaces carry no handles: drop any a client sent anyway. */
    for (uint32_t i = 0; i < rq->nhandles && i < MSG_MAX_HANDLES; i++)
        KnHandleClose(rq->handles[i].handle);
}

/* The backend variable: "server:<channel>" names our channel. */
static const char *channel_name(void)
{
    const char *v = getenv("_VFS_FILESYSTEM_BACKEND");
    if (!v)
        v = getenv("VFS_FILESYSTEM_BACKEND");
    if (v && strncmp(v, "server:", 7) == 0 && v[7])
        return v + 7;
    return _VFS_CONNECTION_ID;
}

/* _VFS_NETWORK_BACKEND = server:<channel>: the name a network-only VFS is found by. */
static const char *net_channel_name(void)
{
    const char *v = getenv("_VFS_NETWORK_BACKEND");
    if (!v)
        v = getenv("VFS_NETWORK_BACKEND");
    if (v && strncmp(v, "server:", 7) == 0 && v[7])
        return v + 7;
    return _VFS_CONNECTION_ID;
}

static Handle find_listener(void)
{
    /* The kernel gives a task one listener for all its channels; any of its names finds
     * it. Try the configured name, then the class names init.yaml may have used. */
    const char *names[] = { channel_name(), net_channel_name(), _VFS_CONNECTION_ID, "VfsFsnet",
                            "kl.VfsNet", "kl.VfsEntity" };
    for (int attempt = 0; attempt < 100; attempt++) {
        for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
            Handle h;
            if (KnChannelLookup(names[i], SERVICE_SERVER, &h) == rcOk)
                return h;
        }
        KnSleepNs(10 * 1000 * 1000);        /* a parent may still be connecting us */
    }
    return INVALID_HANDLE;
}

int main(int argc, char *argv[])
{
    struct vfs_config cfg = { .image = image_of, .alloc = &vfs_memory };
    int rc = vfs_create(&cfg, &the_vfs);
    if (rc < 0) {
        fprintf(stderr, "VfsFsnet: cannot create the VFS: %s\n", strerror(-rc));
        return 2;
    }
    /* "-n <option>" words are the network's; the rest are the VFS's. */
    char *vargv[64], *nargv[16];
    int vargc = 0, nargc = 0;
    for (int i = 0; i < argc && vargc < 63; i++) {
        if (i > 0 && argv[i] && strcmp(argv[i], "-n") == 0 && i + 1 < argc && argv[i + 1]) {
            if (nargc < 16)
                nargv[nargc++] = argv[i + 1];
            i++;
        } else {
            vargv[vargc++] = argv[i];
        }
    }
    vargv[vargc] = NULL;
    struct vfs_error err = { 0, "" };
    rc = vfs_parse_args(the_vfs, vargc, vargv, &err);
    if (rc < 0) {
        if (err.line)
            fprintf(stderr, "VfsFsnet: fstab line %d: %s (%s)\n", err.line, err.msg, strerror(-rc));
        else
            fprintf(stderr, "VfsFsnet: %s (%s)\n", err.msg[0] ? err.msg : "bad arguments",
                    strerror(-rc));
        return 2;
    }
    Handle listener = find_listener();
    if (listener == INVALID_HANDLE) {
        fprintf(stderr, "VfsFsnet: no channel '%s'\n", channel_name());
        return 3;
    }
    printf("VfsFsnet: serving files on '%s'\n", channel_name());

    vfs_net_start(nargc, nargv);
    pool_run(listener, serve, NULL);
}
