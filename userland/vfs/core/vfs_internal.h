/*
 * VFS core: the private structures shared by vfs_mount.c (namespace: mounts and path
 * resolution) and vfs.c (clients, descriptors, file calls). Not for the server's use.
 */
#ifndef VFS_CORE_VFS_INTERNAL_H
#define VFS_CORE_VFS_INTERNAL_H

#include "vfs_fs.h"

#define FSTYPE_MAX      8
#define FSTYPE_NAME_MAX 15

struct vfs_mount {
    int used;
    uint32_t id;                    /* st_dev */
    char path[VFS_PATH_MAX];        /* normalised, absolute */
    size_t path_len;
    struct vfs_fs *fs;
    unsigned flags;                 /* VFS_MS_RDONLY */
    uint32_t opens;                 /* open files: umount is EBUSY while > 0 */
};

/* An open file description. Only one descriptor refers to it (there is no dup yet). */
struct vfs_file {
    struct vfs_mount *mnt;
    void *node;                     /* pinned with ops->ref */
    int flags;
    int is_dir;
    int64_t pos;                    /* byte offset, or readdir cookie for a directory */
};

struct vfs_client {
    struct vfs *vfs;
    struct vfs_client *prev, *next;
    struct vfs_file *fds[VFS_FD_MAX];
    /* One file description inside the client, used when free: a client with one file
     * open at a time never calls the allocator (picolibc's malloc and free take a
     * lock each: ~200 instructions an open+close). */
    struct vfs_file own_file;
    int own_file_busy;
    char cwd[VFS_PATH_MAX];
    size_t cwd_len;
};

/* Path bytes eight at a time (vfs_path.c, vfs_walk): paths are short and most of their
 * bytes are plain name bytes, which a byte loop pays ~5-8 instructions each for. */
static inline uint64_t vfs_word_at(const char *p)
{
    uint64_t w;
    __builtin_memcpy(&w, p, sizeof w);      /* an unaligned load, inline */
    return w;
}

/* Does w hold a zero byte? (exact: no false hit, no miss) */
static inline int vfs_word_has_zero(uint64_t w)
{
    return ((w - 0x0101010101010101ull) & ~w & 0x8080808080808080ull) != 0;
}

/* Does w hold a '/' or a NUL? */
static inline int vfs_word_has_slash_or_nul(uint64_t w)
{
    return vfs_word_has_zero(w) || vfs_word_has_zero(w ^ 0x2f2f2f2f2f2f2f2full);
}

/* The index of the first '/' in p[i..len), or len. */
static inline size_t vfs_next_slash(const char *p, size_t i, size_t len)
{
    while (i + 8 <= len && !vfs_word_has_zero(vfs_word_at(p + i) ^ 0x2f2f2f2f2f2f2f2full))
        i += 8;
    while (i < len && p[i] != '/')
        i++;
    return i;
}

struct fstype {
    char name[FSTYPE_NAME_MAX + 1];
    vfs_fstype_fn fn;
    void *ctx;
};

/* A name cache entry (vfs_mount.c, "name cache"): an absolute normal path that
 * resolved to mnt's node while the namespace generation was gen. */
#define VFS_NAME_CACHE 4
struct vfs_name_entry {
    uint64_t gen;                   /* 0: empty */
    struct vfs_mount *mnt;
    void *node;
    size_t len;
    char path[VFS_PATH_MAX];
};

struct vfs {
    struct vfs_alloc a;
    /* The namespace generation: bumped by every call that can remove a name, move one
     * or change the mounts (vfs_names_changed), which empties the name cache. */
    uint64_t ns_gen;
    struct vfs_name_entry names[VFS_NAME_CACHE];
    int have_alloc;
    vfs_image_fn image;
    void *image_ctx;
    int fstab_from_vfs;
    struct vfs_mount mounts[VFS_MOUNT_MAX];
    /* The used mounts, longest path first (vfs_mounts_changed): the first that covers
     * a path is the one it resolves to. */
    struct vfs_mount *by_len[VFS_MOUNT_MAX];
    int nmounts;
    uint32_t next_mount_id;
    struct fstype types[FSTYPE_MAX];
    struct vfs_client *clients;
};

/* The name cache (vfs_mount.c): paths that resolved before, without their walk. The
 * lookup is inline in stat and open (its call and frame were ~10 of their instructions). */
static inline size_t vfs_name_slot(const char *path, size_t len)
{
    return (len ^ (unsigned char)path[len - 1]) & (VFS_NAME_CACHE - 1);
}

/* Eight bytes at a time; from 8 bytes on, a tail of 1..7 is the word ending at the last
 * byte (it overlaps bytes already found equal and reads nothing past either string). */
static inline int vfs_same_bytes(const char *a, const char *b, size_t len)
{
    size_t i = 0;
    if (len < 8) {
        for (; i < len; i++)
            if (a[i] != b[i])
                return 0;
        return 1;
    }
    for (; i + 8 < len; i += 8)     /* every word but the last, which ends at len */
        if (vfs_word_at(a + i) != vfs_word_at(b + i))
            return 0;
    return vfs_word_at(a + len - 8) == vfs_word_at(b + len - 8);
}

static inline void *vfs_name_find(struct vfs *vfs, const char *path, size_t len,
                                  struct vfs_mount **mnt)
{
    if (!path || len == 0 || len >= VFS_PATH_MAX || path[0] != '/')
        return NULL;                /* relative paths depend on the cwd: never cached */
    const struct vfs_name_entry *e = &vfs->names[vfs_name_slot(path, len)];
    if (e->gen != vfs->ns_gen || e->len != len || !vfs_same_bytes(e->path, path, len))
        return NULL;
    *mnt = e->mnt;
    return e->node;
}
void vfs_name_put(struct vfs *vfs, const char *path, size_t len, struct vfs_mount *mnt,
                  void *node);
static inline void vfs_names_changed(struct vfs *vfs) { vfs->ns_gen++; }

/* A path resolved to its mount: rest is the part inside the mount ("" = its root). */
struct resolved {
    const char *path;               /* the caller's path when normal already, else buf;
                                       len bytes, not NUL-terminated */
    char buf[VFS_PATH_MAX];
    size_t len;
    int must_dir;
    struct vfs_mount *mnt;
    const char *rest;
    size_t rest_len;
};

static inline int vfs_st_is_dir(const struct vfs_stat *st)
{
    return (st->st_mode & VFS_S_IFMT) == VFS_S_IFDIR;
}

/* vfs_mount.c: the namespace */
int vfs_mnt_ro(const struct vfs_mount *m);
int vfs_mount_below(struct vfs *vfs, const char *p, size_t len);
/* The node's attributes, st_dev the mount's. Inline: stat of a cached path is this and
 * the name cache's lookup (a call and its frame were ~10 of its instructions). */
static inline int vfs_node_stat(struct vfs_mount *m, void *node, struct vfs_stat *st)
{
    int rc = m->fs->ops->getattr(m->fs, node, st);
    st->st_dev = m->id;
    return rc;
}
int vfs_check_search(struct vfs_mount *m, void *node);
int vfs_walk(struct vfs_mount *m, const char *p, size_t len, void **out);
int vfs_walk_parent(const struct resolved *r, void **dir, const char **name, size_t *nlen);
int vfs_resolve(struct vfs *vfs, const char *cwd, size_t cwd_len, const char *path, size_t len,
                struct resolved *r);
/* vfs_mount.c, for vfs_args.c: a whole small file (-f fstab) */
int vfs_internal_read_file(struct vfs *vfs, const char *path, size_t len, char *buf,
                           size_t cap, size_t *out_len);

#endif
