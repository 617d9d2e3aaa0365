/*
 * POSIX threads (pthread.h) on libkos threads and futex-based sync. A
 * pthread_t is a record holding the start routine, its result and the libkos
 * Tid; a thread finds its own record through a __thread pointer. Detached
 * threads are joined (their stack and TLS freed) by the next
 * pthread_create/pthread_detach after they end. docs/USERLAND.md.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <time.h>
#include <kos/condvar.h>
#include <kos/mutex.h>
#include <kos/rwlock.h>
#include <kos/thread.h>

struct __pthread {
    void *(*start)(void *);
    void *arg;
    void *result;
    Tid tid;
    int detached;
    int done;                   /* set (atomically) when the routine has ended */
    struct __pthread *next;     /* list of detached threads not yet reaped */
};

static __thread struct __pthread *self_rec;
static struct __pthread main_rec;
static KosMutex detached_lock = KOS_MUTEX_INITIALIZER;
static struct __pthread *detached_list;
static void (*key_dtor[PTHREAD_KEYS_MAX])(void *);
static int key_used[PTHREAD_KEYS_MAX];

static int errno_of(Retcode rc)
{
    switch (rc) {
    case rcOk: return 0;
    case rcBusy: return EBUSY;
    case rcTimeout: return ETIMEDOUT;
    case rcOutOfMemory: case rcQuotaExceeded: return EAGAIN;
    default: return EINVAL;
    }
}

/* Join every detached thread that has ended. */
static void reap_detached(void)
{
    KosMutexLock(&detached_lock);
    struct __pthread **pp = &detached_list;
    while (*pp) {
        struct __pthread *t = *pp;
        if (__atomic_load_n(&t->done, __ATOMIC_ACQUIRE)) {
            int code;
            *pp = t->next;
            KosThreadWaitEx(t->tid, KOS_INFINITE_TIMEOUT, &code);
            free(t);
        } else {
            pp = &t->next;
        }
    }
    KosMutexUnlock(&detached_lock);
}

static void run_key_destructors(void)
{
    for (int round = 0; round < PTHREAD_DESTRUCTOR_ITERATIONS; round++) {
        int any = 0;
        for (unsigned k = 0; k < PTHREAD_KEYS_MAX; k++) {
            void (*d)(void *) = key_used[k] ? key_dtor[k] : NULL;
            void *v = d ? KosThreadTlsGet(k) : NULL;
            if (v) {
                KosThreadTlsSet(k, NULL);
                d(v);
                any = 1;
            }
        }
        if (!any)
            break;
    }
}

static void finish(struct __pthread *t, void *result)
{
    t->result = result;
    run_key_destructors();
    __atomic_store_n(&t->done, 1, __ATOMIC_RELEASE);
}

static int trampoline(void *arg)
{
    struct __pthread *t = arg;
    self_rec = t;
    finish(t, t->start(t->arg));
    return 0;
}

int pthread_create(pthread_t *thread, const pthread_attr_t *attr,
                   void *(*start)(void *), void *arg)
{
    if (!thread || !start)
        return EINVAL;
    reap_detached();
    size_t stack = attr ? attr->stacksize : 0;
    if (stack > KOS_THREAD_STACK_MAX)
        return EINVAL;
    struct __pthread *t = calloc(1, sizeof *t);
    if (!t)
        return EAGAIN;
    t->start = start;
    t->arg = arg;
    t->detached = attr && attr->detachstate == PTHREAD_CREATE_DETACHED;
    /* Created suspended so that t->tid is set before the thread can end. */
    Retcode rc = KosThreadCreate(&t->tid, ThreadPriorityNormal, (rtl_uint32_t)stack,
                                 trampoline, t, 1);
    if (rc != rcOk) {
        free(t);
        return errno_of(rc);
    }
    if (t->detached) {
        KosMutexLock(&detached_lock);
        t->next = detached_list;
        detached_list = t;
        KosMutexUnlock(&detached_lock);
    }
    *thread = t;
    KosThreadResume(t->tid);
    return 0;
}

