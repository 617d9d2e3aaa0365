/*
 * VFS core: startup arguments (-l "<fstab entry>", -f <fstab file>) and fstab parsing.
 * Turns text into vfs_mount calls; must stop at the first bad line with a message that
 * names it, and never read past the lengths it was given.
 */
#include <errno.h>
#include <string.h>

#include "vfs_internal.h"

#define ENTRY_MAX  1024                 /* longest fstab line or -l value */
#define FIELDS_MAX 6                    /* source target type options dump pass */

/* ---------------------------------------------------------------- messages */
static const char *errno_name(int rc)
{
    switch (-rc) {
    case ENOENT: return "ENOENT";
    case EEXIST: return "EEXIST";
    case ENOTDIR: return "ENOTDIR";
    case EISDIR: return "EISDIR";
    case EINVAL: return "EINVAL";
    case ENOSPC: return "ENOSPC";
    case EROFS: return "EROFS";
    case EBUSY: return "EBUSY";
    case ENODEV: return "ENODEV";
    case ENOMEM: return "ENOMEM";
    case EACCES: return "EACCES";
    case ENAMETOOLONG: return "ENAMETOOLONG";
    case EFBIG: return "EFBIG";
    case EIO: return "EIO";
    default: return "error";
    }
}

static void err_put(struct vfs_error *e, size_t *n, const char *s, size_t len)
{
    size_t room = sizeof e->msg - 1 - *n;
    if (len > room)
        len = room;
    memcpy(e->msg + *n, s, len);
    *n += len;
    e->msg[*n] = '\0';
}

/* msg = "<what> '<arg>': <why>", cut to fit. */
static int fail(struct vfs_error *e, int rc, const char *what, const char *arg, size_t arg_len,
                const char *why)
{
    if (!e)
        return rc;
    size_t n = 0;
    e->msg[0] = '\0';
    err_put(e, &n, what, strlen(what));
    if (arg) {
        err_put(e, &n, " '", 2);
        for (size_t i = 0; i < arg_len; i++)   /* keep the message printable */
            err_put(e, &n, (arg[i] >= 0x20 && arg[i] < 0x7f) ? &arg[i] : "?", 1);
        err_put(e, &n, "'", 1);
    }
    err_put(e, &n, ": ", 2);
    why = why ? why : errno_name(rc);
    err_put(e, &n, why, strlen(why));
    return rc;
}

/* ---------------------------------------------------------------- fstab entries */
static int is_space(char ch) { return ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n'; }
static int is_odigit(char ch) { return ch >= '0' && ch <= '7'; }

/* Copies one field, decoding fstab's \ooo escapes (\040 is a space). */
static int field_decode(const char *s, size_t len, char *out, size_t *out_len)
{
    size_t n = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned ch = (unsigned char)s[i];
        if (ch == '\\' && i + 3 < len && is_odigit(s[i + 1]) && is_odigit(s[i + 2]) &&
            is_odigit(s[i + 3])) {
            ch = (unsigned)(s[i + 1] - '0') * 64 + (unsigned)(s[i + 2] - '0') * 8 +
                 (unsigned)(s[i + 3] - '0');
            if (ch == 0 || ch > 255)
                return -EINVAL;
            i += 3;
        }
        if (n >= VFS_PATH_MAX - 1)
            return -ENAMETOOLONG;
        out[n++] = (char)ch;
    }
    out[n] = '\0';
    *out_len = n;
    return 0;
}

static int parse_size(const char *s, size_t len, uint64_t *out)
{
    uint64_t v = 0, mul = 1;
    if (len && (s[len - 1] | 0x20) == 'k')
        mul = 1ull << 10;
    else if (len && (s[len - 1] | 0x20) == 'm')
        mul = 1ull << 20;
    else if (len && (s[len - 1] | 0x20) == 'g')
        mul = 1ull << 30;
    if (mul != 1)
        len--;
    if (len == 0)
        return -EINVAL;
    for (size_t i = 0; i < len; i++) {
        if (s[i] < '0' || s[i] > '9' || v > (UINT64_MAX - 9) / 10)
            return -EINVAL;
        v = v * 10 + (uint64_t)(s[i] - '0');
    }
    if (v > UINT64_MAX / mul)
        return -EINVAL;
    *out = v * mul;
    return 0;
}

static int parse_options(const char *s, size_t len, struct vfs_mount_args *a,
                         struct vfs_error *err)
{
    size_t i = 0;
    while (i <= len) {
        size_t start = i;
        while (i < len && s[i] != ',')
            i++;
        const char *o = s + start;
        size_t n = i - start;
        i++;
        if (n == 0 || (n == 1 && o[0] == '0') || (n == 8 && !memcmp(o, "defaults", 8)) ||
            (n == 2 && !memcmp(o, "rw", 2)))
            continue;
        if (n == 2 && !memcmp(o, "ro", 2)) {
            a->flags |= VFS_MS_RDONLY;
            continue;
        }
        if (n > 5 && !memcmp(o, "size=", 5)) {
            if (parse_size(o + 5, n - 5, &a->size))
                return fail(err, -EINVAL, "bad size", o, n, "expected size=N[k|m|g]");
            continue;
        }
        return fail(err, -EINVAL, "unknown mount option", o, n, "expected ro, rw, size=N");
    }
    return 0;
}

