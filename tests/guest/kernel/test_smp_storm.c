/*
 * test_smp_storm: bounded stress of the SMP kernel with every part pinned
 * across the cores (KosThreadSetAffinity), run under multi-threaded TCG by
 * tests/test_smp.py so the cores are really parallel:
 *   - N client/server task pairs, client i on core i, its server on the next
 *     core, every answer checked, created and ended several times over;
 *   - a storm of tasks created on every core that end at once;
 *   - futex storms: a counter under a lock made of raw KnFutexWait/Wake taken
 *     from every core, and futex ping-pong between two cores;
 *   - condvar storms: a broadcast barrier over every core, and producers and
 *     consumers on different cores with the items' sum checked;
 *   - a thread storm: threads pinned to every core that exit, spin or block
 *     in a futex, the last two killed from core 0, exit codes checked;
 *   - FP/SIMD registers kept by threads that core 0 moves between the cores.
 * Each part joins with a timeout and reports a hang as a failure (and kills
 * what it waited for) instead of hanging; at the end free pages, threads,
 * tasks and kernel objects must be back at their baseline.
 * Roles (argv[0]): "storm_server <core> <rounds>", "storm_client <core>
 * <rounds> <tag>", "storm_exit <core> <status>".
 */
#include <coresrv/channel/channel_api.h>
#include <coresrv/handle/handle_api.h>
#include <coresrv/sys/sys_api.h>
#include <coresrv/syscalls.h>
#include <coresrv/task/task_api.h>
#include <kos/sync_api.h>
#include <kos/thread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uapi/msg.h>
#include <uapi/syscall.h>
#include "../check.h"
#include "sysinfo.h"

#define PAIRS 4
#define PAIR_ROUNDS 300
#define PAIR_REPEATS 3
#define TASK_ROUNDS 6
#define JOIN_MS 60000u                          /* a part not done by then hangs */
#define JOIN_NS (JOIN_MS * 1000000ull)

static unsigned ncores;                         /* cores online: 0 .. ncores-1 */

static int pin(unsigned core)
{
    return KosThreadSetAffinity(KosThreadCurrentId(), 1u << (core % ncores)) == rcOk;
}

/* ---- client/server pairs -------------------------------------------------- */

struct msg {
    SMsgHdr hdr;
    uint32_t value[2];
};

/* Answers value+1 until its client is gone; status 0 when it served `rounds`. */
static int storm_server(unsigned core, unsigned rounds)
{
    Handle l;
    if (KnChannelLookup("storm", SERVICE_SERVER, &l) != rcOk || !pin(core))
        return 2;
    static struct msg in, out;
    unsigned served = 0;
    in.hdr.size = sizeof(in.value);
    Retcode rc = Recv(l, &in.hdr);
    while (rc == rcOk) {
        if (in.hdr.mid == MSG_MID_DISCONNECT)
            return served == rounds ? 0 : 3;
        memset(&out.hdr, 0, sizeof(out.hdr));
        out.hdr.size = sizeof(out.value);
        out.value[0] = in.value[0] + 1;
        out.value[1] = in.value[1];
        served++;
        in.hdr.size = sizeof(in.value);
        rc = ReplyRecv(l, &out.hdr, &in.hdr, INFINITE_TIMEOUT);
    }
    return 4;
}

/* Calls `rounds` times; status 0 when every answer was its own and right. */
static int storm_client(unsigned core, unsigned rounds, uint32_t tag)
{
    Handle ch;
    if (KnChannelLookup("storm", SERVICE_CLIENT, &ch) != rcOk || !pin(core))
        return 2;
    static struct msg out, in;
    for (unsigned i = 0; i < rounds; i++) {
        memset(&out.hdr, 0, sizeof(out.hdr));
        out.hdr.size = sizeof(out.value);
        out.value[0] = i;
        out.value[1] = tag;
        in.hdr.size = sizeof(in.value);
        if (Call(ch, &out.hdr, &in.hdr) != rcOk || in.value[0] != i + 1 || in.value[1] != tag)
            return 3;
    }
    return 0;
}

