/*
 * libFuzzer target: VfsFsnet's request path on the host: the real serve() of
 * userland/vfs/server/main.c (included below, its main renamed) with the real
 * client table (clients.c) and file service (files/files.c), the
 * KasperskyOS-form dispatcher tools/nk generates (VfsFsnet_entity_dispatch),
 * and the VFS core behind it.
 * One input is a sequence of requests from up to three clients (badges):
 *   [0] badge (bit 7: the kernel's "client gone" notice instead, which has
 *   riid 0, no body and no handles, and which clients cannot forge)  [1] riid
 *   [2] mid  [3..4] size  [5..6] arena bytes  [7] nhandles  [8..] constant
 *   part (size bytes), then the arena.
 * Each request lands in a struct pool_msg as the worker pool receives it; the
 * bytes past what was received are poisoned, so ASan reports any read of them.
 * Every input starts with a fresh VFS and ends with every client gone; then a
 * cleaner client removes every file and directory (when it can), and the VFS
 * must hold exactly the bytes it held at the start (its allocator counts them;
 * ramfs's chunk slabs apart) and a file of nearly the whole budget must fit:
 * the space of a session comes back while the server runs, not only when the
 * VFS is destroyed (LeakSanitizer checks that last step).
 */
#include <sanitizer/asan_interface.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../../userland/vfs/server/pool_pull.c"
#define main vfs_server_main
#include "../../../userland/vfs/server/main.c"
#undef main
#include "../../../userland/vfs/server/clients.c"
#include "../../../userland/vfs/server/files/files.c"

#include "fuzz_check.h"

/* ---- what VfsFsnet needs of libkos, the pool and the socket service -------------- */

const unsigned char vfs_romfs_image[1];
const unsigned long long vfs_romfs_size = 0;      /* no romfs: mounts of it fail */
static int handles_closed;

Retcode KosMutexLock(KosMutex *m) { m->state = 1; return rcOk; }
Retcode KosMutexUnlock(KosMutex *m) { m->state = 0; return rcOk; }
/* One thread: fs_lock is never contended, so neither futex call may happen. */
Retcode KnFutexWait(const uint32_t *addr, uint32_t expected, uint64_t timeoutNs)
{
    (void)addr, (void)expected, (void)timeoutNs;
    abort();
}
Retcode KnFutexWake(const uint32_t *addr, uint32_t count, uint32_t *woken)
{
    (void)addr, (void)count, (void)woken;
    abort();
}
Retcode KnHandleClose(Handle h) { (void)h; handles_closed++; return rcOk; }
Retcode KnChannelLookup(const char *name, rtl_uint32_t role, Handle *h)
{
    (void)name, (void)role, (void)h;
    return rcResourceNotFound;
}
Retcode KnSleepNs(rtl_uint64_t ns) { (void)ns; return rcOk; }
/* Whole-page blocks of the VFS core (files.c's allocator) come from the heap here;
 * ASan then sees any use after KnVmFree as it would a use after free(). */
Retcode KnVmAllocate(void *hint, rtl_size_t size, rtl_uint32_t prot, rtl_uint32_t flags,
                     void **addr)
{
    (void)hint, (void)prot, (void)flags;
    *addr = aligned_alloc(KOS_PAGE_SIZE, size);
    return *addr ? rcOk : rcOutOfMemory;
}
Retcode KnVmFree(void *addr, rtl_size_t size)
{
    (void)size;
    free(addr);
    return rcOk;
}
/* The client's window (ReadDirect/WriteDirect) is a fake 1 MiB buffer: every
 * segment the VFS core names is touched in full, so ASan sees one that runs past
 * the core's own chunks; past the window's end is the client's fault. */
