/*
 * kos/semaphore.h: counting semaphores. Timeouts in ms.
 */
#ifndef KOS_SEMAPHORE_H
#define KOS_SEMAPHORE_H

#include <kos/sync_types.h>
#include <uapi/retcode.h>

/* rcInvalidArgument if count > KOS_SEMAPHORE_VALUE_MAX. */
Retcode KosSemaphoreInit(KosSemaphore *semaphore, rtl_uint32_t count);
/* rcBusy while threads wait on it. */
Retcode KosSemaphoreDeinit(KosSemaphore *semaphore);
/* Adds one (rcBusy at KOS_SEMAPHORE_VALUE_MAX) and wakes a waiter. */
Retcode KosSemaphoreSignal(KosSemaphore *semaphore);
/* Takes one, waiting while the count is 0. */
Retcode KosSemaphoreWait(KosSemaphore *semaphore);
/* rcTimeout after mdelay ms. */
Retcode KosSemaphoreWaitTimeout(KosSemaphore *semaphore, rtl_uint32_t mdelay);
/* rcBusy when the count is 0. */
Retcode KosSemaphoreTryWait(KosSemaphore *semaphore);

#endif
