/*
 * bench_smp: IPC across cores, wall clock (make bench-smp, tools/bench.py
 * --smp; no -icount: the generic counter follows the host's clock). The first
 * task ("bench_smp") starts itself as client/server pairs joined by channel
 * "bench", each task pinned to a core by argv (KosThreadSetAffinity on its
 * own thread):
 *   ipc_roundtrip_crosscore_ns  one pair, client on core 0, server on core 1:
 *                               the median round trip and its spread (min, p90);
 *   ipc_roundtrip_samecore_ns   the same pair both on core 0 (for comparison);
 *   ipc_pairs_<K>_rtps          K = 1, 2, 4 independent pairs, pair i wholly on
 *                               core i: total round trips per second.
 * Roles: "bench_smp server <core>" answers (left blocked in Recv at the end);
 * "bench_smp client <core> <rounds> <samples>" times <rounds> Calls (per
 * call when <samples> is 1) and prints its line.
 */
#include <coresrv/channel/channel_api.h>
#include <coresrv/handle/handle_api.h>
#include <coresrv/syscalls.h>
#include <coresrv/task/task_api.h>
#include <kos/thread.h>
#include <string.h>
#include <uapi/syscall.h>
#include "bench.h"

#define SAMPLES 2000
#define PAIR_ROUNDS 4000

struct msg {
    SMsgHdr hdr;
    uint32_t value[4];
};

static uint64_t samples[SAMPLES];

static uint64_t freq(void)
{
    uint64_t f;
    __asm__ volatile("mrs %0, cntfrq_el0" : "=r"(f));
    return f;
}

static uint64_t ticks_to_ns(uint64_t t) { return t * 1000000000ull / freq(); }

static void pin(unsigned core)
{
    if (KosThreadSetAffinity(KosThreadCurrentId(), 1u << core) != rcOk) {
        printf("bench_smp: cannot pin to core %u\n", core);
        exit(1);
    }
    KosThreadYield();                         /* move there now */
}

static int server(unsigned core)
{
    Handle l;
    if (KnChannelLookup("bench", SERVICE_SERVER, &l))
        return 1;
    pin(core);
    static struct msg in, out;
    out.hdr.size = sizeof(uint32_t);
    in.hdr.size = sizeof(in.value);
    Retcode rc = Recv(l, &in.hdr);
    while (rc == rcOk) {
        out.value[0] = in.value[0] + 1;
        in.hdr.size = sizeof(in.value);
        rc = ReplyRecv(l, &out.hdr, &in.hdr, INFINITE_TIMEOUT);
    }
    return rc == rcNotConnected ? 0 : 1;
}

static int client(unsigned core, unsigned rounds, int per_call)
{
    Handle ch;
    if (KnChannelLookup("bench", SERVICE_CLIENT, &ch))
        return 1;
    pin(core);
    static struct msg out, in;
    out.hdr.size = sizeof(uint32_t);
    for (unsigned i = 0; i < rounds; i++) {
        out.value[0] = i;
        in.hdr.size = sizeof(in.value);
        uint64_t t0 = bench_counter();
        Retcode rc = Call(ch, &out.hdr, &in.hdr);
        if (per_call && i < SAMPLES)
            samples[i] = bench_counter() - t0;
        if (rc != rcOk || in.value[0] != i + 1)
            return 1;
    }
    if (per_call) {
        unsigned n = rounds < SAMPLES ? rounds : SAMPLES;
        qsort(samples, n, sizeof(*samples), bench_cmp);
        printf("BENCHW ipc_roundtrip_%s_ns core %u min=%llu median=%llu p90=%llu n=%u\n",
               per_call == 1 ? "crosscore" : "samecore", core,
               (unsigned long long)ticks_to_ns(samples[0]),
               (unsigned long long)ticks_to_ns(samples[n / 2]),
               (unsigned long long)ticks_to_ns(samples[n * 9 / 10]), n);
    }
    return 0;
}

static Handle start(const char **argv)
{
    const char *envp[] = { NULL };
    Handle h = 0;
    if (KnTaskCreate("bench_smp", "bench_smp", "bench_smp", argv, envp, THREAD_PRIORITY_DEFAULT,
                     TASK_SUSPENDED, &h) != rcOk) {
        printf("bench_smp: cannot start a %s\n", argv[1]);
        exit(1);
    }
    return h;
}

/* K pairs; pair i's client on core ccore[i], server on score[i]. Returns the
 * wall time in ns from the first start to the last client's end, 0 on failure. */
static uint64_t pairs(unsigned k, const unsigned *ccore, const unsigned *score, unsigned rounds,
                      int per_call)
{
    Handle cl[4], sv[4];
    char cs[4][4], ss[4][4], rs[16], ps[4];
    snprintf(rs, sizeof rs, "%u", rounds);
    snprintf(ps, sizeof ps, "%d", per_call);
    for (unsigned i = 0; i < k; i++) {
        snprintf(cs[i], sizeof cs[i], "%u", ccore[i]);
        snprintf(ss[i], sizeof ss[i], "%u", score[i]);
        const char *sa[] = { "bench_smp", "server", ss[i], NULL };
        const char *ca[] = { "bench_smp", "client", cs[i], rs, ps, NULL };
        sv[i] = start(sa);
        cl[i] = start(ca);
        if (KnChannelCreate(cl[i], sv[i], "bench") || KnTaskStart(sv[i]))
            return 0;
    }
    KosThreadSleep(20);                       /* servers pinned and waiting */
    uint64_t t0 = bench_counter();
    for (unsigned i = 0; i < k; i++)
        KnTaskStart(cl[i]);
    int ok = 1;
    for (unsigned i = 0; i < k; i++) {
        int32_t st = -1;
        KnTaskWait(cl[i], INFINITE_TIMEOUT, &st);
        ok &= st == 0;
    }
    uint64_t t = bench_counter() - t0;
    for (unsigned i = 0; i < k; i++) {     /* servers stay blocked in Recv, as bench's */
        KnHandleClose(cl[i]);
        KnHandleClose(sv[i]);
    }
    return ok ? ticks_to_ns(t) : 0;
}

int main(int argc, char **argv)
{
    if (argc >= 3 && !strcmp(argv[1], "server"))
        return server((unsigned)atoi(argv[2]));
    if (argc >= 5 && !strcmp(argv[1], "client"))
        return client((unsigned)atoi(argv[2]), (unsigned)atoi(argv[3]), argc > 4 ? atoi(argv[4]) : 0);
    unsigned cores = (unsigned)__builtin_popcount(KosCpuOnlineMask());
    printf("bench_smp: %u core(s)\n", cores);
    static const unsigned c0[4] = { 0, 1, 2, 3 }, c1[1] = { 1 };
    if (cores >= 2 && !pairs(1, c0, c1, SAMPLES, 1))
        printf("bench_smp: the cross-core pair failed\n");
    if (!pairs(1, c0, c0, SAMPLES, 2))
        printf("bench_smp: the same-core pair failed\n");
    for (unsigned k = 1; k <= 4 && k <= cores; k *= 2) {
        uint64_t ns = pairs(k, c0, c0, PAIR_ROUNDS, 0);
        if (!ns) {
            printf("bench_smp: %u pairs failed\n", k);
            return 1;
        }
        printf("BENCHW ipc_pairs_%u_rtps value=%llu wall_ns=%llu rounds=%u\n", k,
               (unsigned long long)((uint64_t)k * PAIR_ROUNDS * 1000000000ull / ns),
               (unsigned long long)ns, k * PAIR_ROUNDS);
    }
    printf("bench_smp: done\n");
    return 0;
}
