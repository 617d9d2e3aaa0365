/*
 * kos/condvar.h: condition variables used with a KosMutex. Wake-ups may be
 * spurious: wait in a loop that rechecks the condition. Timeouts in ms.
 */
#ifndef KOS_CONDVAR_H
#define KOS_CONDVAR_H

#include <kos/sync_types.h>
#include <uapi/retcode.h>

void KosCondvarInit(KosCondvar *condvar);
/* rcBusy while threads wait on it. */
Retcode KosCondvarDeinit(KosCondvar *condvar);
/* Unlocks mutex, waits for a signal, locks mutex again (also on failure). */
Retcode KosCondvarWait(KosCondvar *condvar, KosMutex *mutex);
/* The same; rcTimeout when no signal came within mdelay ms. */
Retcode KosCondvarWaitTimeout(KosCondvar *condvar, KosMutex *mutex, rtl_uint32_t mdelay);
/* Wakes one waiter / every waiter. */
Retcode KosCondvarSignal(KosCondvar *condvar);
Retcode KosCondvarBroadcast(KosCondvar *condvar);

#endif
