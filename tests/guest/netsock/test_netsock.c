/*
 * test_netsock: the socket calls of libvfs against VfsFsnet's network
 * endpoint, on QEMU's user network (docs/NET.md, "Sockets over IPC").
 * One CHECK line per result (tests/guest/check.h).
 *
 *   test_netsock          errno cases, options, poll, non-blocking sockets,
 *                         files and sockets in one table, a blocked recv that
 *                         does not stall other calls; then, on port 7 (the
 *                         test forwards a host port to it): one connection the
 *                         host resets (ECONNRESET) and one it closes (EOF)
 *   test_netsock nodev    no network device: socket() is ENETDOWN, files work
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <coresrv/time/time_api.h>
#include <kos/thread.h>
#include "../check.h"

#define CHECK_ERRNO(name, expr, want)                                          \
    do {                                                                       \
        errno = 0;                                                             \
        long r_ = (long)(expr);                                                \
        int e_ = errno;                                                        \
        CHECK(name, r_ == -1 && e_ == (want), "result %ld errno %d (%s), want %d", r_, e_, \
              strerror(e_), (want));                                           \
    } while (0)

static uint64_t now_ms(void)
{
    struct timeval tv;
    gettimeofday(&tv, NULL);
    return (uint64_t)tv.tv_sec * 1000 + (uint64_t)tv.tv_usec / 1000;
}

static struct sockaddr_in addr(const char *ip, int port)
{
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_port = htons((uint16_t)port);
    inet_pton(AF_INET, ip, &a.sin_addr);
    return a;
}
#define SA(a) ((struct sockaddr *)&(a))

static int nodev(void)
{
    /* A network channel that does not exist: every socket call is -1/ENOSYS
     * (libvfs's one error convention, kos/errno.h), and nothing sticks. */
    setenv("_VFS_NETWORK_BACKEND", "client:no_such_channel", 1);
    errno = 0;
    int s = socket(AF_INET, SOCK_STREAM, 0);
    int e = errno;
    CHECK("no_channel_socket_ENOSYS", s == -1 && e == ENOSYS, "socket %d errno %d", s, e);
    unsetenv("_VFS_NETWORK_BACKEND");
    s = socket(AF_INET, SOCK_STREAM, 0);
    e = errno;
    CHECK("nodev_socket_ENETDOWN", s == -1 && e == ENETDOWN, "socket %d errno %d", s, e);
    int f = open("/nodev.txt", O_CREAT | O_RDWR, 0644);
    CHECK("nodev_files_work", f >= 0 && write(f, "x", 1) == 1 && close(f) == 0, "open %d errno %d",
          f, errno);
    return check_done("test_netsock");
}

static int blocked_done;

static int blocked_reader(void *arg)
{
    int fd = (int)(intptr_t)arg;
    char b[16];
    recv(fd, b, sizeof b, 0);       /* no data comes: returns at its 1.5 s timeout */
    __atomic_store_n(&blocked_done, 1, __ATOMIC_RELEASE);
    return 0;
}

