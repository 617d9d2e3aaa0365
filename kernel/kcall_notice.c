/* Kernel endpoint kl.core.Notice: notices, subscriptions, user-object events (kernel/notice.c). */
#include <kernel/kcall.h>
#include <kernel/handle.h>
#include <kernel/lib.h>
#include <kernel/notice.h>
#include <kernel/task.h>

static struct handle_table *handles(void) { return &current_task()->handles; }

static Retcode notice_of(uint32_t h, struct notice **n)
{
    struct cap *c;
    Retcode rc = handle_lookup(handles(), h, KOBJ_NOTICE, 0, &c);
    if (rc == rcOk)
        *n = (struct notice *)c->obj;     /* the object is the notice's first member */
    return rc;
}

static Retcode op_create(void *ctx, uint32_t *out)
{
    (void)ctx;
    struct notice *n;
    Retcode rc = notice_create(&n);
    if (rc)
        return rc;
    struct kobject *o = (struct kobject *)n;
    rc = handle_install(handles(), o, RIGHT_TRANSFER | RIGHT_COPY | RIGHT_REVOKE, NULL, out);
    kobject_put(o);
    return rc;
}

static Retcode op_subscribe(void *ctx, uint32_t nh, uint32_t object, uint32_t mask,
                            uint64_t ev_id)
{
    (void)ctx;
    struct notice *n;
    struct cap *c;
    Retcode rc = notice_of(nh, &n);
    if (rc || (rc = handle_lookup(handles(), object, KOBJ_NONE, 0, &c)))
        return rc;
    return notice_subscribe(n, c, mask, ev_id);
}

static Retcode op_unsubscribe(void *ctx, uint32_t nh, uint64_t ev_id)
{
    (void)ctx;
    struct notice *n;
    Retcode rc = notice_of(nh, &n);
    return rc ? rc : notice_unsubscribe(n, ev_id);
}

static Retcode op_get_event(void *ctx, uint32_t nh, uint64_t timeout, uint32_t max,
                            uint32_t *count, uint64_t *ids, uint32_t *masks)
{
    (void)ctx;
    struct notice *n;
    *count = 0;
    Retcode rc = notice_of(nh, &n);
    return rc ? rc : notice_get(n, timeout, MIN(max, NOTICE_EVENTS_MAX), ids, masks, count);
}

static Retcode op_set_object_event(void *ctx, uint32_t object, uint32_t mask)
{
    (void)ctx;
    struct cap *c;
    if (!mask || (mask & ~EVENT_USER_MASK))
        return rcInvalidArgument;
    Retcode rc = handle_lookup(handles(), object, KOBJ_USER, 0, &c);
    if (rc)
        return rc;
    notice_post(c->obj, mask);
    return rcOk;
}

static Retcode op_drop_and_wake(void *ctx, uint32_t nh)
{
    (void)ctx;
    struct notice *n;
    Retcode rc = notice_of(nh, &n);
    if (rc == rcOk)
        notice_drop_and_wake(n);
    return rc;
}

const struct kl_core_Notice_ops kcall_notice_ops = {
    .Create = op_create, .SubscribeToObject = op_subscribe,
    .UnsubscribeFromEvId = op_unsubscribe, .GetEvent = op_get_event,
    .SetObjectEvent = op_set_object_event, .DropAndWake = op_drop_and_wake,
};