pthread_t pthread_self(void)
{
    if (!self_rec) {                       /* the main thread (or a KosThread) */
        if (KosThreadCurrentId() == 1) {
            main_rec.tid = 1;
            self_rec = &main_rec;
        } else {
            struct __pthread *t = calloc(1, sizeof *t);
            if (!t)
                return &main_rec;
            t->tid = KosThreadCurrentId();
            t->detached = 1;               /* not ours to join */
            self_rec = t;
        }
    }
    return self_rec;
}

int pthread_equal(pthread_t a, pthread_t b)
{
    return a == b;
}

int pthread_join(pthread_t t, void **retval)
{
    if (t == pthread_self())
        return EDEADLK;
    if (!t || t == &main_rec)
        return ESRCH;
    if (t->detached)
        return EINVAL;
    int code;
    Retcode rc = KosThreadWaitEx(t->tid, KOS_INFINITE_TIMEOUT, &code);
    if (rc != rcOk)
        return rc == rcBusy ? EINVAL : ESRCH;
    if (retval)
        *retval = t->result;
    free(t);
    return 0;
}

int pthread_detach(pthread_t t)
{
    if (!t || t == &main_rec)
        return ESRCH;
    KosMutexLock(&detached_lock);
    int was = t->detached;
    if (!was) {
        t->detached = 1;
        t->next = detached_list;
        detached_list = t;
    }
    KosMutexUnlock(&detached_lock);
    if (was)
        return EINVAL;
    reap_detached();
    return 0;
}

void pthread_exit(void *retval)
{
    struct __pthread *t = pthread_self();
    if (t == &main_rec) {
        run_key_destructors();
        exit(0);           /* not POSIX: the process ends (docs/USERLAND.md) */
    }
    finish(t, retval);
    KosThreadExit(0);
}

int pthread_once(pthread_once_t *once, void (*init)(void))
{
    return once && init ? errno_of(KosThreadOnce(once, init)) : EINVAL;
}

int pthread_yield(void)
{
    KosThreadYield();
    return 0;
}

int sched_yield(void)
{
    KosThreadYield();
    return 0;
}

/* ---- attributes */

int pthread_attr_init(pthread_attr_t *a)
{
    if (!a)
        return EINVAL;
    a->stacksize = 0;
    a->detachstate = PTHREAD_CREATE_JOINABLE;
    return 0;
}

int pthread_attr_destroy(pthread_attr_t *a)
{
    return a ? 0 : EINVAL;
}

int pthread_attr_setstacksize(pthread_attr_t *a, size_t size)
{
    if (!a || size < PTHREAD_STACK_MIN || size > KOS_THREAD_STACK_MAX)
        return EINVAL;
    a->stacksize = size;
    return 0;
}

int pthread_attr_getstacksize(const pthread_attr_t *a, size_t *size)
{
    if (!a || !size)
        return EINVAL;
    *size = a->stacksize ? a->stacksize : ThreadStackSizeDefault;
    return 0;
}

int pthread_attr_setdetachstate(pthread_attr_t *a, int state)
{
    if (!a || (state != PTHREAD_CREATE_JOINABLE && state != PTHREAD_CREATE_DETACHED))
        return EINVAL;
    a->detachstate = state;
    return 0;
}

int pthread_attr_getdetachstate(const pthread_attr_t *a, int *state)
{
    if (!a || !state)
        return EINVAL;
    *state = a->detachstate;
    return 0;
}

/* ---- thread-specific data */

int pthread_key_create(pthread_key_t *key, void (*destructor)(void *))
{
    KosThreadTlsKey k;
    if (!key)
        return EINVAL;
    if (KosThreadTlsKeyCreate(&k) != rcOk || k >= PTHREAD_KEYS_MAX)
        return EAGAIN;
    key_dtor[k] = destructor;
    __atomic_store_n(&key_used[k], 1, __ATOMIC_RELEASE);
    *key = k;
    return 0;
}

