/*
 * Kernel endpoint kl.core.Task: start programs from the boot image, wait for
 * them. Also resolves task handles for kl.core.Channel (kcall_channel.c).
 */
#include <kernel/kcall.h>
#include <kernel/handle.h>
#include <kernel/lib.h>
#include <kernel/task.h>
#include <uapi/syscall.h>

#define TASK_RIGHTS (RIGHT_TRANSFER | RIGHT_COPY | RIGHT_TASK_WAIT | RIGHT_TASK_CONTROL)

/* Splits NUL-terminated strings packed back to back; the last must be terminated. */
static Retcode split_strings(const char *buf, uint32_t len, const char **out, int *count)
{
    int n = 0;
    if (len && buf[len - 1] != '\0')
        return rcInvalidArgument;
    for (uint32_t i = 0; i < len; i += (uint32_t)strlen(buf + i) + 1) {
        if (n == TASK_MAX_ARGS)
            return rcBufferTooLarge;
        out[n++] = buf + i;
    }
    *count = n;
    return rcOk;
}

/* A task or class name: printable ASCII without spaces. Both reach the audit
 * lines and ring verbatim, so a newline or escape in one could forge a line
 * there. (The IDL bounds the length: string<NameMax>.) */
static bool name_valid(const char *s)
{
    if (!s[0])
        return false;
    for (; *s; s++)
        if (*s < 0x21 || *s > 0x7e)
            return false;
    return true;
}

static Retcode op_create(void *ctx, const char *name, const char *cls, const char *program,
                         const void *argv, uint32_t argv_len, const void *env, uint32_t env_len,
                         uint32_t priority, uint32_t flags, uint64_t mem_pages, uint32_t *out)
{
    (void)ctx;
    const char *av[TASK_MAX_ARGS], *ev[TASK_MAX_ARGS];
    struct task_args a = {
        .name = name, .class_name = cls, .program = program, .argv = av, .envp = ev,
        .priority = priority, .suspended = flags & TASK_SUSPENDED, .parent = current_task(),
        .mem_pages = mem_pages,
    };
    if (priority > THREAD_PRIORITY_MAX || (flags & ~TASK_SUSPENDED) || !name_valid(name) ||
        !name_valid(cls) || !program[0])
        return rcInvalidArgument;
    Retcode rc;
    if ((rc = split_strings(argv, argv_len, av, &a.argc)) ||
        (rc = split_strings(env, env_len, ev, &a.envc)))
        return rc;
    struct task *t;
    if ((rc = task_spawn(&a, &t)))
        return rc;
    rc = handle_install(&current_task()->handles, &t->obj, TASK_RIGHTS, NULL, out);
    if (rc)
        task_exit(t, TASK_EXIT_FAULT);        /* nobody could ever wait for it */
    kobject_put(&t->obj);                     /* the handle holds it now */
    return rc;
}

Retcode kcall_task_of(uint32_t h, uint32_t right, struct task **out)
{
    struct cap *c;
    Retcode rc = handle_lookup(&current_task()->handles, h, KOBJ_TASK, right, &c);
    if (rc == rcOk)
        *out = container_of(c->obj, struct task, obj);
    return rc;
}

static Retcode op_start(void *ctx, uint32_t h)
{
    (void)ctx;
    struct task *t;
    Retcode rc = kcall_task_of(h, RIGHT_TASK_CONTROL, &t);
    return rc ? rc : task_start(t);
}

static Retcode op_wait(void *ctx, uint32_t h, uint64_t timeout, int32_t *status)
{
    (void)ctx;
    struct task *t;
    Retcode rc = kcall_task_of(h, RIGHT_TASK_WAIT, &t);
    if (rc)
        return rc;
    if (t == current_task())
        return rcInvalidThreadState;
    thread_hold(&t->obj);
    while (t->state != TASK_EXITED && rc == rcOk)
        rc = thread_wait_on(&t->exit_waiters, timeout);
    *status = t->exit_status;
    thread_unhold();
    return rc;
}

const struct kl_core_Task_ops kcall_task_ops = { .Create = op_create, .Start = op_start, .Wait = op_wait };
