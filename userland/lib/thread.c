/*
 * KosThread*: threads with library-managed stacks and TLS. One mapping per
 * thread holds its stack (guard page below, see vmm.c) and, at the top, its
 * TLS block initialised from the program's template; the kernel gets the
 * thread pointer (TPIDR_EL0) with the thread. A joined thread's mapping and
 * handle are released; an unjoined one lives until the process ends.
 */
#include <coresrv/handle/handle_api.h>
#include <coresrv/syscalls.h>
#include <coresrv/thread/thread_api.h>
#include <coresrv/vmm/vmm_api.h>
#include <kos/mutex.h>
#include <kos/thread.h>
#include <picotls.h>
#include <stdlib.h>
#include "layout.h"
#include "libkos_internal.h"
#include "sync_internal.h"

/* Defined by ld/user.ld (absolute symbol: its address is the value). */
extern char __arm64_tls_tcb_offset[];

enum { RUNNING = 0, SUSPENDED = 1 };

struct kos_thread {
    Tid tid;
    Handle handle;                 /* INVALID_HANDLE for the main thread */
    ThreadRoutine routine;
    void *context;
    void *map;                     /* stack + TLS mapping */
    uint64_t map_size;
    uint32_t run_state;            /* futex word: RUNNING / SUSPENDED */
    uint32_t joining;
    void *tls_values[KOS_THREAD_TLS_KEYS];
    struct kos_thread *next;
};

static __thread struct kos_thread *self;
static struct kos_thread main_thread = { .tid = 1 };
static KosMutex registry_lock = KOS_MUTEX_INITIALIZER;
static struct kos_thread *registry = &main_thread;
static uint32_t next_tid = 2;
static uint32_t keys_used;         /* bit i: TLS key i allocated */

void kos_thread_init_main(void)
{
    self = &main_thread;
}

Tid KosThreadCurrentId(void)
{
    return self ? self->tid : 1;
}

/* The thread with this id; call with registry_lock held. */
static struct kos_thread *find(Tid tid)
{
    for (struct kos_thread *t = registry; t; t = t->next)
        if (t->tid == tid)
            return t;
    return NULL;
}

static void unlink_thread(struct kos_thread *t)
{
    for (struct kos_thread **pp = &registry; *pp; pp = &(*pp)->next) {
        if (*pp == t) {
            *pp = t->next;
            return;
        }
    }
}

static void wait_while_suspended(struct kos_thread *t)
{
    while (__atomic_load_n(&t->run_state, __ATOMIC_ACQUIRE) == SUSPENDED)
        (void)kos_futex_wait(&t->run_state, SUSPENDED, KOS_NO_DEADLINE);
}

/* First code of every new thread: x0 = its descriptor, sp and TPIDR_EL0 set. */
static __attribute__((noreturn)) void thread_start(void *arg)
{
    struct kos_thread *t = arg;
    self = t;
    wait_while_suspended(t);
    KosThreadExit(t->routine(t->context));
}

static uint64_t align_up(uint64_t v, uint64_t a) { return (v + a - 1) & ~(a - 1); }

Retcode KosThreadCreate(Tid *tid, rtl_uint32_t priority, rtl_uint32_t stackSize,
                        ThreadRoutine routine, void *context, int suspended)
{
    if (!tid || !routine || priority > THREAD_PRIORITY_MAX || stackSize > KOS_THREAD_STACK_MAX)
        return rcInvalidArgument;
    if (stackSize == 0)
        stackSize = ThreadStackSizeDefault;
    if (stackSize < KOS_THREAD_STACK_MIN)
        stackSize = KOS_THREAD_STACK_MIN;

    /* Layout, top down: TLS block (aligned), the 16-byte TCB slot below it
     * that TPIDR_EL0 points at, then the stack. */
    uint64_t tcb = (uint64_t)(uintptr_t)__arm64_tls_tcb_offset;
    uint64_t tls_align = _tls_align() > 16 ? _tls_align() : 16;
    uint64_t tls_bytes = align_up(_tls_size(), tls_align);
    uint64_t map_size = align_up((uint64_t)stackSize + tls_bytes + tcb + tls_align, KOS_PAGE_SIZE);

    struct kos_thread *t = calloc(1, sizeof(*t));
    if (!t)
        return rcOutOfMemory;
    Retcode rc;
    t->map = kos_stack_map(map_size, &rc);
    if (!t->map) {
        free(t);
        return rc;
    }
    t->map_size = map_size;
    uint64_t top = (uint64_t)(uintptr_t)t->map + map_size;
    uint64_t block = (top - tls_bytes) & ~(tls_align - 1);
    uint64_t tp = block - tcb;
    uint64_t sp = tp & ~15ull;
    _init_tls((void *)(uintptr_t)block);

    t->routine = routine;
    t->context = context;
    t->run_state = suspended ? SUSPENDED : RUNNING;
    t->tid = __atomic_fetch_add(&next_tid, 1, __ATOMIC_RELAXED);
    /* Registered first, so a Resume that races with the thread's start finds it. */
    KosMutexLock(&registry_lock);
    t->next = registry;
    registry = t;
    KosMutexUnlock(&registry_lock);

    rc = KnThreadCreate(thread_start, t, (void *)(uintptr_t)sp, (void *)(uintptr_t)tp, priority,
                        &t->handle);
    if (rc != rcOk) {
        KosMutexLock(&registry_lock);
        unlink_thread(t);
        KosMutexUnlock(&registry_lock);
        kos_stack_unmap(t->map, t->map_size);
        free(t);
        return rc;
    }
    *tid = t->tid;
    return rcOk;
}