static Handle start_task(const char *const argv[])
{
    const char *envp[] = { NULL };
    Handle h = 0;
    if (KnTaskCreate(argv[0], "test_smp_storm", "test_smp_storm", argv, envp,
                     THREAD_PRIORITY_DEFAULT, TASK_SUSPENDED, &h) != rcOk)
        return 0;
    return h;
}

/* Waits for a task (killed if it is not done by JOIN_NS); 1 when it ended with `want`. */
static int join_task(Handle h, int32_t want)
{
    int32_t st = -1;
    Retcode rc = KnTaskWait(h, JOIN_NS, &st);
    if (rc == rcTimeout) {
        printf("test_smp_storm: a task hangs\n");
        return 0;
    }
    return rc == rcOk && st == want;
}

static void test_pairs(void)
{
    int ok = 1, created = 1;
    for (int rep = 0; rep < PAIR_REPEATS; rep++) {
        Handle cl[PAIRS], sv[PAIRS];
        char core_c[PAIRS][4], core_s[PAIRS][4], tag[PAIRS][12], rounds[12];
        snprintf(rounds, sizeof rounds, "%u", PAIR_ROUNDS);
        for (unsigned i = 0; i < PAIRS; i++) {
            snprintf(core_c[i], sizeof core_c[i], "%u", i % ncores);
            snprintf(core_s[i], sizeof core_s[i], "%u", (i + 1) % ncores);
            snprintf(tag[i], sizeof tag[i], "%u", 0x5000u + (unsigned)rep * 16 + i);
            const char *sa[] = { "storm_server", core_s[i], rounds, NULL };
            const char *ca[] = { "storm_client", core_c[i], rounds, tag[i], NULL };
            sv[i] = start_task(sa);
            cl[i] = start_task(ca);
            created &= sv[i] && cl[i] && KnChannelCreate(cl[i], sv[i], "storm") == rcOk;
        }
        if (!created)
            break;
        for (unsigned i = 0; i < PAIRS; i++)
            created &= KnTaskStart(sv[i]) == rcOk && KnTaskStart(cl[i]) == rcOk;
        for (unsigned i = 0; i < PAIRS; i++)
            ok &= join_task(cl[i], 0);
        for (unsigned i = 0; i < PAIRS; i++)     /* each ends at its client's disconnect */
            ok &= join_task(sv[i], 0);
        for (unsigned i = 0; i < PAIRS; i++) {
            KnHandleClose(cl[i]);
            KnHandleClose(sv[i]);
        }
    }
    CHECK("storm_pairs_created", created, "a pair's tasks or channel could not be made");
    CHECK("storm_pairs_answers_right", created && ok,
          "a client got a wrong answer or a server a wrong count (or one hung)");
}

static int storm_exit(unsigned core, int status)
{
    return pin(core) ? status : 2;
}

/* Tasks started on every core at once that end at once. */
static void test_task_storm(void)
{
    int ok = 1;
    for (int round = 0; round < TASK_ROUNDS; round++) {
        Handle h[32];
        char core[32][4], st[32][4];
        for (unsigned c = 0; c < ncores; c++) {
            snprintf(core[c], sizeof core[c], "%u", c);
            snprintf(st[c], sizeof st[c], "%u", 10 + c);
            const char *a[] = { "storm_exit", core[c], st[c], NULL };
            h[c] = start_task(a);
            ok &= h[c] != 0;
        }
        for (unsigned c = 0; c < ncores; c++)
            ok &= h[c] && KnTaskStart(h[c]) == rcOk;
        for (unsigned c = 0; c < ncores; c++) {
            if (!h[c])
                continue;
            ok &= join_task(h[c], (int32_t)(10 + c));
            KnHandleClose(h[c]);
        }
    }
    CHECK("storm_tasks_on_every_core", ok, "a task did not end with its status");
}

/* ---- threads pinned to a core --------------------------------------------- */

/* Creates a thread pinned to `core` (suspended, pinned, resumed); 0 on failure. */
static Tid pinned_thread(unsigned core, ThreadRoutine fn, void *arg)
{
    Tid t;
    if (KosThreadCreate(&t, ThreadPriorityNormal, 0, fn, arg, 1) != rcOk)
        return 0;
    if (KosThreadSetAffinity(t, 1u << (core % ncores)) != rcOk || KosThreadResume(t) != rcOk) {
        KosThreadTerminate(t, 99);
        KosThreadWait(t, KOS_INFINITE_TIMEOUT);
        return 0;
    }
    return t;
}

