/*
 * VFS core: the namespace: the mount table, file system types, path resolution and the
 * life cycle of a struct vfs. Must never let a path reach outside the mount it resolves to.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "vfs_internal.h"

/* ---------------------------------------------------------------- memory */
void *vfs_mem_alloc(const struct vfs_alloc *a, size_t size)
{
    return a ? a->alloc(a->ctx, size) : malloc(size);
}

void vfs_mem_free(const struct vfs_alloc *a, void *p, size_t size)
{
    if (!p)
        return;
    if (a)
        a->free(a->ctx, p, size);
    else
        free(p);
}

const struct vfs_alloc *vfs_allocator(struct vfs *vfs)
{
    return vfs->have_alloc ? &vfs->a : NULL;
}

/* ---------------------------------------------------------------- mounts */
/* Rebuilds vfs->by_len after a mount table change (an insertion sort: 16 entries). */
static void mounts_changed(struct vfs *vfs)
{
    vfs_names_changed(vfs);
    int n = 0;
    for (int i = 0; i < VFS_MOUNT_MAX; i++) {
        struct vfs_mount *m = &vfs->mounts[i];
        if (!m->used)
            continue;
        int j = n++;
        while (j > 0 && vfs->by_len[j - 1]->path_len < m->path_len) {
            vfs->by_len[j] = vfs->by_len[j - 1];
            j--;
        }
        vfs->by_len[j] = m;
    }
    vfs->nmounts = n;
}

/* ---------------------------------------------------------------- name cache
 * A few absolute normal paths that resolved to a node, looked up by their bytes before
 * any resolution (~200 instructions of normalisation check, mount search and walk for
 * a one-component path). An entry holds while the namespace generation it was made in
 * lasts: every call that can take a name away, move one or change the mounts (unlink,
 * rmdir, rename, mount, umount) starts a new generation, so a cached node is never one
 * whose name is gone (nodes are freed only after their last name is). Adding names
 * (open with O_CREAT, mkdir) changes no resolution that succeeded. What a walk checks
 * on the way (each directory a search right) cannot change either: no call changes a
 * node's mode. A call that could (a chmod) would have to start a generation too.
 * Failures are not cached. */
/* path: absolute and normal (a resolved path). */
void vfs_name_put(struct vfs *vfs, const char *path, size_t len, struct vfs_mount *mnt,
                  void *node)
{
    if (len == 0 || len >= VFS_PATH_MAX)
        return;
    struct vfs_name_entry *e = &vfs->names[vfs_name_slot(path, len)];
    memcpy(e->path, path, len);
    e->len = len;
    e->mnt = mnt;
    e->node = node;
    e->gen = vfs->ns_gen;
}

/* The mount p (normalised) resolves to: the longest mount path that is p or a directory
 * above it ("/" covers everything). */
static struct vfs_mount *find_mount(struct vfs *vfs, const char *p, size_t len,
                                    const char **rest, size_t *rest_len)
{
    for (int i = 0; i < vfs->nmounts; i++) {
        struct vfs_mount *m = vfs->by_len[i];
        size_t ml = m->path_len;
        if (ml == 1) {                  /* "/" */
            *rest = p + 1;
            *rest_len = len - 1;
            return m;
        }
        if (len >= ml && (len == ml || p[ml] == '/') && memcmp(p, m->path, ml) == 0) {
            size_t skip = ml + (len > ml);
            *rest = p + skip;
            *rest_len = len - skip;
            return m;
        }
    }
    return NULL;                        /* "/" is always mounted: never taken */
}

/* Is some mount strictly below the directory at p? (it would be cut off by a rename) */
int vfs_mount_below(struct vfs *vfs, const char *p, size_t len)
{
    for (int i = 0; i < VFS_MOUNT_MAX; i++) {
        struct vfs_mount *m = &vfs->mounts[i];
        if (m->used && m->path_len > len && (len == 1 || m->path[len] == '/') &&
            memcmp(m->path, p, len) == 0)
            return 1;
    }
    return 0;
}

int vfs_mnt_ro(const struct vfs_mount *m)
{
    return (m->flags & VFS_MS_RDONLY) || m->fs->read_only;
}