void KosThreadExit(int exitCode)
{
    KnThreadExit(exitCode);
}

Retcode KosThreadWaitEx(Tid tid, rtl_uint32_t timeout, int *exitCode)
{
    KosMutexLock(&registry_lock);
    struct kos_thread *t = find(tid);
    Retcode rc = rcOk;
    if (!t || t == self || t == &main_thread)
        rc = rcInvalidArgument;         /* the main thread has no handle to wait on */
    else if (t->joining)
        rc = rcBusy;
    else
        t->joining = 1;
    KosMutexUnlock(&registry_lock);
    if (rc != rcOk)
        return rc;

    /* The kernel's timeout has tick resolution: wait again if it ends
     * before the deadline by the user-space clock. */
    uint64_t deadline = kos_deadline_ms(timeout);
    int64_t value = -1;
    do
        rc = KnThreadWait(t->handle, kos_time_left(deadline), &value);
    while (rc == rcTimeout && kos_time_left(deadline) != 0);
    KosMutexLock(&registry_lock);
    if (rc == rcOk)
        unlink_thread(t);
    else
        t->joining = 0;
    KosMutexUnlock(&registry_lock);
    if (rc != rcOk)
        return rc;
    (void)KnHandleClose(t->handle);
    kos_stack_unmap(t->map, t->map_size);   /* the thread is dead: nothing runs there */
    free(t);
    if (exitCode)
        *exitCode = (int)value;
    return rcOk;
}

int KosThreadWait(Tid tid, rtl_uint32_t timeout)
{
    int code;
    return KosThreadWaitEx(tid, timeout, &code) == rcOk ? code : -1;
}

Retcode KosThreadSleep(rtl_uint32_t mdelay)
{
    if (mdelay == 0) {
        KosThreadYield();
        return rcOk;
    }
    return KnSleepNs((uint64_t)mdelay * 1000000ull);
}

void KosThreadYield(void)
{
    (void)KnThreadYield();
}

Retcode KosThreadSuspend(void)
{
    struct kos_thread *t = self ? self : &main_thread;
    __atomic_store_n(&t->run_state, SUSPENDED, __ATOMIC_RELEASE);
    wait_while_suspended(t);
    return rcOk;
}

Retcode KosThreadResume(Tid tid)
{
    Retcode rc = rcInvalidArgument;
    KosMutexLock(&registry_lock);
    struct kos_thread *t = find(tid);
    if (t) {
        uint32_t s = SUSPENDED;
        rc = __atomic_compare_exchange_n(&t->run_state, &s, RUNNING, 0, __ATOMIC_RELEASE,
                                         __ATOMIC_RELAXED)
                 ? rcOk
                 : rcInvalidThreadState;
        if (rc == rcOk)
            kos_futex_wake(&t->run_state, KOS_WAKE_ALL);
    }
    KosMutexUnlock(&registry_lock);
    return rc;
}

/* The kernel handle of another thread of this task (INVALID_HANDLE: unknown, or the
 * main thread, which has none). */
static Handle handle_of(Tid tid)
{
    KosMutexLock(&registry_lock);
    struct kos_thread *t = find(tid);
    Handle h = t ? t->handle : INVALID_HANDLE;
    KosMutexUnlock(&registry_lock);
    return h;
}

