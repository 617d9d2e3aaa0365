/*
 * Named channels: Einit creates a channel between a client and a server
 * task (ChannelCreate) and each side later finds its end by the channel's
 * name (ServiceLookup, behind ServiceLocatorConnect/Register). One
 * listener per server task serves every channel to it.
 */
#include <kernel/syscall.h>
#include <kernel/handle.h>
#include <kernel/ipc.h>
#include <kernel/lib.h>
#include <kernel/task.h>

#define CLIENT_RIGHTS (RIGHT_TRANSFER | RIGHT_COPY | RIGHT_IPC_CALL)
#define LISTENER_RIGHTS (RIGHT_IPC_RECV)

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

static Retcode task_of(Handle h, struct task **out)
{
    struct cap *c;
    Retcode rc = handle_lookup(&current_task()->handles, h, KOBJ_TASK, RIGHT_TASK_CONTROL, &c);
    if (rc)
        return rc;
    *out = container_of(c->obj, struct task, obj);
    return (*out)->state == TASK_ALIVE ? rcOk : rcResourceNotFound;
}

/* The server task's listener, created on its first channel. */
static Retcode listener_of(struct task *server, struct ipc_server **out)
{
    if (server->listener) {
        *out = server->listener;
        return rcOk;
    }
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
    *out = s;
    return rcOk;
}

Retcode sys_ChannelCreate(sysarg_t client_h, sysarg_t server_h, sysarg_t uname, sysarg_t a3,
                          sysarg_t a4, sysarg_t a5)
{
    char name[SERVICE_NAME_MAX];
    struct task *client, *server;
    Retcode rc;
    if (client_h > 0xffffffffu || server_h > 0xffffffffu)
        return rcInvalidArgument;
    if ((rc = copy_string_from_user(&current_task()->vm, name, uname, sizeof(name))))
        return rc == rcBufferTooLarge ? rcBufferTooLarge : rcInvalidArgument;
    if (!name[0])
        return rcInvalidArgument;
    if ((rc = task_of((Handle)client_h, &client)) || (rc = task_of((Handle)server_h, &server)))
        return rc;
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
    if (rc)
        return rc;
    if ((rc = add_entry(client, name, SERVICE_CLIENT, h)))
        handle_close(&client->handles, h);
    return rc;
}

Retcode sys_ServiceLookup(sysarg_t uname, sysarg_t role, sysarg_t out, sysarg_t a3, sysarg_t a4,
                          sysarg_t a5)
{
    char name[SERVICE_NAME_MAX];
    struct task *t = current_task();
    if (role > SERVICE_SERVER)
        return rcInvalidArgument;
    Retcode rc = copy_string_from_user(&t->vm, name, uname, sizeof(name));
    if (rc)
        return rc == rcBufferTooLarge ? rcBufferTooLarge : rcInvalidArgument;
    struct service_entry *e = find(t, name, (uint32_t)role);
    if (!e)
        return rcResourceNotFound;
    return copy_to_user(&t->vm, out, &e->handle, sizeof(e->handle));
}