#define FAKE_WINDOW (1u << 20)
static Retcode fake_window_copy(rtl_size_t offset, const KnMdlSeg *seg, rtl_uint32_t n,
                                rtl_size_t *done, int to_segments, Retcode past_end)
{
    rtl_size_t total = 0;
    volatile unsigned char sink = 0;
    for (rtl_uint32_t i = 0; i < n; i++) {
        if (seg[i].len > FAKE_WINDOW || offset + total > FAKE_WINDOW - seg[i].len) {
            if (done)
                *done = 0;
            return past_end;
        }
        unsigned char *p = (unsigned char *)(uintptr_t)seg[i].addr;
        for (rtl_uint64_t k = 0; k < seg[i].len; k++) {
            if (to_segments)
                p[k] = (unsigned char)(offset + total + k);
            else
                sink ^= p[k];
        }
        total += seg[i].len;
    }
    (void)sink;
    if (done)                       /* optional, as in libkos (files.c passes NULL) */
        *done = total;
    return rcOk;
}
Retcode KnPmmMdlRead(Handle handle, rtl_size_t offset, const KnMdlSeg *seg, rtl_uint32_t n,
                     rtl_size_t *done)
{
    (void)handle;
    return fake_window_copy(offset, seg, n, done, 1, rcSourceFault);
}
Retcode KnPmmMdlWrite(Handle handle, rtl_size_t offset, const KnMdlSeg *seg, rtl_uint32_t n,
                      rtl_size_t *done)
{
    (void)handle;
    return fake_window_copy(offset, seg, n, done, 0, rcTargetFault);
}
/* Fresh memory filled from the fake window (the RAM fs's filled slabs): the bytes the
 * fake Read would give, in memory KnVmFree frees; past the window's end as Read. */
Retcode KnPmmMdlReadNew(Handle handle, rtl_size_t offset, rtl_size_t size, void **addr)
{
    (void)handle;
    *addr = NULL;
    if (size == 0 || size > FAKE_WINDOW || offset > FAKE_WINDOW - size)
        return rcInvalidArgument;
    rtl_size_t round = (size + KOS_PAGE_SIZE - 1) & ~(rtl_size_t)(KOS_PAGE_SIZE - 1);
    unsigned char *p = aligned_alloc(KOS_PAGE_SIZE, round);
    if (!p)
        return rcOutOfMemory;
    for (rtl_size_t k = 0; k < round; k++)
        p[k] = k < size ? (unsigned char)(offset + k) : 0;
    *addr = p;
    return rcOk;
}
/* The kernel's part of a deferred arena (docs/ABI.md, "Deferred arenas"): the
 * request being served, when its arena stayed with the client. */
static const uint8_t *held_arena;               /* NULL: no deferred arena held */
static uint32_t held_size;
static bool held;                               /* a request is being served */
Retcode KnArenaDefer(uint32_t threshold) { (void)threshold; return rcOk; }
Retcode KnArenaRead(void *dst, uint32_t offset, uint32_t size)
{
    if (!held)
        return rcNotConnected;
    if (!held_arena)
        return rcInvalidOperation;
    if ((uint64_t)offset + size > held_size)
        return rcInvalidArgument;
    ASAN_UNPOISON_MEMORY_REGION(dst, size);       /* written by the kernel */
    memcpy(dst, held_arena + offset, size);
    return rcOk;
}
void pool_run(Handle listener, pool_serve_fn fn, void *ctx) { (void)listener, (void)fn, (void)ctx; abort(); }
void sockets_start(int argc, char **argv) { (void)argc, (void)argv; }
/* The socket service is not fuzzed here (it needs lwIP): its requests are not sent. */
void sockets_serve(struct pool_msg *m) { (void)m; abort(); }
void sockets_client_gone(int slot) { (void)slot; }

/* ---- the target ------------------------------------------------------------------- */

#define NBADGES 3
#define BUDGET (256u << 10)                       /* bytes the ramfs at "/" may use */
#define MAX_REQUESTS 64
static struct pool_msg msg;                     /* one worker's buffers */
static _Alignas(8) uint8_t msg_arenas[2][POOL_ARENA_SIZE];

