/*
 * libFuzzer target: the VFS core's romfs reader (userland/vfs/core/romfs.c) on
 * any image. romfs.c promises that a corrupt image gives EINVAL (mount) or EIO,
 * never a crash: the image is mounted at /r and every name in it is walked,
 * stat'ed, listed and read (bounded: directory cycles in a corrupt image must
 * not make the walk itself endless).
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "vfs.h"

#include "fuzz_check.h"

static const uint8_t *img;
static size_t img_len;
static int budget;                                /* walk steps left for this input */

static int image_fn(void *ctx, const char *src, size_t len, const void **out, size_t *out_len)
{
    (void)ctx, (void)src, (void)len;
    *out = img;
    *out_len = img_len;
    return 0;
}

static void walk(struct vfs_client *c, char *path, size_t n, int depth)
{
    struct vfs_stat st;
    if (--budget < 0 || vfs_stat(c, path, n, &st) != 0)
        return;
    check(st.st_ino != 0);
    uint32_t type = st.st_mode & VFS_S_IFMT;
    check(type == VFS_S_IFDIR || type == VFS_S_IFREG);
    if (type == VFS_S_IFREG) {
        int fd = vfs_open(c, path, n, VFS_O_RDONLY, 0);
        if (fd < 0)
            return;
        char buf[512];
        int64_t got, total = 0;
        while (total < 8192 && (got = vfs_read(c, fd, buf, sizeof buf)) > 0) {
            check(got <= (int64_t)sizeof buf);
            total += got;
        }
        check(got <= 0 || total >= 8192);
        check(vfs_pread(c, fd, buf, 16, st.st_size > 8 ? st.st_size - 8 : 0) <= 16);
        check(vfs_lseek(c, fd, 0, VFS_SEEK_END) == st.st_size);
        check(vfs_close(c, fd) == 0);
        return;
    }
    int fd = vfs_opendir(c, path, n);
    if (fd < 0 || depth >= 8) {
        if (fd >= 0)
            vfs_closedir(c, fd);
        return;
    }
    struct vfs_dirent de;
    for (int k = 0; k < 64 && vfs_readdir(c, fd, &de) == 1; k++) {
        check(de.d_namlen >= 1 && de.d_namlen <= VFS_NAME_MAX &&
              strlen(de.d_name) == de.d_namlen);
        if (n + 1 + de.d_namlen >= VFS_PATH_MAX)
            continue;
        path[n] = '/';
        memcpy(path + n + 1, de.d_name, de.d_namlen + 1);
        walk(c, path, n + 1 + de.d_namlen, depth + 1);
        path[n] = '\0';
    }
    vfs_closedir(c, fd);
}

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t size)
{
    uint8_t *copy = malloc(size ? size : 1);      /* exactly sized: over-reads are caught */
    memcpy(copy, d, size);
    img = copy;
    img_len = size;
    struct vfs_config cfg = { .image = image_fn };
    struct vfs *v;
    check(vfs_create(&cfg, &v) == 0);
    struct vfs_error err;
    static const char line[] = "romfs /r romfs ro";
    if (vfs_mount_entry(v, line, sizeof line - 1, &err) == 0) {
        struct vfs_client *c;
        check(vfs_client_create(v, &c) == 0);
        char path[VFS_PATH_MAX] = "/r";
        budget = 512;
        walk(c, path, 2, 0);
        vfs_client_destroy(c);
    }
    vfs_destroy(v);
    free(copy);
    return 0;
}
