/*
 * Notices: event receivers (kl.core.Notice, docs/ABI.md "Notifications").
 * Owns subscriptions, the posting of events to them, and the waiting for
 * them. Posting runs wherever an object changes (task and thread ends,
 * channel disconnects, object destruction, user objects) and never
 * allocates: the subscription, made beforehand, is the queue entry.
 */
#include <kernel/notice.h>
#include <kernel/handle.h>
#include <kernel/ipc.h>
#include <kernel/lib.h>
#include <kernel/sched.h>
#include <kernel/slab.h>
#include <kernel/task.h>
#include <kernel/time.h>
#include <uapi/syscall.h>

enum sub_side {
    SUB_DIRECT,        /* on the object it names */
    SUB_VIA_CLIENT,    /* a client end's: on its listener, for EVENT_CHANNEL_DISCONNECTED */
};

struct notice_sub {
    struct notice *notice;
    struct kobject *target;          /* not referenced; NULL once it was destroyed */
    uint32_t mask, pending;
    uint32_t side;
    uint64_t ev_id;
    struct list_node target_link;    /* on target->subs */
    struct list_node notice_link;    /* on notice->subs */
    struct list_node pending_link;   /* on notice->pending while pending != 0 */
};

struct notice {
    struct kobject obj;
    struct list_node subs;
    struct list_node pending;
    uint32_t nsubs;
    struct wait_queue waiters;
};

static struct kmem_cache sub_cache;

static void sub_free(struct notice_sub *s)
{
    if (s->target)
        list_del(&s->target_link);
    if (s->pending)
        list_del(&s->pending_link);
    list_del(&s->notice_link);
    s->notice->nsubs--;
    kmem_cache_free(&sub_cache, s);
}

static void sub_raise(struct notice_sub *s, uint32_t events)
{
    events &= s->mask;
    if (!events)
        return;
    if (!s->pending)
        list_add_tail(&s->notice->pending, &s->pending_link);
    s->pending |= events;
    wait_queue_wake(&s->notice->waiters, 0, rcOk);
}

static void post_side(struct kobject *o, uint32_t events, uint32_t side)
{
    struct list_node *pos, *tmp;
    list_for_each_safe(pos, tmp, &o->subs) {
        struct notice_sub *s = list_entry(pos, struct notice_sub, target_link);
        if (s->side == side)
            sub_raise(s, events);
    }
}

void notice_post_subs(struct kobject *o, uint32_t events) { post_side(o, events, SUB_DIRECT); }

void notice_post_clients(struct kobject *listener)
{
    post_side(listener, EVENT_CHANNEL_DISCONNECTED, SUB_VIA_CLIENT);
}

void notice_object_gone(struct kobject *o)
{
    struct list_node *pos, *tmp;
    list_for_each_safe(pos, tmp, &o->subs) {
        struct notice_sub *s = list_entry(pos, struct notice_sub, target_link);
        sub_raise(s, EVENT_OBJECT_DESTROYED);
        list_del(&s->target_link);
        s->target = NULL;
        if (!s->pending)
            sub_free(s);                  /* nothing to tell: it just ends */
    }
}

static void notice_destroy(struct kobject *o)
{
    struct notice *n = container_of(o, struct notice, obj);
    while (!list_empty(&n->subs))
        sub_free(list_first(&n->subs, struct notice_sub, notice_link));
    kfree(n);
}

Retcode notice_create(struct notice **out)
{
    if (!sub_cache.obj_size)
        kmem_cache_init(&sub_cache, "notice_sub", sizeof(struct notice_sub));
    struct notice *n = kmalloc(sizeof(*n));
    if (!n)
        return rcOutOfMemory;
    kobject_init(&n->obj, KOBJ_NOTICE, notice_destroy);
    list_init(&n->subs);
    list_init(&n->pending);
    wait_queue_init(&n->waiters);
    *out = n;
    return rcOk;
}

/* What already happened to the object, for a subscription made after it
 * (a task that ended, a dead thread, a channel whose server is gone). */
