/*
 * Threads and the scheduler: 32 priorities (KasperskyOS's 0..31, higher
 * runs first), round-robin within a priority with a time slice, preemption
 * on return to user mode. The kernel itself is never preempted: it runs
 * with interrupts masked (single core), which is its only lock.
 */
#ifndef KERNEL_SCHED_H
#define KERNEL_SCHED_H

#include <stdint.h>
#include <stdbool.h>
#include <arch/context.h>
#include <kernel/list.h>
#include <kernel/object.h>
#include <kernel/ipc_types.h>
#include <uapi/retcode.h>

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
    struct wait_queue *blocked_on;
    Retcode wake_rc;
    uint64_t wait_key;              /* futex key while waiting on a futex */
    int64_t exit_value;
    struct wait_queue joiners;
    struct kobject *held;           /* referenced while blocked on it: dropped if killed */
    struct ipc_thread ipc;
};

extern struct thread *current;
extern bool need_resched;

void sched_init(void);
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
void sched_yield(void);
void sched_tick(void);
/* Starts the first thread and never returns. */
__attribute__((noreturn)) void sched_run(void);

void wait_queue_init(struct wait_queue *wq);
/* Blocks the caller on wq (or only on the timer when wq is NULL) until woken or
 * until timeout_ns (INFINITE_TIMEOUT: none). Returns the waker's Retcode or rcTimeout. */
Retcode thread_wait_on(struct wait_queue *wq, uint64_t timeout_ns);
/* Blocks the caller (on nothing but the optional timeout) and runs `next`
 * at once, skipping the run queue: the IPC fast path. `next` must be off
 * every queue. Returns the caller's wake Retcode. */
Retcode thread_block_switch(struct thread *next, uint64_t timeout_ns);
/* Makes `next` (off every queue) run now; the caller stays runnable. */
void thread_switch_to(struct thread *next);
/* Keep `obj` (whose wait queue the caller is about to block on) alive while
 * blocked: thread_hold takes a reference that thread_unhold, or the thread's
 * death, drops, so a thread killed while waiting leaks nothing. */
void thread_hold(struct kobject *obj);
void thread_unhold(void);
/* Wakes one blocked thread with rc. */
void thread_wake(struct thread *t, Retcode rc);
/* Wakes up to n waiters (all when n == 0) with rc; returns how many. */
unsigned wait_queue_wake(struct wait_queue *wq, unsigned n, Retcode rc);

uint64_t thread_count(void);

#endif
