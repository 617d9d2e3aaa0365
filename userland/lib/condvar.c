/*
 * KosCondvar: a sequence number is the futex word. A waiter reads it before
 * dropping the mutex and sleeps only while it is unchanged, so a signal
 * between the unlock and the sleep is never lost (the kernel compares the
 * word atomically with going to sleep). Signals skip the kernel when no
 * thread waits.
 */
#include <kos/condvar.h>
#include <kos/mutex.h>
#include <kos/thread.h>
#include "sync_internal.h"

void KosCondvarInit(KosCondvar *condvar)
{
    if (!condvar)
        return;
    __atomic_store_n(&condvar->seq, 0, __ATOMIC_RELAXED);
    __atomic_store_n(&condvar->waiters, 0, __ATOMIC_RELEASE);
}

Retcode KosCondvarDeinit(KosCondvar *condvar)
{
    if (!condvar)
        return rcInvalidArgument;
    return __atomic_load_n(&condvar->waiters, __ATOMIC_ACQUIRE) ? rcBusy : rcOk;
}

static Retcode wait_until(KosCondvar *cv, KosMutex *m, uint64_t deadline)
{
    if (!cv || !m || __atomic_load_n(&m->owner, __ATOMIC_RELAXED) != KosThreadCurrentId())
        return rcInvalidArgument;
    uint32_t depth = m->count;                 /* a recursive mutex is released fully */
    __atomic_fetch_add(&cv->waiters, 1, __ATOMIC_SEQ_CST);
    uint32_t seq = __atomic_load_n(&cv->seq, __ATOMIC_SEQ_CST);
    m->count = 1;
    KosMutexUnlock(m);
    Retcode rc = kos_futex_wait(&cv->seq, seq, deadline);
    __atomic_fetch_sub(&cv->waiters, 1, __ATOMIC_SEQ_CST);
    Retcode lrc;
    while ((lrc = kos_mutex_lock_until(m, KOS_NO_DEADLINE, 0)) != rcOk)
        ;                                      /* only fails on kernel errors: retry */
    m->count = depth;
    return rc;
}

Retcode KosCondvarWait(KosCondvar *condvar, KosMutex *mutex)
{
    return wait_until(condvar, mutex, KOS_NO_DEADLINE);
}

Retcode KosCondvarWaitTimeout(KosCondvar *condvar, KosMutex *mutex, rtl_uint32_t mdelay)
{
    return wait_until(condvar, mutex, kos_deadline_ms(mdelay));
}

static Retcode wake(KosCondvar *cv, uint32_t count)
{
    if (!cv)
        return rcInvalidArgument;
    __atomic_fetch_add(&cv->seq, 1, __ATOMIC_SEQ_CST);
    if (__atomic_load_n(&cv->waiters, __ATOMIC_SEQ_CST))
        kos_futex_wake(&cv->seq, count);
    return rcOk;
}

Retcode KosCondvarSignal(KosCondvar *condvar)
{
    return wake(condvar, 1);
}

Retcode KosCondvarBroadcast(KosCondvar *condvar)
{
    return wake(condvar, KOS_WAKE_ALL);
}
