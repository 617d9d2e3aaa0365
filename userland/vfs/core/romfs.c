/*
 * VFS core: romfs, the read-only file system over an image built by tools/mkromfs.py.
 * Reads the image in place; every offset, length and index taken from the image is
 * bounds-checked before use, so a corrupt image gives EINVAL (mount) or EIO, never a crash.
 */
#include <errno.h>
#include <string.h>

#include "romfs_format.h"
#include "vfs_fs.h"

struct romfs {
    struct vfs_fs base;
    struct vfs_alloc a;
    int have_alloc;
    const uint8_t *img;
    uint32_t size;                  /* image_size from the header, checked <= buffer */
    uint32_t count;                 /* inodes */
    uint32_t itab;                  /* inode table offset; the table is inside the image */
};

/* A decoded, range-checked inode. */
struct rino {
    uint32_t idx, mode, off, size;
};

static uint32_t le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint16_t le16(const uint8_t *p) { return (uint16_t)(p[0] | p[1] << 8); }

static int rdir(const struct rino *i) { return (i->mode & VFS_S_IFMT) == VFS_S_IFDIR; }

/* Nodes handed to the VFS layer point at their inode record inside the image. */
static void *node_of(const struct romfs *fs, uint32_t idx)
{
    return (void *)(uintptr_t)(fs->img + fs->itab + (size_t)idx * ROMFS_INODE_SIZE);
}

static uint32_t idx_of(const struct romfs *fs, const void *node)
{
    return (uint32_t)(((uintptr_t)node - (uintptr_t)(fs->img + fs->itab)) / ROMFS_INODE_SIZE);
}

static int inode_get(const struct romfs *fs, uint32_t idx, struct rino *out)
{
    if (idx >= fs->count)
        return -EIO;
    const uint8_t *p = fs->img + fs->itab + (size_t)idx * ROMFS_INODE_SIZE;
    out->idx = idx;
    out->mode = le32(p + ROMFS_INO_MODE);
    out->off = le32(p + ROMFS_INO_OFFSET);
    out->size = le32(p + ROMFS_INO_SIZE);
    if (le32(p + ROMFS_INO_RESERVED) != 0 || (out->mode & ~(VFS_S_IFMT | 0777u)))
        return -EIO;
    uint64_t bytes;
    if (rdir(out))
        bytes = (uint64_t)out->size * ROMFS_DIRENT_SIZE;
    else if ((out->mode & VFS_S_IFMT) == VFS_S_IFREG)
        bytes = out->size;
    else
        return -EIO;
    if ((uint64_t)out->off + bytes > fs->size)
        return -EIO;
    return 0;
}

/* Entry i of directory d: its inode index and name, all checked. */
static int dent_get(const struct romfs *fs, const struct rino *d, uint32_t i, uint32_t *ino,
                    const char **name, size_t *len)
{
    if (i >= d->size)
        return -EIO;
    const uint8_t *p = fs->img + d->off + (size_t)i * ROMFS_DIRENT_SIZE;
    uint32_t noff = le32(p + ROMFS_DE_NAME_OFF);
    uint16_t nlen = le16(p + ROMFS_DE_NAME_LEN);
    *ino = le32(p + ROMFS_DE_INODE);
    if (*ino >= fs->count || nlen == 0 || nlen > VFS_NAME_MAX ||
        le16(p + ROMFS_DE_RESERVED) != 0 || (uint64_t)noff + nlen > fs->size)
        return -EIO;
    const char *s = (const char *)fs->img + noff;
    if (memchr(s, '/', nlen) || memchr(s, '\0', nlen) || (nlen == 1 && s[0] == '.') ||
        (nlen == 2 && s[0] == '.' && s[1] == '.'))
        return -EIO;
    *name = s;
    *len = nlen;
    return 0;
}

static int name_cmp(const char *a, size_t alen, const char *b, size_t blen)
{
    int c = memcmp(a, b, alen < blen ? alen : blen);
    if (c)
        return c;
    return alen < blen ? -1 : alen > blen;
}

static int node_inode(const struct romfs *fs, const void *node, struct rino *out)
{
    return inode_get(fs, idx_of(fs, node), out);
}

