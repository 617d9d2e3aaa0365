/*
 * VFS core: ramfs, the read-write RAM file system (mounted at "/" by default).
 * Owns its nodes, directory tables and file chunks, all charged to a byte budget; it must
 * never let a full budget corrupt a file (a write stops short, ENOSPC when nothing fits).
 */
#include <errno.h>
#include <string.h>

#include "vfs_fs.h"
#include "vfs_pin.h"

/*
 * File data lives in 4 KiB chunks under a radix tree of 128-way nodes whose height grows
 * with the file: height 0 is one chunk, height 4 covers 128^4 chunks = 2^40 bytes, which is
 * VFS_FILE_MAX. Missing chunks are holes and read as zeros. Invariant: the bytes of a chunk
 * beyond the file size are zero, so growing a file never shows stale data.
 */
#define CHUNK_SHIFT 12
#define CHUNK_SIZE  (1u << CHUNK_SHIFT)
#define FAN_SHIFT   7
#define FAN         (1u << FAN_SHIFT)
#define MAX_HEIGHT  4
#define NODE_BYTES  (FAN * sizeof(void *))
_Static_assert(((int64_t)1 << (CHUNK_SHIFT + FAN_SHIFT * MAX_HEIGHT)) >= VFS_FILE_MAX,
               "the chunk tree must cover VFS_FILE_MAX");

/*
 * Chunks come from slabs of up to SLAB_CHUNKS chunks (64 KiB, one allocation instead of 16:
 * picolibc's malloc costs ~700 instructions a call, as much as copying a chunk). A slab
 * keeps its own free list, and goes back to the allocator as soon as its last chunk is
 * free, so the space of a removed file returns to the server's allocator at once (and from
 * there to the kernel, see server/files/files.c). A sorted array of slabs maps a chunk to
 * its slab (binary search); slabs with a free chunk are on the `partial` list. The budget
 * counts chunks in use.
 */
#define SLAB_CHUNKS 16

struct chunk_slab {
    uint8_t *base;                  /* count chunks, CHUNK_SIZE each */
    void *free;                     /* free list through each free chunk's first word */
    unsigned count, nfree;
    struct chunk_slab *prev, *next; /* on fs->partial while nfree > 0 */
};

struct rnode;

/* Directory entries are kept in creation order; seq is the readdir cookie, so entries added
 * or removed while a client iterates never make it skip or repeat the others. */
struct rdirent {
    uint64_t seq;
    struct rnode *node;
    uint8_t len;
    char name[VFS_NAME_MAX];
};

struct rnode {
    uint64_t ino;
    uint32_t mode;
    uint32_t nlink;                 /* 0 once removed; freed when also opens == 0 */
    uint32_t opens;
    struct rnode *next;             /* work list of ramfs_destroy */
    /* regular file */
    int64_t size;
    void *root;
    unsigned height;
    uint64_t chunks;
    /* directory */
    struct rdirent *ents;
    size_t count, cap;
    uint64_t next_seq;
};

struct ramfs {
    struct vfs_fs base;
    struct vfs_alloc a;
    int have_alloc;
    uint64_t budget, used;          /* budget 0: unlimited */
    struct chunk_slab **slabs;      /* sorted by base */
    size_t nslabs, slabs_cap;
    struct chunk_slab *partial;     /* slabs with a free chunk */
    uint64_t next_ino;
    struct rnode *root;
};

static int is_dir(const struct rnode *n) { return (n->mode & VFS_S_IFMT) == VFS_S_IFDIR; }

static void *ram_alloc(struct ramfs *fs, size_t size)
{
    if (fs->budget && size > fs->budget - fs->used)
        return NULL;
    void *p = vfs_mem_alloc(fs->have_alloc ? &fs->a : NULL, size);
    if (p)
        fs->used += size;
    return p;
}

static void ram_free(struct ramfs *fs, void *p, size_t size)
{
    if (!p)
        return;
    vfs_mem_free(fs->have_alloc ? &fs->a : NULL, p, size);
    fs->used -= size;
}

static const struct vfs_alloc *fs_alloc(const struct ramfs *fs)
{
    return fs->have_alloc ? &fs->a : NULL;
}

static void partial_add(struct ramfs *fs, struct chunk_slab *s)
{
    s->prev = NULL;
    s->next = fs->partial;
    if (fs->partial)
        fs->partial->prev = s;
    fs->partial = s;
}

static void partial_del(struct ramfs *fs, struct chunk_slab *s)
{
    if (s->prev)
        s->prev->next = s->next;
    else
        fs->partial = s->next;
    if (s->next)
        s->next->prev = s->prev;
}

/* Index of the first slab whose base is above p. */
static size_t slab_upper(const struct ramfs *fs, const void *p)
{
    size_t lo = 0, hi = fs->nslabs;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if ((const uint8_t *)p < fs->slabs[mid]->base)
            hi = mid;
        else
            lo = mid + 1;
    }
    return lo;
}

