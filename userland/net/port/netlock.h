/*
 * net_mutex: the lock behind lwIP's core lock, its heap mutex and
 * SYS_ARCH_PROTECT, and the driver's queue locks (docs/NET.md, "OS layer").
 *
 * The same futex protocol as libkos's KosMutex (state 0 free, 1 held, 2
 * held and maybe waited for; only a thread finding it held sleeps, only an
 * unlock seeing 2 wakes one), recursive, but cheaper where the TCP echo's
 * profile showed it (docs/PERFORMANCE.md, "Network"): a thread is known by
 * its TLS pointer (TPIDR_EL0, one instruction, distinct per thread: each
 * has its own TLS block) instead of a call to KosThreadCurrentId, and the
 * uncontended paths are inline. lwIP takes such locks some fifty times per
 * frame.
 */
#ifndef KOS_NET_NETLOCK_H
#define KOS_NET_NETLOCK_H

#include <stdint.h>

struct net_mutex {
    uint32_t state;
    uint32_t depth;          /* touched by the holder only */
    uintptr_t owner;         /* the holder's TLS pointer, 0 when free */
};

#define NET_MUTEX_INITIALIZER { 0, 0, 0 }

static inline uintptr_t net_self(void)
{
    uintptr_t t;
    __asm__("mrs %0, tpidr_el0" : "=r"(t));
    return t;
}

void net_mutex_wait(struct net_mutex *m, uint32_t seen);   /* netlock.c: the contended path */
void net_mutex_wake(struct net_mutex *m);

static inline void net_mutex_lock(struct net_mutex *m)
{
    uintptr_t me = net_self();
    if (__atomic_load_n(&m->owner, __ATOMIC_RELAXED) == me) {
        m->depth++;
        return;
    }
    uint32_t c = 0;
    if (!__atomic_compare_exchange_n(&m->state, &c, 1, 0, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
        net_mutex_wait(m, c);
    __atomic_store_n(&m->owner, me, __ATOMIC_RELAXED);
    m->depth = 1;
}

static inline void net_mutex_unlock(struct net_mutex *m)
{
    if (--m->depth > 0)
        return;
    __atomic_store_n(&m->owner, 0, __ATOMIC_RELAXED);
    if (__atomic_exchange_n(&m->state, 0, __ATOMIC_RELEASE) == 2)
        net_mutex_wake(m);
}

/* Whether the calling thread holds m. */
static inline int net_mutex_held(const struct net_mutex *m)
{
    return __atomic_load_n(&m->owner, __ATOMIC_RELAXED) == net_self();
}

#endif
