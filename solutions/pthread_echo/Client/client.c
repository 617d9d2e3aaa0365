/* pecho.Client: 16 POSIX threads call pecho.Calc.Add through one KasperskyOS
 * proxy at once; then checks of the POSIX thread, sleep and clock calls.
 * Prints `CHECK <name>: ok|FAIL ...` lines (tests/test_pthread.py). */
#include <assert.h>
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <coresrv/nk/transport-kos.h>
#include <coresrv/sl/sl_api.h>
#include <coresrv/thread/thread_api.h>
#include <kos/random/random_api.h>
#include <sys/random.h>
#include <sys/time.h>
#include <pecho/Calc.idl.h>

#define THREADS 16
#define CALLS 50

static int failures;
#define CHECK(name, cond, ...)                                                 \
    do {                                                                       \
        if (cond) {                                                            \
            printf("CHECK %s: ok\n", name);                                    \
        } else {                                                               \
            printf("CHECK %s: FAIL ", name);                                   \
            printf(__VA_ARGS__);                                               \
            printf("\n");                                                      \
            failures++;                                                        \
        }                                                                      \
    } while (0)

static uint64_t now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (uint64_t)t.tv_sec * 1000u + (uint64_t)t.tv_nsec / 1000000u;
}

static struct timespec in_ms(clockid_t clock, unsigned ms)
{
    struct timespec t;
    clock_gettime(clock, &t);
    t.tv_nsec += (long)(ms % 1000u) * 1000000L;
    t.tv_sec += ms / 1000u + t.tv_nsec / 1000000000L;
    t.tv_nsec %= 1000000000L;
    return t;
}

/* ---- 16 threads calling the server through one proxy */

static NkKosTransport transport;
static struct pecho_Calc_proxy proxy;
static pthread_mutex_t start_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t start_cv = PTHREAD_COND_INITIALIZER;
static int started;
static unsigned workers_seen;          /* bit per server worker */
static uint32_t first_badge;
static int bad_sums, bad_badges, call_errors;

static void *caller(void *arg)
{
    uint32_t base = (uint32_t)(uintptr_t)arg * 1000u;
    pthread_mutex_lock(&start_lock);
    while (!started)                        /* all threads call at once */
        pthread_cond_wait(&start_cv, &start_lock);
    pthread_mutex_unlock(&start_lock);
    for (uint32_t i = 0; i < CALLS; i++) {
        pecho_Calc_Add_req req;
        pecho_Calc_Add_res res;
        req.a = base;
        req.b = i;
        nk_err_t rc = pecho_Calc_Add(&proxy.base, &req, NULL, &res, NULL);
        pthread_mutex_lock(&start_lock);
        if (rc != rcOk) {
            call_errors++;
        } else {
            bad_sums += res.sum != base + i;
            workers_seen |= 1u << (res.worker & 31u);
            if (!first_badge)
                first_badge = res.badge;
            bad_badges += res.badge != first_badge || res.badge == 0;
        }
        pthread_mutex_unlock(&start_lock);
    }
    return (void *)(uintptr_t)(base + 1u);
}

static void check_calls(void)
{
    pthread_t t[THREADS];
    int created = 0, joined_right = 0;
    for (uintptr_t i = 0; i < THREADS; i++)
        created += pthread_create(&t[i], NULL, caller, (void *)i) == 0;
    pthread_mutex_lock(&start_lock);
    started = 1;
    pthread_cond_broadcast(&start_cv);
    pthread_mutex_unlock(&start_lock);
    for (uintptr_t i = 0; i < THREADS; i++) {
        void *r = NULL;
        joined_right += pthread_join(t[i], &r) == 0 && (uintptr_t)r == i * 1000u + 1u;
    }
    int workers = __builtin_popcount(workers_seen);
    printf("Client: %d threads x %d calls: errors %d, wrong sums %d, server workers seen %d\n",
           THREADS, CALLS, call_errors, bad_sums, workers);
    CHECK("calls_threads_created", created == THREADS, "%d", created);
    CHECK("calls_joined_with_results", joined_right == THREADS, "%d", joined_right);
    CHECK("calls_all_right", call_errors == 0 && bad_sums == 0, "errors %d sums %d",
          call_errors, bad_sums);
    CHECK("calls_served_by_several_workers", workers >= 2, "%d", workers);
    CHECK("calls_badge_from_request_header", bad_badges == 0, "%d", bad_badges);
}

