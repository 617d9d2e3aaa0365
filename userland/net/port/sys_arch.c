/*
 * lwIP's operating-system layer on libkos (arch/sys_arch.h, docs/NET.md).
 *
 * Timeouts: lwIP counts milliseconds, 0 = wait forever; libkos calls take
 * milliseconds with KOS_INFINITE_TIMEOUT for forever, and a libkos
 * timeout is measured by the user-space clock, so rcTimeout means the time
 * really passed.
 */
#include "lwip/opt.h"
#include "lwip/sys.h"
#include "lwip/tcpip.h"

#include <coresrv/time/time_api.h>
#include <kos/thread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---------------------------------------------------------------- time */

u32_t sys_now(void)
{
    return (u32_t)KnGetMSecSinceStart();
}

void sys_init(void)
{
}

/* ---------------------------------------------------------------- random */

static uint64_t rand_state;

uint32_t net_rand(void)
{
    /* xorshift64*, seeded from the counter; not cryptographic (ports, ISNs, xids) */
    uint64_t old = __atomic_load_n(&rand_state, __ATOMIC_RELAXED), x;
    do {
        x = old;
        if (x == 0) {
            uint64_t cnt;
            __asm__ volatile("mrs %0, cntvct_el0" : "=r"(cnt));
            x = cnt * 0x9e3779b97f4a7c15ull | 1;
        }
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
    } while (!__atomic_compare_exchange_n(&rand_state, &old, x, 0, __ATOMIC_RELAXED,
                                          __ATOMIC_RELAXED));
    return (uint32_t)((x * 0x2545f4914f6cdd1dull) >> 32);
}

/* ---------------------------------------------------------------- assertions */

void net_platform_assert(const char *msg, const char *file, int line)
{
    printf("lwip: assertion \"%s\" failed at %s:%d\n", msg, file, line);
    fflush(stdout);
    abort();
}

/* ---------------------------------------------------------------- protection */

struct net_mutex net_prot_lock = NET_MUTEX_INITIALIZER;     /* SYS_ARCH_PROTECT (arch/sys_arch.h) */

/* ---------------------------------------------------------------- core lock */

/* The core lock is a net_mutex, which knows its holder: LWIP_ASSERT_CORE_LOCKED
 * (lwipopts.h) compares that with the caller once net_core_mutex is set. */
struct net_mutex *net_core_mutex;

void sys_lock_tcpip_core(void)
{
    sys_mutex_lock(&lock_tcpip_core);
}

void sys_unlock_tcpip_core(void)
{
    sys_mutex_unlock(&lock_tcpip_core);
}

void sys_mark_tcpip_thread(void)
{
    /* Before tcpip_init (lwip_init runs in the tcpip thread's creator) there is no lock yet. */
    __atomic_store_n(&net_core_mutex, &lock_tcpip_core.mutex, __ATOMIC_RELEASE);
}

void sys_core_lock_violation(void)
{
    net_platform_assert("lwIP core called without the core lock (net_lock)", __FILE__, __LINE__);
}

/* ---------------------------------------------------------------- semaphores */

err_t sys_sem_new(sys_sem_t *sem, u8_t count)
{
    if (KosSemaphoreInit(&sem->sem, count) != rcOk)
        return ERR_VAL;
    sem->valid = 1;
    return ERR_OK;
}

void sys_sem_free(sys_sem_t *sem)
{
    KosSemaphoreDeinit(&sem->sem);
    sem->valid = 0;
}

void sys_sem_signal(sys_sem_t *sem)
{
    KosSemaphoreSignal(&sem->sem);
}

u32_t sys_arch_sem_wait(sys_sem_t *sem, u32_t timeout)
{
    if (timeout == 0) {
        KosSemaphoreWait(&sem->sem);
        return 0;
    }
    u64_t start = KnGetMSecSinceStart();
    if (KosSemaphoreWaitTimeout(&sem->sem, timeout) != rcOk)
        return SYS_ARCH_TIMEOUT;
    u64_t spent = KnGetMSecSinceStart() - start;
    return spent < timeout ? (u32_t)spent : timeout - 1;
}

int sys_sem_valid(sys_sem_t *sem)
{
    return sem && sem->valid;
}

void sys_sem_set_invalid(sys_sem_t *sem)
{
    sem->valid = 0;
}

/* One per thread, in TLS: zeroed TLS is a valid empty KosSemaphore. */
static __thread sys_sem_t thread_sem;

sys_sem_t *sys_arch_netconn_sem_get(void)
{
    if (!thread_sem.valid)
        sys_sem_new(&thread_sem, 0);
    return &thread_sem;
}

void sys_arch_netconn_sem_alloc(void)
{
    sys_arch_netconn_sem_get();
}

void sys_arch_netconn_sem_free(void)
{
    if (thread_sem.valid)
        sys_sem_free(&thread_sem);
}

/* ---------------------------------------------------------------- mutexes */

err_t sys_mutex_new(sys_mutex_t *mutex)
{
    mutex->mutex = (struct net_mutex)NET_MUTEX_INITIALIZER;
    mutex->valid = 1;
    return ERR_OK;
}

void sys_mutex_free(sys_mutex_t *mutex)
{
    mutex->valid = 0;
}

void sys_mutex_lock(sys_mutex_t *mutex)
{
    net_mutex_lock(&mutex->mutex);
}

void sys_mutex_unlock(sys_mutex_t *mutex)
{
    net_mutex_unlock(&mutex->mutex);
}

