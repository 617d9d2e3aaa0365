/*
 * test_vfs_two <A|B>: one of two clients using VfsFsnet at the same time
 * (test_vfs_two_run starts both, A on channel "{VFS}", B on "vfs.alt").
 * The two meet through the file system itself (marker files).
 *
 * Checks, prefixed with the instance letter: each client has its own
 * descriptor table (both get remote descriptors 0, 1, 2, each reading its
 * own data; no other number is open) and its own cwd, but they share the
 * namespace; 400 O_APPEND records each to one shared log interleave
 * without a torn or lost record; a 512 KiB file each, written while the
 * other writes, reads back with the right checksum.
 */
#include <coresrv/nk/transport-kos.h>   /* first: the KasperskyOS-form proxies */
#define NK_NO_SL_TABLE 1
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <coresrv/time/time_api.h>
#include <kos/thread.h>
#include <vfs/client.h>
#include <vfs/defs.h>
#include <VfsFsnet.edl.h>
#include "../check.h"

#define RECORDS 400
#define RECORD_SIZE 64
#define BIG (512 * 1024)

static char me, other;

static const char *name_of(const char *check)
{
    static char buf[80];
    snprintf(buf, sizeof buf, "%c_%s", me, check);
    return buf;
}

#define CHECK2(check, cond, ...) CHECK(name_of(check), cond, __VA_ARGS__)

static int put_file(const char *path, const char *text)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0)
        return -1;
    ssize_t n = write(fd, text, strlen(text));
    close(fd);
    return n == (ssize_t)strlen(text) ? 0 : -1;
}

/* Waits (up to 60 s) for the other client's marker file. */
static int wait_for(const char *what)
{
    char path[64];
    snprintf(path, sizeof path, "/two/%s-%c", what, other);
    for (int i = 0; i < 6000; i++) {
        if (access(path, F_OK) == 0)
            return 1;
        KosThreadSleep(10);
    }
    return 0;
}

static void mark(const char *what)
{
    char path[64];
    snprintf(path, sizeof path, "/two/%s-%c", what, me);
    put_file(path, "x");
}

static uint64_t fnv(const uint8_t *p, size_t n, uint64_t h)
{
    for (size_t i = 0; i < n; i++)
        h = (h ^ p[i]) * 0x100000001b3ull;
    return h;
}