/* ---- arena arguments, and malformed requests by raw Call */

static Handle server;

/* A raw Call to calc; the error reply's code (0: a normal response). */
static int32_t raw_call(uint32_t mid, const void *body, uint32_t size, const void *arena,
                        uint32_t arena_size)
{
    union { SMsgHdr hdr; uint8_t raw[256]; } q, a;
    memset(&q, 0, sizeof q);
    memset(&a, 0, sizeof a);
    q.hdr.riid = (uint16_t)proxy.iid;
    q.hdr.mid = mid;
    q.hdr.size = size;
    memcpy(&q.raw[sizeof q.hdr], body, size);
    q.hdr.arena = (uint64_t)(uintptr_t)arena;
    q.hdr.arena_size = arena_size;
    a.hdr.size = sizeof a - sizeof a.hdr;
    static char res_arena[64];
    a.hdr.arena = (uint64_t)(uintptr_t)res_arena;
    a.hdr.arena_cap = sizeof res_arena;
    if (Call(server, &q.hdr, &a.hdr) != rcOk)
        return 1;
    int32_t rc = 0;
    if (a.hdr.mid == MSG_MID_ERROR && a.hdr.size == sizeof rc)
        memcpy(&rc, &a.raw[sizeof a.hdr], sizeof rc);
    return rc;
}

static void check_arenas(void)
{
    char qbuf[pecho_Calc_Reverse_req_arena_size], sbuf[pecho_Calc_Reverse_res_arena_size];
    struct nk_arena req_arena = NK_ARENA_INITIALIZER(qbuf, qbuf + sizeof qbuf);
    struct nk_arena res_arena = NK_ARENA_INITIALIZER(sbuf, sbuf + sizeof sbuf);
    pecho_Calc_Reverse_req req;
    pecho_Calc_Reverse_res res;
    nk_size_t n = 0;
    nk_err_t st = nk_arena_store(nk_char_t, &req_arena, &req.text, "threads", 8);
    nk_err_t rc = pecho_Calc_Reverse(&proxy.base, &req, &req_arena, &res, &res_arena);
    const nk_char_t *rev = rc == rcOk ? nk_arena_get(nk_char_t, &res_arena, &res.reversed, &n) : NULL;
    CHECK("arena_string_round_trip", st == NK_EOK && rc == rcOk && rev && n == 8 &&
          strcmp(rev, "sdaerht") == 0, "store %d rc %d n %u", st, rc, (unsigned)n);

    char vbuf[pecho_Calc_Sum_req_arena_size];
    struct nk_arena varena = NK_ARENA_INITIALIZER(vbuf, vbuf + sizeof vbuf);
    nk_uint32_t values[16];
    for (unsigned i = 0; i < 16; i++)
        values[i] = i * 1000u;
    pecho_Calc_Sum_req sreq;
    pecho_Calc_Sum_res sres;
    st = nk_arena_store(nk_uint32_t, &varena, &sreq.values, values, 16);
    rc = pecho_Calc_Sum(&proxy.base, &sreq, &varena, &sres, NULL);
    CHECK("arena_sequence_sum", st == NK_EOK && rc == rcOk && sres.total == 120000u,
          "store %d rc %d total %llu", st, rc, (unsigned long long)sres.total);
    nk_arena_reset(&varena);
    nk_uint32_t too_many[17] = { 0 };
    st = nk_arena_store(nk_uint32_t, &varena, &sreq.values, too_many, 17);
    CHECK("arena_store_full_is_enomem", st == NK_ENOMEM, "%d", st);

    /* Malformed: the generated dispatcher answers NK_EBADMSG (-2) before
     * Reverse_impl or Sum_impl could see them. */
    static char text[16] = "abc";
    nk_ptr_t d;
    d.offset = 64; d.size = 4;                                   /* outside the arena */
    int32_t r1 = raw_call(pecho_Calc_Reverse_mid, &d, sizeof d, text, 8);
    d.offset = 0; d.size = 3;                                    /* "abc" without its NUL */
    int32_t r2 = raw_call(pecho_Calc_Reverse_mid, &d, sizeof d, text, 8);
    static char nul_in_middle[8] = { 'a', 0, 'b', 0 };
    d.offset = 0; d.size = 4;                                    /* two NULs */
    int32_t r3 = raw_call(pecho_Calc_Reverse_mid, &d, sizeof d, nul_in_middle, 8);
    /* at most the server's arena (64 bytes): a bigger one is never delivered
     * (the kernel keeps the caller queued, docs/IDL.md) */
    static nk_uint32_t words[16];
    d.offset = 0; d.size = 6;                                    /* not whole UInt32s */
    int32_t r4 = raw_call(pecho_Calc_Sum_mid, &d, sizeof d, words, sizeof words);
    d.offset = 0; d.size = 17 * 4;                               /* 17 elements, past the arena */
    int32_t r5 = raw_call(pecho_Calc_Sum_mid, &d, sizeof d, words, sizeof words);
    d.offset = 2; d.size = 4;                                    /* misaligned UInt32 */
    int32_t r6 = raw_call(pecho_Calc_Sum_mid, &d, sizeof d, words, sizeof words);
    d.offset = 0; d.size = 8;                                    /* well formed: 0 + 0 */
    int32_t r7 = raw_call(pecho_Calc_Sum_mid, &d, sizeof d, words, sizeof words);
    printf("Client: malformed arenas: %d %d %d %d %d %d, well formed %d\n", r1, r2, r3, r4, r5, r6, r7);
    CHECK("malformed_arena_refused", r1 == NK_EBADMSG && r2 == NK_EBADMSG && r3 == NK_EBADMSG &&
          r4 == NK_EBADMSG && r5 == NK_EBADMSG && r6 == NK_EBADMSG && r7 == 0,
          "%d %d %d %d %d %d %d", r1, r2, r3, r4, r5, r6, r7);
}

