/*
 * test_sync: libkos synchronization under real contention: a mutex-guarded
 * counter, a condvar producer/consumer queue, semaphore ping-pong, events,
 * a read-write lock, and every timeout path returning rcTimeout.
 */
#include <coresrv/time/time_api.h>
#include <kos/sync_api.h>
#include <kos/thread.h>
#include <stdint.h>
#include <stdio.h>
#include "../check.h"

/* ---- mutex stress ---------------------------------------------------------- */
#define WORKERS 8
#define INCREMENTS 10000

static KosMutex counter_lock = KOS_MUTEX_INITIALIZER;
static volatile uint32_t counter;

static int increment(void *ctx)
{
    (void)ctx;
    for (int i = 0; i < INCREMENTS; i++) {
        KosMutexLock(&counter_lock);
        uint32_t v = counter;              /* a racy read-modify-write unless locked */
        if (i % 1000 == 0)
            KosThreadYield();              /* hold the lock across a switch: contention */
        counter = v + 1;
        KosMutexUnlock(&counter_lock);
    }
    return 0;
}

static void test_mutex_stress(void)
{
    Tid t[WORKERS];
    int created = 0;
    for (int i = 0; i < WORKERS; i++)
        created += KosThreadCreate(&t[i], ThreadPriorityNormal, 0, increment, NULL, 0) == rcOk;
    for (int i = 0; i < created; i++)
        KosThreadWait(t[i], KOS_INFINITE_TIMEOUT);
    CHECK("mutex_counter_exact", created == WORKERS && counter == WORKERS * INCREMENTS,
          "%d threads, counter %u, expected %u", created, (unsigned)counter,
          (unsigned)(WORKERS * INCREMENTS));
}

static void test_mutex_basics(void)
{
    KosMutex m, r;
    KosMutexInit(&m);
    KosMutexInitEx(&r, 1);
    CHECK_RC("mutex_lock", KosMutexLock(&m), rcOk);
    CHECK_RC("mutex_relock_nonrecursive_refused", KosMutexLock(&m), rcInvalidArgument);
    CHECK_RC("mutex_unlock", KosMutexUnlock(&m), rcOk);
    CHECK_RC("mutex_unlock_not_held", KosMutexUnlock(&m), rcInvalidArgument);
    int ok = KosMutexLock(&r) == rcOk && KosMutexLock(&r) == rcOk && KosMutexUnlock(&r) == rcOk &&
             KosMutexUnlock(&r) == rcOk && KosMutexUnlock(&r) == rcInvalidArgument;
    CHECK("mutex_recursive", ok, "recursive lock/unlock sequence failed");
    CHECK_RC("mutex_deinit_free", KosMutexDeinit(&m), rcOk);
}

/* ---- condvar producer / consumer ------------------------------------------ */
#define QSIZE 8
#define PRODUCERS 2
#define CONSUMERS 3
#define ITEMS 5000                          /* per producer */

static KosMutex q_lock = KOS_MUTEX_INITIALIZER;
static KosCondvar q_not_empty = KOS_CONDVAR_INITIALIZER, q_not_full = KOS_CONDVAR_INITIALIZER;
static uint32_t queue[QSIZE], q_head, q_count, producers_left = PRODUCERS;
static uint64_t consumed_sum;
static uint32_t consumed_count;

static int producer(void *ctx)
{
    uint32_t base = (uint32_t)(uintptr_t)ctx * ITEMS;
    for (uint32_t i = 1; i <= ITEMS; i++) {
        KosMutexLock(&q_lock);
        while (q_count == QSIZE)
            KosCondvarWait(&q_not_full, &q_lock);
        queue[(q_head + q_count++) % QSIZE] = base + i;
        KosCondvarSignal(&q_not_empty);
        KosMutexUnlock(&q_lock);
    }
    KosMutexLock(&q_lock);
    producers_left--;
    KosCondvarBroadcast(&q_not_empty);      /* consumers may be waiting for the end */
    KosMutexUnlock(&q_lock);
    return 0;
}

static int consumer(void *ctx)
{
    (void)ctx;
    int taken = 0;
    for (;;) {
        KosMutexLock(&q_lock);
        while (q_count == 0 && producers_left > 0)
            KosCondvarWait(&q_not_empty, &q_lock);
        if (q_count == 0) {
            KosMutexUnlock(&q_lock);
            return taken;
        }
        uint32_t v = queue[q_head];
        q_head = (q_head + 1) % QSIZE;
        q_count--;
        consumed_sum += v;
        consumed_count++;
        taken++;
        KosCondvarSignal(&q_not_full);
        KosMutexUnlock(&q_lock);
    }
}

