/*
 * net_mutex's contended paths (netlock.h): sleeping on the futex word and
 * waking one sleeper.
 */
#include "netlock.h"

#include <coresrv/syscalls.h>

void net_mutex_wait(struct net_mutex *m, uint32_t seen)
{
    /* Announce a waiter (2) and sleep until the exchange finds the lock free. */
    uint32_t c = seen == 2 ? 2 : __atomic_exchange_n(&m->state, 2, __ATOMIC_ACQUIRE);
    while (c != 0) {
        (void)KnFutexWait(&m->state, 2, INFINITE_TIMEOUT);   /* any return: look again */
        c = __atomic_exchange_n(&m->state, 2, __ATOMIC_ACQUIRE);
    }
}

void net_mutex_wake(struct net_mutex *m)
{
    (void)KnFutexWake(&m->state, 1, NULL);
}
