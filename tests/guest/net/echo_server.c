/*
 * The echo service of the net_echo programs (docs/NET.md): TCP and UDP on
 * port 7 over lwIP's socket API.
 *
 * Prints "net: <ip>" once the address is configured. TCP connections are
 * served by a pool of worker threads (one connection each at a time,
 * blocking recv/send); the accepting thread hands sockets over through a
 * queue. One thread echoes UDP datagrams. A client that vanishes, resets
 * or stalls (SO_RCVTIMEO/SO_SNDTIMEO) only ends its own connection.
 */
#include "echo_server.h"

#include <kos/mutex.h>
#include <kos/semaphore.h>
#include <kos/thread.h>
#include <lwip/sockets.h>
#include <net/net.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ECHO_PORT      7
#define WORKERS        40          /* concurrent TCP connections served */
#define QUEUE_LEN      64          /* accepted connections waiting for a worker */
#define TCP_BUF        (16 * 1024)
#define UDP_BUF        (64 * 1024)
#define IO_TIMEOUT_MS  30000       /* a stalled client loses its connection */
#define WORKER_STACK   (64 * 1024)

static struct {
    KosMutex lock;
    KosSemaphore items, slots;
    int fds[QUEUE_LEN];
    unsigned head, count;
} q;

static unsigned long connections, resets;
static bool verbose;

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

static bool send_all(int fd, const char *p, size_t n)
{
    while (n > 0) {
        ssize_t w = send(fd, p, n, 0);
        if (w <= 0)
            return false;
        p += w;
        n -= (size_t)w;
    }
    return true;
}

static void serve(int fd, char *buf)
{
    struct timeval tv = { IO_TIMEOUT_MS / 1000, (IO_TIMEOUT_MS % 1000) * 1000 };
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    for (;;) {
        ssize_t r = recv(fd, buf, TCP_BUF, 0);
        if (r == 0)
            break;                                   /* orderly end */
        if (r < 0 || !send_all(fd, buf, (size_t)r)) {
            __atomic_add_fetch(&resets, 1, __ATOMIC_RELAXED);
            if (verbose)
                printf("net_echo: connection ended with errno %d\n", errno);
            break;
        }
    }
    closesocket(fd);     /* lwip_close: close() stays the C library's */
}

static int worker(void *arg)
{
    (void)arg;
    char *buf = malloc(TCP_BUF);
    if (!buf)
        return 1;
    for (;;)
        serve(queue_get(), buf);
    return 0;
}

static int udp_thread(void *arg)
{
    (void)arg;
    char *buf = malloc(UDP_BUF);
    int s = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = PP_HTONS(ECHO_PORT) };
    a.sin_addr.s_addr = PP_HTONL(INADDR_ANY);
    if (!buf || s < 0 || bind(s, (struct sockaddr *)&a, sizeof(a)) < 0) {
        printf("net_echo: UDP socket failed (errno %d)\n", errno);
        return 1;
    }
    for (;;) {
        struct sockaddr_in from;
        socklen_t fl = sizeof(from);
        ssize_t r = recvfrom(s, buf, UDP_BUF, 0, (struct sockaddr *)&from, &fl);
        if (r >= 0)
            sendto(s, buf, (size_t)r, 0, (struct sockaddr *)&from, fl);
    }
    return 0;
}

/* verbose: the counters every 3 s while they change */
static int stats_thread(void *arg)
{
    (void)arg;
    struct net_stats last = { 0 }, now;
    for (;;) {
        KosThreadSleep(3000);
        net_get_stats(&now);
        if (now.rx_packets != last.rx_packets || now.tx_packets != last.tx_packets) {
            printf("net_echo: %lu connections, %lu ended abnormally\n", connections, resets);
            net_stats_print();
        }
        last = now;
    }
    return 0;
}

int echo_main(int argc, char **argv, const char *const *defaults)
{
    struct net_options o;
    net_options_default(&o);
    if (defaults) {
        int n = 0;
        while (defaults[n])
            n++;
        /* net_options_parse skips argv[0] */
        char **v = calloc((size_t)n + 2, sizeof(char *));
        if (!v)
            return 1;
        for (int i = 0; i < n; i++)
            v[i + 1] = (char *)defaults[i];
        net_options_parse(&o, n + 1, v);
        free(v);
    }
    if (net_options_parse(&o, argc, argv) != NET_OK) {
        printf("net_echo: bad options\n");
        return 2;
    }
    verbose = o.verbose;

    struct net_info info;
    int err = net_init(&o, &info);
    if (err != NET_OK) {
        printf("net_echo: %s\n", net_strerror(err));
        return 1;
    }
    char ip[16], mask[16], gw[16];
    printf("net: %s\n", net_ip_str(info.ip, ip));
    printf("net_echo: netmask %s gw %s (%s), virtio-mmio v%u slot %u, "
           "mac %02x:%02x:%02x:%02x:%02x:%02x\n",
           net_ip_str(info.netmask, mask), net_ip_str(info.gw, gw),
           info.from_dhcp ? "dhcp" : "static", info.virtio_version, info.mmio_slot,
           info.mac[0], info.mac[1], info.mac[2], info.mac[3], info.mac[4], info.mac[5]);

    KosMutexInit(&q.lock);
    KosSemaphoreInit(&q.items, 0);
    KosSemaphoreInit(&q.slots, QUEUE_LEN);
    Tid tid;
    for (int i = 0; i < WORKERS; i++)
        if (KosThreadCreate(&tid, ThreadPriorityNormal, WORKER_STACK, worker, NULL, 0) != rcOk) {
            printf("net_echo: cannot start worker %d\n", i);
            return 1;
        }
    if (KosThreadCreate(&tid, ThreadPriorityNormal, 0, udp_thread, NULL, 0) != rcOk) {
        printf("net_echo: cannot start the UDP thread\n");
        return 1;
    }

    if (verbose)
        KosThreadCreate(&tid, ThreadPriorityNormal, 0, stats_thread, NULL, 0);

    int ls = socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = PP_HTONS(ECHO_PORT) };
    a.sin_addr.s_addr = PP_HTONL(INADDR_ANY);
    if (ls < 0 || bind(ls, (struct sockaddr *)&a, sizeof(a)) < 0 || listen(ls, QUEUE_LEN) < 0) {
        printf("net_echo: TCP listen failed (errno %d)\n", errno);
        return 1;
    }
    printf("net_echo: serving TCP and UDP on port %d\n", ECHO_PORT);
    for (;;) {
        int fd = accept(ls, NULL, NULL);
        if (fd < 0) {
            KosThreadSleep(10);                      /* out of sockets: let workers finish */
            continue;
        }
        connections++;
        queue_put(fd);
    }
    return 0;
}
