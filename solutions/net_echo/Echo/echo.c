/*
 * Echo: TCP and UDP echo on port 7 with nothing but BSD sockets. The C
 * library (libvfs) turns every call into IPC to VfsFsnet, which runs lwIP.
 *
 * One thread accepts TCP connections and hands them to a pool of workers
 * through a queue; each worker echoes one connection at a time with
 * blocking recv/send (VfsFsnet serves every blocked call in its own worker
 * thread, so 40 blocked recvs do not stall the others). One thread echoes
 * UDP datagrams. A client that resets or stalls (30 s timeouts) ends only
 * its own connection. Never exits.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <kos/mutex.h>
#include <kos/semaphore.h>
#include <kos/thread.h>

#define PORT 7
#define WORKERS 40
#define QUEUE_LEN 64
#define BUF_SIZE (64 * 1024)
#define IO_TIMEOUT_S 30

static struct {
    KosMutex lock;
    KosSemaphore items, slots;
    int fds[QUEUE_LEN];
    unsigned head, count;
} q;

static void queue_put(int fd)
{
    KosSemaphoreWait(&q.slots);
    KosMutexLock(&q.lock);
    q.fds[(q.head + q.count++) % QUEUE_LEN] = fd;
    KosMutexUnlock(&q.lock);
    KosSemaphoreSignal(&q.items);
}

static int queue_get(void)
{
    KosSemaphoreWait(&q.items);
    KosMutexLock(&q.lock);
    int fd = q.fds[q.head];
    q.head = (q.head + 1) % QUEUE_LEN;
    q.count--;
    KosMutexUnlock(&q.lock);
    KosSemaphoreSignal(&q.slots);
    return fd;
}

static int send_all(int fd, const char *p, size_t n)
{
    while (n > 0) {
        ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
        if (w <= 0)
            return -1;
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

static int tcp_worker(void *arg)
{
    (void)arg;
    char *buf = malloc(BUF_SIZE);
    if (!buf) {
        printf("Echo: no memory for a worker\n");
        return 1;
    }
    for (;;) {
        int fd = queue_get();
        struct timeval tv = { IO_TIMEOUT_S, 0 };
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
        int one = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        for (;;) {
            ssize_t n = recv(fd, buf, BUF_SIZE, 0);
            if (n <= 0 || send_all(fd, buf, (size_t)n) < 0)
                break;
        }
        close(fd);
    }
}

static int udp_loop(void *arg)
{
    int fd = (int)(intptr_t)arg;
    static char buf[BUF_SIZE];
    for (;;) {
        struct sockaddr_in from;
        socklen_t len = sizeof from;
        ssize_t n = recvfrom(fd, buf, sizeof buf, 0, (struct sockaddr *)&from, &len);
        if (n < 0) {
            if (errno != EAGAIN && errno != EINTR)
                KosThreadSleep(10);
            continue;
        }
        sendto(fd, buf, (size_t)n, 0, (struct sockaddr *)&from, len);
    }
    return 0;
}

static int open_socket(int type)
{
    int fd = socket(AF_INET, type, 0);
    if (fd < 0) {
        printf("Echo: socket: %s\n", strerror(errno));
        exit(1);
    }
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_port = htons(PORT);
    a.sin_addr.s_addr = htonl(INADDR_ANY);
    if (bind(fd, (struct sockaddr *)&a, sizeof a) < 0) {
        printf("Echo: bind port %d: %s\n", PORT, strerror(errno));
        exit(1);
    }
    return fd;
}

int main(void)
{
    KosMutexInit(&q.lock);
    KosSemaphoreInit(&q.items, 0);
    KosSemaphoreInit(&q.slots, QUEUE_LEN);
    int lfd = open_socket(SOCK_STREAM);
    if (listen(lfd, 64) < 0) {
        printf("Echo: listen: %s\n", strerror(errno));
        return 1;
    }
    int ufd = open_socket(SOCK_DGRAM);
    Tid tid;
    if (KosThreadCreate(&tid, ThreadPriorityNormal, 0, udp_loop, (void *)(intptr_t)ufd, 0) != rcOk)
        return 1;
    for (int i = 0; i < WORKERS; i++)
        if (KosThreadCreate(&tid, ThreadPriorityNormal, 0, tcp_worker, NULL, 0) != rcOk)
            return 1;
    printf("Echo: serving TCP and UDP on port %d\n", PORT);
    for (;;) {
        struct sockaddr_in peer;
        socklen_t len = sizeof peer;
        int fd = accept(lfd, (struct sockaddr *)&peer, &len);
        if (fd < 0) {
            if (errno == EMFILE || errno == ENFILE || errno == ENOMEM)
                KosThreadSleep(10);
            continue;
        }
        queue_put(fd);
    }
}