/* ---- mutexes */

static pthread_mutex_t counter_lock = PTHREAD_MUTEX_INITIALIZER;
static volatile unsigned counter;

static void *incrementer(void *arg)
{
    (void)arg;
    for (int i = 0; i < 2000; i++) {
        pthread_mutex_lock(&counter_lock);
        counter = counter + 1;
        if ((i & 255) == 0)
            sched_yield();
        pthread_mutex_unlock(&counter_lock);
    }
    return NULL;
}

static pthread_mutex_t held = PTHREAD_MUTEX_INITIALIZER;
static int try_result, timed_result;
static uint64_t timed_ms;

static void *try_held(void *arg)
{
    (void)arg;
    try_result = pthread_mutex_trylock(&held);
    uint64_t t0 = now_ms();             /* before the deadline: a preemption in between adds */
    struct timespec dl = in_ms(CLOCK_REALTIME, 100);
    timed_result = pthread_mutex_timedlock(&held, &dl);
    timed_ms = now_ms() - t0;
    return NULL;
}

static void check_mutexes(void)
{
    pthread_t t[THREADS];
    for (int i = 0; i < THREADS; i++)
        pthread_create(&t[i], NULL, incrementer, NULL);
    for (int i = 0; i < THREADS; i++)
        pthread_join(t[i], NULL);
    CHECK("mutex_stress_16_threads", counter == THREADS * 2000u, "%u", counter);

    pthread_mutexattr_t ma;
    pthread_mutex_t rec;
    int type = -1;
    pthread_mutexattr_init(&ma);
    pthread_mutexattr_settype(&ma, PTHREAD_MUTEX_RECURSIVE);
    pthread_mutexattr_gettype(&ma, &type);
    pthread_mutex_init(&rec, &ma);
    int r1 = pthread_mutex_lock(&rec), r2 = pthread_mutex_lock(&rec);
    int u1 = pthread_mutex_unlock(&rec), u2 = pthread_mutex_unlock(&rec), u3 = pthread_mutex_unlock(&rec);
    CHECK("mutex_recursive", type == PTHREAD_MUTEX_RECURSIVE && !r1 && !r2 && !u1 && !u2 && u3 == EPERM,
          "%d %d %d %d %d", r1, r2, u1, u2, u3);
    pthread_mutex_destroy(&rec);
    pthread_mutexattr_destroy(&ma);

    pthread_mutex_lock(&held);
    CHECK("mutex_relock_is_edeadlk", pthread_mutex_lock(&held) == EDEADLK, "no");
    pthread_t h;
    pthread_create(&h, NULL, try_held, NULL);
    pthread_join(h, NULL);
    pthread_mutex_unlock(&held);
    CHECK("mutex_trylock_busy", try_result == EBUSY, "%d", try_result);
    CHECK("mutex_timedlock_times_out", timed_result == ETIMEDOUT && timed_ms >= 100 && timed_ms < 3000,
          "%d after %llu ms", timed_result, (unsigned long long)timed_ms);
    CHECK("mutex_unlock_not_owner", pthread_mutex_unlock(&held) == EPERM, "no");
}