/* Room in fs->slabs for one more slab. */
static int slab_room(struct ramfs *fs)
{
    const struct vfs_alloc *a = fs_alloc(fs);
    if (fs->nslabs == fs->slabs_cap) {
        size_t cap = fs->slabs_cap ? fs->slabs_cap * 2 : 16;
        struct chunk_slab **v = vfs_mem_alloc(a, cap * sizeof *v);
        if (!v)
            return -1;
        if (fs->nslabs)
            memcpy(v, fs->slabs, fs->nslabs * sizeof *v);
        vfs_mem_free(a, fs->slabs, fs->slabs_cap * sizeof *v);
        fs->slabs = v;
        fs->slabs_cap = cap;
    }
    return 0;
}

/* Puts s in fs->slabs (slab_room made room), and on the partial list if it has free chunks. */
static void slab_insert(struct ramfs *fs, struct chunk_slab *s)
{
    size_t at = slab_upper(fs, s->base);
    memmove(&fs->slabs[at + 1], &fs->slabs[at], (fs->nslabs - at) * sizeof *fs->slabs);
    fs->slabs[at] = s;
    fs->nslabs++;
    if (s->nfree)
        partial_add(fs, s);
}

static int slab_add(struct ramfs *fs)
{
    const struct vfs_alloc *a = fs_alloc(fs);
    if (slab_room(fs) < 0)
        return -1;
    struct chunk_slab *s = vfs_mem_alloc(a, sizeof *s);
    if (!s)
        return -1;
    unsigned n = SLAB_CHUNKS;
    while (!(s->base = vfs_mem_alloc(a, (size_t)n * CHUNK_SIZE))) {
        if ((n /= 2) == 0) {
            vfs_mem_free(a, s, sizeof *s);
            return -1;              /* not even one chunk: ENOSPC for the caller */
        }
    }
    s->count = s->nfree = n;
    s->free = NULL;
    for (unsigned i = n; i-- > 0;) {
        uint8_t *c = s->base + (size_t)i * CHUNK_SIZE;
        *(void **)(void *)c = s->free;
        s->free = c;
    }
    slab_insert(fs, s);
    return 0;
}

/* Gives an empty slab back to the allocator. Never allocates. */
static void slab_release(struct ramfs *fs, size_t i)
{
    const struct vfs_alloc *a = fs_alloc(fs);
    struct chunk_slab *s = fs->slabs[i];
    if (s->nfree)                   /* 0: a filled slab released by ram_destroy */
        partial_del(fs, s);
    memmove(&fs->slabs[i], &fs->slabs[i + 1], (fs->nslabs - i - 1) * sizeof *fs->slabs);
    fs->nslabs--;
    vfs_mem_free(a, s->base, (size_t)s->count * CHUNK_SIZE);
    vfs_mem_free(a, s, sizeof *s);
    if (fs->nslabs == 0) {
        vfs_mem_free(a, fs->slabs, fs->slabs_cap * sizeof *fs->slabs);
        fs->slabs = NULL;
        fs->slabs_cap = 0;
    }
}

static uint8_t *chunk_alloc(struct ramfs *fs)
{
    if (fs->budget && CHUNK_SIZE > fs->budget - fs->used)
        return NULL;
    if (!fs->partial && slab_add(fs) < 0)
        return NULL;
    struct chunk_slab *s = fs->partial;
    uint8_t *c = s->free;
    s->free = *(void **)(void *)c;
    if (--s->nfree == 0)
        partial_del(fs, s);
    fs->used += CHUNK_SIZE;
    return c;
}

static void chunk_free(struct ramfs *fs, uint8_t *c)
{
    size_t i = slab_upper(fs, c) - 1;   /* c lies in some slab: i is valid */
    struct chunk_slab *s = fs->slabs[i];
    *(void **)(void *)c = s->free;
    s->free = c;
    if (++s->nfree == 1)
        partial_add(fs, s);
    fs->used -= CHUNK_SIZE;
    if (s->nfree == s->count)
        slab_release(fs, i);
}

/* ---------------------------------------------------------------- chunk tree */
static uint64_t span(unsigned height) { return (uint64_t)1 << (FAN_SHIFT * height); }

/* What chunk_get does about a missing chunk. */
enum chunk_mode {
    CHUNK_LOOKUP,   /* nothing: NULL */
    CHUNK_ZEROED,   /* create it zero-filled */
    CHUNK_WHOLE     /* create it unfilled: the caller overwrites all CHUNK_SIZE bytes
                       at once (a sequential write then costs one copy, not two) */
};

/* Grows the tree until it covers chunk idx: 0, or -1 (no memory, or past MAX_HEIGHT). */
static int tree_grow(struct ramfs *fs, struct rnode *f, uint64_t idx)
{
    while (idx >= span(f->height)) {
        if (f->height >= MAX_HEIGHT)
            return -1;
        if (f->root) {
            void **n = ram_alloc(fs, NODE_BYTES);
            if (!n)
                return -1;
            memset(n, 0, NODE_BYTES);
            n[0] = f->root;
            f->root = n;
        }
        f->height++;
    }
    return 0;
}

