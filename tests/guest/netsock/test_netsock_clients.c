/*
 * test_netsock_clients: VfsFsnet's one client table (userland/vfs/server/
 * clients.c) from 65 clients. A client is a channel end (its badge), so one
 * task with several channels to VfsFsnet is several clients; a task has at
 * most 16 named channels, hence several tasks (test_netsock_clients_run):
 *
 *   test_netsock_clients hold <k> <n>   opens a file on each of its first n
 *       channels ("{VFS}", c1..c15), creates /ready<k>, waits for /done, exits
 *       (the kernel's disconnect frees its slots)
 *   test_netsock_clients check <holders>   the checker: its channel "{VFS}" and
 *       the holders' make 64 clients; its channel c1 is the 65th, which gets
 *       -ENFILE from the file service and -EMFILE / -EBADF from the socket
 *       service. Then: a file Release frees a slot; 48 sockets per client; a
 *       file Release leaves the client's sockets and a socket Release its
 *       files; the holders' slots come back once they are gone.
 *
 * Requests go through the generated proxies, one per channel, not libvfs.
 */
#include <coresrv/nk/transport-kos.h>   /* first: the KasperskyOS-form proxies */
#define NK_NO_SL_TABLE 1
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <coresrv/channel/channel_api.h>
#include <coresrv/thread/thread_api.h>
#include <vfs/defs.h>
#include <VfsFsnet.edl.h>
#include "../check.h"

#define CHANNELS 16                 /* a task's named channels (TASK_MAX_SERVICES) */
#define WAIT_STEPS 3000             /* 10 ms each: 30 s */
#define W_AF_INET 2
#define W_SOCK_STREAM 1             /* lwIP has 80 TCP PCBs, 16 UDP ones */

static NkKosTransport transport[CHANNELS];
static struct kl_VfsFilesystem_proxy fs[CHANNELS];
static struct kl_VfsNetwork_proxy net[CHANNELS];

static int connect_channel(int i)
{
    char name[16];
    if (i == 0)
        snprintf(name, sizeof name, "%s", _VFS_CONNECTION_ID);
    else
        snprintf(name, sizeof name, "c%d", i);
    Handle h;
    if (KnChannelLookup(name, SERVICE_CLIENT, &h) != rcOk)
        return -1;
    NkKosTransport_Init(&transport[i], h, NK_NULL, 0);
    kl_VfsFilesystem_proxy_init(&fs[i], &transport[i].base, VfsFsnet_vfs_fs_iid);
    kl_VfsNetwork_proxy_init(&net[i], &transport[i].base, VfsFsnet_vfs_net_iid);
    return 0;
}

/* One call of method M of interface I (kl_VfsFilesystem or kl_VfsNetwork) on
 * proxy P with the given request fields: res, or -1000 - Retcode when the
 * call itself failed. */
#define CALL(I, P, M, arena, ...)                                              \
    ({                                                                         \
        I##_##M##_req rq_ = { __VA_ARGS__ };                                   \
        I##_##M##_res rs_;                                                     \
        Retcode rc_ = I##_##M(&(P).base, &rq_, (arena), &rs_, NK_NULL);        \
        rc_ == rcOk ? rs_.res : -1000 - rc_;                                   \
    })
#define NONE .base_.hdr.riid = 0            /* a request with no fields */

