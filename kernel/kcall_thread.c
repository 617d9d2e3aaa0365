/* Kernel endpoint kl.core.Thread: create, wait, terminate, priority, id, sleep. */
#include <kernel/kcall.h>
#include <kernel/handle.h>
#include <kernel/lib.h>
#include <kernel/task.h>
#include <arch/mmu.h>
#include <uapi/syscall.h>

#define THREAD_RIGHTS (RIGHT_TRANSFER | RIGHT_COPY | RIGHT_THREAD_WAIT | RIGHT_THREAD_CONTROL)

static Retcode op_create(void *ctx, uint64_t entry, uint64_t arg, uint64_t stack_top, uint64_t tls,
                         uint32_t prio, uint32_t *out)
{
    (void)ctx;
    struct task *t = current_task();
    if (entry >= USER_VA_END || stack_top >= USER_VA_END || (stack_top & 15) || tls >= USER_VA_END ||
        prio > THREAD_PRIORITY_MAX)
        return rcInvalidArgument;
    Retcode rc;
    struct thread *th = thread_create_user(t, entry, stack_top, arg, tls, prio, &rc);
    if (!th)
        return rc;
    if ((rc = handle_install(&t->handles, &th->obj, THREAD_RIGHTS, NULL, out))) {
        thread_discard(th);
        return rc;
    }
    thread_start(th);
    return rcOk;
}

static Retcode thread_of(uint32_t h, uint32_t right, struct thread **out)
{
    struct cap *c;
    Retcode rc = handle_lookup(&current_task()->handles, h, KOBJ_THREAD, right, &c);
    if (rc == rcOk)
        *out = container_of(c->obj, struct thread, obj);
    return rc;
}

static Retcode op_wait(void *ctx, uint32_t h, uint64_t timeout, int64_t *value)
{
    (void)ctx;
    struct thread *th;
    Retcode rc = thread_of(h, RIGHT_THREAD_WAIT, &th);
    if (rc)
        return rc;
    if (th == current)
        return rcInvalidThreadState;          /* waiting for oneself never ends */
    thread_hold(&th->obj);                    /* the handle may be closed while we wait */
    while (!thread_is_dead(th) && rc == rcOk)
        rc = thread_wait_on(&th->joiners, timeout);
    *value = th->exit_value;
    thread_unhold();
    return rc;
}

static Retcode op_set_priority(void *ctx, uint32_t h, uint32_t prio)
{
    (void)ctx;
    struct thread *th = current;
    if (prio > THREAD_PRIORITY_MAX)
        return rcInvalidArgument;
    if (h) {
        Retcode rc = thread_of(h, RIGHT_THREAD_CONTROL, &th);
        if (rc)
            return rc;
        if (thread_is_runnable(th))
            return rcBusy;                    /* queued at its old priority: retry later */
    }
    th->priority = prio;
    need_resched = true;
    return rcOk;
}

static Retcode op_set_affinity(void *ctx, uint32_t h, uint32_t mask, uint32_t *online)
{
    (void)ctx;
    struct thread *th = current;
    if (h) {
        Retcode rc = thread_of(h, RIGHT_THREAD_CONTROL, &th);
        if (rc)
            return rc;
        if (thread_is_dead(th))
            return rcInvalidThreadState;
    }
    *online = smp_online_mask;
    if (!mask)
        return rcOk;                          /* a query of the cores online */
    return thread_set_affinity(th, mask);     /* the caller moves on its way back to user mode */
}

static Retcode op_current_id(void *ctx, uint64_t *tid)
{
    (void)ctx;
    *tid = current->tid;
    return rcOk;
}

static Retcode op_sleep(void *ctx, uint64_t ns)
{
    (void)ctx;
    if (ns == 0) {
        sched_yield();
        return rcOk;
    }
    Retcode rc = thread_wait_on(NULL, ns);
    return rc == rcTimeout ? rcOk : rc;
}

/* Another thread of the caller's task: killed as task exit kills threads (IPC ends
 * and held objects released, joiners woken). The caller itself exits with ThreadExit:
 * user space has cleanup to do first. */
static Retcode op_terminate(void *ctx, uint32_t h, int64_t value)
{
    (void)ctx;
    struct thread *th;
    Retcode rc = thread_of(h, RIGHT_THREAD_CONTROL, &th);
    if (rc)
        return rc;
    if (th == current || th->task != current_task())
        return rcInvalidArgument;             /* a handle that came from another task */
    if (thread_is_new(th) || thread_is_dead(th))
        return rcInvalidThreadState;
    thread_kill(th);                          /* the handle keeps th itself alive */
    th->exit_value = value;                   /* before any joiner runs */
    return rcOk;
}

const struct kl_core_Thread_ops kcall_thread_ops = {
    .Create = op_create, .Wait = op_wait, .SetPriority = op_set_priority,
    .SetAffinity = op_set_affinity,
    .CurrentId = op_current_id, .Sleep = op_sleep, .Terminate = op_terminate,
};
