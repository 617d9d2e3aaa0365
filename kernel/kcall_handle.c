/* Kernel endpoint kl.core.Handle: close, copy (rights only shrink), revoke, user objects, info. */
#include <kernel/kcall.h>
#include <kernel/handle.h>
#include <kernel/task.h>

static struct handle_table *handles(void) { return &current_task()->handles; }

static Retcode op_close(void *ctx, uint32_t h)
{
    (void)ctx;
    return handle_close(handles(), h);
}

static Retcode op_copy(void *ctx, uint32_t h, uint32_t rights, uint32_t *copy)
{
    (void)ctx;
    return handle_derive(handles(), h, rights, RIGHT_COPY, handles(), copy);
}

static Retcode op_revoke(void *ctx, uint32_t h)
{
    (void)ctx;
    return handle_revoke(handles(), h);
}

static Retcode op_create_user_object(void *ctx, uint32_t type, uint32_t rights, uint64_t context,
                                     uint32_t *out)
{
    (void)ctx;
    struct user_object *u = user_object_create(type, context);
    if (!u)
        return rcOutOfMemory;
    Retcode rc = handle_install(handles(), &u->obj, rights, NULL, out);
    kobject_put(&u->obj);                  /* the handle holds the object now (or nothing does) */
    return rc;
}

static Retcode op_info(void *ctx, uint32_t h, uint32_t *type, uint32_t *rights)
{
    (void)ctx;
    struct cap *c;
    Retcode rc = handle_lookup(handles(), h, KOBJ_NONE, 0, &c);
    if (rc)
        return rc;
    *type = c->obj->type;
    *rights = c->rights;
    return rcOk;
}

const struct kl_core_Handle_ops kcall_handle_ops = {
    .Close = op_close, .Copy = op_copy, .Revoke = op_revoke,
    .CreateUserObject = op_create_user_object, .Info = op_info,
};