/* The slot of chunk idx (< span(f->height)); the nodes on the way are made when
 * `create`, else NULL when one is missing (or no memory). The slots of one leaf
 * node follow each other: slot[1] is chunk idx + 1 while idx + 1 is in the same leaf. */
static inline __attribute__((always_inline)) void **chunk_slot(struct ramfs *fs, struct rnode *f,
                                                             uint64_t idx, int create)
{
    void **slot = &f->root;
    for (unsigned lvl = f->height; lvl > 0; lvl--) {
        if (!*slot) {
            if (!create)
                return NULL;
            void *n = ram_alloc(fs, NODE_BYTES);
            if (!n)
                return NULL;
            memset(n, 0, NODE_BYTES);
            *slot = n;
        }
        void **node = *slot;
        slot = &node[(idx >> (FAN_SHIFT * (lvl - 1))) & (FAN - 1)];
    }
    return slot;
}

/* Chunks from idx on that share chunk idx's leaf node (its slots follow each other). */
static uint64_t leaf_left(const struct rnode *f, uint64_t idx)
{
    return f->height ? FAN - (idx & (FAN - 1)) : 1;
}

static uint8_t *chunk_get(struct ramfs *fs, struct rnode *f, uint64_t idx, enum chunk_mode mode)
{
    if (idx >= span(f->height) && (mode == CHUNK_LOOKUP || tree_grow(fs, f, idx) < 0))
        return NULL;
    void **slot = chunk_slot(fs, f, idx, mode != CHUNK_LOOKUP);
    if (!slot)
        return NULL;
    if (!*slot && mode != CHUNK_LOOKUP) {
        uint8_t *c = chunk_alloc(fs);
        if (!c)
            return NULL;
        if (mode != CHUNK_WHOLE)
            memset(c, 0, CHUNK_SIZE);
        *slot = c;
        f->chunks++;
    }
    return *slot;
}

/* chunk_get(..., CHUNK_LOOKUP) inline, for reads: no frame of its own (~20 instructions
 * a call for a one-chunk read). */
static inline __attribute__((always_inline)) const uint8_t *chunk_find(struct ramfs *fs,
                                                                     struct rnode *f,
                                                                     uint64_t idx)
{
    if (idx >= span(f->height))
        return NULL;
    void **slot = chunk_slot(fs, f, idx, 0);
    return slot ? *slot : NULL;
}

/* Frees every chunk with index >= first below *slot (a subtree of height lvl starting at
 * chunk base), and the tree nodes left with nothing to cover. Depth <= MAX_HEIGHT. */
static void tree_trim(struct ramfs *fs, struct rnode *f, void **slot, unsigned lvl,
                      uint64_t base, uint64_t first)
{
    if (!*slot)
        return;
    if (lvl == 0) {
        if (base >= first) {
            vfs_pin_wait(*slot, CHUNK_SIZE);     /* a reply may still be copied from it */
            chunk_free(fs, *slot);
            f->chunks--;
            *slot = NULL;
        }
        return;
    }
    void **kids = *slot;
    uint64_t child = span(lvl - 1);
    for (unsigned i = 0; i < FAN; i++) {
        uint64_t cb = base + i * child;
        if (cb + child <= first)
            continue;
        tree_trim(fs, f, &kids[i], lvl - 1, cb, first);
    }
    if (base >= first) {
        ram_free(fs, *slot, NODE_BYTES);
        *slot = NULL;
    }
}

static void file_trim(struct ramfs *fs, struct rnode *f, int64_t size)
{
    uint64_t first = ((uint64_t)size + CHUNK_SIZE - 1) >> CHUNK_SHIFT;
    tree_trim(fs, f, &f->root, f->height, 0, first);
    if (!f->root)
        f->height = 0;
    if (size & (CHUNK_SIZE - 1)) {
        uint8_t *c = chunk_get(fs, f, (uint64_t)size >> CHUNK_SHIFT, CHUNK_LOOKUP);
        size_t in = (size_t)(size & (CHUNK_SIZE - 1));
        if (c) {
            vfs_pin_wait(c + in, CHUNK_SIZE - in);
            memset(c + in, 0, CHUNK_SIZE - in);
        }
    }
}

/* ---------------------------------------------------------------- nodes */
static struct rnode *node_new(struct ramfs *fs, uint32_t mode)
{
    struct rnode *n = ram_alloc(fs, sizeof *n);
    if (!n)
        return NULL;
    memset(n, 0, sizeof *n);
    n->ino = fs->next_ino++;
    n->mode = mode;
    n->nlink = (mode & VFS_S_IFMT) == VFS_S_IFDIR ? 2 : 1;
    return n;
}