int pthread_key_delete(pthread_key_t key)
{
    if (key >= PTHREAD_KEYS_MAX || KosThreadTlsKeyDelete(key) != rcOk)
        return EINVAL;
    __atomic_store_n(&key_used[key], 0, __ATOMIC_RELEASE);
    key_dtor[key] = NULL;
    return 0;
}

void *pthread_getspecific(pthread_key_t key)
{
    return KosThreadTlsGet(key);
}

int pthread_setspecific(pthread_key_t key, const void *value)
{
    return KosThreadTlsSet(key, (void *)(uintptr_t)value) == rcOk ? 0 : EINVAL;
}

/* ---- absolute deadlines to libkos millisecond timeouts */

static int ms_until(clockid_t clock, const struct timespec *abstime, rtl_uint32_t *ms)
{
    struct timespec now;
    if (!abstime || abstime->tv_nsec < 0 || abstime->tv_nsec >= 1000000000L)
        return EINVAL;
    if (clock_gettime(clock, &now) != 0)
        return EINVAL;
    int64_t ns = ((int64_t)abstime->tv_sec - (int64_t)now.tv_sec) * 1000000000LL +
                 (abstime->tv_nsec - now.tv_nsec);
    if (ns <= 0) {
        *ms = 0;
        return 0;
    }
    uint64_t m = ((uint64_t)ns + 999999u) / 1000000u;          /* never early */
    *ms = m >= KOS_INFINITE_TIMEOUT ? KOS_INFINITE_TIMEOUT - 1 : (rtl_uint32_t)m;
    return 0;
}

/* ---- mutexes */

int pthread_mutexattr_init(pthread_mutexattr_t *a)
{
    if (!a)
        return EINVAL;
    a->type = PTHREAD_MUTEX_DEFAULT;
    return 0;
}

int pthread_mutexattr_destroy(pthread_mutexattr_t *a)
{
    return a ? 0 : EINVAL;
}

int pthread_mutexattr_settype(pthread_mutexattr_t *a, int type)
{
    if (!a || type < PTHREAD_MUTEX_NORMAL || type > PTHREAD_MUTEX_ERRORCHECK)
        return EINVAL;
    a->type = type;
    return 0;
}

int pthread_mutexattr_gettype(const pthread_mutexattr_t *a, int *type)
{
    if (!a || !type)
        return EINVAL;
    *type = a->type;
    return 0;
}

int pthread_mutex_init(pthread_mutex_t *m, const pthread_mutexattr_t *a)
{
    if (!m)
        return EINVAL;
    m->type = a ? a->type : PTHREAD_MUTEX_DEFAULT;
    KosMutexInitEx(&m->m, m->type == PTHREAD_MUTEX_RECURSIVE);
    return 0;
}

int pthread_mutex_destroy(pthread_mutex_t *m)
{
    if (!m)
        return EINVAL;
    return KosMutexDeinit(&m->m) == rcOk ? 0 : EBUSY;
}

/* libkos refuses to relock a non-recursive mutex its owner holds
 * (rcInvalidArgument): EDEADLK, for every type (no silent deadlock). */
static int lock_errno(Retcode rc)
{
    return rc == rcInvalidArgument ? EDEADLK : errno_of(rc);
}

int pthread_mutex_lock(pthread_mutex_t *m)
{
    return m ? lock_errno(KosMutexLock(&m->m)) : EINVAL;
}

int pthread_mutex_trylock(pthread_mutex_t *m)
{
    return m ? errno_of(KosMutexTryLock(&m->m)) : EINVAL;
}

int pthread_mutex_timedlock(pthread_mutex_t *m, const struct timespec *abstime)
{
    rtl_uint32_t ms;
    if (!m)
        return EINVAL;
    int e = ms_until(CLOCK_REALTIME, abstime, &ms);
    if (e)
        return e;
    Retcode rc = ms ? KosMutexLockTimeout(&m->m, ms) : KosMutexTryLock(&m->m);
    return rc == rcBusy ? ETIMEDOUT : lock_errno(rc);
}

int pthread_mutex_unlock(pthread_mutex_t *m)
{
    return m ? (KosMutexUnlock(&m->m) == rcOk ? 0 : EPERM) : EINVAL;
}