/* ---------------------------------------------------------------- operations */
static void *rom_root(struct vfs_fs *vfs_fs) { return node_of((struct romfs *)vfs_fs, 0); }

static int rom_lookup(struct vfs_fs *vfs_fs, void *dir, const char *name, size_t len, void **out)
{
    struct romfs *fs = (struct romfs *)vfs_fs;
    struct rino d;
    int rc = node_inode(fs, dir, &d);
    if (rc)
        return rc;
    if (!rdir(&d))
        return -ENOTDIR;
    uint32_t lo = 0, hi = d.size;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2, ino;
        const char *s;
        size_t slen;
        rc = dent_get(fs, &d, mid, &ino, &s, &slen);
        if (rc)
            return rc;
        int c = name_cmp(name, len, s, slen);
        if (c == 0) {
            *out = node_of(fs, ino);
            return 0;
        }
        if (c < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    return -ENOENT;
}

static int rom_getattr(struct vfs_fs *vfs_fs, void *node, struct vfs_stat *st)
{
    struct romfs *fs = (struct romfs *)vfs_fs;
    struct rino n;
    int rc = node_inode(fs, node, &n);
    if (rc)
        return rc;
    memset(st, 0, sizeof *st);
    st->st_ino = (uint64_t)n.idx + 1;
    st->st_mode = n.mode & ~0222u;
    st->st_size = n.size;
    st->st_blksize = 4096;
    st->st_nlink = 1;
    if (rdir(&n)) {
        st->st_nlink = 2;
        for (uint32_t i = 0; i < n.size; i++) {
            uint32_t ino;
            const char *s;
            size_t slen;
            struct rino k;
            if (dent_get(fs, &n, i, &ino, &s, &slen) || inode_get(fs, ino, &k))
                return -EIO;
            if (rdir(&k) && st->st_nlink < UINT32_MAX)
                st->st_nlink++;
        }
    } else {
        st->st_blocks = ((int64_t)n.size + 511) / 512;
    }
    return 0;
}

static void rom_ref(struct vfs_fs *fs, void *node) { (void)fs; (void)node; }

static int64_t rom_read(struct vfs_fs *vfs_fs, void *node, void *buf, size_t len, int64_t off)
{
    struct romfs *fs = (struct romfs *)vfs_fs;
    struct rino n;
    int rc = node_inode(fs, node, &n);
    if (rc)
        return rc;
    if (rdir(&n))
        return -EISDIR;
    if (len == 0 || off >= (int64_t)n.size)
        return 0;
    if (len > n.size - (uint64_t)off)
        len = (size_t)(n.size - (uint64_t)off);
    memcpy(buf, fs->img + n.off + (size_t)off, len);
    return (int64_t)len;
}

static int64_t rom_write(struct vfs_fs *fs, void *node, const void *buf, size_t len, int64_t off)
{
    (void)fs; (void)node; (void)buf; (void)len; (void)off;
    return -EROFS;
}

static int rom_truncate(struct vfs_fs *fs, void *node, int64_t size)
{
    (void)fs; (void)node; (void)size;
    return -EROFS;
}

static int rom_create(struct vfs_fs *fs, void *dir, const char *name, size_t len,
                      uint32_t mode, void **out)
{
    (void)fs; (void)dir; (void)name; (void)len; (void)mode; (void)out;
    return -EROFS;
}

static int rom_remove(struct vfs_fs *fs, void *dir, const char *name, size_t len, int rmdir)
{
    (void)fs; (void)dir; (void)name; (void)len; (void)rmdir;
    return -EROFS;
}

static int rom_rename(struct vfs_fs *fs, void *odir, const char *oname, size_t olen,
                      void *ndir, const char *nname, size_t nlen)
{
    (void)fs; (void)odir; (void)oname; (void)olen; (void)ndir; (void)nname; (void)nlen;
    return -EROFS;
}

static int rom_readdir(struct vfs_fs *vfs_fs, void *dir, uint64_t *cookie,
                       struct vfs_dirent *out)
{
    struct romfs *fs = (struct romfs *)vfs_fs;
    struct rino d, k;
    int rc = node_inode(fs, dir, &d);
    if (rc)
        return rc;
    if (!rdir(&d))
        return -ENOTDIR;
    if (*cookie >= d.size)
        return 0;
    uint32_t ino;
    const char *s;
    size_t slen;
    rc = dent_get(fs, &d, (uint32_t)*cookie, &ino, &s, &slen);
    if (rc)
        return rc;
    rc = inode_get(fs, ino, &k);
    if (rc)
        return rc;
    memset(out, 0, sizeof *out);
    out->d_ino = (uint64_t)ino + 1;
    out->d_type = rdir(&k) ? VFS_DT_DIR : VFS_DT_REG;
    out->d_namlen = (uint32_t)slen;
    memcpy(out->d_name, s, slen);
    (*cookie)++;
    return 1;
}

static void rom_destroy(struct vfs_fs *vfs_fs)
{
    struct romfs *fs = (struct romfs *)vfs_fs;
    struct vfs_alloc a = fs->a;
    vfs_mem_free(fs->have_alloc ? &a : NULL, fs, sizeof *fs);
}

static const struct vfs_fs_ops romfs_ops = {
    .root = rom_root,
    .lookup = rom_lookup,
    .getattr = rom_getattr,
    .ref = rom_ref,
    .unref = rom_ref,
    .read = rom_read,
    .write = rom_write,
    .truncate = rom_truncate,
    .create = rom_create,
    .remove = rom_remove,
    .rename = rom_rename,
    .readdir = rom_readdir,
    .destroy = rom_destroy,
};

/* The whole image, once: every inode and every entry, directories sorted. O(size). */
static int check_all(const struct romfs *fs)
{
    for (uint32_t i = 0; i < fs->count; i++) {
        struct rino n, k;
        if (inode_get(fs, i, &n))
            return -EINVAL;
        if (!rdir(&n))
            continue;
        const char *prev = NULL;
        size_t prev_len = 0;
        for (uint32_t e = 0; e < n.size; e++) {
            uint32_t ino;
            const char *s;
            size_t slen;
            if (dent_get(fs, &n, e, &ino, &s, &slen) || inode_get(fs, ino, &k))
                return -EINVAL;
            if (ino == 0 || (prev && name_cmp(prev, prev_len, s, slen) >= 0))
                return -EINVAL;
            prev = s;
            prev_len = slen;
        }
    }
    return 0;
}

int romfs_create(const struct vfs_alloc *a, const void *image, size_t len, unsigned flags,
                 struct vfs_fs **out)
{
    const uint8_t *p = image;
    if (!p || len < ROMFS_HDR_SIZE || memcmp(p, ROMFS_MAGIC, ROMFS_MAGIC_LEN) != 0 ||
        le32(p + ROMFS_HDR_VERSION) != ROMFS_VERSION ||
        le32(p + ROMFS_HDR_HDRSIZE) != ROMFS_HDR_SIZE || le32(p + ROMFS_HDR_RESERVED) != 0)
        return -EINVAL;
    uint32_t size = le32(p + ROMFS_HDR_IMAGE_SIZE);
    uint32_t count = le32(p + ROMFS_HDR_INODE_COUNT);
    uint32_t itab = le32(p + ROMFS_HDR_INODE_OFF);
    if (size < ROMFS_HDR_SIZE || size > len || count == 0 || itab < ROMFS_HDR_SIZE ||
        (uint64_t)itab + (uint64_t)count * ROMFS_INODE_SIZE > size)
        return -EINVAL;

    struct romfs *fs = vfs_mem_alloc(a, sizeof *fs);
    if (!fs)
        return -ENOMEM;
    memset(fs, 0, sizeof *fs);
    fs->base.ops = &romfs_ops;
    fs->base.read_only = 1;
    if (a) {
        fs->a = *a;
        fs->have_alloc = 1;
    }
    fs->img = p;
    fs->size = size;
    fs->count = count;
    fs->itab = itab;
    struct rino root;
    int bad = inode_get(fs, 0, &root) || !rdir(&root);
    if (!bad && !(flags & ROMFS_CHECK_LAZY))
        bad = check_all(fs) != 0;
    if (bad) {
        vfs_mem_free(a, fs, sizeof *fs);
        return -EINVAL;
    }
    *out = &fs->base;
    return 0;
}