static void test_producer_consumer(void)
{
    Tid p[PRODUCERS], c[CONSUMERS];
    int ok = 1;
    for (int i = 0; i < CONSUMERS; i++)
        ok &= KosThreadCreate(&c[i], ThreadPriorityNormal, 0, consumer, NULL, 0) == rcOk;
    for (int i = 0; i < PRODUCERS; i++)
        ok &= KosThreadCreate(&p[i], ThreadPriorityNormal, 0, producer, (void *)(intptr_t)i, 0) ==
              rcOk;
    if (!ok) {
        check_fail("condvar_queue_counts", "thread creation failed");
        return;
    }
    for (int i = 0; i < PRODUCERS; i++)
        KosThreadWait(p[i], KOS_INFINITE_TIMEOUT);
    int per_consumer_total = 0;
    for (int i = 0; i < CONSUMERS; i++)
        per_consumer_total += KosThreadWait(c[i], KOS_INFINITE_TIMEOUT);
    uint64_t n = (uint64_t)PRODUCERS * ITEMS;
    uint64_t want_sum = n * (n + 1) / 2;    /* items are 1..n across the producers */
    CHECK("condvar_queue_counts",
          consumed_count == n && per_consumer_total == (int)n && consumed_sum == want_sum,
          "consumed %u (threads say %d), sum %llu, expected %llu items summing to %llu",
          consumed_count, per_consumer_total, (unsigned long long)consumed_sum,
          (unsigned long long)n, (unsigned long long)want_sum);
}

/* ---- semaphore ping-pong --------------------------------------------------- */
#define ROUNDS 1000
static KosSemaphore ping, pong;
static volatile int turn_errors;
static volatile int ball;                   /* 0: main's turn, 1: the thread's */

static int ponger(void *ctx)
{
    (void)ctx;
    for (int i = 0; i < ROUNDS; i++) {
        KosSemaphoreWait(&ping);
        if (ball != 1)
            turn_errors++;
        ball = 0;
        KosSemaphoreSignal(&pong);
    }
    return 0;
}

static void test_semaphore_ping_pong(void)
{
    KosSemaphoreInit(&ping, 0);
    KosSemaphoreInit(&pong, 0);
    Tid t;
    if (KosThreadCreate(&t, ThreadPriorityNormal, 0, ponger, NULL, 0) != rcOk) {
        check_fail("semaphore_ping_pong", "thread creation failed");
        return;
    }
    for (int i = 0; i < ROUNDS; i++) {
        if (ball != 0)
            turn_errors++;
        ball = 1;
        KosSemaphoreSignal(&ping);
        KosSemaphoreWait(&pong);
    }
    KosThreadWait(t, KOS_INFINITE_TIMEOUT);
    CHECK("semaphore_ping_pong", turn_errors == 0, "%d out-of-turn rounds of %d", turn_errors,
          ROUNDS);
    CHECK_RC("semaphore_trywait_empty", KosSemaphoreTryWait(&ping), rcBusy);
    CHECK_RC("semaphore_init_too_large", KosSemaphoreInit(&ping, KOS_SEMAPHORE_VALUE_MAX + 1u),
             rcInvalidArgument);
}

/* ---- events ---------------------------------------------------------------- */
static KosEvent ev_auto, ev_manual;
static volatile int woken;

static int wait_auto(void *ctx)
{
    (void)ctx;
    Retcode rc = KosEventWait(&ev_auto, rtl_true);
    __atomic_fetch_add(&woken, 1, __ATOMIC_SEQ_CST);
    return rc;
}

static int wait_manual(void *ctx)
{
    (void)ctx;
    Retcode rc = KosEventWait(&ev_manual, rtl_false);
    __atomic_fetch_add(&woken, 1, __ATOMIC_SEQ_CST);
    return rc;
}

static void test_events(void)
{
    KosEventInit(&ev_auto);
    KosEventInit(&ev_manual);
    Tid a[2], m[3];
    int ok = 1;
    woken = 0;
    for (int i = 0; i < 2; i++)
        ok &= KosThreadCreate(&a[i], ThreadPriorityNormal, 0, wait_auto, NULL, 0) == rcOk;
    KosThreadSleep(20);
    int before = woken;
    KosEventSet(&ev_auto);                  /* auto reset: exactly one gets through */
    KosThreadSleep(20);
    int after_one = woken;
    KosEventSet(&ev_auto);
    for (int i = 0; i < 2 && ok; i++)
        ok &= KosThreadWait(a[i], KOS_INFINITE_TIMEOUT) == rcOk;
    CHECK("event_auto_reset_wakes_one", ok && before == 0 && after_one == 1 && woken == 2,
          "woken before set %d, after one set %d, at end %d", before, after_one, woken);

    woken = 0;
    ok = 1;
    for (int i = 0; i < 3; i++)
        ok &= KosThreadCreate(&m[i], ThreadPriorityNormal, 0, wait_manual, NULL, 0) == rcOk;
    KosThreadSleep(20);
    KosEventSet(&ev_manual);                /* manual: everyone goes */
    for (int i = 0; i < 3 && ok; i++)
        ok &= KosThreadWait(m[i], KOS_INFINITE_TIMEOUT) == rcOk;
    CHECK("event_manual_wakes_all", ok && woken == 3, "woken %d of 3", woken);
    CHECK_RC("event_stays_set", KosEventWaitTimeout(&ev_manual, rtl_false, 0), rcOk);
    KosEventReset(&ev_manual);
}

/* ---- read-write lock --------------------------------------------------------- */
static KosRWLock rw;

