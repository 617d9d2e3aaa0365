/*
 * Threads and the scheduler: 32 priorities (KasperskyOS's 0..31, higher
 * runs first), round-robin within a priority with a time slice, preemption
 * on return to user mode. One run queue shared by all cores under the big
 * kernel lock (kernel/smp.h); a thread runs on the cores of its affinity
 * mask. The kernel itself is never preempted: it runs with interrupts masked
 * and the BKL held.
 */
#ifndef KERNEL_SCHED_H
#define KERNEL_SCHED_H

#include <stdint.h>
#include <stdbool.h>
#include <arch/context.h>
#include <kernel/list.h>
#include <kernel/object.h>
#include <kernel/ipc_types.h>
#include <kernel/panic.h>
#include <kernel/smp.h>
#include <uapi/retcode.h>
#include <uapi/syscall.h>

#define KSTACK_PAGES 4
#define TIME_SLICE_TICKS 10

enum thread_state { THREAD_NEW, THREAD_RUNNABLE, THREAD_RUNNING, THREAD_BLOCKED, THREAD_DEAD };

struct task;

/* Threads block on wait queues; a wake carries a Retcode back to the sleeper. */
struct wait_queue {
    struct list_node waiters;
};

struct thread {
    struct kobject obj;
    struct arch_context ctx;
    struct task *task;              /* NULL for the idle thread */
    uint64_t tid;
    enum thread_state state;
    uint32_t priority;
    uint32_t slice;
    void *kstack;
    struct trap_frame *frame;       /* user registers on syscall/exception entry */
    struct list_node run_link;      /* run queue, or a wait queue while blocked */
    struct list_node task_link;
    struct list_node timer_link;    /* sleepers sorted by deadline */
    uint64_t deadline;              /* tick at which a timed wait expires */
    Retcode wake_rc;                /* what the sleeper's wait returns */
    uint64_t wait_key;              /* futex key while waiting on a futex */
    uint64_t wait_va;               /* ... and the user address it waits at */
    int64_t exit_value;
    struct wait_queue joiners;
    struct kobject *held;           /* referenced while blocked on it: dropped if killed */
    uint32_t affinity;              /* cores it may run on: bit n = struct cpu id n */
    struct cpu *cpu;                /* the core it runs or last ran on */
    struct ipc_thread ipc;
};

/* This core's running thread and its "reschedule before user mode" flag. */
#define current (this_cpu()->cur)
#define need_resched (this_cpu()->resched)

#define AFFINITY_ALL 0xffffffffu

void sched_init(void);
/* A secondary core's idle thread (before it starts); returns the top of its
 * stack, on which the core enters the kernel, or NULL. */
void *sched_init_cpu(struct cpu *c);
/* A secondary core, holding the BKL, becomes its idle thread for good. */
__attribute__((noreturn)) void sched_idle_enter(void);
/* The current thread was killed by another core while it ran here: it ends
 * now (called on kernel entry, with the BKL). */
__attribute__((noreturn)) void thread_die_killed(void);
/* Restricts t to the cores of `mask` (within the cores online); rcInvalidArgument
 * if none of them is online. Takes effect at its next schedule. */
Retcode thread_set_affinity(struct thread *t, uint32_t mask);
struct thread *thread_create_user(struct task *task, uint64_t entry, uint64_t sp, uint64_t arg,
                                  uint64_t tls, uint32_t priority, Retcode *rc);
void thread_start(struct thread *t);
/* Frees a thread that was created but never started. */
void thread_discard(struct thread *t);
/* Ends the calling thread; the task ends with its last thread. */
__attribute__((noreturn)) void thread_exit(int64_t value);
/* Ends another thread of any task (task exit, kill). Never the caller. */
void thread_kill(struct thread *t);

void schedule(void);
/* Returns rcOk, so that sys_ThreadYield is one tail call (null_syscall). */
Retcode sched_yield(void);
void sched_tick(void);
/* Starts the first thread and never returns. */
__attribute__((noreturn)) void sched_run(void);

void wait_queue_init(struct wait_queue *wq);
/* Blocks the caller on wq (or only on the timer when wq is NULL) until woken or
 * until timeout_ns (INFINITE_TIMEOUT: none). Returns the waker's Retcode or rcTimeout. */
Retcode thread_wait_on(struct wait_queue *wq, uint64_t timeout_ns);
/* Its instances (sched.c): any arguments; a queue and no timeout; neither;
 * and the general way that they (and sched_switch.h's inline) leave to. */
