/* Reference counting for kernel objects and the user-object type. */
#include <kernel/object.h>
#include <kernel/notice.h>
#include <kernel/panic.h>
#include <kernel/slab.h>

static uint64_t live;

/* kernel/notice.c; weak so that the host unit tests of handles link without it
 * (they never subscribe, so never call it). */
extern __attribute__((weak)) void notice_object_gone(struct kobject *o);

void kobject_init(struct kobject *o, uint32_t type, kobject_destroy_fn destroy)
{
    o->type = type;
    o->refs = 1;
    o->handles = 0;
    o->destroy = destroy;
    o->last_handle = NULL;
    list_init(&o->subs);
    live++;
}

void kobject_get(struct kobject *o) { o->refs++; }

void kobject_put(struct kobject *o)
{
    BUG_ON(o->refs == 0);
    if (--o->refs == 0) {
        if (!list_empty(&o->subs) && notice_object_gone)
            notice_object_gone(o);        /* EVENT_OBJECT_DESTROYED; the subscriptions let go */
        live--;
        o->destroy(o);
    }
}

uint64_t kobject_live_count(void) { return live; }

static void user_object_destroy(struct kobject *o) { kfree(o); }

struct user_object *user_object_create(uint32_t user_type, uint64_t context)
{
    struct user_object *u = kmalloc(sizeof(*u));
    if (!u)
        return NULL;
    kobject_init(&u->obj, KOBJ_USER, user_object_destroy);
    u->user_type = user_type;
    u->context = context;
    return u;
}