/* ---------------------------------------------------------------- resolution */
/* Can we look names up in node? ENOTDIR when it is a file, EACCES without search right. */
int vfs_check_search(struct vfs_mount *m, void *node)
{
    if (m->fs->ops->mode) {
        uint32_t mode = m->fs->ops->mode(m->fs, node);
        if ((mode & VFS_S_IFMT) != VFS_S_IFDIR)
            return -ENOTDIR;
        return mode & VFS_S_IXUSR ? 0 : -EACCES;
    }
    struct vfs_stat st;
    int rc = vfs_node_stat(m, node, &st);
    if (rc)
        return rc;
    if (!vfs_st_is_dir(&st))
        return -ENOTDIR;
    return st.st_mode & VFS_S_IXUSR ? 0 : -EACCES;
}

/* Follows the components of p[0..len) (normalised: no empty, "." or ".." ones). */
int vfs_walk(struct vfs_mount *m, const char *p, size_t len, void **out)
{
    void *node = m->fs->ops->root(m->fs);
    size_t i = 0;
    while (i < len) {
        size_t start = i;
        i = vfs_next_slash(p, i, len);
        int rc = vfs_check_search(m, node);
        if (rc)
            return rc;
        rc = m->fs->ops->lookup(m->fs, node, p + start, i - start, &node);
        if (rc)
            return rc;
        i++;
    }
    *out = node;
    return 0;
}

/* The directory holding the last component of r (r->rest_len > 0) and that name. */
int vfs_walk_parent(const struct resolved *r, void **dir, const char **name, size_t *nlen)
{
    size_t cut = r->rest_len;
    while (cut >= 8 && !vfs_word_has_zero(vfs_word_at(r->rest + cut - 8) ^ 0x2f2f2f2f2f2f2f2full))
        cut -= 8;                       /* eight bytes without a '/' at once */
    while (cut > 0 && r->rest[cut - 1] != '/')
        cut--;
    *name = r->rest + cut;
    *nlen = r->rest_len - cut;
    int rc = vfs_walk(r->mnt, r->rest, cut ? cut - 1 : 0, dir);
    if (rc)
        return rc;
    return vfs_check_search(r->mnt, *dir);
}

int vfs_resolve(struct vfs *vfs, const char *cwd, size_t cwd_len, const char *path,
                   size_t len, struct resolved *r)
{
    /* The common case (an absolute path, normal already) is used where it lies: no copy. */
    if (path && len > 0 && len < VFS_PATH_MAX && vfs_path_is_normal(path, len)) {
        r->path = path;
        r->len = len;
        r->must_dir = 0;
    } else {
        int rc = vfs_path_normalize(cwd, cwd_len, path, len, r->buf, sizeof r->buf, &r->len,
                                    &r->must_dir);
        if (rc)
            return rc;
        r->path = r->buf;
    }
    r->mnt = find_mount(vfs, r->path, r->len, &r->rest, &r->rest_len);
    return r->mnt ? 0 : -ENOENT;        /* "/" is always mounted: never taken */
}

/* ---------------------------------------------------------------- file systems by type */
static int ramfs_type(void *ctx, struct vfs *vfs, const struct vfs_mount_args *a,
                      struct vfs_fs **out)
{
    (void)ctx;
    return ramfs_create(vfs_allocator(vfs), a->size, out);
}

static int romfs_type(void *ctx, struct vfs *vfs, const struct vfs_mount_args *a,
                      struct vfs_fs **out)
{
    (void)ctx;
    const void *img;
    size_t len;
    if (!vfs->image)
        return -ENOENT;
    int rc = vfs->image(vfs->image_ctx, a->source, a->source_len, &img, &len);
    if (rc)
        return rc;
    return romfs_create(vfs_allocator(vfs), img, len, 0, out);
}

int vfs_register_fstype(struct vfs *vfs, const char *name, vfs_fstype_fn fn, void *ctx)
{
    size_t len = name ? strlen(name) : 0;     /* a name from the server's own code */
    if (len == 0 || len > FSTYPE_NAME_MAX || !fn)
        return -EINVAL;
    struct fstype *slot = NULL;
    for (int i = 0; i < FSTYPE_MAX; i++) {
        struct fstype *t = &vfs->types[i];
        if (t->fn && strcmp(t->name, name) == 0)
            return -EEXIST;
        if (!t->fn && !slot)
            slot = t;
    }
    if (!slot)
        return -ENOSPC;
    memcpy(slot->name, name, len + 1);
    slot->fn = fn;
    slot->ctx = ctx;
    return 0;
}

