/*
 * Split: files through one VFS process, sockets through another
 * (_VFS_FILESYSTEM_BACKEND=client:vfs.files, _VFS_NETWORK_BACKEND=
 * client:vfs.net in its env). Serves one TCP connection on port 7: echoes
 * everything and appends it to /split.dat; when the peer closes, reads the
 * file back and prints "Split: echoed N bytes, file holds M bytes, same
 * content". Exit status 0 when N == M and the content matches.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>

#define PATH "/split.dat"
#define BUF (64 * 1024)

static uint32_t fnv(uint32_t h, const unsigned char *p, size_t n)
{
    while (n--)
        h = (h ^ *p++) * 16777619u;
    return h;
}

static int fail(const char *what)
{
    printf("Split: %s: %s\n", what, strerror(errno));
    return 1;
}

int main(void)
{
    int file = open(PATH, O_RDWR | O_CREAT | O_TRUNC, 0644);
    if (file < 0)
        return fail("open " PATH);
    int lfd = socket(AF_INET, SOCK_STREAM, 0);
    if (lfd < 0)
        return fail("socket");
    printf("Split: file descriptor %d, socket descriptor %d (one table)\n", file, lfd);
    int one = 1;
    setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_port = htons(7);
    if (bind(lfd, (struct sockaddr *)&a, sizeof a) < 0 || listen(lfd, 4) < 0)
        return fail("bind/listen");
    printf("Split: serving TCP on port 7\n");
    int c = accept(lfd, NULL, NULL);
    if (c < 0)
        return fail("accept");
    struct timeval tv = { 30, 0 };
    setsockopt(c, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    char *buf = malloc(BUF);
    if (!buf)
        return 1;
    size_t echoed = 0;
    uint32_t sum_net = 2166136261u;
    for (;;) {
        ssize_t n = recv(c, buf, BUF, 0);
        if (n < 0)
            return fail("recv");
        if (n == 0)
            break;
        for (ssize_t off = 0; off < n;) {
            ssize_t w = send(c, buf + off, (size_t)(n - off), 0);
            if (w <= 0)
                return fail("send");
            off += w;
        }
        if (write(file, buf, (size_t)n) != n)
            return fail("write");
        sum_net = fnv(sum_net, (unsigned char *)buf, (size_t)n);
        echoed += (size_t)n;
    }
    close(c);
    close(lfd);
    struct stat st;
    if (fstat(file, &st) < 0)
        return fail("fstat");
    close(file);
    file = open(PATH, O_RDONLY);
    if (file < 0)
        return fail("reopen");
    uint32_t sum_file = 2166136261u;
    for (;;) {
        ssize_t n = read(file, buf, BUF);
        if (n < 0)
            return fail("read");
        if (n == 0)
            break;
        sum_file = fnv(sum_file, (unsigned char *)buf, (size_t)n);
    }
    close(file);
    int same = sum_file == sum_net && (size_t)st.st_size == echoed;
    printf("Split: echoed %zu bytes, file holds %lld bytes, %s content\n", echoed,
           (long long)st.st_size, same ? "same" : "DIFFERENT");
    return same ? 0 : 1;
}
