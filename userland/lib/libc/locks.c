/*
 * picolibc's retargetable locks (_RETARGETABLE_LOCKING) on KosMutex: malloc,
 * atexit and every stdio stream lock through these. Must define every
 * __retarget_lock_* and the static lock, else libc.a's single-threaded
 * dummies would be linked (the link then fails with duplicates, loudly).
 */
#include <stdlib.h>
#include "libc_internal.h"

struct __lock __lock___libc_recursive_mutex = KOS_LOCK_STATIC_INITIALIZER(1);

static void init(_LOCK_T *lock, int recursive)
{
    struct __lock *l = malloc(sizeof(*l));
    if (l) {
        KosMutexInitEx(&l->mutex, recursive);
        l->is_static = 0;
    }
    *lock = l;                            /* NULL: the stream runs unlocked */
}

static void close_lock(_LOCK_T lock)
{
    if (lock && !lock->is_static)
        free(lock);
}

/* Recursive too: picolibc creates plain locks only for streams (fdopen), and
 * stdio_atomic.c takes a stream's lock around a call that takes it again. */
void __retarget_lock_init(_LOCK_T *lock) { init(lock, 1); }
void __retarget_lock_init_recursive(_LOCK_T *lock) { init(lock, 1); }
void __retarget_lock_close(_LOCK_T lock) { close_lock(lock); }
void __retarget_lock_close_recursive(_LOCK_T lock) { close_lock(lock); }

void __retarget_lock_acquire(_LOCK_T lock)
{
    if (lock)
        (void)KosMutexLock(&lock->mutex);
}

void __retarget_lock_acquire_recursive(_LOCK_T lock)
{
    if (lock)
        (void)KosMutexLock(&lock->mutex);
}

/* Nonzero when acquired (as newlib's single-threaded dummy, which always succeeds). */
int __retarget_lock_try_acquire(_LOCK_T lock)
{
    return lock ? KosMutexTryLock(&lock->mutex) == rcOk : 1;
}

int __retarget_lock_try_acquire_recursive(_LOCK_T lock)
{
    return __retarget_lock_try_acquire(lock);
}

void __retarget_lock_release(_LOCK_T lock)
{
    if (lock)
        (void)KosMutexUnlock(&lock->mutex);
}

void __retarget_lock_release_recursive(_LOCK_T lock)
{
    if (lock)
        (void)KosMutexUnlock(&lock->mutex);
}
