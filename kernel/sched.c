/*
 * Threads, the run queue, blocking and timeouts, on every core. Everything
 * here runs under the big kernel lock (kernel/smp.h) with interrupts masked,
 * so no finer locks: every function runs to completion. One run queue is
 * shared by all cores (docs/ARCHITECTURE.md says why); a thread made
 * runnable goes to an idle core, or preempts the core running the lowest
 * priority below its own, through a reschedule IPI.
 */
#include <kernel/sched.h>
#include <kernel/sched_switch.h>
#include <kernel/lib.h>
#include <kernel/panic.h>
#include <kernel/pmm.h>
#include <kernel/printk.h>
#include <kernel/slab.h>
#include <kernel/task.h>
#include <kernel/vm_activate.h>
#include <kernel/time.h>
#include <kernel/ipc.h>
#include <kernel/notice.h>
#include <arch/mmu.h>
#include <uapi/syscall.h>

static struct list_node runq[THREAD_PRIORITY_MAX + 1];
static uint32_t runq_bitmap;
static struct list_node sleepers = LIST_INIT(sleepers);
static struct thread idle_threads[SMP_MAX_CPUS];
#define idle_thread (idle_threads[0])
struct thread *sched_zombie;         /* exited thread whose stack is freed after the switch */
static uint64_t next_tid = 1;
static uint64_t nthreads;

static void runq_add(struct thread *t)
{
    DEBUG_ASSERT(!list_linked(&t->run_link) && t->state == THREAD_RUNNABLE);
    list_add_tail(&runq[t->priority], &t->run_link);
    runq_bitmap |= 1u << t->priority;
}

static void runq_remove(struct thread *t)
{
    list_del(&t->run_link);
    if (list_empty(&runq[t->priority]))
        runq_bitmap &= ~(1u << t->priority);
}

/* The highest-priority thread that may run on core `c`, or NULL. */
static struct thread *runq_peek_slow(const struct cpu *c)
{
    uint32_t bits = runq_bitmap, me = 1u << c->id;
    while (bits) {
        unsigned prio = 31 - (unsigned)__builtin_clz(bits);
        for (struct list_node *pos = runq[prio].next; pos != &runq[prio]; pos = pos->next) {
            struct thread *t = list_entry(pos, struct thread, run_link);
            if (t->affinity & me)
                return t;
        }
        bits &= ~(1u << prio);
    }
    return NULL;
}

/* Inline fast path (yield and preemption count it): the head of the top
 * priority's list, unless its affinity excludes this core. */
static inline struct thread *runq_peek(const struct cpu *c)
{
    if (!runq_bitmap)
        return NULL;
    unsigned prio = 31 - (unsigned)__builtin_clz(runq_bitmap);
    struct thread *t = list_entry(runq[prio].next, struct thread, run_link);
    return (t->affinity >> c->id) & 1 ? t : runq_peek_slow(c);
}

static struct thread *runq_pop(const struct cpu *c)
{
    struct thread *t = runq_peek(c);
    if (t)
        runq_remove(t);
    return t;
}

static bool cpu_idle(const struct cpu *c) { return c->cur == c->idle; }

/* Asks core c to reschedule: its flag, and an IPI when it is another core. */
static void resched_cpu(struct cpu *c)
{
    c->resched = true;
    smp_send_resched(c->id);
}

/*
 * Runnable thread t (queued) should run soon: an idle core of its affinity
 * (this one first) takes it; else the core running the lowest priority below
 * t's is preempted. One core: the old rule, preempt if t ranks higher.
 */
static void kick(struct thread *t)
{
    struct cpu *me = this_cpu();
    if (smp_ncpus == 1) {
        if (t->priority > me->cur->priority || cpu_idle(me))
            me->resched = true;
        return;
    }
    if ((t->affinity & (1u << me->id)) && cpu_idle(me)) {
        me->resched = true;
        return;
    }
    struct cpu *victim = NULL;
    for (unsigned i = 0; i < smp_ncpus; i++) {
        struct cpu *c = &cpus[i];
        if (!(t->affinity & (1u << i)))
            continue;
        if (cpu_idle(c)) {
            if (!c->resched) {     /* not already woken for another thread */
                resched_cpu(c);
                return;
            }
            continue;
        }
        if (c->cur->priority < t->priority &&
            (!victim || c->cur->priority < victim->cur->priority))
            victim = c;
    }
    if (victim)
        resched_cpu(victim);
}