static const struct fstype *find_fstype(struct vfs *vfs, const char *name, size_t len)
{
    for (int i = 0; i < FSTYPE_MAX; i++) {
        const struct fstype *t = &vfs->types[i];
        if (t->fn && strlen(t->name) == len && memcmp(t->name, name, len) == 0)
            return t;
    }
    return NULL;
}

/* mkdir -p of a mount point inside the file system that covers it. */
static int make_mountpoint(struct vfs *vfs, const char *p, size_t len)
{
    const char *rest;
    size_t rest_len;
    struct vfs_mount *m = find_mount(vfs, p, len, &rest, &rest_len);
    if (!m)
        return -ENOENT;
    void *node = m->fs->ops->root(m->fs);
    size_t i = 0;
    while (i < rest_len) {
        size_t start = i;
        while (i < rest_len && rest[i] != '/')
            i++;
        int rc = vfs_check_search(m, node);
        if (rc)
            return rc;
        void *next;
        rc = m->fs->ops->lookup(m->fs, node, rest + start, i - start, &next);
        if (rc == -ENOENT && !vfs_mnt_ro(m))
            rc = m->fs->ops->create(m->fs, node, rest + start, i - start,
                                    VFS_S_IFDIR | 0755, &next);
        if (rc)
            return rc;
        node = next;
        i++;
    }
    return vfs_check_search(m, node);
}

static int str_ok(const char *s, size_t len)
{
    return (s || !len) && !(len && memchr(s, 0, len));
}

int vfs_mount(struct vfs *vfs, const struct vfs_mount_args *a)
{
    char path[VFS_PATH_MAX];
    size_t len;
    int must_dir, rc;

    if (!str_ok(a->source, a->source_len) || !str_ok(a->target, a->target_len) ||
        !str_ok(a->fstype, a->fstype_len))
        return -EINVAL;
    if (a->target_len == 0 || a->target[0] != '/')
        return -EINVAL;
    rc = vfs_path_normalize("/", 1, a->target, a->target_len, path, sizeof path, &len,
                            &must_dir);
    if (rc)
        return rc;
    const struct fstype *t = find_fstype(vfs, a->fstype, a->fstype_len);
    if (!t)
        return -ENODEV;

    struct vfs_mount *slot = NULL, *old_root = NULL;
    for (int i = 0; i < VFS_MOUNT_MAX; i++) {
        struct vfs_mount *m = &vfs->mounts[i];
        if (m->used && m->path_len == len && memcmp(m->path, path, len) == 0) {
            if (len != 1 || m->opens || vfs_mount_below(vfs, "/", 1))
                return -EBUSY;
            old_root = m;               /* "/" may be replaced while unused */
        }
        if (!m->used && !slot)
            slot = m;
    }
    if (old_root)
        slot = old_root;
    if (!slot)
        return -ENOSPC;

    struct vfs_fs *fs;
    rc = t->fn(t->ctx, vfs, a, &fs);
    if (rc)
        return rc;
    if (old_root) {
        old_root->fs->ops->destroy(old_root->fs);
    } else if ((rc = make_mountpoint(vfs, path, len)) != 0) {
        fs->ops->destroy(fs);
        return rc;
    }
    slot->used = 1;
    slot->id = vfs->next_mount_id++;
    memcpy(slot->path, path, len + 1);
    slot->path_len = len;
    slot->fs = fs;
    slot->flags = a->flags & VFS_MS_RDONLY;
    slot->opens = 0;
    mounts_changed(vfs);
    return 0;
}

