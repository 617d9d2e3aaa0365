/* Thread system calls and the futex (wait/wake on a user word, keyed by its physical address). */
#include <kernel/syscall.h>
#include <kernel/handle.h>
#include <kernel/task.h>
#include <kernel/time.h>
#include <kernel/lib.h>
#include <arch/mmu.h>

#define THREAD_RIGHTS (RIGHT_TRANSFER | RIGHT_COPY | RIGHT_THREAD_WAIT | RIGHT_THREAD_CONTROL)

Retcode sys_ThreadCreate(sysarg_t entry, sysarg_t arg, sysarg_t stack_top, sysarg_t tls,
                         sysarg_t prio, sysarg_t out)
{
    struct task *t = current_task();
    if (entry >= USER_VA_END || stack_top >= USER_VA_END || (stack_top & 15) || tls >= USER_VA_END)
        return rcInvalidArgument;
    if (prio > THREAD_PRIORITY_MAX)
        return rcInvalidArgument;
    Retcode rc;
    struct thread *th = thread_create_user(t, entry, stack_top, arg, tls, (uint32_t)prio, &rc);
    if (!th)
        return rc;
    Handle h;
    if ((rc = handle_install(&t->handles, &th->obj, THREAD_RIGHTS, NULL, &h))) {
        thread_discard(th);
        return rc;
    }
    if ((rc = copy_to_user(&t->vm, out, &h, sizeof(h)))) {
        handle_close(&t->handles, h);
        thread_discard(th);
        return rc;
    }
    thread_start(th);
    return rcOk;
}

Retcode sys_ThreadExit(sysarg_t value, sysarg_t a1, sysarg_t a2, sysarg_t a3, sysarg_t a4, sysarg_t a5)
{
    thread_exit((int64_t)value);
}

Retcode sys_ThreadWait(sysarg_t h, sysarg_t out, sysarg_t timeout, sysarg_t a3, sysarg_t a4, sysarg_t a5)
{
    struct cap *c;
    if (h > 0xffffffffu)
        return rcInvalidArgument;
    Retcode rc = handle_lookup(&current_task()->handles, (Handle)h, KOBJ_THREAD, RIGHT_THREAD_WAIT, &c);
    if (rc)
        return rc;
    struct thread *th = container_of(c->obj, struct thread, obj);
    if (th == current)
        return rcInvalidThreadState;          /* waiting for oneself never ends */
    kobject_get(&th->obj);                    /* the handle may be closed while we wait */
    while (th->state != THREAD_DEAD && rc == rcOk)
        rc = thread_wait_on(&th->joiners, timeout);
    int64_t value = th->exit_value;
    kobject_put(&th->obj);
    if (rc)
        return rc;
    return out ? copy_to_user(&current_task()->vm, out, &value, sizeof(value)) : rcOk;
}

Retcode sys_ThreadYield(sysarg_t a0, sysarg_t a1, sysarg_t a2, sysarg_t a3, sysarg_t a4, sysarg_t a5)
{
    SYS_UNUSED;
    sched_yield();
    return rcOk;
}

Retcode sys_ThreadSleep(sysarg_t ns, sysarg_t a1, sysarg_t a2, sysarg_t a3, sysarg_t a4, sysarg_t a5)
{
    if (ns == 0) {
        sched_yield();
        return rcOk;
    }
    Retcode rc = thread_wait_on(NULL, ns);
    return rc == rcTimeout ? rcOk : rc;
}

Retcode sys_ThreadCurrentId(sysarg_t out, sysarg_t a1, sysarg_t a2, sysarg_t a3, sysarg_t a4, sysarg_t a5)
{
    return copy_to_user(&current_task()->vm, out, &current->tid, sizeof(current->tid));
}

Retcode sys_ThreadSetPriority(sysarg_t h, sysarg_t prio, sysarg_t a2, sysarg_t a3, sysarg_t a4, sysarg_t a5)
{
    if (prio > THREAD_PRIORITY_MAX || h > 0xffffffffu)
        return rcInvalidArgument;
    struct thread *th = current;
    if (h) {
        struct cap *c;
        Retcode rc = handle_lookup(&current_task()->handles, (Handle)h, KOBJ_THREAD,
                                   RIGHT_THREAD_CONTROL, &c);
        if (rc)
            return rc;
        th = container_of(c->obj, struct thread, obj);
        if (th->state == THREAD_RUNNABLE)
            return rcBusy;                    /* queued at its old priority: retry later */
    }
    th->priority = (uint32_t)prio;
    need_resched = true;
    return rcOk;
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
    rc = thread_wait_on(futex_queue(key), timeout);
    current->wait_key = 0;
    return rc;
}

Retcode sys_FutexWake(sysarg_t addr, sysarg_t count, sysarg_t out, sysarg_t a3, sysarg_t a4, sysarg_t a5)
{
    uint64_t key;
    if (addr & 3)
        return rcInvalidArgument;
    Retcode rc = vm_user_phys(&current_task()->vm, addr, false, &key);
    if (rc)
        return rc;
    struct wait_queue *wq = futex_queue(key);
    uint32_t woken = 0;
    struct list_node *pos, *tmp;
    list_for_each_safe(pos, tmp, &wq->waiters) {
        if (count && woken >= count)
            break;
        struct thread *t = list_entry(pos, struct thread, run_link);
        if (t->wait_key == key) {
            thread_wake(t, rcOk);
            woken++;
        }
    }
    return out ? copy_to_user(&current_task()->vm, out, &woken, sizeof(woken)) : rcOk;
}
