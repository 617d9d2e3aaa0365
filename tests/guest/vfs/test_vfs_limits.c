/*
 * test_vfs_limits: works beside test_vfs_hog, which sits at its memory limit: files can
 * still be created and written; the ramfs at /small stops at its size with ENOSPC and gives
 * the space back on unlink; filling "/" stops at VfsFsnet's own limit (ENOSPC), not when
 * the machine runs out, and a removed file's space is back at once.
 */
#include <coresrv/sys/sys_api.h>
#include <coresrv/thread/thread_api.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "../check.h"
#include "limits.h"

static char blk[65536];

static uint64_t free_pages(void)
{
    KnSysInfo i = { 0 };
    KnSysGetInfo(&i);
    return i.freePages;
}

/* Writes blk until the file system says no; the byte count, *err = the errno. */
static long long fill(const char *path, int *err)
{
    long long total = 0;
    ssize_t n = 0;
    int fd = open(path, O_CREAT | O_WRONLY | O_TRUNC, 0644);
    while (fd >= 0 && (n = write(fd, blk, sizeof blk)) > 0)
        total += n;
    *err = fd < 0 || n < 0 ? errno : 0;
    close(fd);
    return total;
}

static int put(const char *path, const char *text)
{
    int fd = open(path, O_CREAT | O_WRONLY | O_TRUNC, 0644);
    if (fd < 0)
        return -errno;
    ssize_t n = write(fd, text, strlen(text));
    int err = n == (ssize_t)strlen(text) ? 0 : n < 0 ? -errno : -EIO;
    close(fd);
    return err;
}

int main(void)
{
    struct stat st;
    int waited = 0, err = 0;
    while (stat("/hog_full", &st) != 0 && waited++ < 6000)
        KnSleepNs(10 * 1000 * 1000);
    CHECK("hog_is_full", waited < 6000, "no /hog_full after 60 s");
    KnSysInfo info = { 0 };
    KnSysGetInfo(&info);

    /* The hog holds its limit; everybody else still has memory and a working VFS. */
    CHECK("others_create_and_write", put("/mine", "still works") == 0, "errno %d", errno);
    char back[16] = { 0 };
    int fd = open("/mine", O_RDONLY);
    CHECK("others_read_back", fd >= 0 && read(fd, back, sizeof back) == 11 &&
          memcmp(back, "still works", 11) == 0, "errno %d", errno);
    close(fd);

    /* A ramfs mount at its size: ENOSPC, and the space returns on unlink. */
    long long small = fill("/small/f", &err);
    CHECK("small_ENOSPC", err == ENOSPC && small > 0 && small <= SMALL_BYTES,
          "errno %d after %lld bytes", err, small);
    CHECK("small_full_refuses_more", put("/small/g", "x") == -ENOSPC, "errno %d", errno);
    CHECK("small_unlink", unlink("/small/f") == 0, "errno %d", errno);
    long long again = fill("/small/f", &err);
    CHECK("small_space_back", err == ENOSPC && again == small, "%lld bytes, then %lld", small,
          again);
    unlink("/small/f");

    /* "/" has no size: it stops at VfsFsnet's memory limit, long before the machine's. */
    uint64_t before = free_pages();
    long long root = fill("/big", &err);
    uint64_t full = free_pages();
    printf("test_vfs_limits: / took %lld bytes before ENOSPC; free pages %llu before, %llu "
           "when full, %llu in all\n", root, (unsigned long long)before,
           (unsigned long long)full, (unsigned long long)info.totalPages);
    CHECK("root_ENOSPC_at_server_limit", err == ENOSPC && root > 0 &&
          root < (long long)SERVER_PAGES * 4096, "errno %d after %lld bytes", err, root);
    CHECK("machine_not_full", full > info.totalPages / 4, "%llu pages free",
          (unsigned long long)full);
    CHECK("root_unlink", unlink("/big") == 0, "errno %d", errno);
    CHECK("root_space_back", put("/two", "ab") == 0, "errno %d", errno);
    CHECK("root_pages_back", free_pages() + 64 >= before, "%llu pages free, %llu before",
          (unsigned long long)free_pages(), (unsigned long long)before);
    unlink("/two");
    unlink("/mine");

    fd = open("/hog_release", O_CREAT | O_WRONLY, 0644);
    CHECK("hog_release", fd >= 0, "errno %d", errno);
    close(fd);
    return check_done("test_vfs_limits");
}