static uint32_t past_events(struct kobject *o)
{
    switch (o->type) {
    case KOBJ_TASK:
        return container_of(o, struct task, obj)->state == TASK_EXITED ? EVENT_TASK_COMPLETED : 0;
    case KOBJ_THREAD:
        return thread_is_dead(container_of(o, struct thread, obj)) ? EVENT_THREAD_ENDED : 0;
    case KOBJ_IPC_CLIENT:
        return container_of(o, struct ipc_client, obj)->listener->connected
                   ? 0 : EVENT_CHANNEL_DISCONNECTED;
    default:
        return 0;
    }
}

Retcode notice_subscribe(struct notice *n, struct cap *object, uint32_t mask, uint64_t ev_id)
{
    if (!mask || (mask & ~(EVENT_SYSTEM_MASK | EVENT_USER_MASK)))
        return rcInvalidArgument;
    if (n->nsubs >= NOTICE_SUBS_MAX)
        return rcQuotaExceeded;
    struct notice_sub *s = kmem_cache_alloc(&sub_cache);
    if (!s)
        return rcOutOfMemory;
    struct kobject *o = object->obj;
    s->notice = n;
    s->mask = mask;
    s->ev_id = ev_id;
    s->side = SUB_DIRECT;
    s->target = o;
    list_add_tail(&n->subs, &s->notice_link);
    n->nsubs++;
    if (o->type == KOBJ_IPC_CLIENT && (mask & EVENT_CHANNEL_DISCONNECTED)) {
        /* The client end learns of its server end's disconnect on the listener. */
        struct ipc_client *c = container_of(o, struct ipc_client, obj);
        s->side = SUB_VIA_CLIENT;
        s->target = &c->listener->obj;
    }
    list_add_tail(&s->target->subs, &s->target_link);
    sub_raise(s, past_events(o));
    return rcOk;
}

Retcode notice_unsubscribe(struct notice *n, uint64_t ev_id)
{
    Retcode rc = rcResourceNotFound;
    struct list_node *pos, *tmp;
    list_for_each_safe(pos, tmp, &n->subs) {
        struct notice_sub *s = list_entry(pos, struct notice_sub, notice_link);
        if (s->ev_id == ev_id) {
            sub_free(s);
            rc = rcOk;
        }
    }
    return rc;
}

/* Takes up to max pending events off the queue. */
static uint32_t take(struct notice *n, uint32_t max, uint64_t *ids, uint32_t *masks)
{
    uint32_t k = 0;
    while (k < max && !list_empty(&n->pending)) {
        struct notice_sub *s = list_first(&n->pending, struct notice_sub, pending_link);
        ids[k] = s->ev_id;
        masks[k] = s->pending;
        k++;
        list_del(&s->pending_link);
        s->pending = 0;
        if (!s->target)
            sub_free(s);                  /* its object is gone: nothing more can come */
    }
    return k;
}

Retcode notice_get(struct notice *n, uint64_t timeout_ns, uint32_t max, uint64_t *ids,
                   uint32_t *masks, uint32_t *count)
{
    uint64_t start = time_now_ns();
    *count = 0;
    if (max == 0 || max > NOTICE_EVENTS_MAX)
        return rcInvalidArgument;
    for (;;) {
        if ((*count = take(n, max, ids, masks)))
            return rcOk;
        uint64_t waited = time_now_ns() - start, left = timeout_ns;
        if (timeout_ns != INFINITE_TIMEOUT)
            left = waited >= timeout_ns ? 0 : timeout_ns - waited;
        if (left == 0)
            return rcTimeout;
        thread_hold(&n->obj);
        Retcode rc = thread_wait_on(&n->waiters, left);
        thread_unhold();
        if (rc)
            return rc;                    /* rcTimeout, rcAbort (DropAndWake) */
    }
}

void notice_drop_and_wake(struct notice *n) { wait_queue_wake(&n->waiters, 0, rcAbort); }
