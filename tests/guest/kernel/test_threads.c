/*
 * test_threads: KosThread* on the kernel's threads: results of joined
 * threads, per-thread TLS (errno, initialised __thread data, TLS keys), the
 * priority range, suspended start, once, and that joining frees a thread's
 * stack and TLS (free pages come back to the same count).
 */
#include <coresrv/handle/handle_api.h>
#include <coresrv/sys/sys_api.h>
#include <coresrv/thread/thread_api.h>
#include <errno.h>
#include <kos/semaphore.h>
#include <kos/thread.h>
#include <stdint.h>
#include <stdio.h>
#include "../check.h"

#define NTHREADS 8

static __thread int tls_initialised = 42;   /* from the .tdata template */
static __thread int tls_zero;               /* .tbss */

static int compute(void *ctx)
{
    int n = (int)(intptr_t)ctx;
    int sum = 0;
    for (int k = 1; k <= 1000; k++)
        sum += (k * (n + 1)) % 97;
    if (tls_initialised != 42 || tls_zero != 0)
        return -2;                          /* TLS block not initialised from the template */
    tls_initialised = n;                    /* must not leak into other threads */
    return sum + n;
}

static int expected(int n)
{
    int sum = 0;
    for (int k = 1; k <= 1000; k++)
        sum += (k * (n + 1)) % 97;
    return sum + n;
}

static void test_results(void)
{
    Tid tids[NTHREADS];
    Retcode rc = rcOk;
    for (int i = 0; i < NTHREADS && rc == rcOk; i++)
        rc = KosThreadCreate(&tids[i], ThreadPriorityNormal, 0, compute, (void *)(intptr_t)i, 0);
    CHECK_RC("create_8_threads", rc, rcOk);
    if (rc != rcOk)
        return;
    int bad = -1, got = 0;
    for (int i = 0; i < NTHREADS; i++) {
        int r = KosThreadWait(tids[i], KOS_INFINITE_TIMEOUT);
        if (r != expected(i) && bad < 0) {
            bad = i;
            got = r;
        }
    }
    CHECK("join_8_results", bad < 0, "thread %d returned %d, expected %d", bad, got,
          bad < 0 ? 0 : expected(bad));
    CHECK("main_tls_untouched", tls_initialised == 42, "main thread's __thread int is %d",
          tls_initialised);
    CHECK_RC("join_twice_fails", KosThreadWaitEx(tids[0], 0, NULL), rcInvalidArgument);
}

/* errno is thread-local: two threads set different values, interleaved. */
static KosSemaphore sem_a, sem_b;

static int errno_a(void *ctx)
{
    (void)ctx;
    errno = EAGAIN;
    KosSemaphoreSignal(&sem_b);             /* let B set its errno */
    KosSemaphoreWait(&sem_a);               /* B has set it by now */
    return errno;
}

static int errno_b(void *ctx)
{
    (void)ctx;
    KosSemaphoreWait(&sem_b);
    errno = EINVAL;
    KosSemaphoreSignal(&sem_a);
    return errno;
}

static void test_errno(void)
{
    KosSemaphoreInit(&sem_a, 0);
    KosSemaphoreInit(&sem_b, 0);
    errno = ERANGE;
    Tid a, b;
    Retcode rc = KosThreadCreate(&a, ThreadPriorityNormal, 0, errno_a, NULL, 0);
    if (rc == rcOk)
        rc = KosThreadCreate(&b, ThreadPriorityNormal, 0, errno_b, NULL, 0);
    if (rc != rcOk) {
        check_fail("errno_per_thread", "KosThreadCreate returned %d", rc);
        return;
    }
    int ea = KosThreadWait(a, KOS_INFINITE_TIMEOUT), eb = KosThreadWait(b, KOS_INFINITE_TIMEOUT);
    int em = errno;
    CHECK("errno_per_thread", ea == EAGAIN && eb == EINVAL && em == ERANGE,
          "errno A=%d (want %d) B=%d (want %d) main=%d (want %d)", ea, EAGAIN, eb, EINVAL, em,
          ERANGE);
}

static int return_priority(void *ctx)
{
    return (int)(intptr_t)ctx;
}

