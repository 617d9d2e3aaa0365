/*
 * The channel objects' lifecycle: listeners (server ends) and clients
 * (client ends), their creation, their disconnect when the last handle of
 * either end goes, their destruction with the last reference, and the
 * disconnect notices a server is owed. What happens to the threads waiting
 * on a listener is the rendezvous' business (ipc_listener_end,
 * kernel/ipc_rendezvous.c).
 */
#include <kernel/ipc.h>
#include <kernel/ipc_transfer.h>
#include <kernel/kcall.h>
#include <kernel/notice.h>
#include <kernel/slab.h>
#include <kernel/task.h>

/* Drops the notices a server will never receive. */
static void drop_notices(struct ipc_listener *s)
{
    kobject_get(&s->obj);           /* the last client may hold the last reference */
    while (!list_empty(&s->gone)) {
        struct ipc_client *c = list_first(&s->gone, struct ipc_client, gone_link);
        list_del(&c->gone_link);
        kobject_put(&c->obj);
    }
    kobject_put(&s->obj);
}

static void listener_destroy(struct kobject *o)
{
    struct ipc_listener *s = container_of(o, struct ipc_listener, obj);
    /* The fast path's Call holds no reference (kernel/ipc_fastpath.c): its
     * client is pinned by this, emptied when the last handle went. */
    DEBUG_ASSERT(list_empty(&s->served));
    if (s->class_owner)
        kobject_put(&s->class_owner->obj);
    kfree(s);
}

/* The server end's last handle is gone: every client waits in vain. */
static void listener_disconnect(struct kobject *o)
{
    struct ipc_listener *s = container_of(o, struct ipc_listener, obj);
    s->connected = false;
    ipc_listener_end(s);
    notice_post_clients(&s->obj);           /* client ends subscribed to the disconnect */
    drop_notices(s);
}

void ipc_listener_init(struct ipc_listener *l, struct task *owner,
                       void (*destroy)(struct kobject *))
{
    kobject_init(&l->obj, KOBJ_IPC_LISTENER, destroy);
    l->obj.last_handle = listener_disconnect;
    l->class_owner = owner;                   /* kept for the policy's dst class */
    if (owner)
        kobject_get(&owner->obj);
    wait_queue_init(&l->receivers);
    wait_queue_init(&l->callers);
    list_init(&l->served);
    list_init(&l->gone);
    l->connected = true;
}

struct ipc_listener *ipc_listener_create(struct task *owner)
{
    struct ipc_listener *l = kmalloc(sizeof(*l));
    if (l)
        ipc_listener_init(l, owner, listener_destroy);
    return l;
}

static void client_destroy(struct kobject *o)
{
    struct ipc_client *c = container_of(o, struct ipc_client, obj);
    kobject_put(&c->listener->obj);
    kfree(c);
}

/* The client end's last handle is gone: its server gets a MSG_MID_DISCONNECT
 * notice, at once if a receiver waits, else from its next Recv. */
static void client_disconnect(struct kobject *o)
{
    struct ipc_client *c = container_of(o, struct ipc_client, obj);
    struct ipc_listener *s = c->listener;
    if (!s->connected || kcall_is_kernel(s))
        return;
    notice_post(&s->obj, EVENT_CHANNEL_DISCONNECTED);
    struct thread *r;
    while ((r = wait_queue_first(&s->receivers))) {
        Retcode rc = ipc_deliver_notice(r, c->badge);
        thread_wake(r, rc);                   /* rcOk, or: that receiver's buffer is bad */
        if (rc == rcOk)
            return;
    }
    kobject_get(&c->obj);
    list_add_tail(&s->gone, &c->gone_link);
}

struct ipc_client *ipc_client_create(struct ipc_listener *l)
{
    struct ipc_client *c = kmalloc(sizeof(*c));
    if (!c)
        return NULL;
    kobject_init(&c->obj, KOBJ_IPC_CLIENT, client_destroy);
    c->obj.last_handle = client_disconnect;
    list_init(&c->gone_link);
    static uint32_t next_badge;
    kobject_get(&l->obj);
    c->listener = l;
    if (++next_badge == 0)                    /* 0 means "no channel" to servers */
        next_badge = 1;
    c->badge = next_badge;
    return c;
}
