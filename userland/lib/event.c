/* KosEvent: a 0/1 futex word; an auto-resetting wait takes the 1 with a CAS. */
#include <kos/event.h>
#include "sync_internal.h"

void KosEventInit(KosEvent *event)
{
    if (!event)
        return;
    __atomic_store_n(&event->state, 0, __ATOMIC_RELAXED);
    __atomic_store_n(&event->waiters, 0, __ATOMIC_RELEASE);
}

Retcode KosEventDeinit(KosEvent *event)
{
    if (!event)
        return rcInvalidArgument;
    return __atomic_load_n(&event->waiters, __ATOMIC_ACQUIRE) ? rcBusy : rcOk;
}

void KosEventSet(KosEvent *event)
{
    if (!event)
        return;
    __atomic_store_n(&event->state, 1, __ATOMIC_SEQ_CST);
    if (__atomic_load_n(&event->waiters, __ATOMIC_SEQ_CST))
        kos_futex_wake(&event->state, KOS_WAKE_ALL);
}

void KosEventReset(KosEvent *event)
{
    if (event)
        __atomic_store_n(&event->state, 0, __ATOMIC_SEQ_CST);
}

static Retcode wait_until(KosEvent *event, rtl_bool reset, uint64_t deadline)
{
    if (!event)
        return rcInvalidArgument;
    for (;;) {
        uint32_t one = 1;
        if (reset ? __atomic_compare_exchange_n(&event->state, &one, 0, 0, __ATOMIC_ACQUIRE,
                                                __ATOMIC_RELAXED)
                  : __atomic_load_n(&event->state, __ATOMIC_ACQUIRE) == 1)
            return rcOk;
        __atomic_fetch_add(&event->waiters, 1, __ATOMIC_SEQ_CST);
        Retcode rc = kos_futex_wait(&event->state, 0, deadline);
        __atomic_fetch_sub(&event->waiters, 1, __ATOMIC_SEQ_CST);
        if (rc != rcOk)
            return rc;                         /* rcTimeout or a kernel error */
    }
}

Retcode KosEventWait(KosEvent *event, rtl_bool reset)
{
    return wait_until(event, reset, KOS_NO_DEADLINE);
}

Retcode KosEventWaitTimeout(KosEvent *event, rtl_bool reset, rtl_uint32_t mdelay)
{
    return wait_until(event, reset, kos_deadline_ms(mdelay));
}