static void test_priorities(void)
{
    int bad = -1;
    Retcode bad_rc = rcOk;
    for (uint32_t p = THREAD_PRIORITY_MIN; p <= THREAD_PRIORITY_MAX; p++) {
        Tid t;
        Retcode rc = KosThreadCreate(&t, p, 0, return_priority, (void *)(intptr_t)p, 0);
        if (rc == rcOk && KosThreadWait(t, KOS_INFINITE_TIMEOUT) != (int)p)
            rc = rcFail;
        if (rc != rcOk && bad < 0) {
            bad = (int)p;
            bad_rc = rc;
        }
    }
    CHECK("priorities_0_to_31_accepted", bad < 0, "priority %d: %d", bad, bad_rc);
    static const uint32_t invalid[] = { 32, 33, 100, 0x7fffffffu, 0xffffffffu };
    int rejected = 1;
    for (unsigned i = 0; i < sizeof(invalid) / sizeof(invalid[0]); i++) {
        Tid t;
        Retcode rc = KosThreadCreate(&t, invalid[i], 0, return_priority, NULL, 0);
        if (rc != rcInvalidArgument) {
            check_fail("priorities_out_of_range_rejected", "priority %u gave %d", invalid[i], rc);
            rejected = 0;
            if (rc == rcOk)
                KosThreadWait(t, KOS_INFINITE_TIMEOUT);
        }
    }
    if (rejected)
        check_ok("priorities_out_of_range_rejected");
}

static KosThreadTlsKey key;

static int tls_key_thread(void *ctx)
{
    (void)ctx;
    if (KosThreadTlsGet(key) != NULL)
        return 1;                           /* a new thread sees NULL */
    static int mine;
    KosThreadTlsSet(key, &mine);
    return KosThreadTlsGet(key) == &mine ? (int)KosThreadCurrentId() : 2;
}

static void test_ids_and_keys(void)
{
    CHECK("main_thread_id_is_1", KosThreadCurrentId() == 1, "id %u", KosThreadCurrentId());
    CHECK_RC("tls_key_create", KosThreadTlsKeyCreate(&key), rcOk);
    static int main_value;
    KosThreadTlsSet(key, &main_value);
    Tid t;
    Retcode rc = KosThreadCreate(&t, ThreadPriorityNormal, 0, tls_key_thread, NULL, 0);
    int r = rc == rcOk ? KosThreadWait(t, KOS_INFINITE_TIMEOUT) : -1;
    CHECK("tls_key_per_thread", r == (int)t && KosThreadTlsGet(key) == &main_value,
          "thread returned %d (its id %u), main value %s", r, t,
          KosThreadTlsGet(key) == &main_value ? "kept" : "lost");
    KosThreadTlsKeyDelete(key);
}

static volatile int started;

static int mark_started(void *ctx)
{
    (void)ctx;
    started = 1;
    return 7;
}

static void test_suspended(void)
{
    Tid t;
    Retcode rc = KosThreadCreate(&t, ThreadPriorityHighest, 0, mark_started, NULL, 1);
    if (rc != rcOk) {
        check_fail("suspended_start", "KosThreadCreate returned %d", rc);
        return;
    }
    KosThreadSleep(20);
    int before = started;
    Retcode rrc = KosThreadResume(t);
    int r = KosThreadWait(t, KOS_INFINITE_TIMEOUT);
    CHECK("suspended_start", before == 0 && rrc == rcOk && r == 7 && started == 1,
          "ran before resume: %d, resume %d, result %d", before, rrc, r);
}

static KosThreadOnceState once = KOS_THREAD_ONCE_INIT;
static int once_runs;

static void once_init(void)
{
    once_runs++;
    KosThreadSleep(10);                     /* others arrive while it runs */
}

static int call_once(void *ctx)
{
    (void)ctx;
    KosThreadOnce(&once, once_init);
    return once_runs;
}

static void test_once(void)
{
    Tid t[4];
    int ok = 1;
    for (int i = 0; i < 4; i++)
        ok &= KosThreadCreate(&t[i], ThreadPriorityNormal, 0, call_once, NULL, 0) == rcOk;
    for (int i = 0; i < 4 && ok; i++)
        ok &= KosThreadWait(t[i], KOS_INFINITE_TIMEOUT) == 1;
    CHECK("once_runs_once", ok && once_runs == 1, "init ran %d times", once_runs);
}

static int nothing(void *ctx)
{
    (void)ctx;
    return 0;
}

/* Joined threads give back their stack, TLS and kernel objects. */
static void test_no_leak(void)
{
    KnSysInfo before, after;
    for (int i = 0; i < 8; i++) {               /* warm-up: heap and kernel caches */
        Tid t;
        if (KosThreadCreate(&t, ThreadPriorityNormal, 0, nothing, NULL, 0) == rcOk)
            KosThreadWait(t, KOS_INFINITE_TIMEOUT);
    }
    KnSysGetInfo(&before);
    int failed = 0;
    for (int i = 0; i < 100; i++) {
        Tid t;
        if (KosThreadCreate(&t, ThreadPriorityNormal, 0, nothing, NULL, 0) != rcOk ||
            KosThreadWait(t, KOS_INFINITE_TIMEOUT) != 0)
            failed++;
    }
    KnSysGetInfo(&after);
    printf("threads: free pages %lu before, %lu after 100 create/join\n",
           (unsigned long)before.freePages, (unsigned long)after.freePages);
    CHECK("join_frees_stack_and_tls",
          failed == 0 && after.freePages == before.freePages && after.threads == before.threads &&
              after.kobjects == before.kobjects,
          "%d failed; free pages %lu -> %lu, threads %lu -> %lu, kobjects %lu -> %lu", failed,
          (unsigned long)before.freePages, (unsigned long)after.freePages,
          (unsigned long)before.threads, (unsigned long)after.threads,
          (unsigned long)before.kobjects, (unsigned long)after.kobjects);
}