static void idle_loop(void)
{
    for (;;) {
        if (runq_bitmap && runq_peek(this_cpu()))
            schedule();
        else {
            need_resched = false;       /* nothing for this core: kick() may pick it again */
            smp_idle_wait();
        }
    }
}

void sched_init(void)
{
    for (int i = 0; i <= THREAD_PRIORITY_MAX; i++)
        list_init(&runq[i]);
    paddr_t stack = pmm_alloc_pages(KSTACK_PAGES, 1);
    if (!stack)
        panic("no memory for the idle thread");
    idle_thread.kstack = phys_to_virt(stack);
    idle_thread.state = THREAD_RUNNABLE;   /* never queued: runs when nothing else can */
    arch_thread_init_kernel(&idle_thread.ctx, (char *)idle_thread.kstack + KSTACK_PAGES * PAGE_SIZE,
                            idle_loop);
    list_init(&idle_thread.run_link);
    list_init(&idle_thread.timer_link);
    idle_thread.affinity = 1;
    idle_thread.cpu = &cpus[0];
    cpus[0].idle = &idle_thread;
    current = &idle_thread;                /* until sched_run(): "the boot thread" */
}

void *sched_init_cpu(struct cpu *c)
{
    struct thread *idle = &idle_threads[c->id];
    if (!idle->kstack) {
        paddr_t stack = pmm_alloc_pages(KSTACK_PAGES, 1);
        if (!stack)
            return NULL;
        idle->kstack = phys_to_virt(stack);
    }
    idle->state = THREAD_RUNNING;          /* the core enters the kernel as its idle thread */
    idle->affinity = 1u << c->id;
    idle->cpu = c;
    list_init(&idle->run_link);
    list_init(&idle->timer_link);
    c->idle = idle;
    c->cur = idle;
    return (char *)idle->kstack + KSTACK_PAGES * PAGE_SIZE;
}

void sched_idle_enter(void)
{
    DEBUG_ASSERT(bkl_held() && current == this_cpu()->idle);
    idle_loop();
    panic("idle loop returned");
}

_Static_assert(sizeof(struct thread) <= KMALLOC_MAX, "struct thread must fit a kmalloc slot");

static void thread_destroy(struct kobject *o)
{
    struct thread *t = container_of(o, struct thread, obj);
    BUG_ON(t->state != THREAD_DEAD && t->state != THREAD_NEW);
    if (t->kstack)
        pmm_free_pages(virt_to_phys(t->kstack), KSTACK_PAGES);
    arch_context_release(&t->ctx);
    kfree(t);
}

struct thread *thread_create_user(struct task *task, uint64_t entry, uint64_t sp, uint64_t arg,
                                  uint64_t tls, uint32_t priority, Retcode *rc)
{
    if (priority > THREAD_PRIORITY_MAX) {
        *rc = rcInvalidArgument;
        return NULL;
    }
    if ((*rc = vm_charge(&task->vm, KSTACK_PAGES)))     /* the task's memory limit */
        return NULL;
    struct thread *t = kmalloc(sizeof(*t));
    paddr_t stack = t ? pmm_alloc_pages(KSTACK_PAGES, 1) : 0;
    if (!stack) {
        kfree(t);
        vm_uncharge(&task->vm, KSTACK_PAGES);
        *rc = rcOutOfMemory;
        return NULL;
    }
    kobject_init(&t->obj, KOBJ_THREAD, thread_destroy);   /* this ref: "alive" */
    t->kstack = phys_to_virt(stack);
    t->frame = arch_thread_init_user(&t->ctx, (char *)t->kstack + KSTACK_PAGES * PAGE_SIZE,
                                     entry, sp, arg, tls);
    t->task = task;
    t->tid = next_tid++;
    t->state = THREAD_NEW;
    t->priority = priority;
    t->affinity = AFFINITY_ALL;
    t->cpu = NULL;
    list_init(&t->run_link);
    list_init(&t->timer_link);
    list_init(&t->ipc.served_link);
    wait_queue_init(&t->joiners);
    list_add_tail(&task->threads, &t->task_link);
    task->nthreads++;
    nthreads++;
    *rc = rcOk;
    return t;
}

