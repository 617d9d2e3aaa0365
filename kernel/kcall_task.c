/*
 * Kernel endpoints kl.core.Task (start programs from the boot image, wait
 * for them) and kl.core.Channel (named channels: Einit creates them, each
 * side finds its end by name; one listener per server task).
 */
#include <kernel/kcall.h>
#include <kernel/handle.h>
#include <kernel/ipc.h>
#include <kernel/lib.h>
#include <kernel/task.h>
#include <uapi/syscall.h>

#define TASK_RIGHTS (RIGHT_TRANSFER | RIGHT_COPY | RIGHT_TASK_WAIT | RIGHT_TASK_CONTROL)
#define CLIENT_RIGHTS (RIGHT_TRANSFER | RIGHT_COPY | RIGHT_IPC_CALL)
#define LISTENER_RIGHTS (RIGHT_IPC_RECV)

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

static Retcode task_of(uint32_t h, uint32_t right, struct task **out)
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
    Retcode rc = task_of(h, RIGHT_TASK_CONTROL, &t);
    return rc ? rc : task_start(t);
}

static Retcode op_wait(void *ctx, uint32_t h, uint64_t timeout, int32_t *status)
{
    (void)ctx;
    struct task *t;
    Retcode rc = task_of(h, RIGHT_TASK_WAIT, &t);
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

/* ---- channels ----------------------------------------------------------- */

static struct service_entry *find(struct task *t, const char *name, uint32_t role)
{
    for (uint32_t i = 0; i < t->nservices; i++)
        if (t->services[i].role == role && strcmp(t->services[i].name, name) == 0)
            return &t->services[i];
    return NULL;
}

static Retcode add_entry(struct task *t, const char *name, uint32_t role, Handle h)
{
    if (t->nservices == TASK_MAX_SERVICES)
        return rcQuotaExceeded;
    struct service_entry *e = &t->services[t->nservices++];
    memcpy(e->name, name, strlen(name) + 1);
    e->role = role;
    e->handle = h;
    return rcOk;
}

/* The server task's listener, created with its first channel. */
static Retcode listener_of(struct task *server, struct ipc_server **out)
{
    if (!server->listener) {
        struct ipc_server *s = ipc_server_create(server);
        if (!s)
            return rcOutOfMemory;
        Handle h;
        Retcode rc = handle_install(&server->handles, &s->obj, LISTENER_RIGHTS, NULL, &h);
        kobject_put(&s->obj);
        if (rc)
            return rc;
        server->listener = s;
        server->listener_handle = h;
    }
    *out = server->listener;
    return rcOk;
}

static Retcode op_channel_create(void *ctx, uint32_t client_h, uint32_t server_h, const char *name)
{
    (void)ctx;
    struct task *client, *server;
    Retcode rc;
    if (!name[0])
        return rcInvalidArgument;
    if ((rc = task_of(client_h, RIGHT_TASK_CONTROL, &client)) ||
        (rc = task_of(server_h, RIGHT_TASK_CONTROL, &server)))
        return rc;
    if (client->state != TASK_ALIVE || server->state != TASK_ALIVE)
        return rcResourceNotFound;
    if (find(client, name, SERVICE_CLIENT))
        return rcAlreadyExists;
    struct ipc_server *s;
    if ((rc = listener_of(server, &s)))
        return rc;
    if (!find(server, name, SERVICE_SERVER) &&
        (rc = add_entry(server, name, SERVICE_SERVER, server->listener_handle)))
        return rc;
    struct ipc_client *c = ipc_client_create(s);
    if (!c)
        return rcOutOfMemory;
    Handle h;
    rc = handle_install(&client->handles, &c->obj, CLIENT_RIGHTS, NULL, &h);
    kobject_put(&c->obj);
    if (rc == rcOk && (rc = add_entry(client, name, SERVICE_CLIENT, h)))
        handle_close(&client->handles, h);
    return rc;
}

static Retcode op_channel_lookup(void *ctx, const char *name, uint32_t role, uint32_t *out)
{
    (void)ctx;
    if (role > SERVICE_SERVER)
        return rcInvalidArgument;
    struct service_entry *e = find(current_task(), name, role);
    if (!e)
        return rcResourceNotFound;
    *out = e->handle;
    return rcOk;
}

const struct kl_core_Channel_ops kcall_channel_ops = {
    .Create = op_channel_create, .Lookup = op_channel_lookup,
};