static void node_free(struct ramfs *fs, struct rnode *n)
{
    if (is_dir(n))
        ram_free(fs, n->ents, n->cap * sizeof *n->ents);
    else
        file_trim(fs, n, 0);
    ram_free(fs, n, sizeof *n);
}

static void maybe_free(struct ramfs *fs, struct rnode *n)
{
    if (n->nlink == 0 && n->opens == 0)
        node_free(fs, n);
}

/* Are a[0..len) and b[0..len) the same bytes? Eight at a time, then one at a time:
 * names are short (at most VFS_NAME_MAX), and the C library's memcmp cost ~70
 * instructions of set-up for a 9-byte name (docs/PERFORMANCE.md). */
static int same_name(const char *a, const char *b, size_t len)
{
    size_t i = 0;
    for (; i + 8 <= len; i += 8) {
        uint64_t x, y;
        memcpy(&x, a + i, 8);       /* unaligned loads, inline */
        memcpy(&y, b + i, 8);
        if (x != y)
            return 0;
    }
    for (; i < len; i++)
        if (a[i] != b[i])
            return 0;
    return 1;
}

static long dir_find(const struct rnode *d, const char *name, size_t len)
{
    for (size_t i = 0; i < d->count; i++)
        if (d->ents[i].len == len && same_name(d->ents[i].name, name, len))
            return (long)i;
    return -1;
}

static int dir_add(struct ramfs *fs, struct rnode *d, const char *name, size_t len,
                   struct rnode *n)
{
    if (d->count == d->cap) {
        size_t cap = d->cap ? d->cap * 2 : 4;
        struct rdirent *e = ram_alloc(fs, cap * sizeof *e);
        if (!e)
            return -ENOSPC;
        if (d->count)
            memcpy(e, d->ents, d->count * sizeof *e);
        ram_free(fs, d->ents, d->cap * sizeof *e);
        d->ents = e;
        d->cap = cap;
    }
    struct rdirent *e = &d->ents[d->count++];
    e->seq = d->next_seq++;
    e->node = n;
    e->len = (uint8_t)len;
    memcpy(e->name, name, len);
    return 0;
}

/* Never allocates, so removing works on a full file system. */
static void dir_del(struct ramfs *fs, struct rnode *d, size_t i)
{
    memmove(&d->ents[i], &d->ents[i + 1], (d->count - i - 1) * sizeof *d->ents);
    d->count--;
    if (d->count == 0) {
        ram_free(fs, d->ents, d->cap * sizeof *d->ents);
        d->ents = NULL;
        d->cap = 0;
    }
}

/* ---------------------------------------------------------------- operations */
static void *ram_root(struct vfs_fs *vfs_fs) { return ((struct ramfs *)vfs_fs)->root; }

static int ram_lookup(struct vfs_fs *vfs_fs, void *dir, const char *name, size_t len, void **out)
{
    (void)vfs_fs;
    struct rnode *d = dir;
    if (!is_dir(d))
        return -ENOTDIR;
    long i = dir_find(d, name, len);
    if (i < 0)
        return -ENOENT;
    *out = d->ents[i].node;
    return 0;
}

static int ram_getattr(struct vfs_fs *vfs_fs, void *node, struct vfs_stat *st)
{
    (void)vfs_fs;
    struct rnode *n = node;
    memset(st, 0, sizeof *st);
    st->st_ino = n->ino;
    st->st_mode = n->mode;
    st->st_nlink = n->nlink;
    st->st_blksize = CHUNK_SIZE;
    if (is_dir(n)) {
        st->st_size = (int64_t)n->count;
    } else {
        st->st_size = n->size;
        st->st_blocks = (int64_t)(n->chunks * (CHUNK_SIZE / 512));
    }
    return 0;
}

static uint32_t ram_mode(struct vfs_fs *vfs_fs, void *node)
{
    (void)vfs_fs;
    return ((const struct rnode *)node)->mode;
}

static void ram_ref(struct vfs_fs *vfs_fs, void *node)
{
    (void)vfs_fs;
    ((struct rnode *)node)->opens++;
}

static void ram_unref(struct vfs_fs *vfs_fs, void *node)
{
    struct rnode *n = node;
    n->opens--;
    maybe_free((struct ramfs *)vfs_fs, n);
}

/* What holes read as (never written). */
static const uint8_t zero_chunk[CHUNK_SIZE];

/* What a read of len bytes at off may return: -EISDIR, 0 at or past the end,
 * else 1 with len cut at the end of the file. */
static int64_t read_span(const struct rnode *f, size_t *len, int64_t off)
{
    if (is_dir(f))
        return -EISDIR;
    if (off >= f->size)
        return 0;
    if (*len > (uint64_t)(f->size - off))
        *len = (size_t)(f->size - off);
    return 1;
}