void thread_start(struct thread *t)
{
    t->state = THREAD_RUNNABLE;
    runq_add(t);
    kick(t);
}

static void reap_zombie(void)
{
    if (sched_zombie && sched_zombie != current) {
        struct thread *z = sched_zombie;
        sched_zombie = NULL;
        pmm_free_pages(virt_to_phys(z->kstack), KSTACK_PAGES);
        z->kstack = NULL;
        kobject_put(&z->obj);          /* drop the "alive" reference */
    }
}

void schedule(void)
{
    DEBUG_ASSERT(bkl_held());
    reap_zombie();
    struct cpu *c = this_cpu();
    c->resched = false;
    struct thread *prev = c->cur;
    bool requeued = false;
    if (prev->state == THREAD_RUNNING && prev != c->idle) {
        prev->state = THREAD_RUNNABLE;
        runq_add(prev);
        requeued = true;
    }
    struct thread *next = runq_pop(c);
    if (!next)
        next = c->idle;
    DEBUG_ASSERT(thread_is_off_queues(next) &&
                 (next->state == THREAD_RUNNABLE || next == c->idle));
    next->state = THREAD_RUNNING;
    if (next->slice == 0)
        next->slice = TIME_SLICE_TICKS;   /* also when it runs on: a spinner must expire again */
    if (next == prev)
        return;
    if (requeued && smp_ncpus > 1)
        kick(prev);                       /* preempted here: an idle core may take it */
    if (next->task && next->task != prev->task)
        vm_activate(&next->task->vm);
    next->cpu = c;
    c->cur = next;
    arch_context_switch(&prev->ctx, &next->ctx);
    reap_zombie();
}

/* Switches from the current thread to `next`, which must be off every queue.
 * Inlined into the IPC fast paths (thread_wait_switch, thread_hand_over). */
static inline __attribute__((always_inline)) void switch_to(struct thread *next)
{
    struct cpu *c = this_cpu();
    struct thread *prev = c->cur;
    DEBUG_ASSERT(next != prev && thread_is_off_queues(next) && next->state != THREAD_DEAD);
    next->state = THREAD_RUNNING;
    if (next->slice == 0)
        next->slice = TIME_SLICE_TICKS;
    if (next->task != prev->task)
        vm_activate(&next->task->vm);
    next->cpu = c;
    c->cur = next;
    arch_context_switch(&prev->ctx, &next->ctx);
    if (__builtin_expect(sched_zombie != NULL, 0))   /* the test inline: a call per IPC switch */
        reap_zombie();
}

/* `next` (off every queue, released) may not run on this core: queue it for
 * one of its own and let the caller's core pick what it may run. */
static bool not_here(struct thread *next)
{
    if (next->affinity & (1u << smp_cpu_id()))
        return false;
    next->state = THREAD_RUNNABLE;
    runq_add(next);
    kick(next);
    return true;
}

static void add_sleeper(struct thread *t, uint64_t timeout_ns);

/* thread_wait_switch when it cannot take the leaf (sched_switch.h). */
Retcode thread_wait_switch_slow(struct wait_queue *wq, struct thread *next, uint64_t timeout_ns)
{
    struct thread *t = current;
    DEBUG_ASSERT(!list_linked(&t->run_link));  /* the running thread is on no queue */
    t->state = THREAD_BLOCKED;
    t->wake_rc = rcOk;
    if (wq)
        list_add_tail(&wq->waiters, &t->run_link);
    if (timeout_ns != INFINITE_TIMEOUT)
        add_sleeper(t, timeout_ns);
    if (not_here(next))
        schedule();
    else
        switch_to(next);
    return t->wake_rc;
}

/*
 * The IPC switch (every round trip makes two): no timeout, `next` may run on
 * this core and no exited thread waits to be reaped. Then it is switch_to
 * with no call before the switch and none after it (thread_wait_switch_from,
 * sched_switch.h: the zombie test comes first, a zombie is reaped by the
 * next switch instead, as the general path takes this one), so the function
 * keeps no frame and no callee-saved register. Three instances (sched.h:
 * thread_wait_switch picks one), so the usual calls pass no timeout and the
 * call without a queue no queue either; the register fast path inlines it.
 */