static void local_checks(void)
{
    /* files and sockets share one descriptor table */
    int f = open("/netsock.txt", O_CREAT | O_RDWR | O_TRUNC, 0644);
    int s = socket(AF_INET, SOCK_STREAM, 0);
    CHECK("socket_created", s >= 0, "errno %d", errno);
    CHECK("one_table", f >= 0 && s >= 0 && s != f, "file %d socket %d", f, s);
    CHECK("file_io_beside_socket", write(f, "abc", 3) == 3 && pread(f, (char[4]){ 0 }, 3, 0) == 3,
          "errno %d", errno);
    CHECK_ERRNO("send_on_file_ENOTSOCK", send(f, "x", 1, 0), ENOTSOCK);
    CHECK_ERRNO("send_on_bad_fd_EBADF", send(60, "x", 1, 0), EBADF);
    CHECK_ERRNO("lseek_on_socket_ESPIPE", lseek(s, 0, SEEK_SET), ESPIPE);
    close(f);
    CHECK_ERRNO("socket_inet6_EAFNOSUPPORT", socket(AF_INET6, SOCK_STREAM, 0), EAFNOSUPPORT);
    CHECK_ERRNO("socket_bad_type_EPROTONOSUPPORT", socket(AF_INET, 7, 0), EPROTONOSUPPORT);

    /* connection refused: nothing listens on the host's port 1 */
    struct sockaddr_in refused = addr("10.0.2.2", 1);
    CHECK_ERRNO("connect_ECONNREFUSED", connect(s, SA(refused), sizeof refused), ECONNREFUSED);
    close(s);

    /* EADDRINUSE */
    int a = socket(AF_INET, SOCK_STREAM, 0), b = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in p7000 = addr("0.0.0.0", 7000);
    CHECK("bind_listen", bind(a, SA(p7000), sizeof p7000) == 0 && listen(a, 4) == 0, "errno %d",
          errno);
    CHECK_ERRNO("bind_EADDRINUSE", bind(b, SA(p7000), sizeof p7000), EADDRINUSE);
    struct sockaddr_in got;
    socklen_t len = sizeof got;
    CHECK("getsockname", getsockname(a, SA(got), &len) == 0 && ntohs(got.sin_port) == 7000 &&
                             got.sin_family == AF_INET, "port %d", ntohs(got.sin_port));
    CHECK_ERRNO("getpeername_listener_ENOTCONN", getpeername(a, SA(got), &len), ENOTCONN);
    int opt = -1;
    len = sizeof opt;
    CHECK("getsockopt_SO_TYPE", getsockopt(a, SOL_SOCKET, SO_TYPE, &opt, &len) == 0 &&
                                    opt == SOCK_STREAM, "type %d", opt);
    CHECK_ERRNO("setsockopt_unknown_ENOPROTOOPT",
                setsockopt(a, SOL_SOCKET, 12345, &opt, sizeof opt), ENOPROTOOPT);

    /* non-blocking accept */
    CHECK("fcntl_set_nonblock", fcntl(a, F_SETFL, O_NONBLOCK) == 0 &&
                                    (fcntl(a, F_GETFL) & O_NONBLOCK), "errno %d", errno);
    CHECK_ERRNO("accept_nonblocking_EAGAIN", accept(a, NULL, NULL), EAGAIN);

    /* poll: a listener with nothing pending times out, a file is ready */
    struct pollfd pf[2] = { { a, POLLIN, 0 }, { -1, POLLIN, 0 } };
    uint64_t t0 = now_ms();
    int n = poll(pf, 1, 200);
    uint64_t dt = now_ms() - t0;
    CHECK("poll_timeout", n == 0 && pf[0].revents == 0 && dt >= 150, "n %d revents %#x after %llu ms",
          n, pf[0].revents, (unsigned long long)dt);
    f = open("/netsock.txt", O_RDONLY);
    pf[1].fd = f;
    n = poll(pf, 2, 5000);
    CHECK("poll_file_ready", n == 1 && pf[1].revents == POLLIN && pf[0].revents == 0,
          "n %d revents %#x %#x", n, pf[0].revents, pf[1].revents);
    pf[0].fd = 55;
    n = poll(pf, 1, 0);
    CHECK("poll_bad_fd_POLLNVAL", n == 1 && pf[0].revents == POLLNVAL, "n %d revents %#x", n,
          pf[0].revents);
    close(f);
    close(a);
    close(b);

    /* UDP: SOCK_NONBLOCK, SO_RCVTIMEO, option round trip */
    int u = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
    char buf[64];
    CHECK_ERRNO("recv_SOCK_NONBLOCK_EAGAIN", recv(u, buf, sizeof buf, 0), EAGAIN);
    close(u);
    u = socket(AF_INET, SOCK_DGRAM, 0);
    struct timeval tv = { 0, 300000 }, tv2 = { 9, 9 };
    len = sizeof tv2;
    CHECK("setsockopt_SO_RCVTIMEO", setsockopt(u, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv) == 0 &&
                                        getsockopt(u, SOL_SOCKET, SO_RCVTIMEO, &tv2, &len) == 0 &&
                                        tv2.tv_sec == 0 && tv2.tv_usec == 300000,
          "got %lld.%06ld", (long long)tv2.tv_sec, (long)tv2.tv_usec);
    t0 = now_ms();
    CHECK_ERRNO("recv_timeout_EAGAIN", recv(u, buf, sizeof buf, 0), EAGAIN);
    dt = now_ms() - t0;
    CHECK("recv_timeout_waited", dt >= 250 && dt < 3000, "%llu ms", (unsigned long long)dt);
    CHECK_ERRNO("recv_MSG_DONTWAIT_EAGAIN", recv(u, buf, sizeof buf, MSG_DONTWAIT), EAGAIN);
    close(u);

    /* a client thread blocked in recv holds one VfsFsnet worker, not VfsFsnet */
    u = socket(AF_INET, SOCK_DGRAM, 0);
    struct timeval tv15 = { 1, 500000 };
    setsockopt(u, SOL_SOCKET, SO_RCVTIMEO, &tv15, sizeof tv15);
    Tid tid;
    KosThreadCreate(&tid, ThreadPriorityNormal, 0, blocked_reader, (void *)(intptr_t)u, 0);
    KosThreadSleep(100);
    t0 = now_ms();
    int ok = 1;
    for (int i = 0; i < 20 && ok; i++) {
        int x = socket(AF_INET, SOCK_STREAM, 0);
        int y = open("/netsock.txt", O_RDONLY);
        ok = x >= 0 && y >= 0 && close(x) == 0 && close(y) == 0;
    }
    dt = now_ms() - t0;
    CHECK("others_served_while_recv_blocks",
          ok && dt < 1000 && !__atomic_load_n(&blocked_done, __ATOMIC_ACQUIRE),
          "ok %d, %llu ms, reader done %d", ok, (unsigned long long)dt, blocked_done);
    KosThreadWait(tid, 5000);
    CHECK("blocked_recv_returned", __atomic_load_n(&blocked_done, __ATOMIC_ACQUIRE), "no");
    close(u);

    /* addresses */
    struct addrinfo hints, *ai = NULL;
    memset(&hints, 0, sizeof hints);
    hints.ai_socktype = SOCK_STREAM;
    int rc = getaddrinfo("10.0.2.2", "80", &hints, &ai);
    struct sockaddr_in *sin = ai ? (struct sockaddr_in *)ai->ai_addr : NULL;
    CHECK("getaddrinfo_numeric", rc == 0 && sin && ntohs(sin->sin_port) == 80 &&
                                     ntohl(sin->sin_addr.s_addr) == 0x0a000202 && !ai->ai_next,
          "rc %d", rc);
    freeaddrinfo(ai);
    /* Names go to VfsFsnet's DNS (QEMU's 10.0.2.3, which asks the host's resolver): a
     * name under .invalid never exists; without an answer lwIP gives up after its
     * retries. Numeric-only and malformed names are refused without a query. */
    uint64_t t_dns = now_ms();
    rc = getaddrinfo("no-such-host.invalid", "80", &hints, &ai);
    t_dns = now_ms() - t_dns;
    CHECK("getaddrinfo_unknown_name", (rc == EAI_NONAME || rc == EAI_AGAIN) && t_dns < 30000,
          "rc %d (%s) after %llu ms", rc, gai_strerror(rc), (unsigned long long)t_dns);
    hints.ai_flags = AI_NUMERICHOST;
    CHECK("getaddrinfo_numerichost_name_EAI_NONAME",
          getaddrinfo("example.org", "80", &hints, &ai) == EAI_NONAME, "resolved?");
    hints.ai_flags = 0;
    CHECK("getaddrinfo_bad_name_EAI_NONAME", getaddrinfo("bad name!", "80", &hints, &ai) == EAI_NONAME &&
                                                 getaddrinfo("a..b", "80", &hints, &ai) == EAI_NONAME,
          "resolved?");
    rc = getaddrinfo("10.0.2.15", "7", &hints, &ai);
    CHECK("getaddrinfo_numeric_after_dns", rc == 0 && ai &&
                                               ntohl(((struct sockaddr_in *)ai->ai_addr)->sin_addr.s_addr) == 0x0a00020f,
          "rc %d", rc);
    freeaddrinfo(ai);
    char txt[INET_ADDRSTRLEN];
    struct in_addr ia;
    CHECK("inet_pton_ntop", inet_pton(AF_INET, "192.168.1.254", &ia) == 1 &&
                                strcmp(inet_ntop(AF_INET, &ia, txt, sizeof txt), "192.168.1.254") == 0 &&
                                inet_pton(AF_INET, "1.2.3", &ia) == 0 &&
                                inet_pton(AF_INET, "256.1.1.1", &ia) == 0 && htons(0x1234) == 0x3412,
          "%s", txt);
}

