/*
 * Notices (KasperskyOS notice_api.h): kernel objects (KOBJ_NOTICE) that
 * collect events of the objects they are subscribed to. A subscription
 * hangs on its object's `subs` list without holding it; an event ORs its
 * bit into the subscription's pending mask and queues the subscription
 * once, so posting never allocates and a notice's queue never holds more
 * than its subscriptions (docs/ABI.md, "Notifications").
 */
#ifndef KERNEL_NOTICE_H
#define KERNEL_NOTICE_H

#include <stdint.h>
#include <kernel/object.h>
#include <uapi/notice.h>
#include <uapi/retcode.h>

struct notice;
struct handle_table;
struct cap;

/* Posts `events` to the object's subscriptions made on it directly (inline
 * test first: nearly every object has none, and task and thread ends call it). */
void notice_post_subs(struct kobject *o, uint32_t events);
static inline void notice_post(struct kobject *o, uint32_t events)
{
    if (!list_empty(&o->subs))
        notice_post_subs(o, events);
}
/* A listener's server end is gone: EVENT_CHANNEL_DISCONNECTED to the
 * subscriptions made through its client ends. */
void notice_post_clients(struct kobject *listener);
/* The object's last reference went (kobject_put): EVENT_OBJECT_DESTROYED,
 * then every subscription lets go of it (it ends once its event is read). */
void notice_object_gone(struct kobject *o);

Retcode notice_create(struct notice **out);
Retcode notice_subscribe(struct notice *n, struct cap *object, uint32_t mask, uint64_t ev_id);
Retcode notice_unsubscribe(struct notice *n, uint64_t ev_id);
/* Up to max events; waits up to timeout_ns for the first (0: poll, rcTimeout). */
Retcode notice_get(struct notice *n, uint64_t timeout_ns, uint32_t max, uint64_t *ids,
                   uint32_t *masks, uint32_t *count);
void notice_drop_and_wake(struct notice *n);

#endif