static int try_write(void *ctx)
{
    (void)ctx;
    return KosRWLockTryWrite(&rw);
}

static int try_read(void *ctx)
{
    (void)ctx;
    Retcode rc = KosRWLockTryRead(&rw);
    if (rc == rcOk)
        KosRWLockUnlock(&rw);
    return rc;
}

static void test_rwlock(void)
{
    KosRWLockInit(&rw);
    Tid t;
    KosRWLockRead(&rw);
    int r1 = -1, r2 = -1;
    if (KosThreadCreate(&t, ThreadPriorityNormal, 0, try_read, NULL, 0) == rcOk)
        r1 = KosThreadWait(t, KOS_INFINITE_TIMEOUT);
    if (KosThreadCreate(&t, ThreadPriorityNormal, 0, try_write, NULL, 0) == rcOk)
        r2 = KosThreadWait(t, KOS_INFINITE_TIMEOUT);
    KosRWLockUnlock(&rw);
    CHECK("rwlock_readers_share_writer_excluded", r1 == rcOk && r2 == rcBusy,
          "second reader %d, writer %d", r1, r2);
    CHECK_RC("rwlock_write_when_free", KosRWLockWrite(&rw), rcOk);
    CHECK_RC("rwlock_unlock", KosRWLockUnlock(&rw), rcOk);
    CHECK_RC("rwlock_deinit", KosRWLockDeinit(&rw), rcOk);
}

/* ---- timeouts ---------------------------------------------------------------- */
static KosMutex held = KOS_MUTEX_INITIALIZER;
static KosEvent held_now, may_release;

static int hold_mutex(void *ctx)
{
    (void)ctx;
    KosMutexLock(&held);
    KosEventSet(&held_now);
    KosEventWait(&may_release, rtl_true);
    KosMutexUnlock(&held);
    return 0;
}

/* Runs op, checks it returned rcTimeout no sooner than `ms`. */
#define CHECK_TIMEOUT(name, op, ms)                                                   \
    do {                                                                              \
        uint64_t t0_ = KnGetUpTimeNs();                                               \
        Retcode rc_ = (op);                                                           \
        uint64_t dt_ = (KnGetUpTimeNs() - t0_) / 1000000u;                            \
        CHECK(name, rc_ == rcTimeout && dt_ >= (ms) && dt_ < (ms) + 500,              \
              "%s returned %d after %llu ms (want rcTimeout=%d after >= %d ms)", #op, \
              rc_, (unsigned long long)dt_, rcTimeout, (int)(ms));                    \
    } while (0)

static void test_timeouts(void)
{
    KosEventInit(&held_now);
    KosEventInit(&may_release);
    Tid t;
    if (KosThreadCreate(&t, ThreadPriorityNormal, 0, hold_mutex, NULL, 0) != rcOk) {
        check_fail("mutex_lock_timeout", "thread creation failed");
        return;
    }
    KosEventWait(&held_now, rtl_true);
    CHECK_TIMEOUT("mutex_lock_timeout", KosMutexLockTimeout(&held, 50), 50);
    CHECK_RC("mutex_trylock_held", KosMutexTryLock(&held), rcBusy);
    KosEventSet(&may_release);
    KosThreadWait(t, KOS_INFINITE_TIMEOUT);
    CHECK_RC("mutex_lock_after_release", KosMutexLockTimeout(&held, 50), rcOk);
    KosMutexUnlock(&held);

    KosSemaphore s;
    KosSemaphoreInit(&s, 0);
    CHECK_TIMEOUT("semaphore_wait_timeout", KosSemaphoreWaitTimeout(&s, 30), 30);
    KosEvent e;
    KosEventInit(&e);
    CHECK_TIMEOUT("event_wait_timeout", KosEventWaitTimeout(&e, rtl_true, 30), 30);
    KosMutex m;
    KosCondvar cv;
    KosMutexInit(&m);
    KosCondvarInit(&cv);
    KosMutexLock(&m);
    CHECK_TIMEOUT("condvar_wait_timeout", KosCondvarWaitTimeout(&cv, &m, 30), 30);
    CHECK_RC("condvar_timeout_relocks_mutex", KosMutexUnlock(&m), rcOk);
    CHECK_RC("thread_wait_main_refused", KosThreadWaitEx(1, 10, NULL), rcInvalidArgument);

    KosEventInit(&may_release);
    KosEventInit(&held_now);
    if (KosThreadCreate(&t, ThreadPriorityNormal, 0, hold_mutex, NULL, 0) != rcOk) {
        check_fail("thread_wait_timeout", "thread creation failed");
        return;
    }
    CHECK_TIMEOUT("thread_wait_timeout", KosThreadWaitEx(t, 30, NULL), 30);
    KosEventSet(&may_release);
    CHECK_RC("thread_wait_after_timeout", KosThreadWaitEx(t, KOS_INFINITE_TIMEOUT, NULL), rcOk);
}

int main(void)
{
    test_mutex_basics();
    test_mutex_stress();
    test_producer_consumer();
    test_semaphore_ping_pong();
    test_events();
    test_rwlock();
    test_timeouts();
    return check_done("test_sync");
}