/* With the host: one connection it resets, one it closes. */
static void host_checks(void)
{
    int l = socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in p7 = addr("0.0.0.0", 7);
    CHECK("listen_port_7", bind(l, SA(p7), sizeof p7) == 0 && listen(l, 4) == 0, "errno %d", errno);
    printf("test_netsock: waiting on port 7\n");
    for (int round = 0; round < 2; round++) {
        struct sockaddr_in peer;
        socklen_t len = sizeof peer;
        int c = accept(l, SA(peer), &len);
        CHECK(round ? "accept_2" : "accept_1", c >= 0 && peer.sin_family == AF_INET &&
                                                   ntohl(peer.sin_addr.s_addr) == 0x0a000202,
              "fd %d errno %d", c, errno);
        if (c < 0)
            return;
        struct timeval tv = { 20, 0 };
        setsockopt(c, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
        char buf[16] = { 0 };
        ssize_t n = recv(c, buf, 4, MSG_WAITALL);
        CHECK(round ? "recv_ping_2" : "recv_ping_1", n == 4 && memcmp(buf, "ping", 4) == 0,
              "n %zd errno %d", n, errno);
        CHECK(round ? "send_pong_2" : "send_pong_1", send(c, "pong", 4, 0) == 4, "errno %d", errno);
        errno = 0;
        n = recv(c, buf, sizeof buf, 0);
        if (round == 0)
            CHECK("recv_after_reset_ECONNRESET", n == -1 && errno == ECONNRESET,
                  "n %zd errno %d (%s)", n, errno, strerror(errno));
        else
            CHECK("recv_after_close_EOF", n == 0, "n %zd errno %d", n, errno);
        close(c);
    }
    close(l);
}

int main(int argc, char *argv[])
{
    if (argc > 1 && strcmp(argv[1], "nodev") == 0)
        return nodev();
    local_checks();
    host_checks();
    return check_done("test_netsock");
}
