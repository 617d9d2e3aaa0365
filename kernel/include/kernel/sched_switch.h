/*
 * The IPC switch inline (issue 19): thread_wait_switch's usual case, for
 * callers that already hold this core's struct cpu and the running thread
 * (the register fast path, kernel/ipc_fastpath.c), so that the switch costs
 * neither a call nor reading them again. A header of its own because it needs
 * the task's address space (kernel/task.h, kernel/vm_activate.h), which
 * sched.h's users must not all pull in. kernel/sched.c owns the rest.
 */
#ifndef KERNEL_SCHED_SWITCH_H
#define KERNEL_SCHED_SWITCH_H

#include <kernel/sched.h>
#include <kernel/task.h>
#include <kernel/vm_activate.h>

/* An exited thread whose stack the next switch frees (sched.c): the inline
 * switch leaves it to the general one, which reaps it. */
extern struct thread *sched_zombie;

/*
 * thread_wait_switch(wq, next, INFINITE_TIMEOUT) by the running thread t of
 * core c (t == c->cur): no timeout, `next` may run on this core and no exited
 * thread waits to be reaped, else thread_wait_switch_slow does it all. No call
 * before the switch and none after it: the switch is a tail call that
 * returns this thread's wake code when it resumes (arch_context_switch_wait).
 * No wake_rc = rcOk: whatever resumes a thread from this wait sets it
 * (thread_release, thread_wake). No slice refill: a thread that blocked was
 * running, and a running thread's slice is never 0 outside an interrupt's
 * exit, which schedules before anything can block.
 */
static inline __attribute__((always_inline)) Retcode
thread_wait_switch_from(struct cpu *c, struct thread *t, struct wait_queue *wq, struct thread *next)
{
    DEBUG_ASSERT(c == this_cpu() && t == c->cur);
    if (__builtin_expect(sched_zombie != NULL || !((next->affinity >> c->id) & 1), 0))
        return thread_wait_switch_slow(wq, next, INFINITE_TIMEOUT);
    DEBUG_ASSERT(!list_linked(&t->run_link) && next != t && thread_is_off_queues(next) &&
                 next->state != THREAD_DEAD && next->slice != 0);
    t->state = THREAD_BLOCKED;
    if (wq)
        list_add_tail(&wq->waiters, &t->run_link);
    next->state = THREAD_RUNNING;
    if (next->task != t->task)
        vm_activate_on(c, &next->task->vm);
    next->cpu = c;
    c->cur = next;
    return arch_context_switch_wait(&t->ctx, &next->ctx, c);
}

#endif
