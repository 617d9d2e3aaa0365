/* Handle system calls: close, copy (rights only shrink), revoke, user objects, info. */
#include <kernel/syscall.h>
#include <kernel/handle.h>
#include <kernel/task.h>

static Retcode put_handle(uint64_t uptr, Handle h)
{
    Retcode rc = copy_to_user(&current_task()->vm, uptr, &h, sizeof(h));
    if (rc)
        handle_close(&current_task()->handles, h);   /* the caller could not learn it */
    return rc;
}

Retcode sys_HandleClose(sysarg_t h, sysarg_t a1, sysarg_t a2, sysarg_t a3, sysarg_t a4, sysarg_t a5)
{
    if (h > 0xffffffffu)
        return rcInvalidArgument;
    return handle_close(&current_task()->handles, (Handle)h);
}

Retcode sys_HandleCopy(sysarg_t h, sysarg_t rights, sysarg_t out, sysarg_t a3, sysarg_t a4, sysarg_t a5)
{
    struct handle_table *ht = &current_task()->handles;
    Handle copy;
    if (h > 0xffffffffu || rights > 0xffffffffu)
        return rcInvalidArgument;
    Retcode rc = handle_derive(ht, (Handle)h, (uint32_t)rights, RIGHT_COPY, ht, &copy);
    return rc ? rc : put_handle(out, copy);
}

Retcode sys_HandleRevoke(sysarg_t h, sysarg_t a1, sysarg_t a2, sysarg_t a3, sysarg_t a4, sysarg_t a5)
{
    if (h > 0xffffffffu)
        return rcInvalidArgument;
    return handle_revoke(&current_task()->handles, (Handle)h);
}

Retcode sys_HandleCreateUserObject(sysarg_t type, sysarg_t rights, sysarg_t context, sysarg_t out,
                                   sysarg_t a4, sysarg_t a5)
{
    if (type > 0xffffffffu || rights > 0xffffffffu)
        return rcInvalidArgument;
    struct user_object *u = user_object_create((uint32_t)type, context);
    if (!u)
        return rcOutOfMemory;
    Handle h;
    Retcode rc = handle_install(&current_task()->handles, &u->obj, (uint32_t)rights, NULL, &h);
    kobject_put(&u->obj);                  /* the handle holds the object now (or nothing does) */
    return rc ? rc : put_handle(out, h);
}

Retcode sys_HandleInfo(sysarg_t h, sysarg_t out, sysarg_t a2, sysarg_t a3, sysarg_t a4, sysarg_t a5)
{
    struct cap *c;
    if (h > 0xffffffffu)
        return rcInvalidArgument;
    Retcode rc = handle_lookup(&current_task()->handles, (Handle)h, KOBJ_NONE, 0, &c);
    if (rc)
        return rc;
    struct KnHandleInfo info = { .type = c->obj->type, .rights = c->rights };
    return copy_to_user(&current_task()->vm, out, &info, sizeof(info));
}
