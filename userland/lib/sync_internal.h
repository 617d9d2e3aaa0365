/*
 * Internal: deadlines for the millisecond timeouts of libkos and the futex
 * wait every primitive sleeps in. A deadline is an absolute uptime in ns,
 * KOS_NO_DEADLINE for "wait forever".
 */
#ifndef LIBKOS_SYNC_INTERNAL_H
#define LIBKOS_SYNC_INTERNAL_H

#include <coresrv/syscalls.h>
#include <coresrv/time/time_api.h>
#include <kos/sync_types.h>
#include <stdint.h>

#define KOS_NO_DEADLINE UINT64_MAX

/* mdelay == KOS_INFINITE_TIMEOUT waits forever. */
static inline uint64_t kos_deadline_ms(uint32_t mdelay)
{
    if (mdelay == KOS_INFINITE_TIMEOUT)
        return KOS_NO_DEADLINE;
    return KnGetUpTimeNs() + (uint64_t)mdelay * 1000000ull;
}

/* Nanoseconds left: INFINITE_TIMEOUT without a deadline, 0 once it passed. */
static inline uint64_t kos_time_left(uint64_t deadline)
{
    if (deadline == KOS_NO_DEADLINE)
        return INFINITE_TIMEOUT;
    uint64_t now = KnGetUpTimeNs();
    return now >= deadline ? 0 : deadline - now;
}

/* Sleeps while *word == expected, until a wake or the deadline. rcOk also
 * stands for "woken, spurious or the value changed": callers recheck.
 * rcTimeout only once the deadline has passed by the user-space clock;
 * other codes are real errors. */
static inline Retcode kos_futex_wait(uint32_t *word, uint32_t expected, uint64_t deadline)
{
    uint64_t left = kos_time_left(deadline);
    if (left == 0)
        return rcTimeout;
    Retcode rc = KnFutexWait(word, expected, left);
    if (rc == rcTimeout && kos_time_left(deadline) != 0)
        rc = rcOk;                    /* the tick-based kernel timeout came early */
    return rc == rcFutexWouldBlock ? rcOk : rc;
}

static inline void kos_futex_wake(uint32_t *word, uint32_t count)
{
    (void)KnFutexWake(word, count, NULL);
}

#define KOS_WAKE_ALL 0u

/* Mutex lock/unlock with a deadline, shared with the condition variable. */
struct KosMutex;
Retcode kos_mutex_lock_until(struct KosMutex *mutex, uint64_t deadline, int try_only);

#endif