static void serve_one(uint32_t badge, uint8_t riid, uint32_t mid, const uint8_t *cp,
                      uint32_t size, const uint8_t *arena, uint32_t arena_size,
                      uint32_t nhandles, bool deferred)
{
    struct pool_msg *m = &msg;
    ASAN_UNPOISON_MEMORY_REGION(m, sizeof *m);
    ASAN_UNPOISON_MEMORY_REGION(msg_arenas, sizeof msg_arenas);
    m->req_arena = msg_arenas[0];
    m->res_arena = msg_arenas[1];
    memset(&m->req.hdr, 0, sizeof m->req.hdr);
    m->req.hdr.riid = riid;
    m->req.hdr.mid = mid;
    m->req.hdr.size = size;
    m->req.hdr.badge = badge;
    m->req.hdr.nhandles = (uint16_t)nhandles;
    for (uint32_t i = 0; i < MSG_MAX_HANDLES; i++)
        m->req.hdr.handles[i].handle = 100 + i;
    /* A deferred arena (only from POOL_DEFER_MIN bytes, as the kernel does it) stays
     * with the "client": the worker reads it through KnArenaRead or not at all. */
    deferred = deferred && arena_size >= POOL_DEFER_MIN;
    m->req.hdr.arena = deferred ? 0 : (uintptr_t)m->req_arena;
    m->req.hdr.arena_size = arena_size;
    m->req.hdr.arena_cap = POOL_ARENA_SIZE;
    memcpy(m->req.raw + sizeof(SMsgHdr), cp, size);
    if (!deferred)
        memcpy(m->req_arena, arena, arena_size);
    /* Nothing past the received bytes may be read. */
    ASAN_POISON_MEMORY_REGION(m->req.raw + sizeof(SMsgHdr) + size,
                              sizeof m->req.raw - sizeof(SMsgHdr) - size);
    uint32_t copied = deferred ? 0 : arena_size;
    ASAN_POISON_MEMORY_REGION(m->req_arena + copied, POOL_ARENA_SIZE - copied);
    held = true, held_arena = deferred ? arena : NULL, held_size = arena_size;
    int closed = handles_closed;
    serve(NULL, m);
    held = false, held_arena = NULL;
    ASAN_UNPOISON_MEMORY_REGION(m, sizeof *m);
    ASAN_UNPOISON_MEMORY_REGION(msg_arenas, sizeof msg_arenas);
    if (mid == MSG_MID_DISCONNECT)
        return;                                    /* a notice: no answer, no handles */
    /* Every request is answered, with a reply of the method or an error reply. */
    SMsgHdr *res = &m->res.hdr;
    check(res->size <= sizeof m->res.raw - sizeof(SMsgHdr));
    check(res->mid == MSG_MID_ERROR ? res->size == 4 : res->mid == mid && res->riid == riid);
    check(res->arena_size <= POOL_ARENA_SIZE);
    /* Handles a client sends are never kept. */
    check(handles_closed - closed == (int)nhandles);       /* nhandles <= MSG_MAX_HANDLES */
}

/* The VFS's allocator: malloc, with the bytes it holds counted. ramfs keeps the slabs its
 * 4 KiB chunks come from (16 + n * 4096 bytes) until it is destroyed, by design
 * (ramfs.c): those are counted apart. */
static size_t live_bytes, slab_bytes;
static bool is_slab(size_t size)
{
    return size > 4096 && (size - 16) % 4096 == 0;
}
static void *counted_alloc(void *ctx, size_t size)
{
    (void)ctx;
    void *p = malloc(size);
    if (p)
        *(is_slab(size) ? &slab_bytes : &live_bytes) += size;
    return p;
}
static void counted_free(void *ctx, void *p, size_t size)
{
    (void)ctx;
    if (p) {
        size_t *count = is_slab(size) ? &slab_bytes : &live_bytes;
        check(*count >= size);
        *count -= size;
    }
    free(p);
}
static const struct vfs_alloc counted = { counted_alloc, counted_free, NULL };

/* Removes everything below the directory `path` (n bytes, "" for the root); false
 * when something cannot be removed: clients may make a directory they cannot list
 * (mkdir with mode 0300), and there is no chmod to undo that. */
