/*
 * VFS core: lexical path normalisation (cwd join, ".", "..", repeated and trailing "/").
 * Owns no state; must never read past the given lengths or climb above "/".
 */
#include <errno.h>
#include <string.h>

#include "vfs.h"
#include "vfs_internal.h"

/* Appends the components of src to the absolute path held in buf[0..*n) ("" = "/"). */
static int push_components(char *buf, size_t size, size_t *n, const char *src, size_t len,
                           int *last_dot)
{
    size_t i = 0;
    *last_dot = 0;
    while (i < len) {
        while (i < len && src[i] == '/')
            i++;
        size_t start = i;
        while (i < len && src[i] != '/')
            i++;
        size_t clen = i - start;
        if (clen == 0)
            break;
        if (clen > VFS_NAME_MAX)
            return -ENAMETOOLONG;
        const char *comp = src + start;
        *last_dot = 0;
        if (clen == 1 && comp[0] == '.') {
            *last_dot = 1;
            continue;
        }
        if (clen == 2 && comp[0] == '.' && comp[1] == '.') {
            *last_dot = 1;
            while (*n > 0 && buf[*n - 1] != '/')
                (*n)--;
            if (*n > 0)
                (*n)--;                 /* the '/' before it; at "/" this is a no-op */
            continue;
        }
        if (*n + 1 + clen > size)
            return -ENAMETOOLONG;
        buf[(*n)++] = '/';
        memcpy(buf + *n, comp, clen);
        *n += clen;
    }
    return 0;
}

/* Does s[0..len) hold a NUL? A byte loop: paths are short, and the C library's memchr
 * costs more to set up than this takes for a typical name (docs/PERFORMANCE.md). */
static int has_nul(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (s[i] == '\0')
            return 1;
    return 0;
}

/* Is one component of an already normal path acceptable as it is: not empty, not
 * "." or "..", at most VFS_NAME_MAX bytes? */
static int plain_component(const char *c, size_t n)
{
    return n != 0 && n <= VFS_NAME_MAX && !(c[0] == '.' && (n == 1 || (n == 2 && c[1] == '.')));
}

/* Is path[0..len) (len > 0) absolute and normal already: no NUL, every component plain,
 * no trailing '/', not "/" itself? The common case, checked in one pass; anything else
 * takes the general way. */
int vfs_path_is_normal(const char *path, size_t len)
{
    if (path[0] != '/' || len < 2 || path[len - 1] == '/')
        return 0;
    size_t start = 1;
    for (size_t i = 1; i < len; i++) {
        /* Eight name bytes at once: '.' matters only first in a component, which
         * the byte after a '/' is, and the component's length is checked at its end. */
        while (i + 8 <= len && !vfs_word_has_slash_or_nul(vfs_word_at(path + i)))
            i += 8;
        if (i >= len)
            break;
        char ch = path[i];
        if (ch == '/') {
            if (!plain_component(path + start, i - start))
                return 0;
            start = i + 1;
        } else if (ch == '\0') {
            return 0;
        }
    }
    return plain_component(path + start, len - start);
}

int vfs_path_normalize(const char *cwd, size_t cwd_len, const char *path, size_t len,
                       char *out, size_t out_size, size_t *out_len, int *must_dir)
{
    char tmp[2 * VFS_PATH_MAX];
    size_t n = 0;
    int last_dot = 0, rc;

    if ((!path && len) || !out || !out_len || !must_dir)
        return -EFAULT;
    if (out_size < VFS_PATH_MAX)
        return -EINVAL;
    if (len == 0)
        return -ENOENT;                 /* POSIX: the empty path names nothing */
    if (len >= VFS_PATH_MAX)            /* before scanning: len may be anything */
        return -ENAMETOOLONG;
    if (vfs_path_is_normal(path, len)) {
        memcpy(out, path, len);
        out[len] = '\0';
        *out_len = len;
        *must_dir = 0;
        return 0;
    }
    if (has_nul(path, len))
        return -EINVAL;
    if (path[0] != '/') {
        if (!cwd || cwd_len == 0 || cwd[0] != '/' || cwd_len >= VFS_PATH_MAX ||
            has_nul(cwd, cwd_len))
            return -EINVAL;
        rc = push_components(tmp, sizeof tmp, &n, cwd, cwd_len, &last_dot);
        if (rc)
            return rc;
    }
    rc = push_components(tmp, sizeof tmp, &n, path, len, &last_dot);
    if (rc)
        return rc;
    *must_dir = path[len - 1] == '/' || last_dot;
    if (n == 0)
        tmp[n++] = '/';
    if (n >= VFS_PATH_MAX)
        return -ENAMETOOLONG;
    memcpy(out, tmp, n);
    out[n] = '\0';
    *out_len = n;
    return 0;
}