int vfs_umount(struct vfs *vfs, const char *target, size_t target_len)
{
    char path[VFS_PATH_MAX];
    size_t len;
    int must_dir;
    if (!str_ok(target, target_len) || target_len == 0 || target[0] != '/')
        return -EINVAL;
    int rc = vfs_path_normalize("/", 1, target, target_len, path, sizeof path, &len, &must_dir);
    if (rc)
        return rc;
    for (int i = 0; i < VFS_MOUNT_MAX; i++) {
        struct vfs_mount *m = &vfs->mounts[i];
        if (!m->used || m->path_len != len || memcmp(m->path, path, len) != 0)
            continue;
        if (len == 1 || m->opens || vfs_mount_below(vfs, path, len))
            return -EBUSY;
        m->fs->ops->destroy(m->fs);
        memset(m, 0, sizeof *m);
        mounts_changed(vfs);
        return 0;
    }
    return -EINVAL;                     /* not a mount point */
}
/* ---------------------------------------------------------------- life cycle */
int vfs_create(const struct vfs_config *cfg, struct vfs **out)
{
    const struct vfs_alloc *a = cfg ? cfg->alloc : NULL;
    struct vfs *vfs = vfs_mem_alloc(a, sizeof *vfs);
    if (!vfs)
        return -ENOMEM;
    memset(vfs, 0, sizeof *vfs);
    if (a) {
        vfs->a = *a;
        vfs->have_alloc = 1;
    }
    if (cfg) {
        vfs->image = cfg->image;
        vfs->image_ctx = cfg->image_ctx;
        vfs->fstab_from_vfs = cfg->fstab_from_vfs;
    }
    vfs->next_mount_id = 1;
    vfs->ns_gen = 1;                    /* entries of generation 0 are empty */
    vfs_register_fstype(vfs, "ramfs", ramfs_type, NULL);
    vfs_register_fstype(vfs, "romfs", romfs_type, NULL);

    struct vfs_mount *root = &vfs->mounts[0];
    int rc = ramfs_create(vfs_allocator(vfs), cfg ? cfg->root_budget : 0, &root->fs);
    if (rc) {
        vfs_mem_free(a, vfs, sizeof *vfs);
        return rc;
    }
    root->used = 1;
    root->id = vfs->next_mount_id++;
    root->path[0] = '/';
    root->path_len = 1;
    mounts_changed(vfs);
    *out = vfs;
    return 0;
}

void vfs_destroy(struct vfs *vfs)
{
    if (!vfs)
        return;
    while (vfs->clients)
        vfs_client_destroy(vfs->clients);
    for (int i = VFS_MOUNT_MAX - 1; i >= 0; i--)
        if (vfs->mounts[i].used)
            vfs->mounts[i].fs->ops->destroy(vfs->mounts[i].fs);
    struct vfs_alloc a = vfs->a;
    vfs_mem_free(vfs->have_alloc ? &a : NULL, vfs, sizeof *vfs);
}
/* ---------------------------------------------------------------- for vfs_args.c */
/* Reads a whole small file (-f fstab) from the "romfs" image or from the tree. */
int vfs_internal_read_file(struct vfs *vfs, const char *path, size_t len, char *buf,
                           size_t cap, size_t *out_len)
{
    struct resolved r;
    struct vfs_mount tmp;
    struct vfs_fs *fs = NULL;
    void *node;
    struct vfs_stat st = {0};
    int rc;

    if (vfs->image && !vfs->fstab_from_vfs) {
        const void *img;
        size_t ilen;
        rc = vfs->image(vfs->image_ctx, "romfs", 5, &img, &ilen);
        if (!rc)
            rc = romfs_create(vfs_allocator(vfs), img, ilen, 0, &fs);
        if (rc)
            return rc;
        memset(&tmp, 0, sizeof tmp);
        tmp.fs = fs;
        rc = vfs_path_normalize("/", 1, path, len, r.buf, sizeof r.buf, &r.len, &r.must_dir);
        r.path = r.buf;
        if (!rc) {
            r.mnt = &tmp;
            r.rest = r.path + 1;
            r.rest_len = r.len - 1;
        }
    } else {
        rc = vfs_resolve(vfs, "/", 1, path, len, &r);
    }
    if (!rc)
        rc = vfs_walk(r.mnt, r.rest, r.rest_len, &node);
    if (!rc)
        rc = vfs_node_stat(r.mnt, node, &st);
    if (!rc && vfs_st_is_dir(&st))
        rc = -EISDIR;
    if (!rc && st.st_size > (int64_t)cap)
        rc = -EFBIG;
    if (!rc) {
        int64_t n = st.st_size ? r.mnt->fs->ops->read(r.mnt->fs, node, buf, (size_t)st.st_size, 0)
                               : 0;
        if (n < 0)
            rc = (int)n;
        else
            *out_len = (size_t)n;
    }
    if (fs)
        fs->ops->destroy(fs);
    return rc;
}

