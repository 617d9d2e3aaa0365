/* KosSemaphore: the count is the futex word; waiters sleep while it is 0. */
#include <kos/semaphore.h>
#include "sync_internal.h"

Retcode KosSemaphoreInit(KosSemaphore *semaphore, rtl_uint32_t count)
{
    if (!semaphore || count > KOS_SEMAPHORE_VALUE_MAX)
        return rcInvalidArgument;
    __atomic_store_n(&semaphore->count, count, __ATOMIC_RELAXED);
    __atomic_store_n(&semaphore->waiters, 0, __ATOMIC_RELEASE);
    return rcOk;
}

Retcode KosSemaphoreDeinit(KosSemaphore *semaphore)
{
    if (!semaphore)
        return rcInvalidArgument;
    return __atomic_load_n(&semaphore->waiters, __ATOMIC_ACQUIRE) ? rcBusy : rcOk;
}

Retcode KosSemaphoreSignal(KosSemaphore *semaphore)
{
    if (!semaphore)
        return rcInvalidArgument;
    uint32_t c = __atomic_load_n(&semaphore->count, __ATOMIC_RELAXED);
    do {
        if (c >= KOS_SEMAPHORE_VALUE_MAX)
            return rcBusy;
    } while (!__atomic_compare_exchange_n(&semaphore->count, &c, c + 1, 1, __ATOMIC_SEQ_CST,
                                          __ATOMIC_RELAXED));
    if (__atomic_load_n(&semaphore->waiters, __ATOMIC_SEQ_CST))
        kos_futex_wake(&semaphore->count, 1);
    return rcOk;
}

/* Takes one if the count is positive. */
static int try_take(KosSemaphore *s)
{
    uint32_t c = __atomic_load_n(&s->count, __ATOMIC_RELAXED);
    while (c > 0)
        if (__atomic_compare_exchange_n(&s->count, &c, c - 1, 1, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
            return 1;
    return 0;
}

static Retcode wait_until(KosSemaphore *s, uint64_t deadline)
{
    if (!s)
        return rcInvalidArgument;
    for (;;) {
        if (try_take(s))
            return rcOk;
        __atomic_fetch_add(&s->waiters, 1, __ATOMIC_SEQ_CST);
        Retcode rc = kos_futex_wait(&s->count, 0, deadline);
        __atomic_fetch_sub(&s->waiters, 1, __ATOMIC_SEQ_CST);
        if (rc != rcOk)
            return try_take(s) ? rcOk : rc;
    }
}

Retcode KosSemaphoreWait(KosSemaphore *semaphore)
{
    return wait_until(semaphore, KOS_NO_DEADLINE);
}

Retcode KosSemaphoreWaitTimeout(KosSemaphore *semaphore, rtl_uint32_t mdelay)
{
    return wait_until(semaphore, kos_deadline_ms(mdelay));
}

Retcode KosSemaphoreTryWait(KosSemaphore *semaphore)
{
    if (!semaphore)
        return rcInvalidArgument;
    return try_take(semaphore) ? rcOk : rcBusy;
}