int vfs_mount_entry(struct vfs *vfs, const char *line, size_t len, struct vfs_error *err)
{
    char f[FIELDS_MAX][VFS_PATH_MAX];
    size_t flen[FIELDS_MAX];
    int nf = 0, rc;

    if (err) {
        err->line = 0;
        err->msg[0] = '\0';
    }
    if (!line && len)
        return -EFAULT;
    if (len > ENTRY_MAX)
        return fail(err, -ENAMETOOLONG, "fstab entry too long", NULL, 0, NULL);
    if (len && memchr(line, '\0', len))
        return fail(err, -EINVAL, "fstab entry", NULL, 0, "contains a NUL byte");
    size_t i = 0;
    while (1) {
        while (i < len && is_space(line[i]))
            i++;
        if (i == len)
            break;
        size_t start = i;
        while (i < len && !is_space(line[i]))
            i++;
        if (nf == FIELDS_MAX)
            return fail(err, -EINVAL, "fstab entry", line, len, "more than 6 fields");
        rc = field_decode(line + start, i - start, f[nf], &flen[nf]);
        if (rc)
            return fail(err, rc, "bad field", line + start, i - start, NULL);
        nf++;
    }
    if (nf < 3)
        return fail(err, -EINVAL, "fstab entry", line, len,
                    "expected <source> <mountpoint> <fstype> [<options>]");
    for (int k = 4; k < nf; k++)
        for (size_t j = 0; j < flen[k]; j++)
            if (f[k][j] < '0' || f[k][j] > '9')
                return fail(err, -EINVAL, "fstab dump/pass field", f[k], flen[k],
                            "expected a number");
    struct vfs_mount_args a = {
        .source = f[0], .source_len = flen[0],
        .target = f[1], .target_len = flen[1],
        .fstype = f[2], .fstype_len = flen[2],
    };
    if (nf > 3 && (rc = parse_options(f[3], flen[3], &a, err)) != 0)
        return rc;
    rc = vfs_mount(vfs, &a);
    if (rc)
        return fail(err, rc, "mount", f[1], flen[1],
                    rc == -ENODEV ? "unknown file system type" : NULL);
    return 0;
}

int vfs_mount_fstab(struct vfs *vfs, const char *text, size_t len, struct vfs_error *err)
{
    int lineno = 0;
    size_t i = 0;
    if (!text && len)
        return -EFAULT;
    while (i < len) {
        size_t start = i;
        while (i < len && text[i] != '\n')
            i++;
        const char *l = text + start;
        size_t n = i - start;
        i++;
        lineno++;
        while (n && is_space(*l)) {
            l++;
            n--;
        }
        if (n == 0 || l[0] == '#')
            continue;
        int rc = vfs_mount_entry(vfs, l, n, err);
        if (rc) {
            if (err)
                err->line = lineno;
            return rc;
        }
    }
    return 0;
}

/* ---------------------------------------------------------------- argv */
static size_t arg_len(const char *s, size_t max)
{
    size_t n = 0;
    while (n <= max && s[n])
        n++;
    return n;
}

int vfs_parse_args(struct vfs *vfs, int argc, char *const argv[], struct vfs_error *err)
{
    if (err) {
        err->line = 0;
        err->msg[0] = '\0';
    }
    for (int i = 1; i < argc; i++) {
        const char *opt = argv[i];
        if (!opt)
            return fail(err, -EINVAL, "argument", NULL, 0, "NULL in argv");
        int is_l = strcmp(opt, "-l") == 0, is_f = strcmp(opt, "-f") == 0;
        if (!is_l && !is_f)
            return fail(err, -EINVAL, "unknown argument", opt, arg_len(opt, 64),
                        "expected -l <fstab entry> or -f <fstab file>");
        if (i + 1 >= argc || !argv[i + 1])
            return fail(err, -EINVAL, "option", opt, 2, "needs a value");
        const char *val = argv[++i];
        size_t len = arg_len(val, ENTRY_MAX);
        if (len > ENTRY_MAX)
            return fail(err, -ENAMETOOLONG, "option", opt, 2, "value too long");
        if (is_l) {
            int rc = vfs_mount_entry(vfs, val, len, err);
            if (rc)
                return rc;
            continue;
        }
        const struct vfs_alloc *a = vfs_allocator(vfs);
        char *buf = vfs_mem_alloc(a, VFS_FSTAB_MAX);
        size_t n = 0;
        if (!buf)
            return fail(err, -ENOMEM, "-f", val, len, NULL);
        int rc = vfs_internal_read_file(vfs, val, len, buf, VFS_FSTAB_MAX, &n);
        if (rc)
            fail(err, rc, "-f: cannot read", val, len, NULL);
        else
            rc = vfs_mount_fstab(vfs, buf, n, err);
        vfs_mem_free(a, buf, VFS_FSTAB_MAX);
        if (rc)
            return rc;
    }
    return 0;
}
