/*
 * fuzz: the kernel fuzzer (docs/TESTING.md, "Fuzzing"). As the first task
 * (init=fuzz -- calls=N seed=S) it starts VfsFsnet, then runs rounds: each
 * round starts its own server and child fuzzer tasks (killed mid-call by
 * their own TaskExit or a fault), fuzzes from several threads of its own,
 * then checks that free pages, kernel objects, tasks and threads are back
 * at the baseline. The same program is the child ("child") and the server
 * ("server"); any other argument list makes it exit at once ("idle").
 */
#include <coresrv/channel/channel_api.h>
#include <coresrv/handle/handle_api.h>
#include <coresrv/sys/sys_api.h>
#include <coresrv/syscalls.h>
#include <coresrv/task/task_api.h>
#include <coresrv/time/time_api.h>
#include <kos/thread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <vfs/defs.h>
#include "fuzz.h"

#define ROUND_CALLS   50000ull     /* the first task's calls per round */
#define PARENT_THREADS 3
#define CHILDREN      2
#define CHILD_THREADS 3
#define CHILD_CALLS   3000         /* per child thread, unless killed first */
#define WAIT_NS       (60ull * 1000000000ull)   /* a thread or task longer than this: hang */

struct opts {
    uint64_t calls, seed;
    long round;                    /* >= 0: replay only this round */
    bool trace;
    uint64_t watch;                /* print calls after which free pages fell by more */
};

static struct opts o = { .calls = 200000, .seed = 1, .round = -1 };

static uint64_t arg_u64(const char *a, const char *key, bool *hit)
{
    size_t n = strlen(key);
    if (strncmp(a, key, n) || a[n] != '=')
        return 0;
    *hit = true;
    return strtoull(a + n + 1, NULL, 0);
}

/* ---- worker threads --------------------------------------------------------- */

struct worker {
    struct fuzz_ctx ctx;
    uint64_t budget;
    int init_failed;
};

static int worker_main(void *arg)
{
    struct worker *w = arg;
    KnSysInfo before, after;
    for (uint64_t i = 0; i < w->budget; i++) {
        int np = w->ctx.npool;
        if (o.watch)
            KnSysGetInfo(&before);
        fuzz_one(&w->ctx);
        if (o.watch && KnSysGetInfo(&after) == rcOk && before.freePages > after.freePages + o.watch)
            fuzz_print_call(&w->ctx, "watch: free pages fell");
        if (o.watch && (int64_t)after.kobjects - (int64_t)before.kobjects > w->ctx.npool - np)
            fuzz_print_call(&w->ctx, "watch: more kernel objects than handles kept");
    }
    return 0;
}

/* ---- child role: fuzz with fewer rules, then die in the middle of it ------ */

static int child_main(uint64_t seed, uint32_t round, uint32_t index)
{
    static struct worker w[CHILD_THREADS];
    Tid tid[CHILD_THREADS];
    Handle vfs = 0, srv = 0;
    KnChannelLookup(_VFS_CONNECTION_ID, SERVICE_CLIENT, &vfs);
    KnChannelLookup("fz.srv", SERVICE_CLIENT, &srv);
    struct rng r = { fuzz_seed_of(seed, round, 500 + index) };
    for (int t = 0; t < CHILD_THREADS; t++) {
        if (fuzz_ctx_init(&w[t].ctx, FUZZ_CHILD, seed, round, 100 * (index + 1) + (uint32_t)t))
            return 2;
        w[t].budget = CHILD_CALLS;
        if (vfs)
            w[t].ctx.ipc[w[t].ctx.nipc++] = vfs;
        if (srv)
            w[t].ctx.ipc[w[t].ctx.nipc++] = srv;
        KosThreadCreate(&tid[t], THREAD_PRIORITY_DEFAULT, 0, worker_main, &w[t], 0);
    }
    KosThreadSleep(rng_below(&r, 40));
    switch (rng_below(&r, 3)) {
    case 0: KnTaskExit((int32_t)rng_below(&r, 100));      /* kills the threads mid-call */
    case 1: __asm__ volatile("udf #0");                    /* killed for a fault */
    default: break;
    }
    for (int t = 0; t < CHILD_THREADS; t++)  /* a thread may wait forever: not long */
        KosThreadWait(tid[t], 100);
    KnTaskExit(0);                              /* ends the ones still blocked */
}

