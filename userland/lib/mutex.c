/*
 * KosMutex: a futex mutex with three states (0 free, 1 locked, 2 locked and
 * maybe waited for). Lock and unlock are one atomic each while nobody waits;
 * only a thread that finds it held sleeps in the kernel, and only an unlock
 * that sees state 2 wakes one. Owner and depth are only touched by the holder.
 */
#include <kos/mutex.h>
#include <kos/thread.h>
#include "sync_internal.h"

void KosMutexInit(KosMutex *mutex)
{
    KosMutexInitEx(mutex, 0);
}

void KosMutexInitEx(KosMutex *mutex, int recursive)
{
    if (!mutex)
        return;
    __atomic_store_n(&mutex->state, 0, __ATOMIC_RELAXED);
    mutex->recursive = recursive != 0;
    __atomic_store_n(&mutex->owner, 0, __ATOMIC_RELAXED);
    mutex->count = 0;
    __atomic_thread_fence(__ATOMIC_RELEASE);
}

Retcode KosMutexDeinit(KosMutex *mutex)
{
    if (!mutex)
        return rcInvalidArgument;
    return __atomic_load_n(&mutex->state, __ATOMIC_ACQUIRE) ? rcBusy : rcOk;
}

Retcode kos_mutex_lock_until(KosMutex *mutex, uint64_t deadline, int try_only)
{
    if (!mutex)
        return rcInvalidArgument;
    Tid self = KosThreadCurrentId();
    if (__atomic_load_n(&mutex->owner, __ATOMIC_RELAXED) == self) {
        if (!mutex->recursive)
            return try_only ? rcBusy : rcInvalidArgument;   /* would deadlock */
        mutex->count++;
        return rcOk;
    }
    uint32_t c = 0;
    if (!__atomic_compare_exchange_n(&mutex->state, &c, 1, 0, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED)) {
        if (try_only)
            return rcBusy;
        /* Announce a waiter (state 2) and sleep until the exchange finds it free. */
        if (c != 2)
            c = __atomic_exchange_n(&mutex->state, 2, __ATOMIC_ACQUIRE);
        while (c != 0) {
            Retcode rc = kos_futex_wait(&mutex->state, 2, deadline);
            if (rc != rcOk && rc != rcTimeout)
                return rc;
            c = __atomic_exchange_n(&mutex->state, 2, __ATOMIC_ACQUIRE);
            if (c != 0 && rc == rcTimeout)
                return rcTimeout;
        }
    }
    __atomic_store_n(&mutex->owner, self, __ATOMIC_RELAXED);
    mutex->count = 1;
    return rcOk;
}

Retcode KosMutexLock(KosMutex *mutex)
{
    return kos_mutex_lock_until(mutex, KOS_NO_DEADLINE, 0);
}

Retcode KosMutexTryLock(KosMutex *mutex)
{
    return kos_mutex_lock_until(mutex, KOS_NO_DEADLINE, 1);
}

Retcode KosMutexLockTimeout(KosMutex *mutex, rtl_uint32_t mdelay)
{
    return kos_mutex_lock_until(mutex, kos_deadline_ms(mdelay), 0);
}

Retcode KosMutexUnlock(KosMutex *mutex)
{
    if (!mutex || __atomic_load_n(&mutex->owner, __ATOMIC_RELAXED) != KosThreadCurrentId())
        return rcInvalidArgument;
    if (--mutex->count > 0)
        return rcOk;                                  /* recursive: still held */
    __atomic_store_n(&mutex->owner, 0, __ATOMIC_RELAXED);
    if (__atomic_exchange_n(&mutex->state, 0, __ATOMIC_RELEASE) == 2)
        kos_futex_wake(&mutex->state, 1);
    return rcOk;
}