/* A path request arena: PATH(a, p) declares arena `a` holding string p at ref a##_ref. */
#define PATH(a, p)                                                             \
    _Alignas(8) char a##_buf[64];                                              \
    struct nk_arena a = NK_ARENA_INITIALIZER(a##_buf, a##_buf + sizeof a##_buf); \
    nk_ptr_t a##_ref = { 0, 0 };                                               \
    nk_arena_store(char, &a, &a##_ref, (p), strlen(p) + 1)

static int64_t fs_open(int i, const char *path, int flags)
{
    PATH(a, path);
    return CALL(kl_VfsFilesystem, fs[i], Open, &a, .path = a_ref, .flags = flags, .mode = 0644);
}

static int64_t fs_release(int i)
{
    return CALL(kl_VfsFilesystem, fs[i], Release, NK_NULL, NONE);
}

static int64_t fs_fstat(int i, int fd)
{
    return CALL(kl_VfsFilesystem, fs[i], Fstat, NK_NULL, .fd = fd);
}

static int64_t fs_stat(int i, const char *path)
{
    PATH(a, path);
    return CALL(kl_VfsFilesystem, fs[i], Stat, &a, .path = a_ref);
}

static int64_t net_socket(int i)
{
    return CALL(kl_VfsNetwork, net[i], Socket, NK_NULL, .domain = W_AF_INET,
                .type = W_SOCK_STREAM, .protocol = 0);
}

static int64_t net_close(int i, int s)
{
    return CALL(kl_VfsNetwork, net[i], Close, NK_NULL, .sock = s);
}

static int64_t net_name(int i, int s)
{
    return CALL(kl_VfsNetwork, net[i], GetSockName, NK_NULL, .sock = s);
}

static int64_t net_release(int i)
{
    return CALL(kl_VfsNetwork, net[i], Release, NK_NULL, NONE);
}

static void sleep_10ms(void)
{
    KnSleepNs(10 * 1000 * 1000);
}

static int hold(int k, int n)
{
    char path[32];
    int opened = 0;
    for (int i = 0; i < n; i++) {
        if (connect_channel(i) != 0)
            break;
        snprintf(path, sizeof path, "/held%d_%d", k, i);
        /* -ENFILE is possible for a moment: the checker's probes take a slot briefly. */
        int64_t fd = fs_open(i, path, O_CREAT | O_RDWR);
        for (int t = 0; fd == -ENFILE && t < WAIT_STEPS; t++, sleep_10ms())
            fd = fs_open(i, path, O_CREAT | O_RDWR);
        opened += fd >= 0;
    }
    CHECK("holder_opened_all", opened == n, "holder %d: %d of %d channels", k, opened, n);
    snprintf(path, sizeof path, "/ready%d", k);
    fs_open(0, path, O_CREAT | O_RDWR);
    int t = 0;
    while (fs_stat(0, "/done") != 0 && t++ < WAIT_STEPS * 4)
        sleep_10ms();
    return check_done("test_netsock_clients hold");
}

static int check(int holders)
{
    for (int i = 0; i < 2; i++)
        CHECK(i ? "connect_c1" : "connect_VFS", connect_channel(i) == 0, "no channel %d", i);
    /* Channel 0 takes its slot, then waits for the holders to take theirs. */
    CHECK("first_client_opens", fs_open(0, "/checker", O_CREAT | O_RDWR) >= 0, "no slot");
    int ready = 0;
    for (int t = 0; t < WAIT_STEPS && ready < holders; t++) {
        ready = 0;
        for (int k = 0; k < holders; k++) {
            char path[32];
            snprintf(path, sizeof path, "/ready%d", k);
            ready += fs_stat(0, path) == 0;
        }
        if (ready < holders)
            sleep_10ms();
    }
    CHECK("holders_ready", ready == holders, "%d of %d", ready, holders);

    /* 64 clients hold a slot: the 65th (channel c1) has none. */
    int64_t r = fs_open(1, "/65th", O_CREAT | O_RDWR);
    CHECK("client_65_files_ENFILE", r == -ENFILE, "open: %lld", (long long)r);
    r = net_socket(1);
    CHECK("client_65_socket_EMFILE", r == -EMFILE, "socket: %lld", (long long)r);
    r = net_name(1, 0);
    CHECK("client_65_sockets_EBADF", r == -EBADF, "getsockname: %lld", (long long)r);
    r = net_release(1);
    CHECK("client_65_release_answered", r == 0, "release: %lld", (long long)r);

    /* A file Release frees the slot its descriptor table held. */
    CHECK("release_frees_slot", fs_release(0) == 0 && fs_open(1, "/65th", O_CREAT | O_RDWR) >= 0,
          "the 65th client still has no slot");

    /* Now the holders may go; their slots come back with the kernel's disconnect. */
    CHECK("done_created", fs_open(1, "/done", O_CREAT | O_RDWR) >= 0, "cannot create /done");

    /* Sockets per client: 48, then -EMFILE. */
    int socks[49], n = 0;
    for (int i = 0; i < 49; i++) {
        socks[i] = (int)net_socket(1);
        n += socks[i] >= 0;
    }
    CHECK("sockets_per_client_48", n == 48 && socks[48] == -EMFILE, "%d sockets, then %d", n,
          socks[48]);
    for (int i = 0; i < 49; i++)
        if (socks[i] >= 0)
            net_close(1, socks[i]);

    /* A file Release leaves the client's sockets; a socket Release its files. */
    int s = (int)net_socket(1);
    CHECK("socket_for_release", s >= 0, "socket: %d", s);
    CHECK("file_release_keeps_sockets", fs_release(1) == 0 && net_name(1, s) == 0,
          "getsockname after the file Release: %lld", (long long)net_name(1, s));
    int fd = (int)fs_open(1, "/65th", O_RDWR);
    CHECK("file_after_release", fd >= 0, "open: %d", fd);
    r = net_release(1);
    CHECK("socket_release_keeps_files", r == 0 && fs_fstat(1, fd) == 0, "fstat: %lld",
          (long long)fs_fstat(1, fd));
    CHECK("socket_release_closes_sockets", net_name(1, s) == -EBADF, "getsockname: %lld",
          (long long)net_name(1, s));

    /* The holders' 63 slots come back: channels c2..c15 of this task can open. */
    int opened = 0;
    for (int i = 2; i < CHANNELS; i++) {
        if (connect_channel(i) != 0)
            break;
        int64_t f = fs_open(i, "/back", O_CREAT | O_RDWR);
        for (int t = 0; f == -ENFILE && t < WAIT_STEPS; t++, sleep_10ms())
            f = fs_open(i, "/back", O_CREAT | O_RDWR);
        opened += f >= 0;
    }
    CHECK("slots_back_after_disconnect", opened == CHANNELS - 2, "%d of %d", opened,
          CHANNELS - 2);
    return check_done("test_netsock_clients");
}

int main(int argc, char *argv[])
{
    if (argc == 4 && strcmp(argv[1], "hold") == 0)
        return hold(atoi(argv[2]), atoi(argv[3]));
    if (argc == 3 && strcmp(argv[1], "check") == 0)
        return check(atoi(argv[2]));
    printf("usage: test_netsock_clients hold <k> <n> | check <holders>\n");
    return 2;
}
