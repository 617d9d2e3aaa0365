/*
 * test_smp: the kernel on several cores at once (run with -smp 4 and
 * multi-threaded TCG so the cores are really parallel, tests/test_smp.py):
 * a mutex and an atomic counter hammered by threads on every core, a storm of
 * threads created and ended, a thread killed while it spins in user mode on
 * another core (it must not run on after the kill returns), and a task ending
 * while its threads spin on the other cores. Free pages, threads and kernel
 * objects must come back to their baseline. Affinity pins a spinner to the
 * last core and kills it from core 0. Run as "spinner_task" it is the
 * child of the last part.
 */
#include <coresrv/handle/handle_api.h>
#include <coresrv/sys/sys_api.h>
#include <coresrv/task/task_api.h>
#include <kos/mutex.h>
#include <kos/thread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uapi/syscall.h>
#include "../check.h"
#include "sysinfo.h"

#define WORKERS 8
#define INCREMENTS 4000

static KosMutex lock = KOS_MUTEX_INITIALIZER;
static volatile uint32_t locked_counter;
static uint32_t atomic_counter;

static int hammer(void *arg)
{
    (void)arg;
    for (int i = 0; i < INCREMENTS; i++) {
        KosMutexLock(&lock);
        uint32_t v = locked_counter;          /* lost updates unless the mutex excludes */
        if (i % 512 == 0)
            KosThreadYield();
        locked_counter = v + 1;
        KosMutexUnlock(&lock);
        __atomic_fetch_add(&atomic_counter, 1, __ATOMIC_RELAXED);
    }
    return 0;
}

static int quick(void *arg) { return (int)(uintptr_t)arg; }

static volatile uint64_t spins[4];

static int spinner(void *arg)
{
    volatile uint64_t *mine = arg;
    for (;;)
        (*mine)++;                            /* user mode only: no system call to stop in */
    return 0;
}

static void test_counters(void)
{
    Tid t[WORKERS];
    int created = 0;
    for (int i = 0; i < WORKERS; i++)
        created += KosThreadCreate(&t[i], ThreadPriorityNormal, 0, hammer, NULL, 0) == rcOk;
    for (int i = 0; i < created; i++)
        KosThreadWait(t[i], KOS_INFINITE_TIMEOUT);
    CHECK("smp_mutex_counter_exact", created == WORKERS && locked_counter == WORKERS * INCREMENTS,
          "%d threads, counter %u", created, (unsigned)locked_counter);
    CHECK("smp_atomic_counter_exact", atomic_counter == WORKERS * INCREMENTS, "counter %u",
          (unsigned)atomic_counter);
}

static void test_thread_storm(void)
{
    int bad = 0;
    for (int round = 0; round < 40; round++) {
        Tid t[6];
        int n = 0;
        for (int i = 0; i < 6; i++)
            n += KosThreadCreate(&t[n], ThreadPriorityNormal, 0, quick, (void *)(uintptr_t)(i + 1),
                                 0) == rcOk;
        for (int i = 0; i < n; i++)
            bad += KosThreadWait(t[i], KOS_INFINITE_TIMEOUT) != i + 1;   /* its exit code */
        bad += n != 6;
    }
    CHECK("smp_thread_storm", bad == 0, "%d rounds could not create their threads", bad);
}

/* Kills a thread spinning in user mode (on another core when there is one). */
static void test_kill_running(void)
{
    int stopped = 1, killed = 1;
    for (int round = 0; round < 10; round++) {
        Tid t;
        spins[0] = 0;
        if (KosThreadCreate(&t, ThreadPriorityNormal, 0, spinner, (void *)&spins[0], 0) != rcOk) {
            killed = 0;
            break;
        }
        while (spins[0] < 1000)
            KosThreadYield();                 /* it runs: here or on another core */
        killed &= KosThreadTerminate(t, 5) == rcOk;
        uint64_t a = spins[0];
        KosThreadSleep(5);
        stopped &= spins[0] == a;             /* not one more user instruction */
        KosThreadWait(t, KOS_INFINITE_TIMEOUT);
    }
    CHECK("smp_kill_running_thread", killed, "KosThreadTerminate of a spinning thread failed");
    CHECK("smp_killed_thread_stops", stopped, "the killed thread ran on after the kill returned");
}

