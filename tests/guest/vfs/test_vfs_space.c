/*
 * test_vfs_space: the space of a removed file comes back (docs/VFS.md, "Where the space
 * goes"). test_vfs_space_run starts VfsFsnet without a memory limit, so filling "/" takes
 * every free page of the machine. Each round fills one file until ENOSPC, closes and
 * unlinks it, then writes 2 bytes; the kernel's free pages must return to where they were.
 */
#include <coresrv/sys/sys_api.h>
#include <coresrv/thread/thread_api.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>
#include "../check.h"

#define ROUNDS 3
/* Pages VfsFsnet's heap may keep for a file of `bytes` (its tree nodes and slab records,
 * about 0.8 page per MiB: docs/VFS.md "Where the space goes"), which its next files reuse. */
static uint64_t heap_kept_max(long long bytes) { return (uint64_t)(bytes >> 20) + 16; }

static char blk[65536];

static KnSysInfo sys_info(void)
{
    KnSysInfo i = { 0 };
    KnSysGetInfo(&i);
    return i;
}

/* Creates, writes and removes a 2-byte file: 0 or -errno. */
static int write_two_bytes(void)
{
    int fd = open("/two", O_CREAT | O_WRONLY | O_TRUNC, 0644);
    if (fd < 0)
        return -errno;
    ssize_t n = write(fd, "ab", 2);
    int err = n == 2 ? 0 : n < 0 ? -errno : -EIO;
    close(fd);
    if (unlink("/two") < 0 && !err)
        err = -errno;
    return err;
}

int main(void)
{
    char name[48];
    for (size_t i = 0; i < sizeof blk; i++)
        blk[i] = (char)(i * 7);
    CHECK("warm_up", write_two_bytes() == 0, "errno %d", errno);
    /* The baseline once nothing else is allocating: the same count over 100 ms. */
    uint64_t start = sys_info().freePages, prev = 0;
    for (int i = 0; i < 50 && start != prev; i++) {
        prev = start;
        KnSleepNs(100 * 1000 * 1000);
        start = sys_info().freePages;
    }
    long long first = -1;
    uint64_t back[ROUNDS];
    for (int r = 0; r < ROUNDS; r++) {
        int fd = open("/fill", O_CREAT | O_WRONLY | O_TRUNC, 0644);
        long long total = 0;
        ssize_t n = 0;
        int err = 0;
        while (fd >= 0 && (n = write(fd, blk, sizeof blk)) > 0)
            total += n;
        err = fd < 0 || n < 0 ? errno : 0;
        uint64_t full = sys_info().freePages;
        snprintf(name, sizeof name, "round%d_ENOSPC", r);
        CHECK(name, err == ENOSPC, "fd %d, write %ld, errno %d", fd, (long)n, err);
        snprintf(name, sizeof name, "round%d_machine_full", r);
        CHECK(name, full < 64, "%llu pages still free", (unsigned long long)full);
        close(fd);
        snprintf(name, sizeof name, "round%d_unlink", r);
        CHECK(name, unlink("/fill") == 0, "errno %d", errno);
        snprintf(name, sizeof name, "round%d_two_bytes_after_unlink", r);
        int two = write_two_bytes();
        CHECK(name, two == 0, "%d", two);
        back[r] = sys_info().freePages;
        printf("test_vfs_space: round %d stored %lld bytes; free pages: %llu at start, %llu "
               "when full, %llu after unlink\n", r, total, (unsigned long long)start,
               (unsigned long long)full, (unsigned long long)back[r]);
        snprintf(name, sizeof name, "round%d_pages_back", r);
        CHECK(name, back[r] + heap_kept_max(total) >= start, "%llu of %llu pages back",
              (unsigned long long)back[r], (unsigned long long)start);
        if (first < 0)
            first = total;
        snprintf(name, sizeof name, "round%d_same_space", r);
        CHECK(name, total > (long long)(start * 4096 / 2) && total >= first - first / 100 &&
                    total <= first + first / 100,
              "stored %lld, first round %lld, %llu pages free at start", total, first,
              (unsigned long long)start);
    }
    /* Bounded: what the heap kept in round 0 it reused later, it did not grow again. */
    CHECK("heap_bounded", back[ROUNDS - 1] + 4 >= back[0], "%llu pages after the last round, "
          "%llu after the first", (unsigned long long)back[ROUNDS - 1],
          (unsigned long long)back[0]);
    return check_done("test_vfs_space");
}
