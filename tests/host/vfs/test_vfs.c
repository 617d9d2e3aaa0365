/*
 * Host tests of the VFS core (userland/vfs/core), built with ASan/UBSan by
 * tests/host/test_vfs_host.py. argv[1]: a romfs image made by tools/mkromfs.py from the tree
 * that test_vfs_host.py writes (contents listed at test_romfs_contents).
 * Errors are compared by name (ENOENT, ...): host and target C libraries number them apart.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../check.h"
#include "romfs_format.h"
#include "vfs.h"
#include "vfs_fs.h"

#define P(s) (s), strlen(s)             /* a C string as (pointer, length) */
#define OK 0

static unsigned char *romfs_img;
static size_t romfs_len;

/* ---------------------------------------------------------------- helpers */
static uint64_t rng_state = 0x9e3779b97f4a7c15ull;
static uint64_t rnd(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

static unsigned char pattern(uint64_t i) { return (unsigned char)(i * 7 + i / 251); }

static int image_fn(void *ctx, const char *src, size_t len, const void **img, size_t *ilen)
{
    (void)ctx;
    if (len != 5 || memcmp(src, "romfs", 5) != 0 || !romfs_img)
        return -ENOENT;
    *img = romfs_img;
    *ilen = romfs_len;
    return 0;
}

static struct vfs *new_vfs(uint64_t budget)
{
    struct vfs_config cfg = {.root_budget = budget, .image = image_fn};
    struct vfs *v = NULL;
    int rc = vfs_create(&cfg, &v);
    CHECK_EQ(rc, 0);
    if (rc)
        exit(1);
    return v;
}

static struct vfs_client *new_client(struct vfs *v)
{
    struct vfs_client *c = NULL;
    int rc = vfs_client_create(v, &c);
    CHECK_EQ(rc, 0);
    if (rc)
        exit(1);
    return c;
}

/* Creates (or truncates) path with the given contents. */
static int put(struct vfs_client *c, const char *path, const char *data)
{
    int fd = vfs_open(c, P(path), VFS_O_CREAT | VFS_O_TRUNC | VFS_O_WRONLY, 0644);
    if (fd < 0)
        return fd;
    int64_t n = vfs_write(c, fd, data, strlen(data));
    vfs_close(c, fd);
    return n == (int64_t)strlen(data) ? 0 : n < 0 ? (int)n : -EIO;
}

/* Reads a whole file into buf (NUL-terminated); returns its length or -errno. */
static int64_t get(struct vfs_client *c, const char *path, char *buf, size_t cap)
{
    int fd = vfs_open(c, P(path), VFS_O_RDONLY, 0);
    if (fd < 0)
        return fd;
    int64_t total = 0, n;
    while ((n = vfs_read(c, fd, buf + total, cap - 1 - (size_t)total)) > 0)
        total += n;
    vfs_close(c, fd);
    buf[total] = '\0';
    return n < 0 ? n : total;
}

static int exists(struct vfs_client *c, const char *path)
{
    struct vfs_stat st;
    return vfs_stat(c, P(path), &st) == 0;
}

/* ---------------------------------------------------------------- paths */
struct path_case {
    const char *cwd, *in;
    const char *out;                    /* NULL: expect err */
    int err, must_dir;
};

static void test_path_normalisation(void)
{
    static const struct path_case cases[] = {
        {"/", "/", "/", 0, 1},
        {"/", "//", "/", 0, 1},
        {"/", "///a//b///", "/a/b", 0, 1},
        {"/", "/a/./b/.", "/a/b", 0, 1},
        {"/", "/a/../b", "/b", 0, 0},
        {"/", "/a/b/..", "/a", 0, 1},
        {"/", "/..", "/", 0, 1},
        {"/", "/../../../etc/passwd", "/etc/passwd", 0, 0},
        {"/x/y", "../../../../etc", "/etc", 0, 0},
        {"/x/y", "z", "/x/y/z", 0, 0},
        {"/x/y", ".", "/x/y", 0, 1},
        {"/x/y", "..", "/x", 0, 1},
        {"/x/y", "./a/../../b", "/x/b", 0, 0},
        {"/", "a", "/a", 0, 0},
        {"/", ".../..", "/", 0, 1},         /* "..." is an ordinary name */
        {"/", "...", "/...", 0, 0},
        {"/", "", NULL, -ENOENT, 0},
        /* the edges of the one-pass check of an absolute path already normal */
        {"/", "/a/b", "/a/b", 0, 0},
        {"/", "/.a/..b/a.", "/.a/..b/a.", 0, 0},
        {"/", "/a/.", "/a", 0, 1},
        {"/", "/a/..", "/", 0, 1},
        {"/", "/./a", "/a", 0, 0},
        {"/", "/a//b", "/a/b", 0, 0},
        {"/", "/a/", "/a", 0, 1},
        {"/x", "/a", "/a", 0, 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const struct path_case *t = &cases[i];
        char out[VFS_PATH_MAX];
        size_t n = 0;
        int md = -1;
        int rc = vfs_path_normalize(P(t->cwd), P(t->in), out, sizeof out, &n, &md);
        if (!t->out) {
            CHECK_EQ(rc, t->err);
            continue;
        }
        CHECK_EQ(rc, 0);
        if (rc == 0) {
            if (strcmp(out, t->out) != 0)
                fprintf(stderr, "case %zu: '%s' -> '%s', want '%s'\n", i, t->in, out, t->out);
            CHECK(strcmp(out, t->out) == 0);
            CHECK_EQ(n, strlen(t->out));
            CHECK_EQ(md, t->must_dir);
        }
    }

    char out[VFS_PATH_MAX], in[4 * VFS_PATH_MAX];
    size_t n;
    int md;
    /* embedded NUL: the length rules, the NUL is an error */
    CHECK_EQ(vfs_path_normalize(P("/"), "/a\0b", 4, out, sizeof out, &n, &md), -EINVAL);
    /* no path bytes but a length: refuse rather than read */
    CHECK_EQ(vfs_path_normalize(P("/"), NULL, 3, out, sizeof out, &n, &md), -EFAULT);
    CHECK_EQ(vfs_path_normalize(P("/"), P("/a"), out, 10, &n, &md), -EINVAL);
    /* a huge length is refused before a single byte is read */
    CHECK_EQ(vfs_path_normalize(P("/"), "/a", SIZE_MAX, out, sizeof out, &n, &md),
             -ENAMETOOLONG);
    /* components: 64 bytes fit, 65 do not */
    memset(in, 'x', sizeof in);
    in[0] = '/';
    CHECK_EQ(vfs_path_normalize(P("/"), in, 1 + VFS_NAME_MAX, out, sizeof out, &n, &md), 0);
    CHECK_EQ(vfs_path_normalize(P("/"), in, 2 + VFS_NAME_MAX, out, sizeof out, &n, &md),
             -ENAMETOOLONG);
    /* whole paths: 255 bytes fit, 256 do not */
    for (size_t i = 0; i < sizeof in; i += 32)
        in[i] = '/';
    CHECK_EQ(vfs_path_normalize(P("/"), in, VFS_PATH_MAX - 1, out, sizeof out, &n, &md), 0);
    CHECK_EQ(n, VFS_PATH_MAX - 1);
    CHECK_EQ(vfs_path_normalize(P("/"), in, VFS_PATH_MAX, out, sizeof out, &n, &md),
             -ENAMETOOLONG);
    /* relative to a long cwd: the joined result is what counts */
    char cwd[VFS_PATH_MAX];
    memcpy(cwd, in, 200);
    CHECK_EQ(vfs_path_normalize(cwd, 200, in + 1, 100, out, sizeof out, &n, &md),
             -ENAMETOOLONG);
    CHECK_EQ(vfs_path_normalize(cwd, 200, P("../../../../../../../../a"), out, sizeof out, &n,
                                &md), 0);
    CHECK(strcmp(out, "/a") == 0);
    /* a long climb stays at "/" */
    size_t k = 0;
    in[k++] = 'a';
    while (k + 3 < VFS_PATH_MAX - 1) {
        memcpy(in + k, "/..", 3);
        k += 3;
    }
    CHECK_EQ(vfs_path_normalize(P("/deep"), in, k, out, sizeof out, &n, &md), 0);
    CHECK(strcmp(out, "/") == 0);

    /* The one-pass check skips eight name bytes at a time: a '/', "/.", "/..", "//",
     * a NUL or a trailing '/' at every offset of a 70-byte name (words, tails, and a
     * component one past VFS_NAME_MAX) must give what the general way gives for the
     * same path behind "/." (which is never normal already). */
    static const char *const marks[] = { "/", "/.", "/..", "//", "/./", NULL, "/a", "/.a" };
    for (size_t m = 0; m < sizeof marks / sizeof marks[0]; m++) {
        for (size_t at = 1; at < 70; at++) {
            char p[128], q[130], o1[VFS_PATH_MAX], o2[VFS_PATH_MAX];
            memset(p, 'y', sizeof p);
            p[0] = '/';
            size_t ml = marks[m] ? strlen(marks[m]) : 1;     /* NULL: one NUL byte */
            memcpy(p + at, marks[m] ? marks[m] : "", ml);
            for (size_t len = at + ml; len <= 72; len += 7) {
                q[0] = '/';
                q[1] = '.';
                memcpy(q + 2, p, len);
                size_t n1 = 0, n2 = 0;
                int md1 = -1, md2 = -1;
                int r1 = vfs_path_normalize(P("/"), p, len, o1, sizeof o1, &n1, &md1);
                int r2 = vfs_path_normalize(P("/"), q, len + 2, o2, sizeof o2, &n2, &md2);
                if (r1 != r2 || (r1 == 0 && (n1 != n2 || memcmp(o1, o2, n1) != 0 || md1 != md2)))
                    fprintf(stderr, "mark %zu at %zu len %zu: %d '%s' vs %d '%s'\n", m, at, len,
                            r1, r1 ? "" : o1, r2, r2 ? "" : o2);
                CHECK_EQ(r1, r2);
                if (r1 == 0 && r2 == 0) {
                    CHECK_EQ(n1, n2);
                    CHECK(memcmp(o1, o2, n1) == 0);
                    CHECK_EQ(md1, md2);
                }
            }
        }
    }
}

/* ---------------------------------------------------------------- table-driven calls */
enum { MKDIR, RMDIR, UNLINK, OPEN, STAT, RENAME, CHDIR, PUT };

struct step {
    int op;
    const char *a, *b;
    int arg;                            /* OPEN: flags; MKDIR, OPEN: mode (0: 0755/0644) */
    int mode;
    int expect;                         /* 0 or -errno; OPEN: 0 means "an fd" */
};

static const struct step script[] = {
    {MKDIR, "/a", 0, 0, 0, OK},
    {MKDIR, "/a", 0, 0, 0, -EEXIST},
    {MKDIR, "/a/", 0, 0, 0, -EEXIST},
    {MKDIR, "/a/b/c", 0, 0, 0, -ENOENT},
    {MKDIR, "/a/b", 0, 0, 0, OK},
    {PUT, "/a/f", "hello", 0, 0, OK},
    {MKDIR, "/a/f/x", 0, 0, 0, -ENOTDIR},
    {MKDIR, "/", 0, 0, 0, -EEXIST},
    {MKDIR, "/a/.", 0, 0, 0, -EEXIST},
    {MKDIR, "", 0, 0, 0, -ENOENT},
    {MKDIR, "/a/c/", 0, 0, 0, OK},
    {RMDIR, "/a/c/", 0, 0, 0, OK},
    {RMDIR, "/a", 0, 0, 0, -ENOTEMPTY},
    {RMDIR, "/a/f", 0, 0, 0, -ENOTDIR},
    {RMDIR, "/", 0, 0, 0, -EBUSY},
    {RMDIR, "/a/b/.", 0, 0, 0, -EINVAL},
    {RMDIR, "/a/b/..", 0, 0, 0, -EINVAL},
    {RMDIR, "/nope", 0, 0, 0, -ENOENT},
    {RMDIR, "/nope/x", 0, 0, 0, -ENOENT},
    {UNLINK, "/a/b", 0, 0, 0, -EISDIR},
    {UNLINK, "/a/nope", 0, 0, 0, -ENOENT},
    {UNLINK, "/a/f/", 0, 0, 0, -ENOTDIR},
    {UNLINK, "/a/b/", 0, 0, 0, -EISDIR},
    {UNLINK, "/", 0, 0, 0, -EISDIR},
    {UNLINK, "/a/f/x", 0, 0, 0, -ENOTDIR},
    {OPEN, "/a/nope", 0, VFS_O_RDONLY, 0, -ENOENT},
    {OPEN, "/a/f", 0, VFS_O_CREAT | VFS_O_EXCL | VFS_O_WRONLY, 0, -EEXIST},
    {OPEN, "/a/f", 0, VFS_O_CREAT | VFS_O_WRONLY, 0, OK},
    {OPEN, "/a", 0, VFS_O_WRONLY, 0, -EISDIR},
    {OPEN, "/a", 0, VFS_O_RDWR, 0, -EISDIR},
    {OPEN, "/a", 0, VFS_O_RDONLY | VFS_O_TRUNC, 0, -EISDIR},
    {OPEN, "/a", 0, VFS_O_RDONLY, 0, OK},
    {OPEN, "/a/", 0, VFS_O_RDONLY | VFS_O_DIRECTORY, 0, OK},
    {OPEN, "/a/f", 0, VFS_O_RDONLY | VFS_O_DIRECTORY, 0, -ENOTDIR},
    {OPEN, "/a/f/", 0, VFS_O_RDONLY, 0, -ENOTDIR},
    {OPEN, "/a/new/", 0, VFS_O_CREAT | VFS_O_WRONLY, 0, -EISDIR},
    {OPEN, "/a/f", 0, VFS_O_ACCMODE, 0, -EINVAL},
    {OPEN, "/a/x", 0, VFS_O_CREAT | VFS_O_DIRECTORY, 0, -EINVAL},
    {OPEN, "/a/nodir/x", 0, VFS_O_CREAT | VFS_O_WRONLY, 0, -ENOENT},
    {OPEN, "/a/f/x", 0, VFS_O_CREAT | VFS_O_WRONLY, 0, -ENOTDIR},
    {OPEN, "/", 0, VFS_O_CREAT | VFS_O_EXCL | VFS_O_WRONLY, 0, -EEXIST},
    {OPEN, "/", 0, VFS_O_RDONLY, 0, OK},
    {STAT, "/a/f/x", 0, 0, 0, -ENOTDIR},
    {STAT, "/a/f/", 0, 0, 0, -ENOTDIR},
    {STAT, "/a/b/", 0, 0, 0, OK},
    {STAT, "/a/b/../f", 0, 0, 0, OK},
    {STAT, "/a/./b/./", 0, 0, 0, OK},
    {RENAME, "/a/nope", "/a/x", 0, 0, -ENOENT},
    {RENAME, "/a", "/a/b/c", 0, 0, -EINVAL},
    {RENAME, "/a", "/a/b", 0, 0, -EINVAL},
    {RENAME, "/a/f", "/a/b", 0, 0, -EISDIR},
    {MKDIR, "/d1", 0, 0, 0, OK},
    {MKDIR, "/d1/sub", 0, 0, 0, OK},
    {MKDIR, "/d2", 0, 0, 0, OK},
    {RENAME, "/d2", "/a/f", 0, 0, -ENOTDIR},
    {RENAME, "/d2", "/d1", 0, 0, -ENOTEMPTY},
    {RENAME, "/d1/sub", "/d2", 0, 0, OK},      /* over an empty directory */
    {STAT, "/d1/sub", 0, 0, 0, -ENOENT},
    {RMDIR, "/d1", 0, 0, 0, OK},
    {RENAME, "/d2", "/d1", 0, 0, OK},
    {RENAME, "/d1", "/d1/", 0, 0, OK},         /* itself */
    {RENAME, "/a/f", "/a/f", 0, 0, OK},
    {RENAME, "/a/f", "/a/g", 0, 0, OK},
    {STAT, "/a/f", 0, 0, 0, -ENOENT},
    {STAT, "/a/g", 0, 0, 0, OK},
    {RENAME, "/a/g", "/a/nodir/g", 0, 0, -ENOENT},
    {RENAME, "/a/g/", "/a/h", 0, 0, -ENOTDIR},
    {RENAME, "/a/g", "/a/h/", 0, 0, -ENOTDIR},
    {RENAME, "/", "/x", 0, 0, -EBUSY},
    {RENAME, "/a/g", "/", 0, 0, -EBUSY},
    {RENAME, "/a/.", "/x", 0, 0, -EINVAL},
    {RENAME, "/a/g", "/a/..", 0, 0, -EINVAL},
    {RENAME, "/a/b", "/b", 0, 0, OK},          /* a directory to another parent */
    {STAT, "/b", 0, 0, 0, OK},
    {RENAME, "/b", "/a/b", 0, 0, OK},
    {CHDIR, "/a/g", 0, 0, 0, -ENOTDIR},
    {CHDIR, "/nope", 0, 0, 0, -ENOENT},
    {CHDIR, "/a", 0, 0, 0, OK},
    {STAT, "g", 0, 0, 0, OK},
    {STAT, "b/../g", 0, 0, 0, OK},
    {STAT, "../a/g", 0, 0, 0, OK},
    {STAT, "../../../a/g", 0, 0, 0, OK},
    {PUT, "rel", "x", 0, 0, OK},
    {CHDIR, "b", 0, 0, 0, OK},
    {STAT, "/a/rel", 0, 0, 0, OK},
    {UNLINK, "../rel", 0, 0, 0, OK},
    {CHDIR, "/", 0, 0, 0, OK},
    /* permissions are the owner's bits (every client is the owner) */
    {MKDIR, "/ro", 0, 0, 0555, OK},
    {PUT, "/ro/x", "x", 0, 0, -EACCES},
    {MKDIR, "/ro/y", 0, 0, 0, -EACCES},
    {MKDIR, "/nox", 0, 0, 0666, OK},
    {STAT, "/nox/z", 0, 0, 0, -EACCES},
    {CHDIR, "/nox", 0, 0, 0, -EACCES},
    {OPEN, "/r444", 0, VFS_O_CREAT | VFS_O_WRONLY, 0444, OK},   /* creator may write */
    {OPEN, "/r444", 0, VFS_O_WRONLY, 0, -EACCES},
    {OPEN, "/r444", 0, VFS_O_RDONLY | VFS_O_TRUNC, 0, -EACCES},
    {OPEN, "/r444", 0, VFS_O_RDONLY, 0, OK},
    {UNLINK, "/r444", 0, 0, 0, OK},
    {OPEN, "/w222", 0, VFS_O_CREAT | VFS_O_WRONLY, 0222, OK},
    {OPEN, "/w222", 0, VFS_O_RDONLY, 0, -EACCES},
    {OPEN, "/w222", 0, VFS_O_WRONLY, 0, OK},
};

static void test_call_table(void)
{
    struct vfs *v = new_vfs(0);
    struct vfs_client *c = new_client(v);
    struct vfs_stat st;
    for (size_t i = 0; i < sizeof script / sizeof script[0]; i++) {
        const struct step *s = &script[i];
        int rc = -9999;
        switch (s->op) {
        case MKDIR: rc = vfs_mkdir(c, P(s->a), s->mode ? (uint32_t)s->mode : 0755); break;
        case RMDIR: rc = vfs_rmdir(c, P(s->a)); break;
        case UNLINK: rc = vfs_unlink(c, P(s->a)); break;
        case STAT: rc = vfs_stat(c, P(s->a), &st); break;
        case RENAME: rc = vfs_rename(c, P(s->a), P(s->b)); break;
        case CHDIR: rc = vfs_chdir(c, P(s->a)); break;
        case PUT: rc = put(c, s->a, s->b); break;
        case OPEN:
            rc = vfs_open(c, P(s->a), s->arg, s->mode ? (uint32_t)s->mode : 0644);
            if (rc >= 0) {
                CHECK_EQ(vfs_close(c, rc), 0);
                rc = 0;
            }
            break;
        }
        if (rc != s->expect)
            fprintf(stderr, "script step %zu (op %d '%s' '%s'): %d, want %d\n", i, s->op,
                    s->a, s->b ? s->b : "", rc, s->expect);
        CHECK_EQ(rc, s->expect);
    }
    vfs_destroy(v);                     /* also closes the client */
}

/* ---------------------------------------------------------------- descriptor calls */
static void test_fd_calls(void)
{
    struct vfs *v = new_vfs(0);
    struct vfs_client *c = new_client(v);
    char buf[256];
    struct vfs_stat st;

    int fd = vfs_open(c, P("/f"), VFS_O_CREAT | VFS_O_RDWR, 0644);
    CHECK_EQ(fd, 0);                                    /* lowest free descriptor */
    CHECK_EQ(vfs_write(c, fd, "0123456789", 10), 10);
    CHECK_EQ(vfs_lseek(c, fd, 0, VFS_SEEK_CUR), 10);
    CHECK_EQ(vfs_lseek(c, fd, -1, VFS_SEEK_SET), -EINVAL);
    CHECK_EQ(vfs_lseek(c, fd, -11, VFS_SEEK_CUR), -EINVAL);
    CHECK_EQ(vfs_lseek(c, fd, -11, VFS_SEEK_END), -EINVAL);
    CHECK_EQ(vfs_lseek(c, fd, 0, 7), -EINVAL);
    CHECK_EQ(vfs_lseek(c, fd, INT64_MAX, VFS_SEEK_CUR), -EOVERFLOW);
    CHECK_EQ(vfs_lseek(c, fd, INT64_MAX, VFS_SEEK_SET), INT64_MAX);    /* allowed ... */
    CHECK_EQ(vfs_read(c, fd, buf, 4), 0);                             /* ... reads EOF */
    CHECK_EQ(vfs_write(c, fd, "x", 1), -EFBIG);                       /* ... no wrap */
    CHECK_EQ(vfs_lseek(c, fd, -3, VFS_SEEK_END), 7);
    CHECK_EQ(vfs_read(c, fd, buf, sizeof buf), 3);
    CHECK(memcmp(buf, "789", 3) == 0);
    CHECK_EQ(vfs_pread(c, fd, buf, 4, 2), 4);
    CHECK(memcmp(buf, "2345", 4) == 0);
    CHECK_EQ(vfs_lseek(c, fd, 0, VFS_SEEK_CUR), 10);    /* pread leaves the offset */
    CHECK_EQ(vfs_pread(c, fd, buf, 4, -1), -EINVAL);
    CHECK_EQ(vfs_pwrite(c, fd, "x", 1, -1), -EINVAL);
    CHECK_EQ(vfs_pwrite(c, fd, "x", 1, INT64_MAX), -EFBIG);
    CHECK_EQ(vfs_pwrite(c, fd, "x", 1, INT64_MAX - 1), -EFBIG);
    CHECK_EQ(vfs_pwrite(c, fd, "x", 1, VFS_FILE_MAX), -EFBIG);
    CHECK_EQ(vfs_pwrite(c, fd, "abcdefgh", 8, VFS_FILE_MAX - 3), 3);  /* short, to the limit */
    CHECK_EQ(vfs_fstat(c, fd, &st), 0);
    CHECK_EQ(st.st_size, VFS_FILE_MAX);
    CHECK(st.st_blocks <= 16);                          /* a sparse file stores little */
    CHECK_EQ(vfs_pread(c, fd, buf, 8, VFS_FILE_MAX - 3), 3);
    CHECK(memcmp(buf, "abc", 3) == 0);
    CHECK_EQ(vfs_pread(c, fd, buf, 8, 1 << 30), 8);     /* a hole reads as zeros */
    CHECK(memcmp(buf, "\0\0\0\0\0\0\0\0", 8) == 0);
    CHECK_EQ(vfs_pwrite(c, fd, "x", 0, 1 << 20), 0);   /* zero bytes never extend */
    CHECK_EQ(vfs_ftruncate(c, fd, -1), -EINVAL);
    CHECK_EQ(vfs_ftruncate(c, fd, VFS_FILE_MAX + 1), -EFBIG);
    CHECK_EQ(vfs_ftruncate(c, fd, 5), 0);
    CHECK_EQ(vfs_fstat(c, fd, &st), 0);
    CHECK_EQ(st.st_size, 5);
    CHECK_EQ(vfs_ftruncate(c, fd, 5000), 0);            /* grow: zeros, not the old bytes */
    CHECK_EQ(vfs_pread(c, fd, buf, 10, 0), 10);
    CHECK(memcmp(buf, "01234\0\0\0\0\0", 10) == 0);
    CHECK_EQ(vfs_pread(c, fd, buf, 10, 4995), 5);
    CHECK(memcmp(buf, "\0\0\0\0\0", 5) == 0);
    CHECK_EQ(st.st_mode & VFS_S_IFMT, VFS_S_IFREG);
    CHECK_EQ(st.st_nlink, 1);
    CHECK(st.st_ino != 0);
    CHECK_EQ(vfs_fsync(c, fd), 0);
    CHECK_EQ(vfs_read(c, fd, NULL, 4), -EFAULT);
    CHECK_EQ(vfs_read(c, fd, NULL, 0), 0);
    CHECK_EQ(vfs_readdir(c, fd, &(struct vfs_dirent){0}), -ENOTDIR);
    CHECK_EQ(vfs_closedir(c, fd), -ENOTDIR);
    CHECK_EQ(vfs_close(c, fd), 0);
    CHECK_EQ(vfs_close(c, fd), -EBADF);

    /* bad descriptors */
    const int bad[] = {-1, VFS_FD_MAX, 1000, 5, INT32_MIN};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        CHECK_EQ(vfs_read(c, bad[i], buf, 1), -EBADF);
        CHECK_EQ(vfs_write(c, bad[i], buf, 1), -EBADF);
        CHECK_EQ(vfs_pread(c, bad[i], buf, 1, 0), -EBADF);
        CHECK_EQ(vfs_pwrite(c, bad[i], buf, 1, 0), -EBADF);
        CHECK_EQ(vfs_lseek(c, bad[i], 0, VFS_SEEK_SET), -EBADF);
        CHECK_EQ(vfs_fstat(c, bad[i], &st), -EBADF);
        CHECK_EQ(vfs_ftruncate(c, bad[i], 0), -EBADF);
        CHECK_EQ(vfs_fsync(c, bad[i]), -EBADF);
        CHECK_EQ(vfs_close(c, bad[i]), -EBADF);
        CHECK_EQ(vfs_readdir(c, bad[i], &(struct vfs_dirent){0}), -EBADF);
    }

    /* access modes: POSIX says EBADF */
    fd = vfs_open(c, P("/f"), VFS_O_RDONLY, 0);
    CHECK_EQ(vfs_write(c, fd, "x", 1), -EBADF);
    CHECK_EQ(vfs_pwrite(c, fd, "x", 1, 0), -EBADF);
    CHECK_EQ(vfs_ftruncate(c, fd, 0), -EBADF);
    CHECK_EQ(vfs_read(c, fd, buf, 2), 2);
    vfs_close(c, fd);
    fd = vfs_open(c, P("/f"), VFS_O_WRONLY, 0);
    CHECK_EQ(vfs_read(c, fd, buf, 1), -EBADF);
    CHECK_EQ(vfs_pread(c, fd, buf, 1, 0), -EBADF);
    vfs_close(c, fd);

    /* O_TRUNC and O_APPEND */
    CHECK_EQ(put(c, "/g", "abc"), 0);
    fd = vfs_open(c, P("/g"), VFS_O_WRONLY | VFS_O_APPEND, 0);
    CHECK_EQ(vfs_lseek(c, fd, 0, VFS_SEEK_SET), 0);
    CHECK_EQ(vfs_write(c, fd, "de", 2), 2);
    CHECK_EQ(vfs_lseek(c, fd, 0, VFS_SEEK_CUR), 5);
    vfs_close(c, fd);
    CHECK_EQ(get(c, "/g", buf, sizeof buf), 5);
    CHECK(strcmp(buf, "abcde") == 0);
    fd = vfs_open(c, P("/g"), VFS_O_WRONLY | VFS_O_TRUNC, 0);
    CHECK_EQ(vfs_fstat(c, fd, &st), 0);
    CHECK_EQ(st.st_size, 0);
    vfs_close(c, fd);

    /* directories */
    CHECK_EQ(vfs_mkdir(c, P("/d"), 0755), 0);
    CHECK_EQ(vfs_mkdir(c, P("/d/s1"), 0755), 0);
    CHECK_EQ(vfs_mkdir(c, P("/d/s2"), 0755), 0);
    CHECK_EQ(put(c, "/d/file", "x"), 0);
    CHECK_EQ(vfs_stat(c, P("/d"), &st), 0);
    CHECK_EQ(st.st_mode & VFS_S_IFMT, VFS_S_IFDIR);
    CHECK_EQ(st.st_nlink, 4);                           /* 2 + two subdirectories */
    CHECK_EQ(st.st_size, 3);
    CHECK_EQ(vfs_stat(c, P("/"), &st), 0);
    CHECK_EQ(st.st_mode & VFS_S_IFMT, VFS_S_IFDIR);
    CHECK_EQ(st.st_dev, 1);
    int d = vfs_opendir(c, P("/d"));
    CHECK(d >= 0);
    CHECK_EQ(vfs_read(c, d, buf, 1), -EISDIR);
    CHECK_EQ(vfs_write(c, d, buf, 1), -EBADF);
    CHECK_EQ(vfs_lseek(c, d, 0, VFS_SEEK_END), -EINVAL);
    struct vfs_dirent de;
    int seen = 0, n = 0;
    while (vfs_readdir(c, d, &de) == 1) {
        n++;
        CHECK_EQ(de.d_namlen, strlen(de.d_name));
        if (!strcmp(de.d_name, "s1") && de.d_type == VFS_DT_DIR)
            seen |= 1;
        if (!strcmp(de.d_name, "s2") && de.d_type == VFS_DT_DIR)
            seen |= 2;
        if (!strcmp(de.d_name, "file") && de.d_type == VFS_DT_REG)
            seen |= 4;
    }
    CHECK_EQ(n, 3);                                     /* no "." or ".." */
    CHECK_EQ(seen, 7);
    CHECK_EQ(vfs_readdir(c, d, &de), 0);                /* stays at the end */
    /* rewind, remember a position, delete entries behind and ahead: no skips or repeats */
    CHECK_EQ(vfs_lseek(c, d, 0, VFS_SEEK_SET), 0);
    CHECK_EQ(vfs_readdir(c, d, &de), 1);
    CHECK(strcmp(de.d_name, "s1") == 0);                /* creation order */
    int64_t cookie = vfs_lseek(c, d, 0, VFS_SEEK_CUR);
    CHECK_EQ(vfs_rmdir(c, P("/d/s1")), 0);
    CHECK_EQ(put(c, "/d/late", "x"), 0);
    CHECK_EQ(vfs_readdir(c, d, &de), 1);
    CHECK(strcmp(de.d_name, "s2") == 0);
    CHECK_EQ(vfs_unlink(c, P("/d/file")), 0);
    CHECK_EQ(vfs_readdir(c, d, &de), 1);
    CHECK(strcmp(de.d_name, "late") == 0);
    CHECK_EQ(vfs_readdir(c, d, &de), 0);
    CHECK_EQ(vfs_lseek(c, d, cookie, VFS_SEEK_SET), cookie);    /* seekdir */
    CHECK_EQ(vfs_readdir(c, d, &de), 1);
    CHECK(strcmp(de.d_name, "s2") == 0);
    CHECK_EQ(vfs_closedir(c, d), 0);

    /* cwd */
    CHECK_EQ(vfs_getcwd(c, buf, sizeof buf), 1);
    CHECK(strcmp(buf, "/") == 0);
    CHECK_EQ(vfs_chdir(c, P("/d/s2/")), 0);
    CHECK_EQ(vfs_getcwd(c, buf, sizeof buf), 5);
    CHECK(strcmp(buf, "/d/s2") == 0);
    CHECK_EQ(vfs_getcwd(c, buf, 5), -ERANGE);
    CHECK_EQ(vfs_chdir(c, P("..")), 0);
    CHECK_EQ(vfs_getcwd(c, buf, sizeof buf), 2);
    CHECK_EQ(put(c, "here", "x"), 0);
    CHECK(exists(c, "/d/here"));
    CHECK_EQ(vfs_chdir(c, P("")), -ENOENT);

    /* EMFILE at VFS_FD_MAX, then a freed slot is reused */
    int fds[VFS_FD_MAX];
    for (int i = 0; i < VFS_FD_MAX; i++) {
        fds[i] = vfs_open(c, P("/g"), VFS_O_RDONLY, 0);
        CHECK_EQ(fds[i], i);
    }
    CHECK_EQ(vfs_open(c, P("/g"), VFS_O_RDONLY, 0), -EMFILE);
    CHECK_EQ(vfs_opendir(c, P("/")), -EMFILE);
    CHECK_EQ(vfs_close(c, 17), 0);
    CHECK_EQ(vfs_open(c, P("/g"), VFS_O_RDONLY, 0), 17);
    vfs_client_destroy(c);                              /* closes all 64 */
    vfs_destroy(v);
}

/* ---------------------------------------------------------------- 1 MiB in odd chunks */
static void test_big_file(void)
{
    struct vfs *v = new_vfs(0);
    struct vfs_client *c = new_client(v);
    const size_t total = 1u << 20;
    static const size_t wsizes[] = {1, 7, 4093, 4097, 12289, 65537, 3, 8191, 100003};
    static const size_t rsizes[] = {4099, 1, 65521, 17, 8192, 333333};
    unsigned char *src = malloc(total), *dst = malloc(total);
    for (size_t i = 0; i < total; i++)
        src[i] = pattern(i);

    int fd = vfs_open(c, P("/big"), VFS_O_CREAT | VFS_O_RDWR | VFS_O_EXCL, 0600);
    CHECK(fd >= 0);
    size_t off = 0;
    for (size_t k = 0; off < total; k++) {
        size_t n = wsizes[k % (sizeof wsizes / sizeof wsizes[0])];
        if (n > total - off)
            n = total - off;
        CHECK_EQ(vfs_write(c, fd, src + off, n), n);
        off += n;
    }
    struct vfs_stat st;
    CHECK_EQ(vfs_fstat(c, fd, &st), 0);
    CHECK_EQ(st.st_size, total);
    CHECK_EQ(st.st_blocks, total / 512);
    CHECK_EQ(vfs_lseek(c, fd, 0, VFS_SEEK_SET), 0);
    memset(dst, 0xAA, total);
    off = 0;
    for (size_t k = 0; off < total; k++) {
        size_t n = rsizes[k % (sizeof rsizes / sizeof rsizes[0])];
        int64_t got = vfs_read(c, fd, dst + off, n);
        CHECK(got > 0);
        if (got <= 0)
            break;
        off += (size_t)got;
    }
    CHECK_EQ(off, total);
    CHECK(memcmp(src, dst, total) == 0);
    CHECK_EQ(vfs_read(c, fd, dst, 10), 0);
    /* random preads and overwrites across chunk borders */
    for (int i = 0; i < 2000; i++) {
        size_t o = rnd() % total, n = 1 + rnd() % 9000;
        if (n > total - o)
            n = total - o;
        if (i & 1) {
            for (size_t j = 0; j < n; j++)
                src[o + j] = (unsigned char)rnd();
            CHECK_EQ(vfs_pwrite(c, fd, src + o, n, (int64_t)o), n);
        }
        CHECK_EQ(vfs_pread(c, fd, dst, n, (int64_t)o), n);
        CHECK(memcmp(src + o, dst, n) == 0);
    }
    CHECK_EQ(vfs_pread(c, fd, dst, total, 0), total);
    CHECK(memcmp(src, dst, total) == 0);
    vfs_close(c, fd);
    free(src);
    free(dst);
    vfs_destroy(v);
}

/* ---------------------------------------------------------------- ENOSPC */
static void test_enospc(void)
{
    const uint64_t budget = 300 * 1024;
    struct vfs *v = new_vfs(budget);
    struct vfs_client *c = new_client(v);
    unsigned char blk[8192], back[8192];
    int64_t total = 0, n;
    int short_or_full = 0;

    int fd = vfs_open(c, P("/big"), VFS_O_CREAT | VFS_O_RDWR, 0644);
    CHECK(fd >= 0);
    for (int i = 0; i < 1000; i++) {
        for (size_t j = 0; j < sizeof blk; j++)
            blk[j] = pattern((uint64_t)total + j);
        n = vfs_write(c, fd, blk, sizeof blk);
        if (n < (int64_t)sizeof blk) {
            CHECK(n == -ENOSPC || n > 0);
            short_or_full = 1;
            if (n > 0)
                total += n;
            break;
        }
        total += n;
    }
    CHECK(short_or_full);
    CHECK(total > (int64_t)budget / 2 && total <= (int64_t)budget);
    CHECK_EQ(vfs_write(c, fd, blk, sizeof blk), -ENOSPC);
    /* nothing was corrupted: size and every byte are what was accepted */
    struct vfs_stat st;
    CHECK_EQ(vfs_fstat(c, fd, &st), 0);
    CHECK_EQ(st.st_size, total);
    for (int64_t o = 0; o < total; o += (int64_t)sizeof back) {
        n = vfs_pread(c, fd, back, sizeof back, o);
        CHECK(n > 0);
        for (int64_t j = 0; j < n; j++)
            if (back[j] != pattern((uint64_t)(o + j))) {
                CHECK(!"byte differs after ENOSPC");
                o = total;
                break;
            }
    }
    /* sparse growth costs nothing and still works */
    CHECK_EQ(vfs_ftruncate(c, fd, total + (1 << 20)), 0);
    int e = 0;
    for (int i = 0; i < 20 && !e; i++) {    /* fill what is left with names, then fail */
        char name[32];
        snprintf(name, sizeof name, "/dir%d", i);
        e = vfs_mkdir(c, P(name), 0755);
    }
    CHECK(e == 0 || e == -ENOSPC);
    CHECK_EQ(vfs_close(c, fd), 0);
    /* deleting gives the space back */
    CHECK_EQ(vfs_unlink(c, P("/big")), 0);
    fd = vfs_open(c, P("/again"), VFS_O_CREAT | VFS_O_RDWR, 0644);
    CHECK(fd >= 0);
    for (int i = 0; i < 25; i++)
        CHECK_EQ(vfs_write(c, fd, blk, sizeof blk), sizeof blk);
    /* shrinking gives space back too */
    CHECK_EQ(vfs_ftruncate(c, fd, 0), 0);
    for (int i = 0; i < 25; i++)
        CHECK_EQ(vfs_pwrite(c, fd, blk, sizeof blk, (int64_t)i * 8192), sizeof blk);
    vfs_close(c, fd);

    /* a budget from a mount option */
    struct vfs_error err;
    CHECK_EQ(vfs_mount_entry(v, P("tmpfs /small ramfs rw,size=64k"), &err), 0);
    fd = vfs_open(c, P("/small/f"), VFS_O_CREAT | VFS_O_WRONLY, 0644);
    CHECK(fd >= 0);
    total = 0;
    while ((n = vfs_write(c, fd, blk, sizeof blk)) > 0)
        total += n;
    CHECK_EQ(n, -ENOSPC);
    CHECK(total > 32 * 1024 && total <= 64 * 1024);
    vfs_close(c, fd);
    vfs_destroy(v);
}

/* ---------------------------------------------------------------- clients */
static void test_client_isolation(void)
{
    struct vfs *v = new_vfs(0);
    struct vfs_client *a = new_client(v), *b = new_client(v);
    char buf[64];

    CHECK_EQ(put(a, "/fa", "from a"), 0);
    CHECK_EQ(put(a, "/fb", "from b"), 0);
    int fa = vfs_open(a, P("/fa"), VFS_O_RDWR, 0);
    CHECK_EQ(fa, 0);
    CHECK_EQ(vfs_read(b, fa, buf, sizeof buf), -EBADF);     /* a's fd 0 is not b's */
    CHECK_EQ(vfs_write(b, fa, "x", 1), -EBADF);
    CHECK_EQ(vfs_close(b, fa), -EBADF);
    int fb = vfs_open(b, P("/fb"), VFS_O_RDONLY, 0);
    CHECK_EQ(fb, 0);                                        /* same number, own table */
    CHECK_EQ(vfs_read(a, fa, buf, sizeof buf), 6);
    CHECK(memcmp(buf, "from a", 6) == 0);
    CHECK_EQ(vfs_read(b, fb, buf, sizeof buf), 6);
    CHECK(memcmp(buf, "from b", 6) == 0);
    CHECK_EQ(vfs_close(a, fa), 0);
    CHECK_EQ(vfs_pread(b, fb, buf, 4, 0), 4);               /* b unaffected */
    /* separate cwds */
    CHECK_EQ(vfs_mkdir(a, P("/da"), 0755), 0);
    CHECK_EQ(vfs_chdir(a, P("/da")), 0);
    CHECK_EQ(vfs_getcwd(b, buf, sizeof buf), 1);
    CHECK_EQ(put(a, "x", "1"), 0);
    CHECK(exists(b, "/da/x"));
    CHECK(!exists(b, "/x"));

    /* a client's exit closes its descriptors: the mount can go afterwards */
    CHECK_EQ(vfs_mount_entry(v, P("none /m ramfs"), NULL), 0);
    CHECK_EQ(put(b, "/m/f", "x"), 0);
    for (int i = 0; i < 10; i++)
        CHECK(vfs_open(b, P("/m/f"), VFS_O_RDONLY, 0) >= 0);
    CHECK_EQ(vfs_umount(v, P("/m")), -EBUSY);
    vfs_client_destroy(b);
    CHECK_EQ(vfs_umount(v, P("/m")), 0);
    CHECK_EQ(vfs_umount(v, P("/m")), -EINVAL);
    vfs_client_destroy(a);
    vfs_destroy(v);
}

/* ---------------------------------------------------------------- unlink while open */
static void test_unlink_while_open(void)
{
    struct vfs *v = new_vfs(0);
    struct vfs_client *c = new_client(v);
    char buf[64];
    struct vfs_stat st;

    CHECK_EQ(put(c, "/f", "keep me"), 0);
    int fd = vfs_open(c, P("/f"), VFS_O_RDWR, 0);
    CHECK_EQ(vfs_unlink(c, P("/f")), 0);
    CHECK(!exists(c, "/f"));
    CHECK_EQ(vfs_fstat(c, fd, &st), 0);
    CHECK_EQ(st.st_nlink, 0);
    CHECK_EQ(vfs_read(c, fd, buf, sizeof buf), 7);
    CHECK(memcmp(buf, "keep me", 7) == 0);
    CHECK_EQ(vfs_write(c, fd, "!", 1), 1);                  /* still writable */
    CHECK_EQ(put(c, "/f", "new"), 0);                        /* a new file, same name */
    CHECK_EQ(vfs_pread(c, fd, buf, sizeof buf, 0), 8);
    CHECK(memcmp(buf, "keep me!", 8) == 0);
    CHECK_EQ(get(c, "/f", buf, sizeof buf), 3);
    CHECK_EQ(vfs_close(c, fd), 0);                          /* now freed (ASan: no leak) */

    /* rename over an open file: the open one lives on */
    CHECK_EQ(put(c, "/old", "old data"), 0);
    fd = vfs_open(c, P("/old"), VFS_O_RDONLY, 0);
    CHECK_EQ(put(c, "/src", "src data"), 0);
    CHECK_EQ(vfs_rename(c, P("/src"), P("/old")), 0);
    CHECK_EQ(vfs_pread(c, fd, buf, 8, 0), 8);
    CHECK(memcmp(buf, "old data", 8) == 0);
    CHECK_EQ(get(c, "/old", buf, sizeof buf), 8);
    CHECK(strcmp(buf, "src data") == 0);
    CHECK(!exists(c, "/src"));

    /* rmdir while open: the directory reads empty and takes no new names */
    CHECK_EQ(vfs_mkdir(c, P("/gone"), 0755), 0);
    int d = vfs_opendir(c, P("/gone"));
    CHECK_EQ(vfs_chdir(c, P("/gone")), 0);
    CHECK_EQ(vfs_rmdir(c, P("/gone")), 0);
    struct vfs_dirent de;
    CHECK_EQ(vfs_readdir(c, d, &de), 0);
    CHECK_EQ(put(c, "x", "1"), -ENOENT);                     /* cwd was removed */
    CHECK_EQ(vfs_fstat(c, d, &st), 0);
    CHECK_EQ(st.st_nlink, 0);
    CHECK_EQ(vfs_chdir(c, P("/")), 0);
    /* the descriptors above stay open: vfs_destroy closes them */
    vfs_destroy(v);
}

/* ---------------------------------------------------------------- name cache
 * stat and open look a path that resolved before up in a small cache (vfs_mount.c): every
 * call that takes a name away, moves one or changes the mounts must be seen at once. Each
 * case first makes the path cached (two stats), then changes the namespace. */
static uint64_t ino_of(struct vfs_client *c, const char *path)
{
    struct vfs_stat st;
    return vfs_stat(c, P(path), &st) == 0 ? st.st_ino : 0;
}

static void test_name_cache(void)
{
    struct vfs *v = new_vfs(0);
    struct vfs_client *c = new_client(v), *c2 = new_client(v);
    struct vfs_stat st;
    char buf[16];

    /* unlink by another client, then a new file of the same name */
    CHECK_EQ(put(c, "/n", "one"), 0);
    uint64_t first = ino_of(c, "/n");
    CHECK(first != 0);
    CHECK_EQ(ino_of(c, "/n"), first);
    CHECK_EQ(vfs_unlink(c2, P("/n")), 0);
    CHECK_EQ(vfs_stat(c, P("/n"), &st), -ENOENT);
    CHECK_EQ(vfs_open(c, P("/n"), VFS_O_RDONLY, 0), -ENOENT);
    CHECK_EQ(put(c2, "/n", "two!"), 0);
    CHECK(ino_of(c, "/n") != first);
    CHECK_EQ(get(c, "/n", buf, sizeof buf), 4);
    CHECK(memcmp(buf, "two!", 4) == 0);

    /* O_CREAT | O_EXCL on a cached name */
    CHECK_EQ(vfs_open(c, P("/n"), VFS_O_RDWR | VFS_O_CREAT | VFS_O_EXCL, 0644), -EEXIST);

    /* rename of the file itself, over it, and of a directory above it */
    CHECK_EQ(ino_of(c, "/n"), ino_of(c, "/n"));
    CHECK_EQ(vfs_rename(c2, P("/n"), P("/m")), 0);
    CHECK_EQ(vfs_stat(c, P("/n"), &st), -ENOENT);
    CHECK_EQ(put(c, "/n", "three"), 0);
    uint64_t m = ino_of(c, "/m");
    CHECK_EQ(ino_of(c, "/n"), ino_of(c, "/n"));
    CHECK_EQ(vfs_rename(c2, P("/m"), P("/n")), 0);          /* over the cached one */
    CHECK_EQ(ino_of(c, "/n"), m);
    CHECK_EQ(vfs_mkdir(c, P("/d"), 0755), 0);
    CHECK_EQ(put(c, "/d/f", "x"), 0);
    uint64_t f = ino_of(c, "/d/f");
    CHECK_EQ(ino_of(c, "/d/f"), f);
    CHECK_EQ(vfs_rename(c2, P("/d"), P("/e")), 0);
    CHECK_EQ(vfs_stat(c, P("/d/f"), &st), -ENOENT);
    CHECK_EQ(vfs_open(c, P("/d/f"), VFS_O_RDONLY, 0), -ENOENT);
    CHECK_EQ(ino_of(c, "/e/f"), f);

    /* rmdir of a cached directory */
    CHECK_EQ(vfs_mkdir(c, P("/g"), 0755), 0);
    CHECK(ino_of(c, "/g") != 0);
    CHECK_EQ(vfs_rmdir(c2, P("/g")), 0);
    CHECK_EQ(vfs_stat(c, P("/g"), &st), -ENOENT);

    /* a mount over a cached path's directory, and its umount */
    CHECK_EQ(vfs_mkdir(c, P("/mnt"), 0755), 0);
    CHECK_EQ(put(c, "/mnt/under", "u"), 0);
    CHECK(ino_of(c, "/mnt/under") != 0);
    CHECK(ino_of(c, "/mnt/under") != 0);
    struct vfs_mount_args a = { P("none"), P("/mnt"), P("ramfs"), 0, 0 };
    CHECK_EQ(vfs_mount(v, &a), 0);
    CHECK_EQ(vfs_stat(c, P("/mnt/under"), &st), -ENOENT);   /* shadowed by the mount */
    CHECK_EQ(put(c, "/mnt/over", "o"), 0);
    CHECK(ino_of(c, "/mnt/over") != 0);
    CHECK(ino_of(c, "/mnt/over") != 0);
    CHECK_EQ(vfs_umount(v, P("/mnt")), 0);                   /* its nodes are freed (ASan) */
    CHECK_EQ(vfs_stat(c, P("/mnt/over"), &st), -ENOENT);
    CHECK(ino_of(c, "/mnt/under") != 0);

    /* relative paths depend on the cwd: never answered from the cache */
    CHECK_EQ(vfs_mkdir(c, P("/r1"), 0755), 0);
    CHECK_EQ(vfs_mkdir(c, P("/r2"), 0755), 0);
    CHECK_EQ(put(c, "/r1/x", "1"), 0);
    CHECK_EQ(put(c, "/r2/x", "22"), 0);
    CHECK_EQ(vfs_chdir(c, P("/r1")), 0);
    CHECK_EQ(vfs_stat(c, P("x"), &st), 0);
    CHECK_EQ(st.st_size, 1);
    CHECK_EQ(vfs_chdir(c, P("/r2")), 0);
    CHECK_EQ(vfs_stat(c, P("x"), &st), 0);
    CHECK_EQ(st.st_size, 2);

    /* a path with a trailing '/' names a directory only, cached or not */
    CHECK(ino_of(c, "/r1/x") != 0);
    CHECK_EQ(vfs_stat(c, P("/r1/x/"), &st), -ENOTDIR);

    /* O_TRUNC through a cached name truncates; O_WRONLY checks the mode as a walk does */
    CHECK_EQ(put(c, "/t", "0123456789"), 0);
    CHECK_EQ(ino_of(c, "/t"), ino_of(c, "/t"));
    int fd = vfs_open(c2, P("/t"), VFS_O_WRONLY | VFS_O_TRUNC, 0);
    CHECK(fd >= 0);
    vfs_close(c2, fd);
    CHECK_EQ(vfs_stat(c, P("/t"), &st), 0);
    CHECK_EQ(st.st_size, 0);
    CHECK(vfs_open(c, P("/ro"), VFS_O_CREAT | VFS_O_WRONLY, 0444) >= 0);   /* the creator may */
    CHECK(ino_of(c, "/ro") != 0);
    CHECK_EQ(vfs_open(c2, P("/ro"), VFS_O_WRONLY, 0), -EACCES);
    CHECK_EQ(vfs_open(c2, P("/ro"), VFS_O_WRONLY, 0), -EACCES);

    /* names that share a cache slot (VFS_NAME_CACHE ways) and prefixes of cached names */
    static const char *const names[] = { "/s1", "/s2", "/s3", "/s4", "/s5", "/s", "/s1x" };
    uint64_t inos[7];
    for (int i = 0; i < 7; i++) {
        CHECK_EQ(put(c, names[i], names[i]), 0);
        inos[i] = ino_of(c, names[i]);
    }
    for (int round = 0; round < 3; round++)
        for (int i = 0; i < 7; i++)
            CHECK_EQ(ino_of(c2, names[i]), inos[i]);
    CHECK(vfs_stat(c, "/s1\0", 4, &st) != 0);            /* an embedded NUL: not "/s1" */

    /* "/" replaced by a new file system while names below it are cached (ASan: the old
     * root's nodes are freed) */
    struct vfs_mount_args root = { P("none"), P("/"), P("ramfs"), 0, 0 };
    vfs_client_destroy(c);                             /* no descriptor open: "/" unused */
    vfs_client_destroy(c2);
    c = new_client(v);
    CHECK(ino_of(c, "/s1") != 0);
    CHECK(ino_of(c, "/e/f") != 0);
    CHECK_EQ(vfs_mount(v, &root), 0);
    CHECK_EQ(vfs_stat(c, P("/s1"), &st), -ENOENT);
    CHECK_EQ(vfs_open(c, P("/e/f"), VFS_O_RDONLY, 0), -ENOENT);
    vfs_destroy(v);
}

/* ---------------------------------------------------------------- deep trees */
static void test_deep_nesting(void)
{
    /* Renames nest directories deeper than any path can reach; teardown must cope. */
    struct vfs *v = new_vfs(0);
    struct vfs_client *c = new_client(v);
    CHECK_EQ(vfs_mkdir(c, P("/d"), 0755), 0);
    for (int i = 0; i < 3000; i++) {
        CHECK_EQ(vfs_mkdir(c, P("/n"), 0755), 0);
        CHECK_EQ(vfs_rename(c, P("/d"), P("/n/d")), 0);
        CHECK_EQ(vfs_rename(c, P("/n"), P("/d")), 0);
    }
    CHECK(exists(c, "/d/d/d/d/d/d/d/d"));
    vfs_destroy(v);
}

/* ---------------------------------------------------------------- allocator */
struct counting {
    long live;
    size_t bytes, calls;
};

static void *count_alloc(void *ctx, size_t size)
{
    struct counting *k = ctx;
    k->live++;
    k->bytes += size;
    k->calls++;
    return malloc(size);
}

static void count_free(void *ctx, void *p, size_t size)
{
    struct counting *k = ctx;
    k->live--;
    k->bytes -= size;
    free(p);
}

static void test_allocator(void)
{
    struct counting k = {0};
    struct vfs_alloc a = {count_alloc, count_free, &k};
    struct vfs_config cfg = {.alloc = &a, .root_budget = 1 << 20, .image = image_fn};
    struct vfs *v;
    struct vfs_client *c;
    CHECK_EQ(vfs_create(&cfg, &v), 0);
    CHECK_EQ(vfs_client_create(v, &c), 0);
    CHECK_EQ(vfs_mkdir(c, P("/x"), 0755), 0);
    CHECK_EQ(put(c, "/x/f", "data"), 0);
    int fd = vfs_open(c, P("/x/f"), VFS_O_RDWR, 0);
    CHECK_EQ(vfs_pwrite(c, fd, "y", 1, 300000), 1);
    CHECK_EQ(vfs_mount_entry(v, P("romfs /etc romfs ro"), NULL), 0);
    CHECK(k.calls > 5);
    vfs_destroy(v);
    CHECK_EQ(k.live, 0);                /* everything freed ... */
    CHECK_EQ(k.bytes, 0);               /* ... with the size it was allocated with */
}

/* An allocator that runs dry at `cap` bytes, as the server does when the kernel has no page
 * left: a root ramfs without a budget filled to ENOSPC must give every byte of a removed
 * file back to the allocator, so the next write works and the total returns to its start. */
struct capped {
    struct counting k;
    size_t cap;
};

static void *capped_alloc(void *ctx, size_t size)
{
    struct capped *c = ctx;
    if (size > c->cap - c->k.bytes)
        return NULL;
    return count_alloc(&c->k, size);
}

static void capped_free(void *ctx, void *p, size_t size)
{
    count_free(&((struct capped *)ctx)->k, p, size);
}

static void test_space_returns_after_unlink(void)
{
    struct capped cap = {.cap = 2u << 20};
    struct vfs_alloc a = {capped_alloc, capped_free, &cap};
    struct vfs_config cfg = {.alloc = &a};   /* root ramfs without a budget */
    struct vfs *v;
    struct vfs_client *c;
    static unsigned char blk[20000];
    CHECK_EQ(vfs_create(&cfg, &v), 0);
    CHECK_EQ(vfs_client_create(v, &c), 0);
    size_t start = cap.k.bytes;
    int64_t first = -1;
    for (int round = 0; round < 5; round++) {
        int fd = vfs_open(c, P("/fill"), VFS_O_CREAT | VFS_O_WRONLY, 0644);
        CHECK(fd >= 0);
        int64_t total = 0, n;
        while ((n = vfs_write(c, fd, blk, sizeof blk)) > 0)
            total += n;
        CHECK_EQ(n, -ENOSPC);
        CHECK(total > (int64_t)(cap.cap * 9 / 10));   /* nearly all of it held file data */
        if (first < 0)
            first = total;
        CHECK_EQ(total, first);                        /* every round gets the same space */
        CHECK_EQ(vfs_close(c, fd), 0);
        CHECK_EQ(vfs_unlink(c, P("/fill")), 0);
        CHECK_EQ(cap.k.bytes, start);                  /* all of it is back at once */
        CHECK_EQ(put(c, "/two", "ab"), 0);             /* and a small write works */
        CHECK_EQ(vfs_unlink(c, P("/two")), 0);
        CHECK_EQ(cap.k.bytes, start);
    }
    vfs_destroy(v);
    CHECK_EQ(cap.k.bytes, 0);
}

/* ---------------------------------------------------------------- direct I/O with fill
 * A transport like VfsFsnet's windows (vfs_io): move copies between the segments and a
 * client buffer; fill makes counted memory holding the buffer's bytes (KnPmmMdlReadNew),
 * failing as told. */
struct fake_io {
    struct counting *k;
    unsigned char *buf;                 /* the client's buffer */
    int writing;
    int fill_err;                       /* fill answers this (0: works) */
    unsigned fills, moves;
};

static int fake_move(void *ctx, const struct vfs_seg *seg, size_t n, uint64_t at)
{
    struct fake_io *f = ctx;
    f->moves++;
    for (size_t i = 0; i < n; i++) {
        void *p = (void *)(uintptr_t)seg[i].addr;
        if (f->writing)
            memcpy(p, f->buf + at, seg[i].len);
        else
            memcpy(f->buf + at, p, seg[i].len);
        at += seg[i].len;
    }
    return 0;
}

static int fake_fill(void *ctx, size_t size, uint64_t at, void **out)
{
    struct fake_io *f = ctx;
    CHECK(size % 4096 == 0);
    if (f->fill_err)
        return f->fill_err;
    f->fills++;
    unsigned char *p = count_alloc(f->k, size);
    memcpy(p, f->buf + at, size);
    *out = p;
    return 0;
}

static void test_direct_io_fill(void)
{
    struct counting k = {0};
    struct vfs_alloc a = {count_alloc, count_free, &k};
    struct vfs_config cfg = {.alloc = &a};
    struct vfs *v;
    struct vfs_client *c;
    enum { N = (3 << 20) + 5 };
    static unsigned char src[N], back[N];
    for (size_t i = 0; i < N; i++)
        src[i] = (unsigned char)(i * 2654435761u >> 24);
    CHECK_EQ(vfs_create(&cfg, &v), 0);
    CHECK_EQ(vfs_client_create(v, &c), 0);
    size_t start = k.bytes;
    struct fake_io w = {&k, src, 1, 0, 0, 0};
    struct vfs_io io = {fake_move, &w, fake_fill};
    /* A new file: whole chunks through filled slabs (1 MiB each), the 5-byte tail moved. */
    int fd = vfs_open(c, P("/d"), VFS_O_CREAT | VFS_O_RDWR, 0644);
    CHECK(fd >= 0);
    CHECK_EQ(vfs_write_io(c, fd, &io, N, -1), N);
    CHECK_EQ(w.fills, 3u);
    CHECK_EQ(vfs_pread(c, fd, back, N, 0), N);
    CHECK(memcmp(back, src, N) == 0);
    /* Over a hole at an unaligned offset: head and tail moved, the middle filled. */
    w.fills = 0;
    CHECK_EQ(vfs_write_io(c, fd, &io, 300000, 5000003), 300000);
    CHECK(w.fills >= 1);
    memset(back, 1, N);
    CHECK_EQ(vfs_pread(c, fd, back, 400003, 4900000), 400003);
    for (size_t i = 0; i < 100003; i++)
        CHECK(back[i] == 0);            /* the hole reads as zeros */
    CHECK(memcmp(back + 100003, src, 300000) == 0);
    /* Read back through read_io too (leaf by leaf, holes as the zero chunk). */
    struct fake_io r = {&k, back, 0, 0, 0, 0};
    struct vfs_io rio = {fake_move, &r, NULL};
    memset(back, 1, N);
    CHECK_EQ(vfs_read_io(c, fd, &rio, N, 2000000), N);
    CHECK(memcmp(back, src + 2000000, (3 << 20) + 5 - 2000000) == 0);
    for (size_t i = (3 << 20) + 5 - 2000000; i < 5000003 - 2000000; i++)
        CHECK(back[i] == 0);
    /* Overwrites take no fill: the chunks exist. */
    w.fills = 0;
    CHECK_EQ(vfs_write_io(c, fd, &io, 1 << 20, 4096), 1 << 20);
    CHECK_EQ(w.fills, 0u);
    /* Truncate into a filled slab, grow again: zeros beyond the cut. */
    CHECK_EQ(vfs_ftruncate(c, fd, 100000), 0);
    CHECK_EQ(vfs_ftruncate(c, fd, 300000), 0);
    CHECK_EQ(vfs_pread(c, fd, back, 300000, 0), 300000);
    for (size_t i = 100000; i < 300000; i++)
        CHECK(back[i] == 0);
    CHECK_EQ(vfs_close(c, fd), 0);
    /* A fill that faults: nothing before it was moved, so the call fails as a whole and
     * the file keeps its size; a fill out of memory falls back to ordinary slabs. */
    fd = vfs_open(c, P("/e"), VFS_O_CREAT | VFS_O_RDWR, 0644);
    w.fill_err = -EFAULT;
    CHECK_EQ(vfs_write_io(c, fd, &io, 200000, 100), -EFAULT);
    struct vfs_stat st;
    CHECK_EQ(vfs_fstat(c, fd, &st), 0);
    CHECK_EQ(st.st_size, 0);
    w.fill_err = -ENOMEM;
    CHECK_EQ(vfs_write_io(c, fd, &io, 200000, 100), 200000);
    CHECK_EQ(vfs_pread(c, fd, back, 200000, 100), 200000);
    CHECK(memcmp(back, src, 200000) == 0);
    CHECK_EQ(vfs_close(c, fd), 0);
    /* Every filled slab goes back with its file. */
    CHECK_EQ(vfs_unlink(c, P("/d")), 0);
    CHECK_EQ(vfs_unlink(c, P("/e")), 0);
    CHECK_EQ(k.bytes, start);
    vfs_destroy(v);
    CHECK_EQ(k.live, 0);
    CHECK_EQ(k.bytes, 0);
}

/* ---------------------------------------------------------------- mounts and arguments */
static void test_mount_args(void)
{
    struct vfs *v = new_vfs(0);
    struct vfs_client *c = new_client(v);
    struct vfs_error err;
    char *argv1[] = {"vfs", "-l", "romfs /etc romfs ro", "-l", "none /tmp ramfs 0", NULL};
    CHECK_EQ(vfs_parse_args(v, 5, argv1, &err), 0);
    CHECK(exists(c, "/etc/hello.txt"));
    CHECK_EQ(put(c, "/tmp/x", "1"), 0);
    struct vfs_stat st, st2;
    CHECK_EQ(vfs_stat(c, P("/tmp/x"), &st), 0);
    CHECK_EQ(vfs_stat(c, P("/etc"), &st2), 0);
    CHECK(st.st_dev != st2.st_dev && st.st_dev != 1 && st2.st_dev != 1);
    /* the mount points were created in the root ramfs */
    int d = vfs_opendir(c, P("/"));
    struct vfs_dirent de;
    int n = 0;
    while (vfs_readdir(c, d, &de) == 1)
        n += !strcmp(de.d_name, "etc") || !strcmp(de.d_name, "tmp");
    CHECK_EQ(n, 2);
    vfs_closedir(c, d);
    CHECK_EQ(vfs_rmdir(c, P("/etc")), -EBUSY);
    CHECK_EQ(vfs_rmdir(c, P("/tmp/")), -EBUSY);
    CHECK_EQ(vfs_rename(c, P("/tmp"), P("/tmp2")), -EBUSY);
    CHECK_EQ(vfs_rename(c, P("/tmp/x"), P("/y")), -EXDEV);
    CHECK_EQ(vfs_rename(c, P("/tmp/x"), P("/etc")), -EBUSY);
    CHECK_EQ(vfs_mkdir(c, P("/sub"), 0755), 0);
    CHECK_EQ(vfs_mount_entry(v, P("x /sub/deep/er ramfs"), NULL), 0);
    CHECK_EQ(vfs_rename(c, P("/sub"), P("/sub2")), -EBUSY);  /* holds a mount below */
    CHECK_EQ(vfs_umount(v, P("/sub")), -EINVAL);
    CHECK_EQ(vfs_umount(v, P("/sub/deep/er/")), 0);
    CHECK_EQ(vfs_rename(c, P("/sub"), P("/sub2")), 0);
    CHECK_EQ(vfs_umount(v, P("/")), -EBUSY);
    CHECK_EQ(vfs_mount_entry(v, P("x /tmp ramfs"), NULL), -EBUSY);
    CHECK_EQ(vfs_mount_entry(v, P("x / ramfs"), NULL), -EBUSY);       /* others mounted */
    CHECK_EQ(vfs_mount_entry(v, P("x /etc/newdir ramfs"), &err), -ENOENT);  /* ro parent */
    CHECK_EQ(vfs_mount_entry(v, P("x /etc/hello.txt ramfs"), &err), -ENOTDIR);
    CHECK_EQ(vfs_mount_entry(v, P("x rel ramfs"), &err), -EINVAL);
    CHECK_EQ(vfs_mount_entry(v, P("x /q nosuchfs"), &err), -ENODEV);
    CHECK(strstr(err.msg, "unknown file system type") != NULL);
    CHECK_EQ(vfs_mount_entry(v, P("x /q ramfs rw,bogus"), &err), -EINVAL);
    CHECK(strstr(err.msg, "bogus") != NULL);
    CHECK_EQ(vfs_mount_entry(v, P("x /q ramfs size=12q"), &err), -EINVAL);
    CHECK_EQ(vfs_mount_entry(v, P("x /q"), &err), -EINVAL);
    CHECK_EQ(vfs_mount_entry(v, P("x /q ramfs rw 0 0 extra"), &err), -EINVAL);
    CHECK_EQ(vfs_mount_entry(v, P("x /q ramfs rw zero 0"), &err), -EINVAL);
    CHECK_EQ(vfs_mount_entry(v, P("nosuch /q romfs ro"), &err), -ENOENT);
    CHECK_EQ(vfs_mount_entry(v, P("x /with\\040space ramfs rw 0 0"), &err), 0);
    CHECK(exists(c, "/with space"));
    /* the table fills up */
    int rc = 0, i;
    for (i = 0; i < 2 * VFS_MOUNT_MAX && !rc; i++) {
        char line[64];
        snprintf(line, sizeof line, "x /many/m%d ramfs", i);
        rc = vfs_mount_entry(v, P(line), NULL);
    }
    CHECK_EQ(rc, -ENOSPC);
    CHECK(i < VFS_MOUNT_MAX);

    /* argument errors */
    char *bad1[] = {"vfs", "-l"};
    CHECK_EQ(vfs_parse_args(v, 2, bad1, &err), -EINVAL);
    CHECK(strstr(err.msg, "needs a value") != NULL);
    char *bad2[] = {"vfs", "--mount", "x"};
    CHECK_EQ(vfs_parse_args(v, 3, bad2, &err), -EINVAL);
    CHECK(strstr(err.msg, "unknown argument") != NULL);
    char *bad3[] = {"vfs", "-f", "/no/such/fstab"};
    CHECK_EQ(vfs_parse_args(v, 3, bad3, &err), -ENOENT);
    vfs_destroy(v);

    /* -f: the fstab comes from the romfs image, as in KasperskyOS */
    v = new_vfs(0);
    c = new_client(v);
    char *argv2[] = {"vfs", "-f", "fstab"};
    CHECK_EQ(vfs_parse_args(v, 3, argv2, &err), 0);
    if (err.msg[0])
        fprintf(stderr, "unexpected: %s\n", err.msg);
    CHECK(exists(c, "/data/hello.txt"));
    CHECK_EQ(put(c, "/scratch/x", "1"), 0);
    CHECK_EQ(put(c, "/data/x", "1"), -EROFS);
    vfs_destroy(v);

    /* fstab text: comments, blanks, the failing line is named */
    v = new_vfs(0);
    const char *tab = "# comment\n\n   \t\nnone /a ramfs rw\r\n  # indented comment\n"
                      "none /b ramfs rw,nonsense\nnone /c ramfs\n";
    CHECK_EQ(vfs_mount_fstab(v, P(tab), &err), -EINVAL);
    CHECK_EQ(err.line, 6);
    CHECK(strstr(err.msg, "nonsense") != NULL);
    c = new_client(v);
    CHECK(exists(c, "/a"));
    CHECK(!exists(c, "/c"));
    CHECK_EQ(vfs_mount_fstab(v, "none /z ramfs\0", 14, &err), -EINVAL);   /* NUL inside */
    vfs_destroy(v);

    /* -f through the tree (ROOTFS mode), and "/" replaced while unused */
    struct vfs_config cfg = {.image = image_fn, .fstab_from_vfs = 1};
    CHECK_EQ(vfs_create(&cfg, &v), 0);
    c = new_client(v);
    CHECK_EQ(vfs_mkdir(c, P("/cfg"), 0755), 0);
    CHECK_EQ(put(c, "/cfg/fstab", "romfs /r romfs ro\n"), 0);
    char *argv3[] = {"vfs", "-f", "/cfg/fstab"};
    CHECK_EQ(vfs_parse_args(v, 3, argv3, &err), 0);
    CHECK(exists(c, "/r/hello.txt"));
    CHECK_EQ(vfs_umount(v, P("/r")), 0);
    CHECK_EQ(vfs_mount_entry(v, P("romfs / romfs ro"), &err), 0);
    CHECK(exists(c, "/hello.txt"));
    CHECK(!exists(c, "/cfg"));
    vfs_destroy(v);
}

/* ---------------------------------------------------------------- romfs */
static void test_romfs_contents(void)
{
    /* The tree written by test_vfs_host.py:
     *   hello.txt        "hello, romfs\n"
     *   empty            0 bytes
     *   emptydir/
     *   fstab            "romfs /data romfs ro\nnone /scratch ramfs rw,size=1m\n" (+ comment)
     *   sub/dir/deep.bin 100000 bytes, byte i = pattern(i)
     *   sub/run.sh       executable, "#!/bin/sh\n"
     *   <64 x 'n'>       "long name\n"
     */
    struct vfs *v = new_vfs(0);
    struct vfs_client *c = new_client(v);
    char buf[256];
    struct vfs_stat st;
    CHECK_EQ(vfs_mount_entry(v, P("romfs /etc romfs ro"), NULL), 0);
    CHECK_EQ(get(c, "/etc/hello.txt", buf, sizeof buf), 13);
    CHECK(strcmp(buf, "hello, romfs\n") == 0);
    CHECK_EQ(get(c, "/etc/empty", buf, sizeof buf), 0);
    CHECK_EQ(vfs_stat(c, P("/etc/emptydir"), &st), 0);
    CHECK_EQ(st.st_mode, VFS_S_IFDIR | 0555);
    CHECK_EQ(st.st_nlink, 2);
    CHECK_EQ(vfs_stat(c, P("/etc"), &st), 0);
    CHECK_EQ(st.st_mode & VFS_S_IFMT, VFS_S_IFDIR);
    CHECK_EQ(st.st_nlink, 4);                           /* emptydir, sub */
    CHECK_EQ(vfs_stat(c, P("/etc/sub/run.sh"), &st), 0);
    CHECK_EQ(st.st_mode, VFS_S_IFREG | 0555);
    CHECK_EQ(vfs_stat(c, P("/etc/hello.txt"), &st), 0);
    CHECK_EQ(st.st_mode, VFS_S_IFREG | 0444);
    char longname[80] = "/etc/";
    memset(longname + 5, 'n', 64);
    longname[69] = '\0';
    CHECK_EQ(get(c, longname, buf, sizeof buf), 10);

    int fd = vfs_open(c, P("/etc/sub/dir/deep.bin"), VFS_O_RDONLY, 0);
    CHECK(fd >= 0);
    CHECK_EQ(vfs_fstat(c, fd, &st), 0);
    CHECK_EQ(st.st_size, 100000);
    unsigned char *data = malloc(100000);
    int64_t total = 0, n;
    while ((n = vfs_read(c, fd, data + total, 777)) > 0)
        total += n;
    CHECK_EQ(total, 100000);
    int same = 1;
    for (int i = 0; i < 100000; i++)
        same &= data[i] == pattern((uint64_t)i);
    CHECK(same);
    CHECK_EQ(vfs_pread(c, fd, data, 100, 99990), 10);
    CHECK_EQ(vfs_pread(c, fd, data, 100, 1 << 30), 0);
    free(data);
    /* read-only everywhere */
    CHECK_EQ(vfs_write(c, fd, "x", 1), -EBADF);
    CHECK_EQ(vfs_ftruncate(c, fd, 0), -EBADF);
    vfs_close(c, fd);
    CHECK_EQ(vfs_open(c, P("/etc/hello.txt"), VFS_O_WRONLY, 0), -EROFS);
    CHECK_EQ(vfs_open(c, P("/etc/hello.txt"), VFS_O_RDWR, 0), -EROFS);
    CHECK_EQ(vfs_open(c, P("/etc/hello.txt"), VFS_O_RDONLY | VFS_O_TRUNC, 0), -EROFS);
    CHECK_EQ(vfs_open(c, P("/etc/new"), VFS_O_CREAT | VFS_O_WRONLY, 0644), -EROFS);
    fd = vfs_open(c, P("/etc/hello.txt"), VFS_O_CREAT | VFS_O_RDONLY, 0644);   /* exists */
    CHECK(fd >= 0);
    vfs_close(c, fd);
    CHECK_EQ(vfs_unlink(c, P("/etc/hello.txt")), -EROFS);
    CHECK_EQ(vfs_mkdir(c, P("/etc/newdir"), 0755), -EROFS);
    CHECK_EQ(vfs_mkdir(c, P("/etc/sub"), 0755), -EEXIST);
    CHECK_EQ(vfs_rmdir(c, P("/etc/emptydir")), -EROFS);
    CHECK_EQ(vfs_rename(c, P("/etc/hello.txt"), P("/etc/bye.txt")), -EROFS);
    CHECK_EQ(vfs_rename(c, P("/etc/hello.txt"), P("/bye.txt")), -EXDEV);
    CHECK_EQ(vfs_stat(c, P("/etc/nope"), &st), -ENOENT);
    CHECK_EQ(vfs_stat(c, P("/etc/hello.txt/x"), &st), -ENOTDIR);
    /* listing: sorted bytewise, no "." or ".." */
    int d = vfs_opendir(c, P("/etc"));
    struct vfs_dirent de;
    const char *want[] = {"empty", "emptydir", "fstab", "hello.txt", longname + 5, "sub"};
    int i = 0;
    while (vfs_readdir(c, d, &de) == 1) {
        CHECK(i < 6);
        if (i < 6)
            CHECK(strcmp(de.d_name, want[i]) == 0);
        i++;
    }
    CHECK_EQ(i, 6);
    vfs_closedir(c, d);
    CHECK_EQ(vfs_chdir(c, P("/etc/sub")), 0);
    CHECK_EQ(vfs_stat(c, P("dir/deep.bin"), &st), 0);
    vfs_destroy(v);
}

/* Everything reachable in an image, with a step bound (a corrupt image may hold cycles).
 * strict: the image passed the mount-time check, so no call may report EIO. */
static void romfs_walk(struct vfs_fs *fs, int strict)
{
    void *queue[64];
    size_t head = 0, tail = 0;
    unsigned char buf[512];
    queue[tail++ % 64] = fs->ops->root(fs);
    for (int steps = 0; head != tail && steps < 300; steps++) {
        void *node = queue[head++ % 64];
        struct vfs_stat st;
        int rc = fs->ops->getattr(fs, node, &st);
        if (strict)
            CHECK_EQ(rc, 0);
        if (rc)
            continue;
        if ((st.st_mode & VFS_S_IFMT) != VFS_S_IFDIR) {
            int64_t n = fs->ops->read(fs, node, buf, sizeof buf, 0);
            CHECK(n >= 0 || (!strict && n == -EIO));
            if (st.st_size > 0)
                fs->ops->read(fs, node, buf, sizeof buf, st.st_size - 1);
            continue;
        }
        uint64_t cookie = 0;
        struct vfs_dirent de;
        for (int k = 0; k < 200; k++) {
            rc = fs->ops->readdir(fs, node, &cookie, &de);
            if (strict)
                CHECK(rc >= 0);
            if (rc <= 0)
                break;
            CHECK(de.d_namlen >= 1 && de.d_namlen <= VFS_NAME_MAX);
            void *child;
            rc = fs->ops->lookup(fs, node, de.d_name, de.d_namlen, &child);
            if (strict)
                CHECK_EQ(rc, 0);
            if (rc == 0 && tail - head < 64)
                queue[tail++ % 64] = child;
        }
        void *child;
        fs->ops->lookup(fs, node, "hello.txt", 9, &child);
    }
}

static int romfs_try(const unsigned char *img, size_t len, unsigned flags)
{
    struct vfs_fs *fs;
    int rc = romfs_create(NULL, img, len, flags, &fs);
    if (rc == 0) {
        romfs_walk(fs, !(flags & ROMFS_CHECK_LAZY));
        fs->ops->destroy(fs);
    } else {
        CHECK_EQ(rc, -EINVAL);
    }
    return rc;
}

static uint32_t rd32(const unsigned char *p)
{
    return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

static void wr32(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)v;
    p[1] = (unsigned char)(v >> 8);
    p[2] = (unsigned char)(v >> 16);
    p[3] = (unsigned char)(v >> 24);
}

static void test_romfs_corrupt(void)
{
    const size_t len = romfs_len;
    /* Each case gets its own exact-size heap copy, so ASan sees any read past the end. */
    unsigned char *img = malloc(len);

    CHECK_EQ(romfs_try(romfs_img, len, 0), 0);
    CHECK_EQ(romfs_try(romfs_img, len, ROMFS_CHECK_LAZY), 0);
    /* truncated anywhere: the header's size no longer fits */
    for (size_t cut = 0; cut < len; cut += cut < 2048 ? 1 : 997) {
        unsigned char *t = malloc(cut ? cut : 1);
        memcpy(t, romfs_img, cut);
        CHECK_EQ(romfs_try(t, cut, 0), -EINVAL);
        CHECK_EQ(romfs_try(t, cut, ROMFS_CHECK_LAZY), -EINVAL);
        free(t);
    }
    uint32_t count = rd32(romfs_img + ROMFS_HDR_INODE_COUNT);
    uint32_t itab = rd32(romfs_img + ROMFS_HDR_INODE_OFF);
    /* header fields */
    static const struct { unsigned off; uint32_t val; } hdr[] = {
        {ROMFS_HDR_VERSION, 2}, {ROMFS_HDR_HDRSIZE, 16}, {ROMFS_HDR_IMAGE_SIZE, 0xFFFFFFFF},
        {ROMFS_HDR_IMAGE_SIZE, 8}, {ROMFS_HDR_INODE_COUNT, 0},
        {ROMFS_HDR_INODE_COUNT, 0xFFFFFFFF}, {ROMFS_HDR_INODE_COUNT, 0x10000000},
        {ROMFS_HDR_INODE_OFF, 0}, {ROMFS_HDR_INODE_OFF, 0xFFFFFFF0}, {ROMFS_HDR_RESERVED, 1},
    };
    for (size_t i = 0; i < sizeof hdr / sizeof hdr[0]; i++) {
        memcpy(img, romfs_img, len);
        wr32(img + hdr[i].off, hdr[i].val);
        CHECK_EQ(romfs_try(img, len, 0), -EINVAL);
    }
    memcpy(img, romfs_img, len);
    img[0] ^= 1;
    CHECK_EQ(romfs_try(img, len, 0), -EINVAL);
    /* every inode field of every inode set to hostile values */
    static const uint32_t evil[] = {0, 1, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFF, 0xFFFFFFF4,
                                    0x0FFFFFFF, 0x40000, 0x8000 | 0x1FF, 0xA1FF};
    int accepted = 0;
    for (uint32_t i = 0; i < count; i++)
        for (unsigned f = 0; f < 16; f += 4)
            for (size_t e = 0; e < sizeof evil / sizeof evil[0]; e++) {
                memcpy(img, romfs_img, len);
                wr32(img + itab + i * ROMFS_INODE_SIZE + f, evil[e]);
                accepted += romfs_try(img, len, 0) == 0;
                romfs_try(img, len, ROMFS_CHECK_LAZY);
            }
    CHECK(accepted < (int)(count * 4 * 10));
    /* random mutations, mostly in the metadata before the first file's data */
    size_t meta = 0;
    for (uint32_t i = 0; i < count; i++) {
        const unsigned char *p = romfs_img + itab + i * ROMFS_INODE_SIZE;
        size_t end = (rd32(p) & VFS_S_IFMT) == VFS_S_IFDIR
                         ? rd32(p + 4) + (size_t)rd32(p + 8) * ROMFS_DIRENT_SIZE : rd32(p + 4);
        if (end > meta && end <= len)
            meta = end;
    }
    meta += 256;                                /* the names follow the entries */
    if (meta > len)
        meta = len;
    int ok_strict = 0, ok_lazy = 0;
    for (int iter = 0; iter < 4000; iter++) {
        memcpy(img, romfs_img, len);
        int muts = 1 + (int)(rnd() % 6);
        for (int m = 0; m < muts; m++) {
            size_t where = (rnd() % 4) ? rnd() % meta : rnd() % len;
            switch (rnd() % 4) {
            case 0: img[where] = (unsigned char)rnd(); break;
            case 1: img[where] ^= (unsigned char)(1u << (rnd() % 8)); break;
            case 2: img[where] = (rnd() & 1) ? 0xFF : 0; break;
            default:
                if (where + 4 <= len)
                    wr32(img + (where & ~(size_t)3), (uint32_t)rnd() % (uint32_t)(len + 64));
            }
        }
        ok_strict += romfs_try(img, len, 0) == 0;
        ok_lazy += romfs_try(img, len, ROMFS_CHECK_LAZY) == 0;
    }
    CHECK(ok_lazy >= ok_strict);
    /* random bytes behind a valid header */
    for (int iter = 0; iter < 2000; iter++) {
        size_t n = 48 + rnd() % 600;
        unsigned char *r = malloc(n);
        for (size_t i = 0; i < n; i++)
            r[i] = (unsigned char)rnd();
        memcpy(r, ROMFS_MAGIC, 8);
        wr32(r + ROMFS_HDR_VERSION, ROMFS_VERSION);
        wr32(r + ROMFS_HDR_HDRSIZE, ROMFS_HDR_SIZE);
        wr32(r + ROMFS_HDR_IMAGE_SIZE, (uint32_t)n);
        wr32(r + ROMFS_HDR_INODE_COUNT, 1 + (uint32_t)(rnd() % 8));
        wr32(r + ROMFS_HDR_INODE_OFF, 32);
        wr32(r + ROMFS_HDR_RESERVED, 0);
        if (rnd() & 1) {                /* a plausible root directory */
            wr32(r + 32, VFS_S_IFDIR | 0555);
            wr32(r + 36, 32 + (uint32_t)(rnd() % (n - 32)));
            wr32(r + 40, (uint32_t)(rnd() % 8));
            wr32(r + 44, 0);
        }
        romfs_try(r, n, 0);
        romfs_try(r, n, ROMFS_CHECK_LAZY);
        free(r);
    }
    /* through the VFS: a corrupt image fails the mount cleanly */
    memcpy(img, romfs_img, len);
    wr32(img + itab + ROMFS_INO_OFFSET, 0xFFFFFFF0);    /* root's entries out of bounds */
    unsigned char *saved = romfs_img;
    romfs_img = img;
    struct vfs *v = new_vfs(0);
    CHECK_EQ(vfs_mount_entry(v, P("romfs /etc romfs ro"), NULL), -EINVAL);
    vfs_destroy(v);
    romfs_img = saved;
    free(img);
    printf("romfs fuzz: %d/4000 strict and %d/4000 lazy mutants mounted, none crashed\n",
           ok_strict, ok_lazy);
}

/* ---------------------------------------------------------------- main */
static unsigned char *load(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    unsigned char *p = malloc((size_t)n);
    if (fread(p, 1, (size_t)n, f) != (size_t)n) {
        free(p);
        p = NULL;
    }
    fclose(f);
    *len = (size_t)n;
    return p;
}

int main(int argc, char **argv)
{
    if (argc < 2 || !(romfs_img = load(argv[1], &romfs_len))) {
        fprintf(stderr, "usage: test_vfs ROMFS_IMAGE\n");
        return 2;
    }
    test_path_normalisation();
    test_call_table();
    test_fd_calls();
    test_big_file();
    test_enospc();
    test_client_isolation();
    test_unlink_while_open();
    test_name_cache();
    test_deep_nesting();
    test_allocator();
    test_space_returns_after_unlink();
    test_direct_io_fill();
    test_mount_args();
    test_romfs_contents();
    test_romfs_corrupt();
    free(romfs_img);
    CHECK_DONE();
}