static int64_t ram_read(struct vfs_fs *vfs_fs, void *node, void *buf, size_t len, int64_t off)
{
    struct ramfs *fs = (struct ramfs *)vfs_fs;
    struct rnode *f = node;
    int64_t span = read_span(f, &len, off);
    if (span <= 0)
        return span;
    size_t done = 0;
    while (done < len) {
        uint64_t pos = (uint64_t)off + done;
        size_t in = (size_t)(pos & (CHUNK_SIZE - 1));
        size_t n = CHUNK_SIZE - in;
        if (n > len - done)
            n = len - done;
        const uint8_t *c = chunk_find(fs, f, pos >> CHUNK_SHIFT);
        if (c)
            memcpy((uint8_t *)buf + done, c + in, n);
        else
            memset((uint8_t *)buf + done, 0, n);
        done += n;
    }
    return (int64_t)done;
}

/* A read that lies in one chunk, answered with the chunk itself (a hole: zeros
 * that never change); -EAGAIN for any other (ram_read copies it). */
static int64_t ram_read_ref(struct vfs_fs *vfs_fs, void *node, size_t len, int64_t off,
                            const void **ref)
{
    struct ramfs *fs = (struct ramfs *)vfs_fs;
    struct rnode *f = node;
    int64_t span = read_span(f, &len, off);
    if (span <= 0)
        return span;
    size_t in = (size_t)(off & (CHUNK_SIZE - 1));
    if (in + len > CHUNK_SIZE)
        return -EAGAIN;
    const uint8_t *c = chunk_find(fs, f, (uint64_t)off >> CHUNK_SHIFT);
    *ref = (c ? c : zero_chunk) + in;
    return (int64_t)len;
}

static int64_t ram_write(struct vfs_fs *vfs_fs, void *node, const void *buf, size_t len,
                         int64_t off)
{
    struct ramfs *fs = (struct ramfs *)vfs_fs;
    struct rnode *f = node;
    if (is_dir(f))
        return -EISDIR;
    size_t done = 0;
    while (done < len) {
        uint64_t pos = (uint64_t)off + done;
        size_t in = (size_t)(pos & (CHUNK_SIZE - 1));
        size_t n = CHUNK_SIZE - in;
        if (n > len - done)
            n = len - done;
        enum chunk_mode mode = n == CHUNK_SIZE ? CHUNK_WHOLE : CHUNK_ZEROED;
        /* An existing chunk (a write over data) without chunk_get's frame. */
        uint8_t *c = (uint8_t *)(uintptr_t)chunk_find(fs, f, pos >> CHUNK_SHIFT);
        if (!c && !(c = chunk_get(fs, f, pos >> CHUNK_SHIFT, mode)))
            break;
        vfs_pin_wait(c + in, n);        /* no reply copies bytes a write changes */
        memcpy(c + in, (const uint8_t *)buf + done, n);
        done += n;
    }
    if (done && off + (int64_t)done > f->size)
        f->size = off + (int64_t)done;
    if (done == 0 && len > 0)
        return -ENOSPC;
    return (int64_t)done;
}

/* ---------------------------------------------------------------- direct I/O
 * The file's chunks as segments for io->move (docs/VFS.md, "Large reads and writes"):
 * neighbouring chunks of one slab merge into one segment, holes read as zero_chunk. */
struct seg_batch {
    struct vfs_seg seg[VFS_IO_SEGS];
    size_t n;
    uint64_t at;                    /* transfer offset of seg[0] */
    uint64_t bytes;                 /* bytes in seg[] */
};

/* Adds [p, p+len) to the batch, merged with the last segment when it follows it;
 * full: moves the batch first. 0 or -errno from move. */
static int batch_add(struct seg_batch *b, const struct vfs_io *io, const uint8_t *p, size_t len)
{
    uint64_t a = (uint64_t)(uintptr_t)p;
    if (b->n && b->seg[b->n - 1].addr + b->seg[b->n - 1].len == a && p != zero_chunk) {
        b->seg[b->n - 1].len += len;
    } else {
        if (b->n == VFS_IO_SEGS) {
            int rc = io->move(io->ctx, b->seg, b->n, b->at);
            if (rc < 0)
                return rc;
            b->at += b->bytes;
            b->n = 0;
            b->bytes = 0;
        }
        b->seg[b->n].addr = a;
        b->seg[b->n].len = len;
        b->n++;
    }
    b->bytes += len;
    return 0;
}

static int batch_flush(struct seg_batch *b, const struct vfs_io *io)
{
    int rc = b->n ? io->move(io->ctx, b->seg, b->n, b->at) : 0;
    if (rc == 0) {
        b->at += b->bytes;
        b->n = 0;
        b->bytes = 0;
    }
    return rc;
}