Retcode thread_wait_switch_any(struct wait_queue *wq, struct thread *next, uint64_t timeout_ns);
Retcode thread_wait_switch_slow(struct wait_queue *wq, struct thread *next, uint64_t timeout_ns);
Retcode thread_wait_switch_on(struct wait_queue *wq, struct thread *next);
Retcode thread_wait_switch_alone(struct thread *next);
/* Blocks the caller like thread_wait_on (wq may be NULL: the timeout only) but
 * runs `next` at once, skipping the run queue: the IPC fast path. `next` must
 * be off every queue (thread_release). Returns the caller's wake Retcode.
 * Inline only to pick the instance: a constant infinite timeout (and queue)
 * are not passed. */
static inline Retcode thread_wait_switch(struct wait_queue *wq, struct thread *next,
                                         uint64_t timeout_ns)
{
    if (__builtin_constant_p(timeout_ns) && timeout_ns == INFINITE_TIMEOUT)
        return wq ? thread_wait_switch_on(wq, next) : thread_wait_switch_alone(next);
    return thread_wait_switch_any(wq, next, timeout_ns);
}
/* Makes `next` (off every queue) run now; the caller stays runnable. */
void thread_hand_over(struct thread *next);
/* Keep `obj` (whose wait queue the caller is about to block on) alive while
 * blocked: thread_hold takes a reference that thread_unhold, or the thread's
 * death, drops, so a thread killed while waiting leaks nothing. */
void thread_hold(struct kobject *obj);
void thread_unhold(void);
/* Wakes one blocked thread with rc. */
void thread_wake(struct thread *t, Retcode rc);
/* Wakes up to n waiters (all when n == 0) with rc; returns how many. */
unsigned wait_queue_wake(struct wait_queue *wq, unsigned n, Retcode rc);

/*
 * Accessors for the other subsystems (IPC, futex, kernel endpoints): only
 * sched.c and these touch a thread's queue links, state and wake code.
 * Inline: they sit on the IPC path that `make bench` counts.
 */

/* The first thread waiting on wq (the longest waiter), or NULL. */
static inline struct thread *wait_queue_first(struct wait_queue *wq)
{
    return list_first(&wq->waiters, struct thread, run_link);
}

/* The waiter after t on wq, or NULL: t may be woken before this is used. */
static inline struct thread *wait_queue_next(struct wait_queue *wq, struct thread *t)
{
    struct list_node *n = t->run_link.next;
    return n == &wq->waiters ? NULL : list_entry(n, struct thread, run_link);
}

static inline bool thread_is_blocked(const struct thread *t) { return t->state == THREAD_BLOCKED; }
static inline bool thread_is_dead(const struct thread *t) { return t->state == THREAD_DEAD; }
/* Created, not started: never ran, on no queue. */
static inline bool thread_is_new(const struct thread *t) { return t->state == THREAD_NEW; }
/* On a run queue, waiting for the CPU. */
static inline bool thread_is_runnable(const struct thread *t) { return t->state == THREAD_RUNNABLE; }
/* Off every run, wait and timer queue: what may be switched to directly. */
static inline bool thread_is_off_queues(const struct thread *t)
{
    return !list_linked(&t->run_link) && !list_linked(&t->timer_link);
}

/* Takes blocked thread t off its wait queue; it stays blocked (and its
 * timeout stays armed): whoever took it wakes or releases it later. */
static inline void thread_dequeue(struct thread *t)
{
    DEBUG_ASSERT(thread_is_blocked(t));
    list_del(&t->run_link);
}

/* Disarms the timeout of blocked thread t, already off its wait queue
 * (thread_dequeue), and sets rc as what its wait will return: t is then on
 * no queue and it can be switched to (thread_wait_switch,
 * thread_hand_over) or resumed (thread_resume). */
static inline void thread_release(struct thread *t, Retcode rc)
{
    DEBUG_ASSERT(thread_is_blocked(t) && !list_linked(&t->run_link));
    /* A wait without a timeout (every IPC fast path's) leaves timer_link
     * pointing at itself: one compare instead of unlinking it from itself. */
    if (t->timer_link.next != &t->timer_link)
        list_del(&t->timer_link);
    t->wake_rc = rc;
}

/* Wakes a released thread with the code thread_release gave it. */
static inline void thread_resume(struct thread *t)
{
    thread_wake(t, t->wake_rc);
}

uint64_t thread_count(void);

#endif