/* ---- the first task ---------------------------------------------------------- */

static KnSysInfo info(void)
{
    KnSysInfo i = { 0 };
    KnSysGetInfo(&i);
    return i;
}

static bool same(const KnSysInfo *a, const KnSysInfo *b)
{
    return a->freePages == b->freePages && a->kobjects == b->kobjects && a->tasks == b->tasks &&
           a->threads == b->threads;
}

/* Teardown of ended tasks can take a moment: read until back or 1 s. */
static KnSysInfo settle(const KnSysInfo *want)
{
    KnSysInfo now = info();
    for (int i = 0; i < 100 && !same(&now, want); i++) {
        KosThreadSleep(10);
        now = info();
    }
    return now;
}

/* VfsFsnet starts one more worker thread whenever a request finds none
 * waiting, up to POOL_MAX (64), and keeps them: by design, not a leak.
 * Growth of that exact shape is accepted: the same tasks, n more threads
 * and n more kernel objects, 40..80 pages each (stack, TLS, two 64 KiB
 * buffers, kernel stack, page tables), at most 63 workers in all. */
static uint64_t vfs_growth;

static bool vfs_pool_grew(const KnSysInfo *base, const KnSysInfo *now)
{
    uint64_t n = now->threads - base->threads;
    uint64_t pages = base->freePages - now->freePages;
    return now->tasks == base->tasks && now->threads > base->threads &&
           now->kobjects - base->kobjects == n && vfs_growth + n <= 63 &&
           now->freePages < base->freePages && pages >= 40 * n && pages <= 80 * n;
}

static void replay_hint(uint32_t round)
{
    printf("fuzz: replay: make fuzz FUZZ_SEED=%llu FUZZ_CALLS=%llu FUZZ_ROUND=%lu "
           "[FUZZ_TRACE=1]\n", (unsigned long long)o.seed, (unsigned long long)o.calls,
           (unsigned long)round);
}

static Handle spawn(const char *name, const char *const argv[], bool suspended)
{
    Handle h = 0;
    Retcode rc = KnTaskCreate(name, "fuzz", "fuzz", argv, NULL, THREAD_PRIORITY_DEFAULT,
                              suspended ? TASK_SUSPENDED : 0, &h);
    if (rc != rcOk)
        printf("fuzz: cannot start %s: %d\n", name, rc);
    return rc == rcOk ? h : 0;
}