static int64_t ram_read_io(struct vfs_fs *vfs_fs, void *node, const struct vfs_io *io,
                           size_t len, int64_t off)
{
    struct ramfs *fs = (struct ramfs *)vfs_fs;
    struct rnode *f = node;
    int64_t ok = read_span(f, &len, off);
    if (ok <= 0)
        return ok;
    struct seg_batch b;             /* not `= { 0 }`: that clears seg[], 1 KiB, a memset */
    b.n = 0, b.at = 0, b.bytes = 0;
    int rc = 0;
    /* One walk per leaf node: the slots of its chunks follow each other. */
    for (size_t done = 0; done < len && rc == 0;) {
        uint64_t pos = (uint64_t)off + done, idx = pos >> CHUNK_SHIFT;
        size_t in = (size_t)(pos & (CHUNK_SIZE - 1));
        void **slot = idx < span(f->height) ? chunk_slot(fs, f, idx, 0) : NULL;
        uint64_t left = leaf_left(f, idx);
        for (uint64_t j = 0; j < left && done < len && rc == 0; j++) {
            size_t n = CHUNK_SIZE - in;
            if (n > len - done)
                n = len - done;
            const uint8_t *c = slot ? slot[j] : NULL;   /* no slot: a hole to the leaf's end */
            rc = batch_add(&b, io, c ? c + in : zero_chunk, n);
            done += n;
            in = 0;
        }
    }
    if (rc == 0)
        rc = batch_flush(&b, io);
    /* A failed move: what the earlier batches moved, if anything. */
    return rc < 0 ? (b.at ? (int64_t)b.at : rc) : (int64_t)len;
}

/* Filled slabs (io->fill): a run of at least SLAB_CHUNKS missing chunks that a write covers
 * whole gets one slab of exactly its chunks, made by the transport straight from the
 * client's bytes (one copy, no zeroing, one kernel call per FILL_CHUNKS chunks). The slab
 * is full when made; it goes back as soon as its last chunk is freed, like any slab, so a
 * removed file's memory still returns at once. Cost: a slab outlives its file while any
 * of its chunks is in use, so after a truncation a FILL_CHUNKS slab may be kept for one
 * chunk (docs/VFS.md, "Where the space goes"). */
#define FILL_CHUNKS 256             /* 1 MiB */

static uint64_t min_u64(uint64_t a, uint64_t b) { return a < b ? a : b; }

/* How many chunks from idx on, at most max, are missing; makes the leaf nodes on the way
 * (fewer chunks when a node cannot be had). */
static uint64_t missing_run(struct ramfs *fs, struct rnode *f, uint64_t idx, uint64_t max)
{
    uint64_t k = 0;
    while (k < max) {
        void **slot = chunk_slot(fs, f, idx + k, 1);
        if (!slot)
            break;
        uint64_t n = min_u64(leaf_left(f, idx + k), max - k), j = 0;
        while (j < n && !slot[j])
            j++;
        k += j;
        if (j < n)
            break;
    }
    return k;
}

/* Tries to write chunks idx.. (the transfer's bytes from `at`, `max` whole chunks of it
 * at most) into one filled slab. >0: bytes written; 0: not done this way (too short a
 * run, no memory: the caller takes chunks as usual); <0: -errno from io->fill. */
static int64_t fill_run(struct ramfs *fs, struct rnode *f, const struct vfs_io *io, uint64_t idx,
                        uint64_t max, uint64_t at, uint8_t **made)
{
    max = min_u64(max, FILL_CHUNKS);
    if (max < SLAB_CHUNKS || tree_grow(fs, f, idx + max - 1) < 0)
        return 0;
    uint64_t k = missing_run(fs, f, idx, max);
    if (fs->budget)
        k = min_u64(k, fs->used < fs->budget ? (fs->budget - fs->used) / CHUNK_SIZE : 0);
    if (k < SLAB_CHUNKS || slab_room(fs) < 0)
        return 0;
    const struct vfs_alloc *a = fs_alloc(fs);
    struct chunk_slab *s = vfs_mem_alloc(a, sizeof *s);
    if (!s)
        return 0;
    void *base;
    int rc = io->fill(io->ctx, (size_t)k * CHUNK_SIZE, at, &base);
    if (rc < 0) {
        vfs_mem_free(a, s, sizeof *s);
        return rc == -ENOMEM || rc == -EOPNOTSUPP ? 0 : rc;
    }
    s->base = *made = base;
    s->count = (unsigned)k;
    s->nfree = 0;
    s->free = NULL;
    slab_insert(fs, s);
    for (uint64_t i = 0; i < k;) {        /* one walk per leaf node: made by missing_run */
        void **slot = chunk_slot(fs, f, idx + i, 0);
        uint64_t n = min_u64(leaf_left(f, idx + i), k - i);
        for (uint64_t j = 0; j < n; j++)
            slot[j] = s->base + (i + j) * CHUNK_SIZE;
        i += n;
    }
    f->chunks += k;
    fs->used += k * CHUNK_SIZE;
    return (int64_t)(k * CHUNK_SIZE);
}

/* Writing: the chunks are got first (a whole one unfilled, as ram_write), then
 * filled by move; a long run of new chunks is one filled slab instead (fill_run).
 * When a move fails, the bytes of its batch are zeroed: a new chunk never shows
 * another file's old data (the range a failed write was to cover is then zeros,
 * as POSIX leaves it unspecified). */