/* ---- condition variables */

static void check_conds(void)
{
    pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
    pthread_cond_t c = PTHREAD_COND_INITIALIZER;
    pthread_mutex_lock(&m);
    uint64_t t0 = now_ms();
    struct timespec dl = in_ms(CLOCK_REALTIME, 150);
    int r;
    do                                  /* nobody signals: only spurious wakeups (POSIX) */
        r = pthread_cond_timedwait(&c, &m, &dl);
    while (r == 0);
    uint64_t took = now_ms() - t0;
    pthread_mutex_unlock(&m);
    CHECK("cond_timedwait_realtime", r == ETIMEDOUT && took >= 150 && took < 3000,
          "%d after %llu ms", r, (unsigned long long)took);

    pthread_condattr_t ca;
    pthread_cond_t cm;
    clockid_t clk = 0;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_condattr_getclock(&ca, &clk);
    pthread_cond_init(&cm, &ca);
    pthread_mutex_lock(&m);
    t0 = now_ms();
    dl = in_ms(CLOCK_MONOTONIC, 100);
    do
        r = pthread_cond_timedwait(&cm, &m, &dl);
    while (r == 0);
    took = now_ms() - t0;
    pthread_mutex_unlock(&m);
    CHECK("cond_timedwait_monotonic", clk == CLOCK_MONOTONIC && r == ETIMEDOUT && took >= 100 &&
          took < 3000, "%d after %llu ms", r, (unsigned long long)took);
    pthread_cond_destroy(&cm);
    pthread_condattr_destroy(&ca);
}

/* ---- read-write locks */

static pthread_rwlock_t rw = PTHREAD_RWLOCK_INITIALIZER;
static int readers_in, readers_max, try_write_while_read;
static pthread_mutex_t rw_count = PTHREAD_MUTEX_INITIALIZER;

static void *reader(void *arg)
{
    (void)arg;
    pthread_rwlock_rdlock(&rw);
    pthread_mutex_lock(&rw_count);
    readers_in++;
    if (readers_in > readers_max)
        readers_max = readers_in;
    if (pthread_rwlock_trywrlock(&rw) == EBUSY)
        try_write_while_read++;
    pthread_mutex_unlock(&rw_count);
    usleep(20000);
    pthread_mutex_lock(&rw_count);
    readers_in--;
    pthread_mutex_unlock(&rw_count);
    pthread_rwlock_unlock(&rw);
    return NULL;
}

static void check_rwlock(void)
{
    pthread_t t[8];
    for (int i = 0; i < 8; i++)
        pthread_create(&t[i], NULL, reader, NULL);
    for (int i = 0; i < 8; i++)
        pthread_join(t[i], NULL);
    int w = pthread_rwlock_wrlock(&rw), tr = pthread_rwlock_tryrdlock(&rw);
    pthread_rwlock_unlock(&rw);
    CHECK("rwlock_readers_share", readers_max >= 2, "max %d", readers_max);
    CHECK("rwlock_writer_excluded", try_write_while_read == 8 && w == 0 && tr == EBUSY,
          "%d %d %d", try_write_while_read, w, tr);
}

/* ---- keys, once, detach, exit, attributes */

static pthread_key_t key;
static int destructed;
static pthread_once_t once = PTHREAD_ONCE_INIT;
static int once_runs;
static pthread_mutex_t misc_lock = PTHREAD_MUTEX_INITIALIZER;
static int detached_ran;

static void dtor(void *v)
{
    pthread_mutex_lock(&misc_lock);
    destructed += (uintptr_t)v == 7u;
    pthread_mutex_unlock(&misc_lock);
}

static void init_once(void)
{
    once_runs++;
}

static void *keyed(void *arg)
{
    (void)arg;
    pthread_once(&once, init_once);
    pthread_setspecific(key, (void *)7u);
    return pthread_getspecific(key);
}

static void *detached(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&misc_lock);
    detached_ran++;
    pthread_mutex_unlock(&misc_lock);
    return NULL;
}

static void *exits(void *arg)
{
    (void)arg;
    pthread_exit((void *)99u);
}

static void *big_stack(void *arg)
{
    volatile char buf[128 * 1024];
    memset((char *)buf, (int)(uintptr_t)arg, sizeof buf);
    return (void *)(uintptr_t)buf[sizeof buf - 1];
}