/* One round: returns the first task's calls, or -1 on a failure (printed). */
static long long run_round(uint32_t round, uint64_t calls, Handle vfs)
{
    static struct worker w[PARENT_THREADS];
    Tid tid[PARENT_THREADS];
    char s_seed[32], s_round[24], s_idx[CHILDREN][8];
    snprintf(s_seed, sizeof s_seed, "%llu", (unsigned long long)o.seed);
    snprintf(s_round, sizeof s_round, "%lu", (unsigned long)round);
    char s_clients[8];
    snprintf(s_clients, sizeof s_clients, "%d", CHILDREN);
    const char *srv_argv[] = { "fuzz", "server", s_seed, s_round, s_clients, NULL };
    Handle srv = spawn("fz-server", srv_argv, true), child[CHILDREN] = { 0 };
    for (int k = 0; k < CHILDREN; k++) {
        snprintf(s_idx[k], sizeof s_idx[k], "%d", k);
        const char *argv[] = { "fuzz", "child", s_seed, s_round, s_idx[k], NULL };
        child[k] = spawn("fz-child", argv, true);
        if (child[k] && srv && KnChannelCreate(child[k], srv, "fz.srv") != rcOk)
            printf("fuzz: channel to the server refused\n");
        if (child[k] && KnChannelCreate(child[k], vfs, _VFS_CONNECTION_ID) != rcOk)
            printf("fuzz: channel to VfsFsnet refused\n");
    }
    KnTaskStart(vfs);                   /* first round: it needs a "{VFS}" channel to start */
    if (srv)
        KnTaskStart(srv);
    for (int k = 0; k < CHILDREN; k++)
        if (child[k])
            KnTaskStart(child[k]);

    long long done = 0;
    int failed = 0;
    for (int t = 0; t < PARENT_THREADS; t++) {
        w[t].init_failed = fuzz_ctx_init(&w[t].ctx, FUZZ_PARENT, o.seed, round, (uint32_t)t);
        w[t].ctx.trace = o.trace;
        w[t].budget = calls / PARENT_THREADS + (t == 0 ? calls % PARENT_THREADS : 0);
        if (w[t].init_failed || KosThreadCreate(&tid[t], THREAD_PRIORITY_DEFAULT, 0, worker_main,
                                                &w[t], 0) != rcOk) {
            printf("fuzz: FAIL: cannot start worker %d of round %lu\n", t, (unsigned long)round);
            w[t].init_failed = 1;
            failed = 1;
        }
    }
    for (int t = 0; t < PARENT_THREADS; t++) {
        if (w[t].init_failed)
            continue;
        int code;
        Retcode rc = KosThreadWaitEx(tid[t], (uint32_t)(WAIT_NS / 1000000), &code);
        if (rc != rcOk) {
            fuzz_print_call(&w[t].ctx, "FAIL hang (thread does not return)");
            failed = 1;
            continue;
        }
        done += (long long)w[t].ctx.calls;
        fuzz_ctx_release(&w[t].ctx);
    }
    for (int k = 0; k < CHILDREN; k++) {
        int32_t st;
        if (child[k] && KnTaskWait(child[k], WAIT_NS, &st) != rcOk) {
            printf("fuzz: FAIL hang: child %d of round %lu does not end\n", k, (unsigned long)round);
            failed = 1;
        }
        KnHandleClose(child[k]);
    }
    if (srv) {
        int32_t st = -1;
        Retcode rc = KnTaskWait(srv, WAIT_NS, &st);
        if (rc != rcOk || st != 0) {
            printf("fuzz: FAIL: the server of round %lu: wait %d, status %d\n",
                   (unsigned long)round, rc, (int)st);
            failed = 1;
        }
        KnHandleClose(srv);
    }
    int32_t st;
    if (KnTaskWait(vfs, 0, &st) != rcTimeout) {
        printf("fuzz: FAIL: VfsFsnet ended (status %d) in round %lu\n", (int)st,
               (unsigned long)round);
        failed = 1;
    }
    if (failed)
        replay_hint(round);
    return failed ? -1 : done;
}