static int64_t ram_write_io(struct vfs_fs *vfs_fs, void *node, const struct vfs_io *io,
                            size_t len, int64_t off)
{
    struct ramfs *fs = (struct ramfs *)vfs_fs;
    struct rnode *f = node;
    if (is_dir(f))
        return -EISDIR;
    struct seg_batch b;             /* not `= { 0 }`: that clears seg[], 1 KiB, a memset */
    b.n = 0, b.at = 0, b.bytes = 0;
    size_t done = 0;
    int rc = 0, try_fill = io->fill != NULL;
    while (done < len) {
        uint64_t pos = (uint64_t)off + done;
        size_t in = (size_t)(pos & (CHUNK_SIZE - 1));
        size_t n = CHUNK_SIZE - in;
        if (n > len - done)
            n = len - done;
        uint8_t *c = NULL;
        if (try_fill && in == 0 && len - done >= SLAB_CHUNKS * CHUNK_SIZE &&
            !(c = chunk_get(fs, f, pos >> CHUNK_SHIFT, CHUNK_LOOKUP))) {
            /* The batch still pending (bytes before done) is moved after the fill, so a
             * fill that fails leaves it unmoved: the call then fails as a whole when
             * nothing before it was moved, as with one batch. */
            uint8_t *made;
            int64_t w = fill_run(fs, f, io, pos >> CHUNK_SHIFT, (len - done) / CHUNK_SIZE, done,
                                 &made);
            if (w < 0) {
                rc = (int)w;
                break;
            }
            if (w > 0) {
                if ((rc = batch_flush(&b, io)) < 0) {
                    memset(made, 0, (size_t)w);   /* not counted as written: zeros */
                    break;
                }
                done += (size_t)w;
                b.at = done;
                continue;
            }
            try_fill = 0;               /* no run here or no memory: not again this call */
        }
        /* The batch is moved before it would take another segment: keep it room. */
        if (b.n == VFS_IO_SEGS && (rc = batch_flush(&b, io)) < 0)
            break;
        /* An existing chunk (a write over data) without chunk_get's frame, as ram_write. */
        if (!c && !(c = (uint8_t *)(uintptr_t)chunk_find(fs, f, pos >> CHUNK_SHIFT)))
            c = chunk_get(fs, f, pos >> CHUNK_SHIFT, n == CHUNK_SIZE ? CHUNK_WHOLE : CHUNK_ZEROED);
        if (!c)
            break;
        vfs_pin_wait(c + in, n);
        batch_add(&b, io, c + in, n);       /* room was kept: no move here */
        done += n;
    }
    if (rc == 0)
        rc = batch_flush(&b, io);
    if (rc < 0) {
        for (size_t i = 0; i < b.n; i++)     /* the failed batch, possibly half filled */
            memset((uint8_t *)(uintptr_t)b.seg[i].addr, 0, b.seg[i].len);
        done = (size_t)b.at;
    }
    if (done && off + (int64_t)done > f->size)
        f->size = off + (int64_t)done;
    if (done == 0 && len > 0)
        return rc < 0 ? rc : -ENOSPC;
    return (int64_t)done;
}

static int ram_truncate(struct vfs_fs *vfs_fs, void *node, int64_t size)
{
    struct rnode *f = node;
    if (is_dir(f))
        return -EISDIR;
    if (size < f->size)
        file_trim((struct ramfs *)vfs_fs, f, size);
    f->size = size;
    return 0;
}

static int ram_create(struct vfs_fs *vfs_fs, void *dir, const char *name, size_t len,
                      uint32_t mode, void **out)
{
    struct ramfs *fs = (struct ramfs *)vfs_fs;
    struct rnode *d = dir;
    if (!is_dir(d))
        return -ENOTDIR;
    if (d->nlink == 0)
        return -ENOENT;                 /* created in a removed directory */
    if (dir_find(d, name, len) >= 0)
        return -EEXIST;
    struct rnode *n = node_new(fs, mode);
    if (!n)
        return -ENOSPC;
    if (dir_add(fs, d, name, len, n)) {
        ram_free(fs, n, sizeof *n);
        return -ENOSPC;
    }
    if (is_dir(n))
        d->nlink++;
    *out = n;
    return 0;
}

static int ram_remove(struct vfs_fs *vfs_fs, void *dir, const char *name, size_t len, int rmdir)
{
    struct ramfs *fs = (struct ramfs *)vfs_fs;
    struct rnode *d = dir;
    if (!is_dir(d))
        return -ENOTDIR;
    long i = dir_find(d, name, len);
    if (i < 0)
        return -ENOENT;
    struct rnode *n = d->ents[i].node;
    if (rmdir) {
        if (!is_dir(n))
            return -ENOTDIR;
        if (n->count)
            return -ENOTEMPTY;
        n->nlink = 0;
        d->nlink--;
    } else {
        if (is_dir(n))
            return -EISDIR;
        n->nlink--;
    }
    dir_del(fs, d, (size_t)i);
    maybe_free(fs, n);
    return 0;
}