/* Joins within JOIN_MS (else kills it); 1 when it ended with `want`. */
static int join_thread(Tid t, int want)
{
    int code = -1;
    Retcode rc = KosThreadWaitEx(t, JOIN_MS, &code);
    if (rc == rcTimeout) {
        printf("test_smp_storm: a thread hangs\n");
        KosThreadTerminate(t, 98);
        KosThreadWait(t, KOS_INFINITE_TIMEOUT);
        return 0;
    }
    return rc == rcOk && code == want;
}

/* ---- futex storms --------------------------------------------------------- */

#define FX_THREADS_PER_CORE 2
#define FX_INCREMENTS 3000
#define PINGPONG_ROUNDS 2000

/* A lock of raw futex calls (0 free, 1 held, 2 held with waiters). */
static uint32_t fx_word;
static volatile uint32_t fx_counter;

static void fx_lock(void)
{
    uint32_t c = 0;
    if (__atomic_compare_exchange_n(&fx_word, &c, 1, 0, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
        return;
    if (c != 2)
        c = __atomic_exchange_n(&fx_word, 2, __ATOMIC_ACQUIRE);
    while (c != 0) {
        KnFutexWait(&fx_word, 2, INFINITE_TIMEOUT);
        c = __atomic_exchange_n(&fx_word, 2, __ATOMIC_ACQUIRE);
    }
}

static void fx_unlock(void)
{
    if (__atomic_exchange_n(&fx_word, 0, __ATOMIC_RELEASE) == 2)
        KnFutexWake(&fx_word, 1, NULL);
}

static int fx_hammer(void *arg)
{
    (void)arg;
    for (int i = 0; i < FX_INCREMENTS; i++) {
        fx_lock();
        uint32_t v = fx_counter;                 /* lost updates unless the lock excludes */
        if (i % 256 == 0)
            KosThreadYield();
        fx_counter = v + 1;
        fx_unlock();
    }
    return 7;
}

/* Ping-pong: each side waits for its turn on a futex, then hands it over. */
static uint32_t turn;
static uint32_t played[2];

static int pingpong(void *arg)
{
    uint32_t me = (uint32_t)(uintptr_t)arg, other = 1 - me;
    for (int i = 0; i < PINGPONG_ROUNDS; i++) {
        while (__atomic_load_n(&turn, __ATOMIC_ACQUIRE) != me)
            KnFutexWait(&turn, other, INFINITE_TIMEOUT);
        played[me]++;
        __atomic_store_n(&turn, other, __ATOMIC_RELEASE);
        KnFutexWake(&turn, 1, NULL);
    }
    return 8;
}

static void test_futex_storm(void)
{
    Tid t[32 * FX_THREADS_PER_CORE];
    unsigned n = 0;
    int ok = 1;
    for (unsigned c = 0; c < ncores; c++)
        for (int k = 0; k < FX_THREADS_PER_CORE; k++) {
            t[n] = pinned_thread(c, fx_hammer, NULL);
            ok &= t[n] != 0;
            n += t[n] != 0;
        }
    for (unsigned i = 0; i < n; i++)
        ok &= join_thread(t[i], 7);
    CHECK("storm_futex_lock_counter_exact",
          ok && fx_counter == ncores * FX_THREADS_PER_CORE * FX_INCREMENTS,
          "ok %d, counter %u, expected %u", ok, (unsigned)fx_counter,
          ncores * FX_THREADS_PER_CORE * FX_INCREMENTS);

    Tid a = pinned_thread(0, pingpong, (void *)0);
    Tid b = pinned_thread(ncores - 1, pingpong, (void *)1);
    ok = a && b;
    ok &= a && join_thread(a, 8);
    ok &= b && join_thread(b, 8);
    CHECK("storm_futex_pingpong_across_cores",
          ok && played[0] == PINGPONG_ROUNDS && played[1] == PINGPONG_ROUNDS,
          "ok %d, played %u and %u of %u", ok, (unsigned)played[0], (unsigned)played[1],
          PINGPONG_ROUNDS);
}

/* ---- condvar storms ------------------------------------------------------- */

#define BARRIER_THREADS_PER_CORE 2
#define BARRIER_ROUNDS 200
#define CV_ITEMS 3000                            /* per producer */
#define CV_QSIZE 4

static KosMutex bar_lock = KOS_MUTEX_INITIALIZER;
static KosCondvar bar_cv = KOS_CONDVAR_INITIALIZER;
static uint32_t bar_arrived, bar_generation, bar_parties;
static uint32_t bar_passed[32 * BARRIER_THREADS_PER_CORE];

static int barrier_party(void *arg)
{
    uint32_t me = (uint32_t)(uintptr_t)arg;
    for (int r = 0; r < BARRIER_ROUNDS; r++) {
        KosMutexLock(&bar_lock);
        uint32_t gen = bar_generation;
        if (++bar_arrived == bar_parties) {
            bar_arrived = 0;
            bar_generation++;
            KosCondvarBroadcast(&bar_cv);
        } else {
            while (gen == bar_generation)
                KosCondvarWait(&bar_cv, &bar_lock);
        }
        bar_passed[me]++;
        KosMutexUnlock(&bar_lock);
    }
    return 9;
}

static KosMutex q_lock = KOS_MUTEX_INITIALIZER;
static KosCondvar q_not_empty = KOS_CONDVAR_INITIALIZER, q_not_full = KOS_CONDVAR_INITIALIZER;
static uint32_t q_items[CV_QSIZE], q_head, q_count, q_producers_left;
static uint64_t q_sum;
static uint32_t q_taken;

static int producer(void *arg)
{
    uint32_t base = (uint32_t)(uintptr_t)arg * CV_ITEMS;
    for (uint32_t i = 1; i <= CV_ITEMS; i++) {
        KosMutexLock(&q_lock);
        while (q_count == CV_QSIZE)
            KosCondvarWait(&q_not_full, &q_lock);
        q_items[(q_head + q_count++) % CV_QSIZE] = base + i;
        KosCondvarSignal(&q_not_empty);
        KosMutexUnlock(&q_lock);
    }
    KosMutexLock(&q_lock);
    q_producers_left--;
    KosCondvarBroadcast(&q_not_empty);           /* the consumers may all be waiting */
    KosMutexUnlock(&q_lock);
    return 10;
}

static int consumer(void *arg)
{
    (void)arg;
    for (;;) {
        KosMutexLock(&q_lock);
        while (q_count == 0 && q_producers_left)
            KosCondvarWait(&q_not_empty, &q_lock);
        if (q_count == 0) {
            KosMutexUnlock(&q_lock);
            return 11;
        }
        q_sum += q_items[q_head];
        q_head = (q_head + 1) % CV_QSIZE;
        q_count--;
        q_taken++;
        KosCondvarSignal(&q_not_full);
        KosMutexUnlock(&q_lock);
    }
}

static void test_condvar_storm(void)
{
    Tid t[32 * BARRIER_THREADS_PER_CORE];
    unsigned n = 0;
    int ok = 1;
    bar_parties = ncores * BARRIER_THREADS_PER_CORE;
    for (unsigned i = 0; i < bar_parties; i++) {
        t[n] = pinned_thread(i % ncores, barrier_party, (void *)(uintptr_t)i);
        ok &= t[n] != 0;
        n += t[n] != 0;
    }
    if (!ok) {                                   /* the others would wait for the missing */
        for (unsigned i = 0; i < n; i++) {
            KosThreadTerminate(t[i], 1);
            KosThreadWait(t[i], KOS_INFINITE_TIMEOUT);
        }
        n = 0;
    }
    for (unsigned i = 0; i < n; i++)
        ok &= join_thread(t[i], 9);
    uint32_t passed_ok = 1;
    for (unsigned i = 0; i < bar_parties; i++)
        passed_ok &= bar_passed[i] == BARRIER_ROUNDS;
    CHECK("storm_condvar_barrier_rounds", ok && passed_ok && bar_generation == BARRIER_ROUNDS,
          "ok %d, generation %u of %u, every party through every round %u", ok,
          (unsigned)bar_generation, BARRIER_ROUNDS, (unsigned)passed_ok);

    /* producers on the low cores, consumers on the others */
    unsigned producers = ncores > 1 ? ncores / 2 : 1;
    unsigned consumers = ncores > 1 ? ncores - producers : 1;
    q_producers_left = producers;
    n = 0;
    ok = 1;
    for (unsigned i = 0; i < consumers; i++) {
        t[n] = pinned_thread(producers + i, consumer, NULL);
        ok &= t[n] != 0;
        n += t[n] != 0;
    }
    unsigned first_producer = n;
    for (unsigned i = 0; i < producers; i++) {
        t[n] = pinned_thread(i, producer, (void *)(uintptr_t)i);
        ok &= t[n] != 0;
        n += t[n] != 0;
    }
    for (unsigned i = 0; i < n; i++)
        ok &= join_thread(t[i], i < first_producer ? 11 : 10);
    uint64_t items = (uint64_t)producers * CV_ITEMS;
    uint64_t want = items * (items + 1) / 2;     /* every item 1 .. producers*CV_ITEMS once */
    CHECK("storm_condvar_queue_sum", ok && q_taken == items && q_sum == want,
          "ok %d, %u items taken of %llu, sum %llu, expected %llu", ok, (unsigned)q_taken,
          (unsigned long long)items, (unsigned long long)q_sum, (unsigned long long)want);
}

/* ---- FP/SIMD state while threads migrate ---------------------------------- */

#define FP_ROUNDS 40

static volatile uint32_t fp_stop;

/* Fills v0..v31 (both 64-bit halves) with base + n and checks them in a loop
 * in user mode until fp_stop: preempted, switched and moved to other cores
 * (the lazy FP/SIMD hand-over, arch/aarch64/context.c), it must find its own
 * values every time. Returns 12, or 13 at the first wrong register. */
static int fp_keeper(void *arg)
{
    uint64_t base = ((uint64_t)(uintptr_t)arg + 1) << 32, bad = 0, loops = 0;
    __asm__ volatile(
        ".irp n,0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31\n"
        "   add     x9, %[base], #\\n\n"
        "   fmov    d\\n, x9\n"
        "   mov     v\\n\\().d[1], x9\n"
        ".endr\n"
        "1:\n"
        ".irp n,0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31\n"
        "   add     x9, %[base], #\\n\n"
        "   fmov    x10, d\\n\n"
        "   cmp     x10, x9\n"
        "   b.ne    2f\n"
        "   mov     x10, v\\n\\().d[1]\n"
        "   cmp     x10, x9\n"
        "   b.ne    2f\n"
        ".endr\n"
        "   add     %[loops], %[loops], #1\n"
        "   ldr     w10, [%[stop]]\n"
        "   cbz     w10, 1b\n"
        "   b       3f\n"
        "2: mov     %[bad], #1\n"
        "3:\n"
        : [bad] "+r"(bad), [loops] "+r"(loops)
        : [base] "r"(base), [stop] "r"(&fp_stop)
        : "x9", "x10", "cc", "memory", "v0", "v1", "v2", "v3", "v4", "v5", "v6", "v7", "v8", "v9", "v10", "v11", "v12", "v13", "v14", "v15", "v16", "v17", "v18", "v19", "v20", "v21", "v22", "v23", "v24", "v25", "v26", "v27", "v28", "v29", "v30", "v31");
    return bad ? 13 : loops ? 12 : 14;
}

/* 2 threads per core and one more keep FP/SIMD values while core 0 moves each
 * to another core every few milliseconds (KosThreadSetAffinity moves a
 * running thread at once). */
static void test_fp_migration(void)
{
    Tid t[2 * 32 + 1];
    unsigned n = 0, want = 2 * ncores + 1;
    int ok = 1, moved = 1;
    fp_stop = 0;
    for (unsigned i = 0; i < want; i++) {
        ok &= KosThreadCreate(&t[n], ThreadPriorityNormal, 0, fp_keeper, (void *)(uintptr_t)i,
                              0) == rcOk;
        n = ok ? n + 1 : n;
    }
    for (unsigned round = 0; round < FP_ROUNDS; round++) {
        for (unsigned i = 0; i < n; i++)
            moved &= KosThreadSetAffinity(t[i], 1u << ((i + round) % ncores)) == rcOk;
        KosThreadSleep(3);
    }
    fp_stop = 1;
    unsigned wrong = 0;
    for (unsigned i = 0; i < n; i++)
        wrong += !join_thread(t[i], 12);
    CHECK("storm_fp_simd_kept_across_cores", ok && moved && n == want && wrong == 0,
          "created %u of %u, moves ok %d, %u thread(s) saw wrong FP/SIMD registers (or hung)", n,
          want, moved, wrong);
}

/* ---- thread create / exit / kill storm ------------------------------------ */

#define THREAD_ROUNDS 15

static uint32_t never;                           /* a futex word nobody wakes */
static volatile uint64_t spun[32];

static int quick(void *arg) { return (int)(uintptr_t)arg; }

static int spin(void *arg)
{
    volatile uint64_t *mine = arg;
    for (;;)
        (*mine)++;                               /* user mode only */
    return 0;
}

static int block(void *arg)
{
    (void)arg;
    for (;;)
        KnFutexWait(&never, 0, INFINITE_TIMEOUT);
    return 0;
}

static void test_thread_storm(void)
{
    int ok = 1, made = 1;
    for (int round = 0; round < THREAD_ROUNDS; round++) {
        Tid q[32], s[32], b[32];
        for (unsigned c = 0; c < ncores; c++) {
            q[c] = pinned_thread(c, quick, (void *)(uintptr_t)(20 + c));
            s[c] = pinned_thread(c, spin, (void *)&spun[c]);
            b[c] = pinned_thread(c, block, NULL);
            made &= q[c] && s[c] && b[c];
        }
        if (round & 1)
            KosThreadYield();                    /* kill some before, some after they ran */
        for (unsigned c = 0; c < ncores; c++) {
            ok &= !s[c] || KosThreadTerminate(s[c], 30) == rcOk;
            ok &= !b[c] || KosThreadTerminate(b[c], 31) == rcOk;
        }
        for (unsigned c = 0; c < ncores; c++) {
            ok &= !q[c] || join_thread(q[c], (int)(20 + c));
            ok &= !s[c] || join_thread(s[c], 30);
            ok &= !b[c] || join_thread(b[c], 31);
        }
    }
    CHECK("storm_threads_created", made, "a pinned thread could not be created");
    CHECK("storm_threads_exit_and_kill_codes", ok,
          "a thread's exit code was wrong, a kill failed or a join hung");
}

/* As many threads at once as any part has, so libkos's thread table and heap
 * have grown to their size before the baseline is taken. */
static void warm_threads(void)
{
    Tid t[4 * 32];
    for (unsigned i = 0; i < 4 * ncores; i++)
        t[i] = pinned_thread(i, quick, (void *)(uintptr_t)1);
    for (unsigned i = 0; i < 4 * ncores; i++)
        if (t[i])
            join_thread(t[i], 1);
}

int main(int argc, char **argv)
{
    ncores = (unsigned)__builtin_popcount(KosCpuOnlineMask());
    if (ncores > 32)
        ncores = 32;                             /* the parts' arrays */
    if (!strcmp(argv[0], "storm_server") && argc >= 3)
        return storm_server((unsigned)atoi(argv[1]), (unsigned)atoi(argv[2]));
    if (!strcmp(argv[0], "storm_client") && argc >= 4)
        return storm_client((unsigned)atoi(argv[1]), (unsigned)atoi(argv[2]),
                            (uint32_t)atoi(argv[3]));
    if (!strcmp(argv[0], "storm_exit") && argc >= 3)
        return storm_exit((unsigned)atoi(argv[1]), atoi(argv[2]));

    printf("test_smp_storm: %u core(s) online\n", ncores);
    test_task_storm();                           /* warm the kernel's caches */
    warm_threads();
    KosThreadSleep(20);
    KnSysInfo a = info();
    test_pairs();
    test_task_storm();
    test_futex_storm();
    test_condvar_storm();
    test_thread_storm();
    test_fp_migration();
    KosThreadSleep(20);                          /* killed threads are reaped by their cores */
    KnSysInfo b = info();
    check_back_to_baseline("storm", &a, &b);
    return check_done("test_smp_storm");
}