/* A thread whose first instruction is ThreadExit: no stack, no TLS. */
void exit_at_once(void *arg);
__asm__(".text\n.global exit_at_once\nexit_at_once:\n"
        "  mov x0, #0\n  mov x8, #21\n  svc #0\n  b exit_at_once\n");

/* Threads that exit one right after another, with nothing scheduled in
 * between, each give their kernel stack and object back (the kernel kept
 * one zombie slot and overwrote it). */
static void test_exit_back_to_back(void)
{
    KnSysInfo before, after;
    Handle h[8];
    int made = 0;
    KnSysGetInfo(&before);
    for (int round = 0; round < 4; round++) {
        for (int i = 0; i < 8; i++)            /* queued below us: they run when we sleep */
            if (KnThreadCreate(exit_at_once, NULL, NULL, NULL, 1, &h[i]) == rcOk)
                made++;
        KosThreadSleep(5);
        for (int i = 0; i < 8; i++) {
            int64_t v;
            KnThreadWait(h[i], 1000000000ull, &v);
            KnHandleClose(h[i]);
        }
    }
    KnSysGetInfo(&after);
    CHECK("threads_exiting_back_to_back_leak_nothing",
          made == 32 && after.freePages == before.freePages && after.kobjects == before.kobjects,
          "%d of 32 created; free pages %lu -> %lu, kobjects %lu -> %lu", made,
          (unsigned long)before.freePages, (unsigned long)after.freePages,
          (unsigned long)before.kobjects, (unsigned long)after.kobjects);
}

static KosSemaphore never;
static volatile unsigned long spins;

static int block_forever(void *ctx)
{
    (void)ctx;
    KosSemaphoreWait(&never);                    /* nobody signals: blocked in the kernel */
    return 1;
}

static int spin_forever(void *ctx)
{
    (void)ctx;
    for (;;)
        spins++;
    return 1;
}

/* KosThreadTerminate ends a blocked and a running thread; joining gives the code;
 * nothing leaks. */
static void test_terminate(void)
{
    KosSemaphoreInit(&never, 0);
    KnSysInfo before, after;
    KnSysGetInfo(&before);
    Tid blocked, spinner;
    Retcode c1 = KosThreadCreate(&blocked, ThreadPriorityNormal, 0, block_forever, NULL, 0);
    Retcode c2 = KosThreadCreate(&spinner, ThreadPriorityNormal, 0, spin_forever, NULL, 0);
    while (spins == 0)
        KosThreadYield();                        /* the spinner runs (and is preempted) */
    KosThreadSleep(5);                           /* the other one is waiting by now */
    Retcode t1 = KosThreadTerminate(blocked, 11);
    Retcode t2 = KosThreadTerminate(spinner, 12);
    Retcode again = KosThreadTerminate(spinner, 13);
    int r1 = KosThreadWait(blocked, KOS_INFINITE_TIMEOUT);
    int r2 = KosThreadWait(spinner, KOS_INFINITE_TIMEOUT);
    CHECK("terminate_blocked_and_running", c1 == rcOk && c2 == rcOk && t1 == rcOk &&
          t2 == rcOk && r1 == 11 && r2 == 12, "create %d %d, terminate %d %d, joined %d %d",
          c1, c2, t1, t2, r1, r2);
    CHECK("terminate_twice_refused", again == rcInvalidThreadState, "rc %d", again);
    Retcode unknown = KosThreadTerminate(9999, 0);
    CHECK("terminate_unknown_refused", unknown == rcInvalidArgument, "rc %d", unknown);
    KnSysGetInfo(&after);
    CHECK("terminate_leaks_nothing", after.freePages == before.freePages &&
          after.threads == before.threads && after.kobjects == before.kobjects,
          "free pages %lu -> %lu, threads %lu -> %lu, kobjects %lu -> %lu",
          (unsigned long)before.freePages, (unsigned long)after.freePages,
          (unsigned long)before.threads, (unsigned long)after.threads,
          (unsigned long)before.kobjects, (unsigned long)after.kobjects);
}

int main(void)
{
    test_results();
    test_errno();
    test_priorities();
    test_ids_and_keys();
    test_suspended();
    test_once();
    test_no_leak();
    test_exit_back_to_back();
    test_terminate();
    return check_done("test_threads");
}