static bool remove_all(struct vfs_client *c, char *path, size_t n, int depth)
{
    struct vfs_dirent de;
    for (int pass = 0; pass < 64; pass++) {       /* removal while listing may skip some */
        int fd = n ? vfs_opendir(c, path, n) : vfs_opendir(c, "/", 1);
        if (fd < 0)
            return false;
        int seen = 0, removed = 0;
        while (vfs_readdir(c, fd, &de) == 1) {
            seen++;
            check(n + 1 + de.d_namlen < VFS_PATH_MAX && depth < VFS_PATH_MAX / 2);
            size_t m = n + 1 + de.d_namlen;
            path[n] = '/';
            memcpy(path + n + 1, de.d_name, de.d_namlen + 1);
            if (de.d_type == VFS_DT_DIR)
                removed += remove_all(c, path, m, depth + 1) && vfs_rmdir(c, path, m) == 0;
            else
                removed += vfs_unlink(c, path, m) == 0;
            path[n] = '\0';
        }
        check(vfs_closedir(c, fd) == 0);
        if (seen == 0)
            return true;
        if (removed == 0)
            return false;
    }
    return false;
}

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
    struct vfs_config cfg = { .image = image_of, .root_budget = BUDGET, .alloc = &counted };
    live_bytes = slab_bytes = 0;
    check(vfs_create(&cfg, &the_vfs) == 0);
    size_t at_start = live_bytes;
    for (int k = 0; k < MAX_REQUESTS && n >= 8; k++) {
        uint32_t badge = 1 + (d[0] & 0x7f) % NBADGES;
        uint32_t size = (d[3] | (uint32_t)d[4] << 8) % (MSG_MAX_CONST + 1);
        uint32_t arena = (d[5] | (uint32_t)d[6] << 8) % (MSG_MAX_ARENA + 1);
        uint8_t riid = d[1];
        uint32_t mid = (d[0] & 0x80) ? MSG_MID_DISCONNECT : d[2] == 0xff ? MSG_MID_ERROR : d[2];
        uint32_t nh = (d[7] & 0x7f) % (MSG_MAX_HANDLES + 1);
        bool deferred = d[7] & 0x80;              /* the arena left with the client */
        d += 8, n -= 8;
        if (size > n)
            size = (uint32_t)n;
        const uint8_t *cp = d;
        d += size, n -= size;
        if (arena > n)
            arena = (uint32_t)n;
        const uint8_t *ar = d;
        d += arena, n -= arena;
        if (mid == MSG_MID_DISCONNECT)            /* as the kernel sends it (ipc.c) */
            serve_one(badge, 0, mid, cp, 0, ar, 0, 0, false);
        else if (riid != VfsFsnet_vfs_net_iid)
            serve_one(badge, riid, mid, cp, size, ar, arena, nh, deferred);
    }
    for (uint32_t b = 1; b <= NBADGES; b++)
        disconnect(b);
    check(clients_count() == 0);
    struct vfs_client *cleaner;
    check(vfs_client_create(the_vfs, &cleaner) == 0);
    char path[VFS_PATH_MAX] = "";
    bool all_gone = remove_all(cleaner, path, 0, 0);
    vfs_client_destroy(cleaner);
    if (all_gone && live_bytes != at_start)
        fprintf(stderr, "the VFS holds %zu bytes, %zu at the start\n", live_bytes, at_start);
    check(!all_gone || live_bytes == at_start);
    if (all_gone && slab_bytes) {                 /* and the whole budget is there again */
        static uint8_t fill[64 << 10];
        struct vfs_client *c;
        check(vfs_client_create(the_vfs, &c) == 0);
        int fd = vfs_open(c, "/fill", 5, VFS_O_CREAT | VFS_O_WRONLY, 0600);
        check(fd >= 0);
        for (size_t done = 0; done < BUDGET - sizeof fill; done += sizeof fill)
            check(vfs_write(c, fd, fill, sizeof fill) == (int64_t)sizeof fill);
        vfs_client_destroy(c);
    }
    vfs_destroy(the_vfs);
    check(live_bytes == 0 && slab_bytes == 0);
    the_vfs = NULL;
    return 0;
}

/* ---- the generated seeds: requests as the client library's proxies send them ------ */
/* FUZZ_VFS_SEEDS=<dir>: runs a few client sessions through the generated proxies, with
 * Call() recording each request in the input format above, writes one seed file per
 * session into <dir> and exits. */

static uint8_t rec[1 << 16];
static size_t rec_len;
static uint8_t rec_badge = 1;

Retcode Call(Handle h, const SMsgHdr *out, SMsgHdr *in)
{
    (void)h, (void)in;
    uint32_t need = 8 + out->size + out->arena_size;
    check(rec_len + need <= sizeof rec);
    uint8_t *p = rec + rec_len;
    p[0] = rec_badge;
    p[1] = (uint8_t)out->riid;
    p[2] = (uint8_t)out->mid;
    p[3] = (uint8_t)out->size, p[4] = (uint8_t)(out->size >> 8);
    p[5] = (uint8_t)out->arena_size, p[6] = (uint8_t)(out->arena_size >> 8);
    p[7] = (uint8_t)(out->nhandles | (out->arena_size >= POOL_DEFER_MIN ? 0x80 : 0));
    memcpy(p + 8, out + 1, out->size);
    if (out->arena_size)
        memcpy(p + 8 + out->size, (const void *)(uintptr_t)out->arena, out->arena_size);
    rec_len += need;
    return rcNotConnected;                        /* the proxy stops there */
}

/* nk/transport.h's inlined call uses CallEx when a transport has a timeout: never here. */
Retcode CallEx(Handle h, const SMsgHdr *out, SMsgHdr *in, uint64_t timeoutNs)
{
    (void)timeoutNs;
    return Call(h, out, in);
}

static void save(const char *dir, const char *name)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    check(f && fwrite(rec, 1, rec_len, f) == rec_len && fclose(f) == 0);
    rec_len = 0;
    rec_badge = 1;
}