static inline __attribute__((always_inline)) Retcode
wait_switch(struct wait_queue *wq, struct thread *next, uint64_t timeout_ns)
{
    if (__builtin_expect(timeout_ns != INFINITE_TIMEOUT, 0))
        return thread_wait_switch_slow(wq, next, timeout_ns);
    struct cpu *c = this_cpu();
    return thread_wait_switch_from(c, c->cur, wq, next);
}

Retcode thread_wait_switch_any(struct wait_queue *wq, struct thread *next, uint64_t timeout_ns)
{
    return wait_switch(wq, next, timeout_ns);
}

Retcode thread_wait_switch_on(struct wait_queue *wq, struct thread *next)
{
    if (!wq)
        __builtin_unreachable();           /* (sched.h passes a queue here) */
    return wait_switch(wq, next, INFINITE_TIMEOUT);
}

Retcode thread_wait_switch_alone(struct thread *next)
{
    return wait_switch(NULL, next, INFINITE_TIMEOUT);
}

void thread_hand_over(struct thread *next)
{
    if (not_here(next))
        return;                            /* the caller runs on; next runs elsewhere */
    struct thread *prev = current;
    prev->state = THREAD_RUNNABLE;
    runq_add(prev);        /* no kick: it runs when this core next schedules */
    switch_to(next);
}

Retcode sched_yield(void)
{
    struct cpu *c = this_cpu();
    struct thread *self = c->cur;
    /* Nothing of its priority or above is runnable and no exited thread
     * waits to be reaped: schedule() would requeue and pop this same thread
     * and give it a fresh slice. Do just that, without the queue trip. */
    if (!(runq_bitmap >> self->priority) && !sched_zombie) {
        c->resched = false;
        self->slice = TIME_SLICE_TICKS;
        return rcOk;
    }
    self->slice = 0;
    schedule();
    return rcOk;
}

void sched_tick(void)
{
    uint64_t now = time_ticks();
    while (!list_empty(&sleepers)) {
        struct thread *t = list_entry(sleepers.next, struct thread, timer_link);
        if (t->deadline > now)
            break;
        thread_wake(t, rcTimeout);
    }
    struct cpu *c = this_cpu();
    if (c->cur != c->idle && c->cur->slice && --c->cur->slice == 0)
        c->resched = true;
}

void wait_queue_init(struct wait_queue *wq) { list_init(&wq->waiters); }

static uint64_t ns_to_ticks(uint64_t ns)
{
    uint64_t hz = time_hz();
    uint64_t ticks = ns / 1000000000ULL * hz + (ns % 1000000000ULL * hz + 999999999ULL) / 1000000000ULL;
    return ticks + 1;            /* the current tick is already partly over */
}

Retcode thread_wait_on(struct wait_queue *wq, uint64_t timeout_ns)
{
    struct thread *t = current;
    if (timeout_ns == 0)
        return rcTimeout;
    ASSERT(!list_linked(&t->run_link));        /* the running thread is on no queue */
    t->state = THREAD_BLOCKED;
    t->wake_rc = rcOk;
    if (wq)
        list_add_tail(&wq->waiters, &t->run_link);
    if (timeout_ns != INFINITE_TIMEOUT)
        add_sleeper(t, timeout_ns);
    schedule();
    return t->wake_rc;
}

static void add_sleeper(struct thread *t, uint64_t timeout_ns)
{
    ASSERT(!list_linked(&t->timer_link));      /* one timeout at a time */
    t->deadline = time_ticks() + ns_to_ticks(timeout_ns);
    struct list_node *pos = sleepers.next;
    while (pos != &sleepers && list_entry(pos, struct thread, timer_link)->deadline <= t->deadline)
        pos = pos->next;
    list_add_tail(pos, &t->timer_link);         /* insert before pos: sorted */
}

void thread_hold(struct kobject *obj)
{
    kobject_get(obj);
    current->held = obj;
}

void thread_unhold(void)
{
    struct kobject *obj = current->held;
    current->held = NULL;
    if (obj)
        kobject_put(obj);
}

void thread_wake(struct thread *t, Retcode rc)
{
    if (t->state != THREAD_BLOCKED)
        return;
    list_del(&t->run_link);
    list_del(&t->timer_link);
    t->wake_rc = rc;
    t->state = THREAD_RUNNABLE;
    runq_add(t);
    kick(t);
}

