/*
 * test_vfs_pull: the client of test_vfs_pull_run: writes and pwrites of every size
 * around VfsFsnet's deferral threshold (1 KiB: docs/VFS.md, "Writes copied once")
 * and around chunk ends, from buffers at odd addresses and across page ends, over
 * holes, over data, past the end, with O_APPEND; the error answers (a negative
 * pwrite offset, a bad or read-only descriptor) with data that would be deferred.
 * The file read back must be what a model buffer says, byte for byte; its FNV-1a
 * hash goes on the console ("PULL_HASH"), for tests/test_vfs_pull.py to compare
 * between the fast path on (large arenas deferred, taken straight into the file)
 * and off (every arena copied).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "../check.h"

#define FILE_MAX (200 * 1024)

static uint8_t model[FILE_MAX + 4096];   /* (+ the O_APPEND write past FILE_MAX) */
static uint8_t src[80 * 1024 + 64] __attribute__((aligned(4096)));
static uint8_t back[FILE_MAX + 4096 + 16];
static size_t model_size;
static uint32_t seed = 12345;

static uint32_t rnd(void)
{
    seed = seed * 1103515245u + 12345u;
    return seed >> 8;
}

/* n bytes of a fresh pattern at src + skew. */
static const uint8_t *fresh(size_t skew, size_t n)
{
    for (size_t i = 0; i < n; i++)
        src[skew + i] = (uint8_t)rnd();
    return src + skew;
}

static void model_write(size_t off, const uint8_t *d, size_t n)
{
    memcpy(model + off, d, n);
    if (off + n > model_size)
        model_size = off + n;
}

static int failures_here;

static void expect(const char *what, ssize_t got, ssize_t want)
{
    if (got != want) {
        printf("test_vfs_pull: %s: %zd, expected %zd (errno %d)\n", what, got, want, errno);
        failures_here++;
    }
}

int main(void)
{
    static const size_t sizes[] = { 1, 100, 1023, 1024, 1025, 4095, 4096, 4097, 5000,
                                    8192 + 13, 16384, 65535, 65536, 70000 };
    int fd = open("/pull", O_RDWR | O_CREAT | O_TRUNC, 0644);
    CHECK("open_file", fd >= 0, "errno %d", errno);
    if (fd < 0)
        return check_done("test_vfs_pull");
    /* write at the position, from skewed buffers, with lseeks into holes and data */
    for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
        size_t n = sizes[k], skew = (k * 37) % 64;
        off_t at = (off_t)(rnd() % (FILE_MAX - 70000 - 1));
        expect("lseek", lseek(fd, at, SEEK_SET), at);
        const uint8_t *d = fresh(skew, n);
        expect("write", write(fd, d, n), (ssize_t)n);
        model_write((size_t)at, d, n);
    }
    /* pwrite at odd offsets: over a chunk end, at a chunk start, past the end */
    for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
        size_t n = sizes[k], skew = 4096 - (k * 11) % 100;    /* across src's page end */
        size_t at = k % 3 == 0 ? 4096 * (k + 1) - 7 : k % 3 == 1 ? 4096 * (k + 2)
                                                                : model_size + (k * 501);
        if (at + n > FILE_MAX)
            at = FILE_MAX - n;
        const uint8_t *d = fresh(skew, n);
        expect("pwrite", pwrite(fd, d, n, (off_t)at), (ssize_t)n);
        model_write(at, d, n);
    }
    /* errors with large data: nothing written */
    errno = 0;
    expect("pwrite_negative", pwrite(fd, fresh(0, 4096), 4096, -5), -1);
    CHECK("pwrite_negative_offset_EINVAL", errno == EINVAL, "errno %d", errno);
    int ro = open("/pull", O_RDONLY);
    errno = 0;
    expect("write_rdonly", write(ro, fresh(0, 4096), 4096), -1);
    CHECK("write_readonly_fd_EBADF", errno == EBADF, "errno %d", errno);
    close(ro);
    /* O_APPEND: at the end whatever the position */
    int ap = open("/pull", O_WRONLY | O_APPEND);
    lseek(ap, 0, SEEK_SET);
    size_t end = model_size;
    const uint8_t *d = fresh(5, 3000);
    expect("append", write(ap, d, 3000), 3000);
    model_write(end, d, 3000);
    close(ap);
    CHECK("writes_answered", failures_here == 0, "%d wrong answers", failures_here);

    /* read back */
    expect("lseek0", lseek(fd, 0, SEEK_SET), 0);
    size_t got = 0;
    for (ssize_t r; got < sizeof back && (r = read(fd, back + got, sizeof back - got)) > 0;)
        got += (size_t)r;
    close(fd);
    CHECK("file_is_the_model", got == model_size && memcmp(back, model, model_size) == 0,
          "read %zu of %zu bytes, first difference at %zd", got, model_size,
          got == model_size ? (ssize_t)0 : (ssize_t)-1);
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < got; i++)
        h = (h ^ back[i]) * 16777619u;
    printf("PULL_HASH %08x %zu\n", (unsigned)h, got);
    return check_done("test_vfs_pull");
}