static void *self_of(void *arg)
{
    *(pthread_t *)arg = pthread_self();
    return NULL;
}

static void check_misc(void)
{
    pthread_t t[THREADS];
    int right = 0;
    CHECK("key_create", pthread_key_create(&key, dtor) == 0, "no");
    for (int i = 0; i < THREADS; i++)
        pthread_create(&t[i], NULL, keyed, NULL);
    for (int i = 0; i < THREADS; i++) {
        void *v;
        right += pthread_join(t[i], &v) == 0 && (uintptr_t)v == 7u;
    }
    CHECK("key_values_per_thread", right == THREADS && pthread_getspecific(key) == NULL, "%d", right);
    CHECK("key_destructors_ran", destructed == THREADS, "%d", destructed);
    CHECK("once_ran_once", once_runs == 1, "%d", once_runs);
    CHECK("key_delete", pthread_key_delete(key) == 0, "no");

    pthread_attr_t a;
    int st = -1;
    pthread_attr_init(&a);
    pthread_attr_setdetachstate(&a, PTHREAD_CREATE_DETACHED);
    pthread_attr_getdetachstate(&a, &st);
    pthread_t d1, d2;
    int c1 = pthread_create(&d1, &a, detached, NULL);
    int c2 = pthread_create(&d2, NULL, detached, NULL);
    int dt = pthread_detach(d2);
    pthread_attr_destroy(&a);
    for (int i = 0; i < 100 && detached_ran < 2; i++)
        usleep(10000);
    CHECK("detached_threads_run", st == PTHREAD_CREATE_DETACHED && !c1 && !c2 && !dt && detached_ran == 2,
          "%d %d %d %d", c1, c2, dt, detached_ran);

    pthread_t e;
    void *ev = NULL;
    pthread_create(&e, NULL, exits, NULL);
    CHECK("pthread_exit_value", pthread_join(e, &ev) == 0 && (uintptr_t)ev == 99u, "%p", ev);

    pthread_attr_t sa;
    size_t sz = 0;
    pthread_attr_init(&sa);
    int ss = pthread_attr_setstacksize(&sa, 256 * 1024);
    pthread_attr_getstacksize(&sa, &sz);
    pthread_t b;
    void *bv = NULL;
    int bc = pthread_create(&b, &sa, big_stack, (void *)5u);
    int bj = bc == 0 ? pthread_join(b, &bv) : -1;
    CHECK("attr_stacksize", ss == 0 && sz == 256 * 1024 && bc == 0 && bj == 0 && (uintptr_t)bv == 5u,
          "%d %zu %d %d", ss, sz, bc, bj);
    CHECK("attr_stacksize_too_small", pthread_attr_setstacksize(&sa, 1024) == EINVAL, "no");
    pthread_attr_destroy(&sa);

    pthread_t s, seen = NULL;
    pthread_create(&s, NULL, self_of, &seen);
    pthread_join(s, NULL);
    CHECK("self_and_equal", pthread_equal(s, seen) && pthread_equal(pthread_self(), pthread_self()) &&
          !pthread_equal(s, pthread_self()), "no");
    CHECK("join_self_is_edeadlk", pthread_join(pthread_self(), NULL) == EDEADLK, "no");
}

/* ---- sleeping and clocks */

static void check_time(void)
{
    uint64_t t0 = now_ms();
    usleep(20000);
    uint64_t t1 = now_ms();
    struct timespec ts = { 0, 30 * 1000000L };
    int ns = nanosleep(&ts, NULL);
    uint64_t t2 = now_ms();
    Retcode kn = KnSleep(10);
    uint64_t t3 = now_ms();
    unsigned sl = sleep(1);
    uint64_t t4 = now_ms();
    printf("Client: usleep(20 ms) %llu ms, nanosleep(30 ms) %llu ms, KnSleep(10) %llu ms, sleep(1) %llu ms\n",
           (unsigned long long)(t1 - t0), (unsigned long long)(t2 - t1),
           (unsigned long long)(t3 - t2), (unsigned long long)(t4 - t3));
    CHECK("usleep", t1 - t0 >= 20 && t1 - t0 < 2000, "%llu", (unsigned long long)(t1 - t0));
    CHECK("nanosleep", ns == 0 && t2 - t1 >= 30 && t2 - t1 < 2000, "%llu", (unsigned long long)(t2 - t1));
    CHECK("KnSleep", kn == rcOk && t3 - t2 >= 10 && t3 - t2 < 2000, "%llu", (unsigned long long)(t3 - t2));
    CHECK("sleep", sl == 0 && t4 - t3 >= 1000 && t4 - t3 < 5000, "%llu", (unsigned long long)(t4 - t3));
    struct timespec bad = { 0, 1000000000L };
    CHECK("nanosleep_einval", nanosleep(&bad, NULL) == -1 && errno == EINVAL, "no");

    struct timespec a, b, res;
    clock_gettime(CLOCK_MONOTONIC, &a);
    clock_gettime(CLOCK_MONOTONIC, &b);
    CHECK("clock_monotonic_nondecreasing", b.tv_sec > a.tv_sec ||
          (b.tv_sec == a.tv_sec && b.tv_nsec >= a.tv_nsec), "no");
    CHECK("clock_getres", clock_getres(CLOCK_MONOTONIC, &res) == 0 && res.tv_sec == 0 &&
          res.tv_nsec > 0 && res.tv_nsec <= 1000, "%ld", res.tv_nsec);
    CHECK("clock_bad_id", clock_gettime((clockid_t)77, &a) == -1 && errno == EINVAL, "no");
}