unsigned wait_queue_wake(struct wait_queue *wq, unsigned n, Retcode rc)
{
    unsigned woken = 0;
    while (!list_empty(&wq->waiters) && (n == 0 || woken < n)) {
        thread_wake(list_entry(wq->waiters.next, struct thread, run_link), rc);
        woken++;
    }
    return woken;
}

/* Common end of a thread: leaves its task, wakes joiners. */
static void thread_finish(struct thread *t)
{
    ipc_thread_gone(t);
    wait_queue_wake(&t->joiners, 0, rcOk);
    notice_post(&t->obj, EVENT_THREAD_ENDED);
    list_del(&t->task_link);
    vm_uncharge(&t->task->vm, KSTACK_PAGES);   /* the object may outlive the task */
    t->task->nthreads--;
    nthreads--;
}

void thread_exit(int64_t value)
{
    struct thread *t = current;
    t->exit_value = value;
    t->state = THREAD_DEAD;
    arch_context_release(&t->ctx);
    thread_finish(t);
    if (t->task->nthreads == 0)
        task_finished(t->task);
    /* One zombie at a time: a thread that exits before anything scheduled
     * since the last exit (a new thread's first instruction can be the exit
     * call) would otherwise overwrite it, and that thread's stack and
     * object were never freed. */
    reap_zombie();
    sched_zombie = t;
    schedule();
    panic("dead thread %llu was scheduled", (unsigned long long)t->tid);
}

/*
 * t runs on another core (in user mode, or waiting for the BKL to enter the
 * kernel). It must not run another user instruction once the kill returns
 * (its task's pages may be freed next), and its kernel stack is in use: the
 * IPI brings that core into the kernel, where it finds t dead and ends it
 * (thread_die_killed), freeing the stack then.
 */
static void stop_remote(struct thread *t)
{
    resched_cpu(t->cpu);
    smp_wait_left_user(t->cpu->id);
}

void thread_die_killed(void)
{
    struct thread *t = current;
    DEBUG_ASSERT(t->state == THREAD_DEAD);
    reap_zombie();
    sched_zombie = t;
    schedule();
    panic("killed thread %llu was scheduled", (unsigned long long)t->tid);
}

Retcode thread_set_affinity(struct thread *t, uint32_t mask)
{
    mask &= smp_online_mask;
    if (!mask)
        return rcInvalidArgument;
    t->affinity = mask;
    if (t->state == THREAD_RUNNING && !(mask & (1u << t->cpu->id)))
        resched_cpu(t->cpu);               /* it moves at that core's next schedule */
    else if (t->state == THREAD_RUNNABLE)
        kick(t);
    return rcOk;
}

void thread_kill(struct thread *t)
{
    BUG_ON(t == current);
    if (t->state == THREAD_DEAD)
        return;
    bool remote = t->state == THREAD_RUNNING;
    if (remote)
        stop_remote(t);
    if (t->state == THREAD_RUNNABLE)
        runq_remove(t);
    list_del(&t->run_link);
    list_del(&t->timer_link);
    t->exit_value = -1;
    t->state = THREAD_DEAD;
    arch_context_release(&t->ctx);
    thread_finish(t);
    if (t->held) {                         /* it died blocked on that object */
        kobject_put(t->held);
        t->held = NULL;
    }
    if (!remote)
        kobject_put(&t->obj);              /* its stack goes with the last reference */
}

uint64_t thread_count(void) { return nthreads; }

void thread_discard(struct thread *t)
{
    BUG_ON(t->state != THREAD_NEW);
    list_del(&t->task_link);
    vm_uncharge(&t->task->vm, KSTACK_PAGES);
    t->task->nthreads--;
    nthreads--;
    kobject_put(&t->obj);
}

__attribute__((noreturn)) void sched_run(void)
{
    static struct arch_context boot_ctx;    /* the boot stack is abandoned here */
    struct thread *next = runq_pop(this_cpu());
    if (!next)
        next = &idle_thread;
    next->state = THREAD_RUNNING;
    next->slice = TIME_SLICE_TICKS;
    if (next->task)
        vm_activate(&next->task->vm);
    next->cpu = this_cpu();
    current = next;
    arch_context_switch(&boot_ctx, &next->ctx);
    panic("scheduler returned to the boot stack");
}
