/*
 * Kernel objects: everything a handle can name. Reference counted; the
 * object's type-specific destroy runs when the last reference goes.
 */
#ifndef KERNEL_OBJECT_H
#define KERNEL_OBJECT_H

#include <stdint.h>
#include <kernel/list.h>
#include <uapi/handle.h>

struct kobject;
typedef void (*kobject_destroy_fn)(struct kobject *obj);

struct kobject {
    uint32_t type;              /* KOBJ_* */
    uint32_t refs;              /* handles + kernel references */
    uint32_t handles;           /* live handles naming the object, in any task */
    kobject_destroy_fn destroy;
    /* Optional: runs when the last handle goes (e.g. an IPC listener disconnects). */
    void (*last_handle)(struct kobject *obj);
    struct list_node subs;      /* notice subscriptions to this object (kernel/notice.c) */
};

void kobject_init(struct kobject *o, uint32_t type, kobject_destroy_fn destroy);
void kobject_get(struct kobject *o);
void kobject_put(struct kobject *o);
uint64_t kobject_live_count(void);

/* A user object (KnHandleCreateUserObject): a type tag and the creator's context. */
struct user_object {
    struct kobject obj;
    uint32_t user_type;
    uint64_t context;
};
struct user_object *user_object_create(uint32_t user_type, uint64_t context);

#endif