/* Affinity: refused for cores that are not online; a spinner pinned to the
 * last core is killed from core 0 (truly another core when there are two). */
static void test_affinity(void)
{
    uint32_t online = KosCpuOnlineMask();
    unsigned cores = (unsigned)__builtin_popcount(online);
    printf("test_smp: %u core(s) online (mask %#x)\n", cores, (unsigned)online);
    Tid self = KosThreadCurrentId();
    CHECK("smp_affinity_offline_refused",
          online == 0xffffffffu || KosThreadSetAffinity(self, ~online) == rcInvalidArgument,
          "a mask of offline cores was accepted");
    CHECK_RC("smp_affinity_pin_self", KosThreadSetAffinity(self, 1), rcOk);
    unsigned last = 31 - (unsigned)__builtin_clz(online);
    int stopped = 1, ok = 1;
    for (int round = 0; round < 5; round++) {
        Tid t;
        spins[0] = 0;
        ok &= KosThreadCreate(&t, ThreadPriorityNormal, 0, spinner, (void *)&spins[0], 1) == rcOk &&
              KosThreadSetAffinity(t, 1u << last) == rcOk && KosThreadResume(t) == rcOk;
        while (spins[0] < 1000)
            KosThreadYield();
        ok &= KosThreadTerminate(t, 5) == rcOk;
        uint64_t a = spins[0];
        KosThreadSleep(5);
        stopped &= spins[0] == a;
        KosThreadWait(t, KOS_INFINITE_TIMEOUT);
    }
    CHECK("smp_pinned_spinner_killed_from_core0", ok && stopped, "ok %d stopped %d", ok, stopped);
    CHECK_RC("smp_affinity_unpin_self", KosThreadSetAffinity(self, online), rcOk);
}

static int spinner_task(void)
{
    Tid t;
    for (int i = 1; i < 4; i++)
        KosThreadCreate(&t, ThreadPriorityNormal, 0, spinner, (void *)&spins[i], 0);
    while (spins[1] < 100 || spins[2] < 100 || spins[3] < 100)
        KosThreadYield();
    exit(9);                                  /* TaskExit kills them wherever they run */
}

static void test_task_exit_spinning(void)
{
    int ok = 1;
    for (int round = 0; round < 5; round++) {
        const char *argv[] = { "spinner_task", NULL };
        const char *envp[] = { NULL };
        Handle h = 0;
        int32_t st = -1;
        if (KnTaskCreate("spinner_task", "test_smp", "test_smp", argv, envp, THREAD_PRIORITY_DEFAULT,
                         0, &h) != rcOk) {
            ok = 0;
            break;
        }
        KnTaskWait(h, INFINITE_TIMEOUT, &st);
        KnHandleClose(h);
        ok &= st == 9;
    }
    CHECK("smp_task_exit_kills_spinning_threads", ok, "a spinning child did not end with status 9");
}

int main(int argc, char **argv)
{
    (void)argc;
    if (!strcmp(argv[0], "spinner_task"))
        return spinner_task();
    test_thread_storm();                      /* warm the kernel's caches */
    KosThreadSleep(20);
    KnSysInfo a = info();
    test_counters();
    test_thread_storm();
    test_kill_running();
    test_affinity();
    test_task_exit_spinning();
    KosThreadSleep(20);                       /* killed threads are reaped by their cores */
    KnSysInfo b = info();
    check_back_to_baseline("smp", &a, &b);
    printf("test_smp: done (%d failures)\n", check_failures);
    return check_failures ? 1 : 0;
}
