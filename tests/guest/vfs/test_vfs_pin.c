/*
 * test_vfs_pin <W|R><n>: one of the clients of test_vfs_pin_run, which hammer a few
 * one-chunk files of VfsFsnet at once (docs/VFS.md, "Small reads answer from the
 * file's chunk"). A read that lies in one chunk is answered with the chunk itself,
 * which the kernel copies after VfsFsnet has let go of its lock; the chunk is pinned
 * until then. Writers (W) overwrite, truncate and rewrite, unlink and recreate the
 * files, every write a whole chunk of one tag byte naming the file (and a generation);
 * readers (R) read them (4 KiB, 300 bytes, a byte) and check that every answer is one
 * version of their own file: all bytes one tag, of that file. Without the pins a reply
 * copied from a chunk that a write is changing is mixed, and one copied from a chunk
 * freed and given to another file carries that file's tag.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <kos/thread.h>
#include "../check.h"

#define NF 4                        /* files /pin/f0 .. f3 */
#define CHUNK 4096
#define W_ITERS 1500
#define R_ROUNDS 300

static uint32_t seed;

static uint32_t rnd(void)
{
    seed = seed * 1103515245u + 12345u;
    return seed >> 8;
}

static void path_of(int i, char *p, size_t n) { snprintf(p, n, "/pin/f%d", i); }

static uint8_t tag_of(int i, uint32_t gen) { return (uint8_t)(0x80 | i << 4 | (gen & 15)); }

static int writer(void)
{
    static uint8_t chunk[CHUNK];
    int bad = 0;
    for (uint32_t g = 0; g < W_ITERS; g++) {
        int i = (int)(rnd() % NF);
        char p[32];
        path_of(i, p, sizeof p);
        memset(chunk, tag_of(i, g), sizeof chunk);
        int fd;
        switch (rnd() % 3) {
        case 0:                     /* overwrite in place */
            fd = open(p, O_WRONLY | O_CREAT, 0644);
            break;
        case 1:                     /* truncate, then rewrite */
            fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0644);
            break;
        default:                    /* unlink and recreate: the old chunk is freed */
            unlink(p);
            fd = open(p, O_WRONLY | O_CREAT, 0644);
            break;
        }
        if (fd < 0) {
            bad++;
            continue;
        }
        if (pwrite(fd, chunk, CHUNK, 0) != CHUNK)
            bad++;
        close(fd);
    }
    CHECK("writes_done", bad == 0, "%d writes failed", bad);
    return 0;
}

/* An answer of n bytes from file i: empty, or all one tag of file i. */
static int consistent(const uint8_t *b, ssize_t n, int i)
{
    if (n < 0)
        return 0;
    if (n == 0)
        return 1;
    uint8_t t = b[0];
    if (!(t & 0x80) || ((t >> 4) & 7) != i)
        return 0;
    for (ssize_t k = 1; k < n; k++)
        if (b[k] != t)
            return 0;
    return 1;
}

static int reader(void)
{
    static uint8_t buf[CHUNK];
    unsigned full = 0, mixed = 0, bytes = 0, no_open = 0, empty = 0;
    int open_errno = 0, found = 0, waited = 0;
    char first[96] = "";
    /* The writers start with the readers: wait (up to ~10 s) until one has made a file.
     * On one core the readers could otherwise run all their rounds before any file
     * exists, each open failing: no read at all (reads_exercised failed so, -smp 1). */
    for (; !found && waited < 10000; waited++) {
        for (int i = 0; i < NF && !found; i++) {
            char p[32];
            path_of(i, p, sizeof p);
            int fd = open(p, O_RDONLY);
            if (fd >= 0) {
                close(fd);
                found = 1;
            }
        }
        if (!found)
            KosThreadSleep(1);
    }
    /* R_ROUNDS rounds, more (up to 20 times as many) while fewer than 100 reads got a
     * whole chunk: on one core a reader can run many rounds in one time slice while
     * a writer, preempted between its truncate and its write, leaves the only file
     * made so far empty (every answer 0 bytes, consistent but exercising nothing). */
    for (int r = 0; r < R_ROUNDS || (full < 100 && r < 20 * R_ROUNDS); r++) {
        int i = (int)(rnd() % NF);
        char p[32];
        path_of(i, p, sizeof p);
        int fd = open(p, O_RDONLY);
        if (fd < 0) {
            if (!no_open++)
                open_errno = errno;
            continue;               /* between unlink and recreate */
        }
        for (int k = 0; k < 10; k++) {
            ssize_t n;
            off_t off = 0;
            if (k == 8) {
                off = (off_t)(rnd() % (CHUNK - 300));
                n = pread(fd, buf, 300, off);
            } else if (k == 9) {
                off = (off_t)(rnd() % CHUNK);
                n = pread(fd, buf, 1, off);
            } else if (k == 7) {
                lseek(fd, 0, SEEK_SET);
                n = read(fd, buf, CHUNK);
            } else {
                n = pread(fd, buf, CHUNK, 0);
            }
            if (!consistent(buf, n, i)) {
                if (!mixed++)
                    snprintf(first, sizeof first, "file %d: %zd bytes at %ld: %02x .. %02x", i, n,
                             (long)off, buf[0], n > 0 ? buf[n - 1] : 0);
            } else if (n == CHUNK) {
                full++;
            }
            bytes += n > 0 ? (unsigned)n : 0;
            empty += n == 0;
        }
        close(fd);
    }
    CHECK("reads_consistent", mixed == 0, "%u inconsistent answers, first %s", mixed, first);
    CHECK("reads_exercised", full >= 100,
          "only %u whole-chunk reads (%u opens failed, first errno %d; %u empty answers; "
          "a file found after %d waits: %d)", full, no_open, open_errno, empty, waited, found);
    printf("test_vfs_pin: %u whole-chunk reads, %u bytes\n", full, bytes);
    return 0;
}

int main(int argc, char *argv[])
{
    if (argc < 2 || (argv[1][0] != 'W' && argv[1][0] != 'R')) {
        printf("usage: test_vfs_pin W<n>|R<n>\n");
        return 2;
    }
    seed = (uint32_t)argv[1][0] * 7919u + (uint32_t)argv[1][1];
    if (mkdir("/pin", 0755) < 0 && errno != EEXIST)
        check_fail("mkdir_pin", "errno %d", errno);
    if (argv[1][0] == 'W')
        writer();
    else
        reader();
    char name[32];
    snprintf(name, sizeof name, "test_vfs_pin %s", argv[1]);
    return check_done(name);
}