int main(int argc, char *argv[])
{
    if (argc < 2 || (argv[1][0] != 'A' && argv[1][0] != 'B')) {
        printf("usage: test_vfs_two A|B\n");
        return 2;
    }
    me = argv[1][0];
    other = me == 'A' ? 'B' : 'A';
    const char *want_channel = me == 'A' ? _VFS_CONNECTION_ID : "vfs.alt";
    CHECK2("channel_from_env", strcmp(vfs_client_channel_name(), want_channel) == 0 &&
                                   vfs_client_channel() != 0,
           "channel '%s', want '%s'", vfs_client_channel_name(), want_channel);

    if (mkdir("/two", 0755) < 0 && errno != EEXIST)
        check_fail(name_of("mkdir_shared"), "errno %d", errno);
    char mydir[16];
    snprintf(mydir, sizeof mydir, "/two/%c", me);
    CHECK2("mkdir_own", mkdir(mydir, 0755) == 0, "errno %d", errno);
    CHECK2("chdir_own", chdir(mydir) == 0, "errno %d", errno);

    /* Three files each, opened by relative path: remote descriptors 0, 1, 2 in both. */
    int fds[3], remote_ok = 1;
    for (int i = 0; i < 3; i++) {
        char name[8], text[8];
        snprintf(name, sizeof name, "f%d", i);
        snprintf(text, sizeof text, "%c-%d", me, i);
        fds[i] = open(name, O_RDWR | O_CREAT | O_TRUNC, 0644);
        write(fds[i], text, strlen(text));
        remote_ok &= vfs_client_remote_fd(fds[i]) == i;
    }
    CHECK2("own_descriptor_numbers", remote_ok, "remote descriptors are not 0, 1, 2");
    mark("ready");
    CHECK2("met_other_client", wait_for("ready"), "the other client never got ready");

    /* With both tables full of the same numbers, each number reads its owner's data. */
    NkKosTransport t;
    struct kl_VfsFilesystem_proxy p;
    NkKosTransport_Init(&t, vfs_client_channel(), NK_NULL, 0);
    kl_VfsFilesystem_proxy_init(&p, &t.base, VfsFsnet_vfs_fs_iid);
    int own = 1, closed = 1;
    for (int sfd = 0; sfd < 64; sfd++) {
        _Alignas(8) char buf[16] = { 0 };
        char want[8];
        nk_size_t len = 0;
        kl_VfsFilesystem_Pread_req rq = { .fd = sfd, .offset = 0, .count = 8 };
        kl_VfsFilesystem_Pread_res rs;
        Retcode rc = kl_VfsFilesystem_Pread_into(&p.base, &rq, NK_NULL, &rs, buf, sizeof buf - 1,
                                                 &len);
        int64_t res = rc == rcOk ? rs.res : 0;
        if (sfd < 3) {
            snprintf(want, sizeof want, "%c-%d", me, sfd);
            own &= rc == rcOk && res == 3 && strcmp(buf, want) == 0;
        } else {
            closed &= rc == rcOk && res == -EBADF;
        }
    }
    CHECK2("descriptors_read_own_data", own, "a descriptor read someone else's data");
    CHECK2("other_descriptors_not_visible", closed, "a descriptor this client never opened works");
    char cwd[32];
    CHECK2("own_cwd", getcwd(cwd, sizeof cwd) && strcmp(cwd, mydir) == 0, "cwd '%s'", cwd);
    char theirs[32];
    snprintf(theirs, sizeof theirs, "/two/%c/f0", other);
    struct stat st;
    CHECK2("shared_namespace", stat(theirs, &st) == 0 && st.st_size == 3, "cannot see %s", theirs);
    for (int i = 0; i < 3; i++)
        close(fds[i]);

    /* Both append to one log and write a big file at the same time. */
    uint8_t *big = malloc(BIG), *back = malloc(BIG);
    if (!big || !back)
        return check_done("test_vfs_two");
    uint32_t x = me == 'A' ? 0x1234567u : 0x7654321u;
    for (size_t i = 0; i < BIG; i++) {
        x ^= x << 13, x ^= x >> 17, x ^= x << 5;
        big[i] = (uint8_t)x;
    }
    int log = open("/two/shared.log", O_WRONLY | O_CREAT | O_APPEND, 0644);
    int bf = open("big", O_RDWR | O_CREAT | O_TRUNC, 0644);
    int appended = 0;
    size_t written = 0;
    uint64_t t0 = KnGetUpTimeNs();
    for (int i = 0; i < RECORDS; i++) {
        char rec[RECORD_SIZE + 1];
        snprintf(rec, sizeof rec, "%c:%04d:%-56s\n", me, i, "record");
        appended += write(log, rec, RECORD_SIZE) == RECORD_SIZE;
        if (i % 20 == 19)
            KosThreadSleep(1);              /* let the other client in, whatever the slice */
        if (written < BIG) {
            size_t n = BIG - written < 5000 ? BIG - written : 5000;
            if (write(bf, big + written, n) == (ssize_t)n)
                written += n;
        }
    }
    while (written < BIG) {
        size_t n = BIG - written < 5000 ? BIG - written : 5000;
        if (write(bf, big + written, n) != (ssize_t)n)
            break;
        written += n;
    }
    uint64_t t1 = KnGetUpTimeNs();
    printf("test_vfs_two %c: %d appends and %lu bytes in %llu us\n", me, appended,
           (unsigned long)written, (unsigned long long)((t1 - t0) / 1000));
    CHECK2("appends_written", appended == RECORDS, "%d of %d", appended, RECORDS);
    CHECK2("big_written", written == BIG, "%lu bytes", (unsigned long)written);
    close(log);
    ssize_t got = pread(bf, back, BIG, 0);
    CHECK2("big_checksum", got == BIG && fnv(back, BIG, 0xcbf29ce484222325ull) ==
                                             fnv(big, BIG, 0xcbf29ce484222325ull),
           "read %ld, checksum differs", (long)got);
    close(bf);
    mark("done");
    CHECK2("other_client_done", wait_for("done"), "the other client never finished");

    /* Every record whole, each writer's records in order, none lost. */
    static char logbuf[2 * RECORDS * RECORD_SIZE + 64];
    int lf = open("/two/shared.log", O_RDONLY);
    ssize_t n = read(lf, logbuf, sizeof logbuf);
    close(lf);
    CHECK2("log_size", n == 2 * RECORDS * RECORD_SIZE, "log has %ld bytes", (long)n);
    int next[2] = { 0, 0 }, torn = 0, switches = 0;
    char prev = 0;
    for (ssize_t off = 0; off + RECORD_SIZE <= n; off += RECORD_SIZE) {
        const char *r = logbuf + off;
        int who = r[0] == 'A' ? 0 : r[0] == 'B' ? 1 : -1;
        if (who < 0 || r[1] != ':' || r[RECORD_SIZE - 1] != '\n' || atoi(r + 2) != next[who]) {
            torn++;
            continue;
        }
        next[who]++;
        if (prev && prev != r[0])
            switches++;
        prev = r[0];
    }
    printf("test_vfs_two %c: the log switches writer %d times\n", me, switches);
    CHECK2("log_records_intact", torn == 0 && next[0] == RECORDS && next[1] == RECORDS,
           "%d torn, A %d B %d records", torn, next[0], next[1]);
    CHECK2("clients_ran_concurrently", switches >= 2, "the log switches writer %d times",
           switches);
    free(big);
    free(back);
    return check_done(me == 'A' ? "test_vfs_two A" : "test_vfs_two B");
}