int sys_mutex_valid(sys_mutex_t *mutex)
{
    return mutex && mutex->valid;
}

void sys_mutex_set_invalid(sys_mutex_t *mutex)
{
    mutex->valid = 0;
}

/* ---------------------------------------------------------------- mailboxes */

struct sys_mbox_ring {
    KosMutex lock;
    KosCondvar not_empty, not_full;
    unsigned size, head, count;
    void *msgs[];
};

err_t sys_mbox_new(sys_mbox_t *mbox, int size)
{
    if (size <= 0)
        size = 64;
    struct sys_mbox_ring *m = calloc(1, sizeof(*m) + (size_t)size * sizeof(void *));
    if (!m) {
        *mbox = NULL;
        return ERR_MEM;
    }
    KosMutexInit(&m->lock);
    KosCondvarInit(&m->not_empty);
    KosCondvarInit(&m->not_full);
    m->size = (unsigned)size;
    *mbox = m;
    return ERR_OK;
}

void sys_mbox_free(sys_mbox_t *mbox)
{
    if (*mbox) {
        free(*mbox);
        *mbox = NULL;
    }
}

int sys_mbox_valid(sys_mbox_t *mbox)
{
    return mbox && *mbox;
}

void sys_mbox_set_invalid(sys_mbox_t *mbox)
{
    *mbox = NULL;
}

static void mbox_put(struct sys_mbox_ring *m, void *msg)
{
    m->msgs[(m->head + m->count) % m->size] = msg;
    m->count++;
    KosCondvarSignal(&m->not_empty);
}

void sys_mbox_post(sys_mbox_t *mbox, void *msg)
{
    struct sys_mbox_ring *m = *mbox;
    KosMutexLock(&m->lock);
    while (m->count == m->size)
        KosCondvarWait(&m->not_full, &m->lock);
    mbox_put(m, msg);
    KosMutexUnlock(&m->lock);
}

err_t sys_mbox_trypost(sys_mbox_t *mbox, void *msg)
{
    struct sys_mbox_ring *m = *mbox;
    err_t err = ERR_MEM;
    KosMutexLock(&m->lock);
    if (m->count < m->size) {
        mbox_put(m, msg);
        err = ERR_OK;
    }
    KosMutexUnlock(&m->lock);
    return err;
}

err_t sys_mbox_trypost_fromisr(sys_mbox_t *mbox, void *msg)
{
    return sys_mbox_trypost(mbox, msg);
}

static void *mbox_take(struct sys_mbox_ring *m)
{
    void *msg = m->msgs[m->head];
    m->head = (m->head + 1) % m->size;
    m->count--;
    KosCondvarSignal(&m->not_full);
    return msg;
}

u32_t sys_arch_mbox_fetch(sys_mbox_t *mbox, void **msg, u32_t timeout)
{
    struct sys_mbox_ring *m = *mbox;
    u64_t start = KnGetMSecSinceStart();
    KosMutexLock(&m->lock);
    while (m->count == 0) {
        if (timeout == 0) {
            KosCondvarWait(&m->not_empty, &m->lock);
            continue;
        }
        u64_t spent = KnGetMSecSinceStart() - start;
        if (spent >= timeout ||
            (KosCondvarWaitTimeout(&m->not_empty, &m->lock, (u32_t)(timeout - spent)) == rcTimeout &&
             m->count == 0)) {
            KosMutexUnlock(&m->lock);
            return SYS_ARCH_TIMEOUT;
        }
    }
    void *v = mbox_take(m);
    KosMutexUnlock(&m->lock);
    if (msg)
        *msg = v;
    u64_t spent = KnGetMSecSinceStart() - start;
    return timeout && spent >= timeout ? timeout - 1 : (u32_t)spent;
}

u32_t sys_arch_mbox_tryfetch(sys_mbox_t *mbox, void **msg)
{
    struct sys_mbox_ring *m = *mbox;
    KosMutexLock(&m->lock);
    if (m->count == 0) {
        KosMutexUnlock(&m->lock);
        return SYS_MBOX_EMPTY;
    }
    void *v = mbox_take(m);
    KosMutexUnlock(&m->lock);
    if (msg)
        *msg = v;
    return 0;
}

/* ---------------------------------------------------------------- threads */

struct thread_start {
    lwip_thread_fn fn;
    void *arg;
};

static int thread_trampoline(void *ctx)
{
    struct thread_start s = *(struct thread_start *)ctx;
    free(ctx);
    s.fn(s.arg);
    return 0;
}

sys_thread_t sys_thread_new(const char *name, lwip_thread_fn thread, void *arg, int stacksize,
                            int prio)
{
    struct thread_start *s = malloc(sizeof(*s));
    Tid tid = 0;
    if (!s)
        net_platform_assert("sys_thread_new: out of memory", __FILE__, __LINE__);
    s->fn = thread;
    s->arg = arg;
    if (prio < 0 || prio > 31)
        prio = DEFAULT_THREAD_PRIO;
    Retcode rc = KosThreadCreate(&tid, (rtl_uint32_t)prio,
                                 stacksize > 0 ? (rtl_uint32_t)stacksize : DEFAULT_THREAD_STACKSIZE,
                                 thread_trampoline, s, 0);
    if (rc != rcOk) {
        printf("lwip: cannot start thread %s (rc %d)\n", name ? name : "?", rc);
        net_platform_assert("sys_thread_new failed", __FILE__, __LINE__);
    }
    return tid;
}
