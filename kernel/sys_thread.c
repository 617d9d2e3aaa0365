/*
 * The thread calls kept as direct system calls (docs/ABI.md says why):
 * exit (no reply is possible), yield, and the futex (wait/wake on a user
 * word, keyed by its physical address) behind uncontended-fast user locks.
 */
#include <kernel/syscall.h>
#include <kernel/ipc_transfer.h>
#include <kernel/task.h>
#include <kernel/time.h>
#include <kernel/lib.h>
#include <arch/mmu.h>

Retcode sys_ThreadExit(sysarg_t value, sysarg_t a1, sysarg_t a2, sysarg_t a3, sysarg_t a4, sysarg_t a5)
{
    thread_exit((int64_t)value);
}

Retcode sys_ThreadYield(sysarg_t a0, sysarg_t a1, sysarg_t a2, sysarg_t a3, sysarg_t a4, sysarg_t a5)
{
    SYS_UNUSED;
    return sched_yield();                     /* a tail call: no frame of its own */
}

/* ---- futex ------------------------------------------------------------- */

#define FUTEX_BUCKETS 64
static struct wait_queue futex_queues[FUTEX_BUCKETS];
static bool futex_ready;

static struct wait_queue *futex_queue(uint64_t key)
{
    if (!futex_ready) {
        for (int i = 0; i < FUTEX_BUCKETS; i++)
            wait_queue_init(&futex_queues[i]);
        futex_ready = true;
    }
    return &futex_queues[(key >> 2) % FUTEX_BUCKETS];
}

Retcode sys_FutexWait(sysarg_t addr, sysarg_t expected, sysarg_t timeout, sysarg_t a3, sysarg_t a4,
                      sysarg_t a5)
{
    uint64_t key;
    uint32_t value;
    if (addr & 3)
        return rcInvalidArgument;
    Retcode rc = vm_user_phys(&current_task()->vm, addr, false, &key);
    if (rc || (rc = copy_from_user(&current_task()->vm, &value, addr, sizeof(value))))
        return rc;
    if (value != (uint32_t)expected)
        return rcFutexWouldBlock;
    current->wait_key = key;                 /* the check and the sleep are atomic: no preemption */
    current->wait_va = addr;
    rc = thread_wait_on(futex_queue(key), timeout);
    current->wait_key = 0;
    return rc;
}

/* Whether t waits on the word at physical address key, for a wake by task
 * `waker` (which maps key now): t's own task always reaches it (it maps the
 * word, maybe elsewhere: a shared buffer it mapped twice and unmapped where t
 * waits; at worst a spurious wake inside one task), another task only while
 * t's task still maps the word where t waited: once the page is unmapped, its
 * next owner must neither wake t nor learn by the count that anyone waits
 * there. Tasks sharing a buffer (an MDL) still wake each other: each maps the
 * same word. */
static bool futex_waits_on(const struct thread *t, uint64_t key, const struct task *waker)
{
    uint64_t pa;
    return t->wait_key == key &&
           (t->task == waker ||
            (vm_user_phys(&t->task->vm, t->wait_va, false, &pa) == rcOk && pa == key));
}

/* Wakes up to count (0: all) threads waiting on the word at physical key. */
static inline __attribute__((always_inline)) uint32_t futex_wake_key(uint64_t key,
                                                                     uint32_t count)
{
    struct wait_queue *wq = futex_queue(key);
    uint32_t woken = 0;
    struct thread *t = wait_queue_first(wq), *next;
    for (; t && (!count || woken < count); t = next) {
        next = wait_queue_next(wq, t);        /* before the wake takes t off the queue */
        if (futex_waits_on(t, key, current_task())) {
            thread_wake(t, rcOk);
            woken++;
        }
    }
    return woken;
}

Retcode sys_FutexWake(sysarg_t addr, sysarg_t count, sysarg_t out, sysarg_t a3, sysarg_t a4, sysarg_t a5)
{
    uint64_t key;
    if (addr & 3)
        return rcInvalidArgument;
    Retcode rc = vm_user_phys(&current_task()->vm, addr, false, &key);
    if (rc)
        return rc;
    uint32_t woken = futex_wake_key(key, (uint32_t)count);
    return out ? copy_to_user(&current_task()->vm, out, &woken, sizeof(woken)) : rcOk;
}

/* ReplyRecvRelease's word (kernel/include/kernel/ipc_transfer.h). The store
 * is a release: the kernel's reads of the reply's arena (the copy to the
 * client) are done before another core of the task can see the 0 and reuse
 * the memory. */
void futex_release_word(struct task *t, uint64_t uaddr)
{
    uint64_t key;
    if (vm_user_phys(&t->vm, uaddr, true, &key))
        return;                               /* not mapped writable now: left alone */
    __atomic_store_n((uint32_t *)phys_to_virt(key), 0, __ATOMIC_RELEASE);
    futex_wake_key(key, 0);
}
