/*
 * kos/rwlock.h: read-write locks: many readers or one writer; a waiting
 * writer holds back new readers (no writer starvation).
 */
#ifndef KOS_RWLOCK_H
#define KOS_RWLOCK_H

#include <kos/sync_types.h>
#include <uapi/retcode.h>

void KosRWLockInit(KosRWLock *rwlock);
/* rcBusy while held or waited for. */
Retcode KosRWLockDeinit(KosRWLock *rwlock);
Retcode KosRWLockRead(KosRWLock *rwlock);
Retcode KosRWLockWrite(KosRWLock *rwlock);
/* rcBusy instead of waiting. */
Retcode KosRWLockTryRead(KosRWLock *rwlock);
Retcode KosRWLockTryWrite(KosRWLock *rwlock);
/* Releases the caller's read or write hold (rcInvalidArgument if none). */
Retcode KosRWLockUnlock(KosRWLock *rwlock);

#endif