static int parent_main(void)
{
    printf("fuzz: seed %llu, %llu calls, rounds of %llu%s\n", (unsigned long long)o.seed,
           (unsigned long long)o.calls, ROUND_CALLS, o.trace ? ", tracing" : "");
    const char *vfs_argv[] = { "VfsFsnet", NULL };
    Handle vfs = 0;
    if (KnTaskCreate("VfsFsnet", "VfsFsnet", "VfsFsnet", vfs_argv, NULL, THREAD_PRIORITY_DEFAULT,
                     TASK_SUSPENDED, &vfs) != rcOk) {
        printf("fuzz: FAIL: cannot start VfsFsnet\n");
        return 1;
    }
    /* The warm-up round fills the kernel's caches and VfsFsnet's heap before
     * the baseline is taken. */
    if (run_round(0xffffu, 3000, vfs) < 0)
        return 1;
    KosThreadSleep(50);                 /* the warm-up's tasks finish their teardown */
    KnSysInfo base = info();
    printf("fuzz: baseline: free pages %llu, kernel objects %llu, tasks %llu, threads %llu\n",
           (unsigned long long)base.freePages, (unsigned long long)base.kobjects,
           (unsigned long long)base.tasks, (unsigned long long)base.threads);
    uint64_t total = 0, t0 = KnGetUpTimeNs();
    uint32_t rounds = (uint32_t)((o.calls + ROUND_CALLS - 1) / ROUND_CALLS);
    for (uint32_t r = 0; r < rounds; r++) {
        if (o.round >= 0 && r != (uint32_t)o.round)
            continue;
        uint64_t n = o.calls - (uint64_t)r * ROUND_CALLS < ROUND_CALLS
                         ? o.calls - (uint64_t)r * ROUND_CALLS : ROUND_CALLS;
        long long got = run_round(r, n, vfs);
        if (got < 0)
            return 1;
        total += (uint64_t)got;
        KnSysInfo now = settle(&base);
        uint64_t ns = KnGetUpTimeNs() - t0;
        printf("fuzz: round %lu/%lu: %llu calls, %llu calls/s; free pages %llu, kobjects %llu, "
               "tasks %llu, threads %llu\n", (unsigned long)r + 1, (unsigned long)rounds,
               (unsigned long long)total, (unsigned long long)(ns ? total * 1000000000ull / ns : 0),
               (unsigned long long)now.freePages, (unsigned long long)now.kobjects,
               (unsigned long long)now.tasks, (unsigned long long)now.threads);
        if (!same(&now, &base) && vfs_pool_grew(&base, &now)) {
            printf("fuzz: VfsFsnet's worker pool grew by %llu (%llu pages); it never shrinks "
                   "(docs/VFS.md): new baseline\n", (unsigned long long)(now.threads - base.threads),
                   (unsigned long long)(base.freePages - now.freePages));
            vfs_growth += now.threads - base.threads;
            base = now;
        }
        if (!same(&now, &base)) {
            printf("fuzz: FAIL leak after round %lu: free pages %lld, kernel objects %lld, "
                   "tasks %lld, threads %lld (against the baseline)\n", (unsigned long)r,
                   (long long)(now.freePages - base.freePages),
                   (long long)(now.kobjects - base.kobjects), (long long)(now.tasks - base.tasks),
                   (long long)(now.threads - base.threads));
            replay_hint(r);
            return 1;
        }
    }
    uint64_t ns = KnGetUpTimeNs() - t0;
    printf("fuzz: %llu calls in %llu ms, %llu calls/s, 0 leaked pages, 0 leaked objects\n",
           (unsigned long long)total, (unsigned long long)(ns / 1000000),
           (unsigned long long)(ns ? total * 1000000000ull / ns : 0));
    printf("fuzz: done (0 failures)\n");
    return 0;
}

int main(int argc, char **argv)
{
    if (argc >= 5 && !strcmp(argv[1], "server"))
        return fuzz_server_main(strtoull(argv[2], NULL, 0) ^ 0x5e5e, atoi(argv[4]));
    if (argc >= 5 && !strcmp(argv[1], "child"))
        return child_main(strtoull(argv[2], NULL, 0), (uint32_t)strtoul(argv[3], NULL, 0),
                          (uint32_t)atoi(argv[4]));
    bool run = false;
    for (int i = 1; i < argc; i++) {
        bool hit = false;
        uint64_t v;
        if ((v = arg_u64(argv[i], "calls", &hit)), hit)
            o.calls = v, run = true;
        else if ((v = arg_u64(argv[i], "seed", &hit)), hit)
            o.seed = v, run = true;
        else if ((v = arg_u64(argv[i], "round", &hit)), hit)
            o.round = (long)v;
        else if ((v = arg_u64(argv[i], "trace", &hit)), hit)
            o.trace = v != 0;
        else if ((v = arg_u64(argv[i], "only", &hit)), hit)
            fuzz_only = (int)v;
        else if ((v = arg_u64(argv[i], "watch", &hit)), hit)
            o.watch = v;
    }
    if (!run)
        return 0;                   /* "idle": what the fuzzer's own Task.Create starts */
    return parent_main();
}