/* Another thread ends wherever it is (also inside a lock it holds: as with any
 * asynchronous kill, what it held stays held); KosThreadWait then returns exitCode
 * and frees its stack. The caller itself leaves through KosThreadExit. */
Retcode KosThreadTerminate(Tid tid, int exitCode)
{
    if (tid == KosThreadCurrentId())
        KosThreadExit(exitCode);
    Handle h = handle_of(tid);
    return h == INVALID_HANDLE ? rcInvalidArgument : KnThreadTerminate(h, exitCode);
}

Retcode KosThreadSetAffinity(Tid tid, rtl_uint32_t mask)
{
    if (tid == KosThreadCurrentId())
        return KnThreadSetAffinity(INVALID_HANDLE, mask, NULL);
    Handle h = handle_of(tid);
    return h == INVALID_HANDLE ? rcInvalidArgument : KnThreadSetAffinity(h, mask, NULL);
}

rtl_uint32_t KosCpuOnlineMask(void)
{
    rtl_uint32_t online = 1;
    KnThreadSetAffinity(INVALID_HANDLE, 0, &online);   /* mask 0: a query, changes nothing */
    return online;
}

Retcode KosThreadSetPriority(Tid tid, rtl_uint32_t priority)
{
    if (priority > THREAD_PRIORITY_MAX)
        return rcInvalidArgument;
    if (tid == KosThreadCurrentId())
        return KnThreadSetPriority(INVALID_HANDLE, priority);
    Handle h = handle_of(tid);
    return h == INVALID_HANDLE ? rcInvalidArgument : KnThreadSetPriority(h, priority);
}

/* ---- thread-local values by key ----------------------------------------- */

Retcode KosThreadTlsKeyCreate(KosThreadTlsKey *key)
{
    if (!key)
        return rcInvalidArgument;
    KosMutexLock(&registry_lock);
    Retcode rc = rcQuotaExceeded;
    for (uint32_t k = 0; k < KOS_THREAD_TLS_KEYS; k++) {
        if (!(keys_used & (1u << k))) {
            keys_used |= 1u << k;
            for (struct kos_thread *t = registry; t; t = t->next)
                t->tls_values[k] = NULL;     /* a reused key starts empty everywhere */
            *key = k;
            rc = rcOk;
            break;
        }
    }
    KosMutexUnlock(&registry_lock);
    return rc;
}

Retcode KosThreadTlsKeyDelete(KosThreadTlsKey key)
{
    if (key >= KOS_THREAD_TLS_KEYS)
        return rcInvalidArgument;
    KosMutexLock(&registry_lock);
    Retcode rc = (keys_used & (1u << key)) ? rcOk : rcInvalidArgument;
    keys_used &= ~(1u << key);
    KosMutexUnlock(&registry_lock);
    return rc;
}

static int key_valid(KosThreadTlsKey key)
{
    return key < KOS_THREAD_TLS_KEYS && (__atomic_load_n(&keys_used, __ATOMIC_ACQUIRE) & (1u << key));
}

void *KosThreadTlsGet(KosThreadTlsKey key)
{
    struct kos_thread *t = self ? self : &main_thread;
    return key_valid(key) ? t->tls_values[key] : NULL;
}

Retcode KosThreadTlsSet(KosThreadTlsKey key, void *value)
{
    struct kos_thread *t = self ? self : &main_thread;
    if (!key_valid(key))
        return rcInvalidArgument;
    t->tls_values[key] = value;
    return rcOk;
}

/* ---- once ---------------------------------------------------------------- */

enum { ONCE_NEW = 0, ONCE_RUNNING = 1, ONCE_DONE = 2 };

Retcode KosThreadOnce(KosThreadOnceState *onceControl, void (*initRoutine)(void))
{
    if (!onceControl || !initRoutine)
        return rcInvalidArgument;
    for (;;) {
        uint32_t s = __atomic_load_n(onceControl, __ATOMIC_ACQUIRE);
        if (s == ONCE_DONE)
            return rcOk;
        if (s == ONCE_NEW && __atomic_compare_exchange_n(onceControl, &s, ONCE_RUNNING, 0,
                                                         __ATOMIC_ACQUIRE, __ATOMIC_ACQUIRE)) {
            initRoutine();
            __atomic_store_n(onceControl, ONCE_DONE, __ATOMIC_RELEASE);
            kos_futex_wake(onceControl, KOS_WAKE_ALL);
            return rcOk;
        }
        if (s == ONCE_RUNNING)
            (void)kos_futex_wait(onceControl, ONCE_RUNNING, KOS_NO_DEADLINE);
    }
}
