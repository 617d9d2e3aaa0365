/*
 * test_vfs_kill: a VfsFsnet client that ends in the middle of large window copies
 * (test_vfs_kill_run starts it). "victim <ms>": the main thread writes and reads a
 * 4 MiB file through windows without end while a second thread ends the whole task
 * after <ms> milliseconds (KnTaskExit: no kernel call ends another task, so the end
 * comes from inside, while the main thread waits in WriteDirect or ReadDirect and
 * VfsFsnet copies from or to its window). "check": the file system still works.
 */
#include <coresrv/task/task_api.h>
#include <coresrv/thread/thread_api.h>
#include <errno.h>
#include <fcntl.h>
#include <kos/thread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "../check.h"

#define BIG (4u << 20)
static unsigned char a[BIG], b[BIG];

static int ender(void *arg)
{
    KnSleepNs((uint64_t)(uintptr_t)arg * 1000000ull);
    KnTaskExit(9);                  /* every thread ends, the main one inside its call */
}

static int victim(unsigned ms)
{
    Tid tid;
    if (KosThreadCreate(&tid, ThreadPriorityNormal, 16 * 1024, ender, (void *)(uintptr_t)ms, 0))
        return 2;
    for (unsigned r = 0;; r++) {
        memset(a, (int)r, sizeof a);
        int fd = open("/victim", O_CREAT | O_TRUNC | O_RDWR, 0644);
        if (fd < 0 || write(fd, a, BIG) != (ssize_t)BIG || pread(fd, b, BIG, 0) != (ssize_t)BIG)
            return 3;
        close(fd);
    }
}

static int check(void)
{
    for (unsigned i = 0; i < BIG; i++)
        a[i] = (unsigned char)(i * 2654435761u >> 24);
    int fd = open("/after", O_CREAT | O_TRUNC | O_RDWR, 0644);
    ssize_t w = fd < 0 ? -1 : write(fd, a, BIG);
    ssize_t r = fd < 0 ? -1 : pread(fd, b, BIG, 0);
    if (fd >= 0)
        close(fd);
    CHECK("after_kills_round_trip", w == (ssize_t)BIG && r == (ssize_t)BIG &&
          memcmp(a, b, BIG) == 0, "fd %d wrote %zd read %zd", fd, w, r);
    int u1 = unlink("/after");
    int u2 = unlink("/victim") == 0 || errno == ENOENT ? 0 : -errno;   /* a victim may end first */
    CHECK("after_kills_unlink", u1 == 0 && u2 == 0, "unlink %d %d", u1, u2);
    return check_done("test_vfs_kill");
}

int main(int argc, char **argv)
{
    if (argc > 2 && !strcmp(argv[1], "victim"))
        return victim((unsigned)atoi(argv[2]));
    return check();
}
