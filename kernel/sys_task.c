/* Task and memory system calls: spawn from the boot image, exit, wait, VmAllocate/VmFree. */
#include <kernel/syscall.h>
#include <kernel/handle.h>
#include <kernel/lib.h>
#include <kernel/slab.h>
#include <kernel/task.h>

#define TASK_RIGHTS (RIGHT_TRANSFER | RIGHT_COPY | RIGHT_TASK_WAIT | RIGHT_TASK_CONTROL)
#define SPEC_MAX 2048

/* Returns the string at offset `off` of the spec's buffer, or NULL when out of bounds/unterminated. */
static const char *spec_string(const struct KnTaskSpec *s, uint32_t off)
{
    if (off >= s->strings_size)
        return NULL;
    const char *p = s->strings + off;
    return strnlen(p, s->strings_size - off) < s->strings_size - off ? p : NULL;
}

Retcode sys_TaskCreate(sysarg_t uspec, sysarg_t size, sysarg_t out, sysarg_t a3, sysarg_t a4, sysarg_t a5)
{
    struct task *self = current_task();
    if (size < sizeof(struct KnTaskSpec) || size > SPEC_MAX)
        return rcInvalidArgument;
    struct KnTaskSpec *s = kmalloc(SPEC_MAX);
    if (!s)
        return rcOutOfMemory;
    const char *argv[TASK_MAX_ARGS], *envp[TASK_MAX_ARGS];
    struct task_args a = { 0 };
    Retcode rc = copy_from_user(&self->vm, s, uspec, size);
    if (rc)
        goto out;
    rc = rcInvalidArgument;
    if (s->strings_size != size - sizeof(*s) || s->argc > TASK_MAX_ARGS || s->envc > TASK_MAX_ARGS ||
        s->priority > THREAD_PRIORITY_MAX || (s->flags & ~TASK_SUSPENDED))
        goto out;
    a.name = spec_string(s, s->name_off);
    a.class_name = spec_string(s, s->class_off);
    a.program = spec_string(s, s->program_off);
    if (!a.name || !a.class_name || !a.program)
        goto out;
    for (uint32_t i = 0; i < s->argc; i++)
        if (!(argv[i] = spec_string(s, s->arg_off[i])))
            goto out;
    for (uint32_t i = 0; i < s->envc; i++)
        if (!(envp[i] = spec_string(s, s->env_off[i])))
            goto out;
    a.argc = (int)s->argc;
    a.argv = argv;
    a.envc = (int)s->envc;
    a.envp = envp;
    a.priority = s->priority;
    a.suspended = s->flags & TASK_SUSPENDED;
    a.parent = self;

    struct task *t;
    if ((rc = task_spawn(&a, &t)))
        goto out;
    Handle h;
    rc = handle_install(&self->handles, &t->obj, TASK_RIGHTS, NULL, &h);
    kobject_put(&t->obj);                   /* the handle holds it now */
    if (rc == rcOk && (rc = copy_to_user(&self->vm, out, &h, sizeof(h))))
        handle_close(&self->handles, h);
out:
    kfree(s);
    return rc;
}

Retcode sys_TaskStart(sysarg_t h, sysarg_t a1, sysarg_t a2, sysarg_t a3, sysarg_t a4, sysarg_t a5)
{
    struct cap *c;
    if (h > 0xffffffffu)
        return rcInvalidArgument;
    Retcode rc = handle_lookup(&current_task()->handles, (Handle)h, KOBJ_TASK, RIGHT_TASK_CONTROL, &c);
    return rc ? rc : task_start(container_of(c->obj, struct task, obj));
}

Retcode sys_TaskExit(sysarg_t status, sysarg_t a1, sysarg_t a2, sysarg_t a3, sysarg_t a4, sysarg_t a5)
{
    task_exit(current_task(), (int32_t)status);
    return rcInternalError;                 /* not reached */
}

Retcode sys_TaskWait(sysarg_t h, sysarg_t out, sysarg_t timeout, sysarg_t a3, sysarg_t a4, sysarg_t a5)
{
    struct cap *c;
    if (h > 0xffffffffu)
        return rcInvalidArgument;
    Retcode rc = handle_lookup(&current_task()->handles, (Handle)h, KOBJ_TASK, RIGHT_TASK_WAIT, &c);
    if (rc)
        return rc;
    struct task *t = container_of(c->obj, struct task, obj);
    if (t == current_task())
        return rcInvalidThreadState;
    kobject_get(&t->obj);
    while (t->state != TASK_EXITED && rc == rcOk)
        rc = thread_wait_on(&t->exit_waiters, timeout);
    int32_t status = t->exit_status;
    kobject_put(&t->obj);
    if (rc)
        return rc;
    return out ? copy_to_user(&current_task()->vm, out, &status, sizeof(status)) : rcOk;
}

Retcode sys_VmAllocate(sysarg_t uaddr, sysarg_t size, sysarg_t prot, sysarg_t flags, sysarg_t a4,
                       sysarg_t a5)
{
    struct vmspace *vm = &current_task()->vm;
    uint64_t addr;
    if (flags & ~(uint64_t)VM_FIXED || prot > 0xffffffffu)
        return rcInvalidArgument;
    Retcode rc = copy_from_user(vm, &addr, uaddr, sizeof(addr));
    if (rc)
        return rc;
    if ((rc = vm_alloc(vm, &addr, size, (uint32_t)prot, flags & VM_FIXED)))
        return rc;
    if ((rc = copy_to_user(vm, uaddr, &addr, sizeof(addr))))
        vm_free(vm, addr, size);
    return rc;
}

Retcode sys_VmFree(sysarg_t addr, sysarg_t size, sysarg_t a2, sysarg_t a3, sysarg_t a4, sysarg_t a5)
{
    return vm_free(&current_task()->vm, addr, size);
}
