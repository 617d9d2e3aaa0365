/*
 * NetBench: the guest side of `make bench`'s network figures. A TCP echo
 * server on port 7 (one connection at a time, plain BSD sockets through
 * VfsFsnet) that measures, in guest instructions, the work each connection
 * cost the whole system, and prints one line when the connection ends:
 *
 *   NETBENCH bytes=<echoed> instr=<accept..EOF> rounds=<n> round_min=<i> round_median=<i>
 *
 * Method (docs/PERFORMANCE.md, "Network"): under -icount shift=0 the virtual
 * counter advances one ns per executed instruction, but also, while the CPU
 * idles in WFI, with the host's real time. So the system is never let idle:
 * a spinner thread at the lowest priority runs whenever nothing else can and
 * adds up the counter time it spins through (consecutive reads a few ticks
 * apart; a larger gap means it was preempted, i.e. real work ran). Work over
 * an interval = counter time - spun time. A "round" is the interval between
 * two recv returns: for a request/response client, the guest's work for one
 * round trip. tools/bench.py sends the traffic and turns the lines into
 * results.json. Never exits.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>
#include <kos/thread.h>

#define PORT 7
#define BUF_SIZE (64 * 1024)
#define MAX_ROUNDS 4096
#define SPIN_GAP_TICKS 4    /* a longer gap between two reads of the spinner: preempted */

static volatile uint64_t spun_ticks;   /* written by the spinner only */
static uint64_t rounds[MAX_ROUNDS];
static char buf[BUF_SIZE];

static inline uint64_t counter(void)
{
    uint64_t v;
    __asm__ volatile("isb\n mrs %0, cntvct_el0" : "=r"(v) :: "memory");
    return v;
}

static uint64_t ns_per_tick(void)
{
    uint64_t f;
    __asm__ volatile("mrs %0, cntfrq_el0" : "=r"(f));
    return f ? 1000000000u / f : 1;
}

static int spinner(void *arg)
{
    (void)arg;
    uint64_t last = counter(), spun = 0;
    for (;;) {
        uint64_t now = counter();
        if (now - last <= SPIN_GAP_TICKS) {
            spun += now - last;
            spun_ticks = spun;
        }
        last = now;
    }
    return 0;
}

/* Counter ticks of work since the mark (t, s): elapsed minus spun. */
struct mark {
    uint64_t t, s;
};

static struct mark mark_now(void)
{
    struct mark m = { counter(), spun_ticks };
    return m;
}

static uint64_t work_since(struct mark m, struct mark now)
{
    uint64_t elapsed = now.t - m.t, spun = now.s - m.s;
    return elapsed > spun ? elapsed - spun : 0;
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
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

static void serve(int fd, struct mark start, uint64_t scale)
{
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    uint64_t bytes = 0;
    unsigned n = 0, total = 0;
    struct mark prev = { 0, 0 };
    const char *end = "EOF";
    for (;;) {
        ssize_t got = recv(fd, buf, sizeof buf, 0);
        struct mark now = mark_now();
        if (got <= 0) {
            if (got < 0)
                end = strerror(errno);
            break;
        }
        if (total++ > 0 && n < MAX_ROUNDS)
            rounds[n++] = work_since(prev, now);
        prev = now;
        if (send_all(fd, buf, (size_t)got) < 0) {
            end = "send failed";
            break;
        }
        bytes += (uint64_t)got;
    }
    uint64_t instr = work_since(start, mark_now()) * scale;
    close(fd);
    qsort(rounds, n, sizeof rounds[0], cmp_u64);
    printf("NETBENCH bytes=%llu instr=%llu rounds=%u round_min=%llu round_median=%llu end=%s\n",
           (unsigned long long)bytes, (unsigned long long)instr, n,
           (unsigned long long)(n ? rounds[0] * scale : 0),
           (unsigned long long)(n ? rounds[n / 2] * scale : 0), end);
}

int main(void)
{
    int lfd = socket(AF_INET, SOCK_STREAM, 0);
    if (lfd < 0) {
        printf("NetBench: socket: %s\n", strerror(errno));
        return 1;
    }
    int one = 1;
    setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_port = htons(PORT);
    a.sin_addr.s_addr = htonl(INADDR_ANY);
    if (bind(lfd, (struct sockaddr *)&a, sizeof a) < 0 || listen(lfd, 4) < 0) {
        printf("NetBench: bind/listen port %d: %s\n", PORT, strerror(errno));
        return 1;
    }
    Tid tid;
    if (KosThreadCreate(&tid, ThreadPriorityLowest, 0, spinner, NULL, 0) != rcOk) {
        printf("NetBench: no spinner thread\n");
        return 1;
    }
    uint64_t scale = ns_per_tick();
    /* The accounting's floor: the work of a 10 ms sleep (timer ticks, switches). */
    struct mark m = mark_now();
    KosThreadSleep(10);
    printf("NetBench: idle accounting: 10 ms asleep = %llu instr of work\n",
           (unsigned long long)(work_since(m, mark_now()) * scale));
    printf("NetBench: echoing TCP on port %d\n", PORT);
    for (;;) {
        int fd = accept(lfd, NULL, NULL);
        struct mark start = mark_now();
        if (fd < 0) {
            printf("NetBench: accept: %s\n", strerror(errno));
            KosThreadSleep(10);
            continue;
        }
        serve(fd, start, scale);
    }
}