/* The seeds' proxy calls reach Call() above: nk/transport.h inlines a call over
 * an NkKosTransport, whose ops (userland/lib/nk_kos_transport.c) are not linked here. */
const struct nk_transport_ops nk_kos_transport_ops;
static NkKosTransport seed_transport = { { &nk_kos_transport_ops }, 1, INFINITE_TIMEOUT };
static struct kl_VfsFilesystem_proxy seed_proxy;
static _Alignas(8) char seed_buf[1024];
static struct nk_arena seed_arena;

/* A string or bytes of the next request, into its arena. */
static nk_ptr_t put(const void *data, size_t n)
{
    nk_ptr_t d = { 0, 0 };
    check(nk_arena_store(char, &seed_arena, &d, data, n) == NK_EOK);
    return d;
}
#define STR(s) put((s), strlen(s) + 1)

/* One request of method M with the given fields (designated initialisers),
 * through the generated proxy; the arena is reset for the next one. */
#define SEED(M, ...)                                                            \
    do {                                                                        \
        kl_VfsFilesystem_##M##_req rq_ = { __VA_ARGS__ };                       \
        kl_VfsFilesystem_##M##_res rs_;                                         \
        kl_VfsFilesystem_##M(&seed_proxy.base, &rq_,                            \
                             nk_arena_size(&seed_arena) ? &seed_arena : NK_NULL, \
                             &rs_, NK_NULL);                                    \
        nk_arena_init(&seed_arena, seed_buf, seed_buf + sizeof seed_buf);       \
    } while (0)
#define NONE .base_.hdr.riid = 0            /* a request with no fields */

static void write_seeds(const char *dir)
{
    kl_VfsFilesystem_proxy_init(&seed_proxy, &seed_transport.base, VfsFsnet_vfs_fs_iid);
    nk_arena_init(&seed_arena, seed_buf, seed_buf + sizeof seed_buf);

    SEED(Open, .path = STR("/f"), .flags = VFS_O_CREAT | VFS_O_RDWR, .mode = 0644);
    SEED(Write, .fd = 0, .data = put("hello, file", 11));
    SEED(Lseek, .fd = 0, .offset = 0, .whence = VFS_SEEK_SET);
    SEED(Read, .fd = 0, .count = 5);
    SEED(Pread, .fd = 0, .offset = 3, .count = 4);
    SEED(Pwrite, .fd = 0, .offset = 20, .data = put("xy", 2));
    SEED(Fstat, .fd = 0);
    SEED(Ftruncate, .fd = 0, .length = 4);
    SEED(Fsync, .fd = 0);
    SEED(Close, .fd = 0);
    SEED(Stat, .path = STR("/f"));
    SEED(Unlink, .path = STR("/f"));
    save(dir, "gen-file-io");

    SEED(Mkdir, .path = STR("/d"), .mode = 0755);
    SEED(Chdir, .path = STR("/d"));
    SEED(Getcwd, NONE);
    SEED(Open, .path = STR("x"), .flags = VFS_O_CREAT | VFS_O_WRONLY | VFS_O_EXCL, .mode = 0600);
    SEED(Opendir, .path = STR("/d/"));
    SEED(Readdir, .fd = 1);
    SEED(Rename, .from = STR("/d/x"), .to = STR("../d/./y"));
    SEED(Rmdir, .path = STR("/d"));
    SEED(Unlink, .path = STR("y"));
    SEED(Chdir, .path = STR(".."));
    SEED(Rmdir, .path = STR("d"));
    SEED(Release, NONE);
    save(dir, "gen-dirs");

    SEED(Open, .path = STR("/shared"), .flags = VFS_O_CREAT | VFS_O_RDWR | VFS_O_APPEND,
         .mode = 0644);
    rec_badge = 2;
    SEED(Open, .path = STR("/shared"), .flags = VFS_O_RDWR | VFS_O_TRUNC, .mode = 0);
    SEED(Write, .fd = 0, .data = put("two", 3));
    rec_badge = 1;
    SEED(Write, .fd = 0, .data = put("one", 3));
    rec_badge = 3;
    SEED(Opendir, .path = STR("/"));
    SEED(Readdir, .fd = 0);
    rec_badge = 0x81;                             /* the kernel: client 1 is gone */
    SEED(Release, NONE);
    rec_badge = 2;
    SEED(Release, NONE);
    save(dir, "gen-clients");
    printf("fuzz_vfs_request: 3 seeds in %s\n", dir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    const char *dir = getenv("FUZZ_VFS_SEEDS");
    if (dir) {
        write_seeds(dir);
        exit(0);
    }
    return 0;
}