/* ---- entropy and the real-time clock */

static void check_entropy(void)
{
    uint8_t a[32] = { 0 }, b[32] = { 0 }, big[1000];
    int ra = getentropy(a, sizeof a);
    if (ra != 0) {
        /* a board without a source: the documented answer, never fixed bytes */
        printf("Client: entropy unavailable (errno %d)\n", errno);
        CHECK("entropy_enosys", errno == ENOSYS, "errno %d", errno);
        return;
    }
    int rb = getentropy(b, sizeof b);
    printf("Client: entropy ");
    for (unsigned i = 0; i < sizeof a; i++)
        printf("%02x", a[i]);
    printf("\n");
    int zero = 1;
    for (unsigned i = 0; i < sizeof a; i++)
        zero &= a[i] == 0;
    CHECK("getentropy", ra == 0 && rb == 0 && !zero && memcmp(a, b, sizeof a) != 0, "%d %d", ra, rb);
    errno = 0;
    CHECK("getentropy_over_256_is_eio", getentropy(big, 257) == -1 && errno == EIO, "errno %d", errno);
    memset(big, 0, sizeof big);
    ssize_t n = getrandom(big, sizeof big, 0);
    unsigned counts[256] = { 0 }, maxc = 0;
    for (unsigned i = 0; i < sizeof big; i++)
        counts[big[i]]++;
    for (unsigned i = 0; i < 256; i++)
        maxc = counts[i] > maxc ? counts[i] : maxc;
    CHECK("getrandom_1000_bytes", n == (ssize_t)sizeof big && maxc < 20, "%d max %u", (int)n, maxc);
    rtl_bool q = 0;
    uint64_t v1 = 0, v2 = 0;
    CHECK("KosRandomGenerate", KosRandomGenerate(sizeof v1, &v1) == rcOk &&
          KosRandomGenerateEx(sizeof v2, &v2, &q) == rcOk && q == KOS_RANDOM_QUALITY_HIGH && v1 != v2,
          "no");
}

static void check_realtime(void)
{
    struct timespec rt;
    struct timeval tv;
    clock_gettime(CLOCK_REALTIME, &rt);
    gettimeofday(&tv, NULL);
    printf("Client: realtime %lld.%09ld\n", (long long)rt.tv_sec, rt.tv_nsec);
    CHECK("gettimeofday_matches_realtime", tv.tv_sec >= rt.tv_sec && tv.tv_sec - rt.tv_sec <= 1,
          "%lld %lld", (long long)tv.tv_sec, (long long)rt.tv_sec);
}

int main(void)
{
    Handle handle = ServiceLocatorConnect("server_connection");
    assert(handle != INVALID_HANDLE);
    server = handle;
    NkKosTransport_Init(&transport, handle, NK_NULL, 0);
    nk_iid_t riid = ServiceLocatorGetRiid(handle, "calc");
    assert(riid != INVALID_RIID);
    pecho_Calc_proxy_init(&proxy, &transport.base, riid);

    check_calls();
    check_arenas();
    check_mutexes();
    check_conds();
    check_rwlock();
    check_misc();
    check_time();
    check_entropy();
    check_realtime();
    printf("Client: done (%d failures)\n", failures);
    return failures ? EXIT_FAILURE : EXIT_SUCCESS;
}
