/*
 * bench_vfs: file I/O through VfsFsnet (started by bench, connected on
 * _VFS_CONNECTION_ID). Sequential write and read of a 4 MiB file through
 * the C library (libvfs moves it in one call through a window, docs/VFS.md),
 * an in-task memcpy of the same 4 MiB for comparison, and the per-call cost of
 * the small operations (issue 19): a 4 KiB read and a 4 KiB write (over existing
 * data: no allocation) at the descriptor's position, a 1-byte pread,
 * open+close and stat of an existing file. tools/bench.py turns the 4 MiB counts into bytes per
 * instruction and the I/O-to-memcpy ratio.
 */
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "bench.h"

#define FILE_SIZE (4u << 20)
#define BIG_RUNS  5
#define SMALL_RUNS 1000
#define PATH "/bench.dat"

static unsigned char a[FILE_SIZE], b[FILE_SIZE];

static void die(const char *what)
{
    printf("bench_vfs: %s failed\n", what);
    exit(1);
}

int main(void)
{
    for (unsigned i = 0; i < FILE_SIZE; i++)
        a[i] = (unsigned char)(i * 2654435761u >> 24);

    uint64_t big[BIG_RUNS];
    for (unsigned r = 0; r < BIG_RUNS; r++) {
        uint64_t t0 = bench_counter();
        memcpy(b, a, FILE_SIZE);
        big[r] = bench_counter() - t0;
    }
    bench_report("memcpy_4m_instr", big, BIG_RUNS);

    for (unsigned r = 0; r < BIG_RUNS; r++) {
        unlink(PATH);                   /* a new file each time; freeing the old is not timed */
        uint64_t t0 = bench_counter();
        int fd = open(PATH, O_CREAT | O_EXCL | O_WRONLY, 0644);
        if (fd < 0 || write(fd, a, FILE_SIZE) != (ssize_t)FILE_SIZE || close(fd) != 0)
            die("write");
        big[r] = bench_counter() - t0;
    }
    bench_report("vfs_write_4m_instr", big, BIG_RUNS);

    for (unsigned r = 0; r < BIG_RUNS; r++) {
        memset(b, 0, FILE_SIZE);
        uint64_t t0 = bench_counter();
        int fd = open(PATH, O_RDONLY);
        if (fd < 0 || read(fd, b, FILE_SIZE) != (ssize_t)FILE_SIZE || close(fd) != 0)
            die("read");
        big[r] = bench_counter() - t0;
        if (memcmp(a, b, FILE_SIZE) != 0)
            die("read back (data differs)");
    }
    bench_report("vfs_read_4m_instr", big, BIG_RUNS);

    static uint64_t small[SMALL_RUNS];
    static unsigned char page[4096];
    int rfd = open(PATH, O_RDONLY);
    if (rfd < 0)
        die("open for 4k reads");
    for (unsigned r = 0; r < SMALL_RUNS; r++) {     /* 1000 x 4 KiB < 4 MiB: never at EOF */
        uint64_t t0 = bench_counter();
        if (read(rfd, page, sizeof page) != (ssize_t)sizeof page)
            die("read 4k");
        small[r] = bench_counter() - t0;
    }
    bench_report("vfs_read_4k_instr", small, SMALL_RUNS);
    for (unsigned r = 0; r < SMALL_RUNS; r++) {
        uint64_t t0 = bench_counter();
        if (pread(rfd, page, 1, (off_t)r * 4099) != 1)
            die("pread 1b");
        small[r] = bench_counter() - t0;
    }
    bench_report("vfs_pread_1b_instr", small, SMALL_RUNS);
    close(rfd);
    int wfd = open(PATH, O_WRONLY);
    if (wfd < 0)
        die("open for 4k writes");
    for (unsigned r = 0; r < SMALL_RUNS; r++) {
        uint64_t t0 = bench_counter();
        if (write(wfd, page, sizeof page) != (ssize_t)sizeof page)
            die("write 4k");
        small[r] = bench_counter() - t0;
    }
    bench_report("vfs_write_4k_instr", small, SMALL_RUNS);
    close(wfd);

    for (unsigned r = 0; r < SMALL_RUNS; r++) {
        uint64_t t0 = bench_counter();
        int fd = open(PATH, O_RDONLY);
        if (fd < 0 || close(fd) != 0)
            die("open+close");
        small[r] = bench_counter() - t0;
    }
    bench_report("vfs_open_close_instr", small, SMALL_RUNS);

    struct stat st;
    for (unsigned r = 0; r < SMALL_RUNS; r++) {
        uint64_t t0 = bench_counter();
        if (stat(PATH, &st) != 0 || st.st_size != FILE_SIZE)
            die("stat");
        small[r] = bench_counter() - t0;
    }
    bench_report("vfs_stat_instr", small, SMALL_RUNS);
    unlink(PATH);
    return 0;
}
