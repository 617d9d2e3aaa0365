/*
 * kos/mutex.h: mutual exclusion between threads of one process. Lock and
 * unlock never enter the kernel unless another thread waits. Timeouts in ms.
 */
#ifndef KOS_MUTEX_H
#define KOS_MUTEX_H

#include <kos/sync_types.h>
#include <uapi/retcode.h>

void KosMutexInit(KosMutex *mutex);
/* recursive != 0: the holder may lock it again (and must unlock as often). */
void KosMutexInitEx(KosMutex *mutex, int recursive);
/* rcBusy if threads still hold or wait for it. */
Retcode KosMutexDeinit(KosMutex *mutex);
/* rcInvalidArgument if the caller already holds a non-recursive mutex (it
 * would deadlock). */
Retcode KosMutexLock(KosMutex *mutex);
/* rcBusy when another thread holds it. */
Retcode KosMutexTryLock(KosMutex *mutex);
/* rcTimeout when not acquired within mdelay ms. */
Retcode KosMutexLockTimeout(KosMutex *mutex, rtl_uint32_t mdelay);
/* rcInvalidArgument if the caller does not hold it. */
Retcode KosMutexUnlock(KosMutex *mutex);

#endif
