/* KosRWLock: a mutex-protected reader count and writer flag; a waiting
 * writer blocks new readers so writers are not starved. */
#include <kos/condvar.h>
#include <kos/mutex.h>
#include <kos/rwlock.h>

void KosRWLockInit(KosRWLock *rwlock)
{
    if (!rwlock)
        return;
    KosMutexInit(&rwlock->lock);
    KosCondvarInit(&rwlock->readersCv);
    KosCondvarInit(&rwlock->writersCv);
    rwlock->readers = rwlock->writer = rwlock->writersWaiting = 0;
}

Retcode KosRWLockDeinit(KosRWLock *rwlock)
{
    if (!rwlock)
        return rcInvalidArgument;
    KosMutexLock(&rwlock->lock);
    int busy = rwlock->readers || rwlock->writer || rwlock->writersWaiting;
    KosMutexUnlock(&rwlock->lock);
    return busy ? rcBusy : rcOk;
}

static Retcode read_lock(KosRWLock *rw, int try_only)
{
    if (!rw)
        return rcInvalidArgument;
    KosMutexLock(&rw->lock);
    while (rw->writer || rw->writersWaiting) {
        if (try_only) {
            KosMutexUnlock(&rw->lock);
            return rcBusy;
        }
        KosCondvarWait(&rw->readersCv, &rw->lock);
    }
    rw->readers++;
    KosMutexUnlock(&rw->lock);
    return rcOk;
}

static Retcode write_lock(KosRWLock *rw, int try_only)
{
    if (!rw)
        return rcInvalidArgument;
    KosMutexLock(&rw->lock);
    if (try_only && (rw->writer || rw->readers)) {
        KosMutexUnlock(&rw->lock);
        return rcBusy;
    }
    rw->writersWaiting++;
    while (rw->writer || rw->readers)
        KosCondvarWait(&rw->writersCv, &rw->lock);
    rw->writersWaiting--;
    rw->writer = 1;
    KosMutexUnlock(&rw->lock);
    return rcOk;
}

Retcode KosRWLockRead(KosRWLock *rwlock) { return read_lock(rwlock, 0); }
Retcode KosRWLockTryRead(KosRWLock *rwlock) { return read_lock(rwlock, 1); }
Retcode KosRWLockWrite(KosRWLock *rwlock) { return write_lock(rwlock, 0); }
Retcode KosRWLockTryWrite(KosRWLock *rwlock) { return write_lock(rwlock, 1); }

Retcode KosRWLockUnlock(KosRWLock *rwlock)
{
    if (!rwlock)
        return rcInvalidArgument;
    KosMutexLock(&rwlock->lock);
    if (rwlock->writer)
        rwlock->writer = 0;
    else if (rwlock->readers)
        rwlock->readers--;
    else {
        KosMutexUnlock(&rwlock->lock);
        return rcInvalidArgument;
    }
    if (rwlock->writersWaiting) {
        if (rwlock->readers == 0)
            KosCondvarSignal(&rwlock->writersCv);
    } else {
        KosCondvarBroadcast(&rwlock->readersCv);
    }
    KosMutexUnlock(&rwlock->lock);
    return rcOk;
}
