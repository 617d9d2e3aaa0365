/*
 * libFuzzer target: the VFS core's path handling (userland/vfs/core): lexical
 * normalisation, the walk of every call that takes a path (over a small tree
 * with a second mount), and the fstab parser. One input:
 *   [0] cwd length  [1] where `path` ends (the rest is `to`)  [2] open flags
 *   then cwd, path, to (each as a counted byte string: no NUL terminator)
 * Besides the sanitizers' checks: a normalised path is absolute, has no
 * empty, "." or ".." component, no trailing "/", and normalises to itself.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "vfs.h"

#include "fuzz_check.h"

/* An exactly sized heap copy, so a read past the given length is caught. */
static char *dup_exact(const uint8_t *p, size_t n)
{
    char *s = malloc(n ? n : 1);
    memcpy(s, p, n);
    return s;
}

static void check_normal(const char *out, size_t n)
{
    check(n > 0 && n < VFS_PATH_MAX && out[0] == '/' && strlen(out) == n);
    check(n == 1 || out[n - 1] != '/');
    for (size_t i = 0; i < n;) {                  /* each component */
        size_t j = i + 1;
        while (j < n && out[j] != '/')
            j++;
        size_t len = j - i - 1;
        check(n == 1 || len > 0);
        check(len <= VFS_NAME_MAX);
        check(!(len == 1 && out[i + 1] == '.'));
        check(!(len == 2 && out[i + 1] == '.' && out[i + 2] == '.'));
        i = j;
    }
}

static void normalize(const char *cwd, size_t cwd_len, const char *path, size_t len)
{
    char out[VFS_PATH_MAX], again[VFS_PATH_MAX];
    size_t n, n2;
    int dir, dir2;
    if (vfs_path_normalize(cwd, cwd_len, path, len, out, sizeof out, &n, &dir) != 0)
        return;
    check_normal(out, n);
    check(vfs_path_normalize(NULL, 0, out, n, again, sizeof again, &n2, &dir2) == 0);
    check(n2 == n && memcmp(out, again, n) == 0 && dir2 == (n == 1));   /* "/" ends in "/" */
}

static struct vfs *setup(void)
{
    struct vfs_config cfg = { .root_budget = 1u << 20 };
    struct vfs *v;
    check(vfs_create(&cfg, &v) == 0);
    struct vfs_error err;
    static const char fstab[] = "none /m ramfs rw,size=64k\nnone /ro ramfs ro\n";
    check(vfs_mount_fstab(v, fstab, sizeof fstab - 1, &err) == 0);
    struct vfs_client *c;
    check(vfs_client_create(v, &c) == 0);
    check(vfs_mkdir(c, "/a", 2, 0755) == 0 && vfs_mkdir(c, "/a/b", 4, 0755) == 0);
    int fd = vfs_open(c, "/a/f", 4, VFS_O_CREAT | VFS_O_WRONLY, 0644);
    check(fd >= 0 && vfs_write(c, fd, "x", 1) == 1 && vfs_close(c, fd) == 0);
    check(vfs_mkdir(c, "/m/d", 4, 0755) == 0);
    vfs_client_destroy(c);
    return v;
}

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t size)
{
    if (size < 3)
        return 0;
    size_t rest = size - 3;
    size_t cwd_len = d[0] % (rest + 1);
    size_t path_len = d[1] % (rest - cwd_len + 1);
    size_t to_len = rest - cwd_len - path_len;
    int flags = (d[2] & 3) | ((d[2] & 4) ? VFS_O_CREAT : 0) | ((d[2] & 8) ? VFS_O_TRUNC : 0) |
                ((d[2] & 16) ? VFS_O_EXCL : 0) | ((d[2] & 32) ? VFS_O_DIRECTORY : 0) |
                ((d[2] & 64) ? VFS_O_APPEND : 0);
    char *cwd = dup_exact(d + 3, cwd_len);
    char *path = dup_exact(d + 3 + cwd_len, path_len);
    char *to = dup_exact(d + 3 + cwd_len + path_len, to_len);

    normalize(cwd, cwd_len, path, path_len);
    normalize(NULL, 0, path, path_len);
    normalize(path, path_len, to, to_len);

    struct vfs *v = setup();
    struct vfs_client *c;
    check(vfs_client_create(v, &c) == 0);
    char buf[VFS_PATH_MAX];
    struct vfs_stat st;
    struct vfs_dirent de;
    if (vfs_chdir(c, cwd, cwd_len) == 0) {
        int n = vfs_getcwd(c, buf, sizeof buf);
        check(n > 0);
        check_normal(buf, (size_t)n);
    }
    if (vfs_stat(c, path, path_len, &st) == 0)
        check(st.st_ino != 0 && (st.st_mode & VFS_S_IFMT) != 0);
    int fd = vfs_open(c, path, path_len, flags, 0644);
    if (fd >= 0) {
        check(vfs_fstat(c, fd, &st) == 0);
        vfs_write(c, fd, "data", 4);
        check(vfs_close(c, fd) == 0);
    }
    vfs_mkdir(c, to, to_len, 0755);
    if ((fd = vfs_opendir(c, path, path_len)) >= 0) {
        for (int k = 0; k < 32 && vfs_readdir(c, fd, &de) == 1; k++)
            check(de.d_namlen >= 1 && de.d_namlen <= VFS_NAME_MAX &&
                  strlen(de.d_name) == de.d_namlen);
        check(vfs_closedir(c, fd) == 0);
    }
    vfs_rename(c, path, path_len, to, to_len);
    vfs_unlink(c, to, to_len);
    vfs_rmdir(c, path, path_len);
    vfs_umount(v, to, to_len);
    /* The same bytes as mount-table lines. */
    struct vfs_error err;
    vfs_mount_entry(v, to, to_len, &err);
    vfs_mount_fstab(v, path, path_len, &err);
    vfs_client_destroy(c);
    vfs_destroy(v);
    free(cwd);
    free(path);
    free(to);
    return 0;
}