static int ram_rename(struct vfs_fs *vfs_fs, void *odir, const char *oname, size_t olen,
                      void *ndir, const char *nname, size_t nlen)
{
    struct ramfs *fs = (struct ramfs *)vfs_fs;
    struct rnode *od = odir, *nd = ndir;
    if (!is_dir(od) || !is_dir(nd))
        return -ENOTDIR;
    long oi = dir_find(od, oname, olen);
    if (oi < 0)
        return -ENOENT;
    if (nd->nlink == 0)
        return -ENOENT;
    struct rnode *src = od->ents[oi].node;
    long ni = dir_find(nd, nname, nlen);
    if (ni >= 0) {
        struct rnode *tgt = nd->ents[ni].node;
        if (tgt == src)
            return 0;
        if (is_dir(src) && !is_dir(tgt))
            return -ENOTDIR;
        if (!is_dir(src) && is_dir(tgt))
            return -EISDIR;
        if (is_dir(tgt) && tgt->count)
            return -ENOTEMPTY;
        nd->ents[ni].node = src;        /* the target keeps its place in the listing */
        dir_del(fs, od, (size_t)oi);
        if (is_dir(src)) {
            tgt->nlink = 0;
            od->nlink--;                /* src left od; tgt left nd, src arrived: net 0 */
        } else {
            tgt->nlink--;
        }
        maybe_free(fs, tgt);
        return 0;
    }
    int rc = dir_add(fs, nd, nname, nlen, src);   /* first, so ENOSPC changes nothing */
    if (rc)
        return rc;
    dir_del(fs, od, (size_t)oi);                /* appending never moved index oi */
    if (is_dir(src) && od != nd) {
        od->nlink--;
        nd->nlink++;
    }
    return 0;
}

static int ram_readdir(struct vfs_fs *vfs_fs, void *dir, uint64_t *cookie,
                       struct vfs_dirent *out)
{
    (void)vfs_fs;
    struct rnode *d = dir;
    if (!is_dir(d))
        return -ENOTDIR;
    size_t lo = 0, hi = d->count;       /* first entry with seq >= *cookie */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (d->ents[mid].seq < *cookie)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == d->count)
        return 0;
    const struct rdirent *e = &d->ents[lo];
    memset(out, 0, sizeof *out);
    out->d_ino = e->node->ino;
    out->d_type = is_dir(e->node) ? VFS_DT_DIR : VFS_DT_REG;
    out->d_namlen = e->len;
    memcpy(out->d_name, e->name, e->len);
    *cookie = e->seq + 1;
    return 1;
}

/* Iterative: directories can nest deeper than any path (rename builds chains). */
static void ram_destroy(struct vfs_fs *vfs_fs)
{
    struct ramfs *fs = (struct ramfs *)vfs_fs;
    struct rnode *list = fs->root;
    vfs_pin_wait_all();                 /* no reply copies from a slab released here */
    if (list)
        list->next = NULL;
    while (list) {
        struct rnode *d = list;
        list = d->next;
        for (size_t i = 0; i < d->count; i++) {
            struct rnode *n = d->ents[i].node;
            if (is_dir(n)) {
                n->next = list;
                list = n;
            } else if (--n->nlink == 0 && n->opens == 0) {
                node_free(fs, n);
            }
        }
        node_free(fs, d);
    }
    while (fs->nslabs)                  /* chunks of files still open when unmounted */
        slab_release(fs, fs->nslabs - 1);
    struct vfs_alloc a = fs->a;
    vfs_mem_free(fs->have_alloc ? &a : NULL, fs, sizeof *fs);
}

static const struct vfs_fs_ops ramfs_ops = {
    .root = ram_root,
    .lookup = ram_lookup,
    .getattr = ram_getattr,
    .mode = ram_mode,
    .ref = ram_ref,
    .unref = ram_unref,
    .read = ram_read,
    .read_ref = ram_read_ref,
    .write = ram_write,
    .read_io = ram_read_io,
    .write_io = ram_write_io,
    .truncate = ram_truncate,
    .create = ram_create,
    .remove = ram_remove,
    .rename = ram_rename,
    .readdir = ram_readdir,
    .destroy = ram_destroy,
};

int ramfs_create(const struct vfs_alloc *a, uint64_t budget, struct vfs_fs **out)
{
    struct ramfs *fs = vfs_mem_alloc(a, sizeof *fs);
    if (!fs)
        return -ENOMEM;
    memset(fs, 0, sizeof *fs);
    fs->base.ops = &ramfs_ops;
    if (a) {
        fs->a = *a;
        fs->have_alloc = 1;
    }
    fs->budget = budget;
    fs->next_ino = 1;
    fs->root = node_new(fs, VFS_S_IFDIR | 0755);
    if (!fs->root) {
        vfs_mem_free(a, fs, sizeof *fs);
        return -ENOSPC;
    }
    *out = &fs->base;
    return 0;
}