/* ---- condition variables */

int pthread_condattr_init(pthread_condattr_t *a)
{
    if (!a)
        return EINVAL;
    a->clock = CLOCK_REALTIME;
    return 0;
}

int pthread_condattr_destroy(pthread_condattr_t *a)
{
    return a ? 0 : EINVAL;
}

int pthread_condattr_setclock(pthread_condattr_t *a, clockid_t clock)
{
    if (!a || (clock != CLOCK_REALTIME && clock != CLOCK_MONOTONIC))
        return EINVAL;
    a->clock = clock;
    return 0;
}

int pthread_condattr_getclock(const pthread_condattr_t *a, clockid_t *clock)
{
    if (!a || !clock)
        return EINVAL;
    *clock = a->clock;
    return 0;
}

int pthread_cond_init(pthread_cond_t *c, const pthread_condattr_t *a)
{
    if (!c)
        return EINVAL;
    KosCondvarInit(&c->cv);
    c->clock = a ? a->clock : CLOCK_REALTIME;
    return 0;
}

int pthread_cond_destroy(pthread_cond_t *c)
{
    if (!c)
        return EINVAL;
    return KosCondvarDeinit(&c->cv) == rcOk ? 0 : EBUSY;
}

int pthread_cond_wait(pthread_cond_t *c, pthread_mutex_t *m)
{
    if (!c || !m)
        return EINVAL;
    return KosCondvarWait(&c->cv, &m->m) == rcOk ? 0 : EPERM;
}

int pthread_cond_timedwait(pthread_cond_t *c, pthread_mutex_t *m, const struct timespec *abstime)
{
    rtl_uint32_t ms;
    if (!c || !m)
        return EINVAL;
    int e = ms_until(c->clock, abstime, &ms);
    if (e)
        return e;
    Retcode rc = KosCondvarWaitTimeout(&c->cv, &m->m, ms);
    if (rc == rcOk && ms_until(c->clock, abstime, &ms) == 0 && ms == 0)
        rc = rcTimeout;     /* woken (or an early kernel tick) at the deadline: it passed */
    return rc == rcTimeout ? ETIMEDOUT : rc == rcOk ? 0 : EPERM;
}

int pthread_cond_signal(pthread_cond_t *c)
{
    return c ? errno_of(KosCondvarSignal(&c->cv)) : EINVAL;
}

int pthread_cond_broadcast(pthread_cond_t *c)
{
    return c ? errno_of(KosCondvarBroadcast(&c->cv)) : EINVAL;
}

/* ---- read-write locks */

int pthread_rwlock_init(pthread_rwlock_t *rw, const pthread_rwlockattr_t *a)
{
    (void)a;
    if (!rw)
        return EINVAL;
    KosRWLockInit(&rw->rw);
    rw->init = 1;
    return 0;
}

int pthread_rwlock_destroy(pthread_rwlock_t *rw)
{
    if (!rw)
        return EINVAL;
    return KosRWLockDeinit(&rw->rw) == rcOk ? 0 : EBUSY;
}

int pthread_rwlock_rdlock(pthread_rwlock_t *rw)
{
    return rw ? errno_of(KosRWLockRead(&rw->rw)) : EINVAL;
}

int pthread_rwlock_wrlock(pthread_rwlock_t *rw)
{
    return rw ? lock_errno(KosRWLockWrite(&rw->rw)) : EINVAL;
}

int pthread_rwlock_tryrdlock(pthread_rwlock_t *rw)
{
    return rw ? errno_of(KosRWLockTryRead(&rw->rw)) : EINVAL;
}

int pthread_rwlock_trywrlock(pthread_rwlock_t *rw)
{
    return rw ? errno_of(KosRWLockTryWrite(&rw->rw)) : EINVAL;
}

int pthread_rwlock_unlock(pthread_rwlock_t *rw)
{
    return rw ? (KosRWLockUnlock(&rw->rw) == rcOk ? 0 : EPERM) : EINVAL;
}
