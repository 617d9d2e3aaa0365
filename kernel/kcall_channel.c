/*
 * Kernel endpoint kl.core.Channel: named channels. Einit creates them, each
 * side finds its end by name; one listener per server task.
 */
#include <kernel/kcall.h>
#include <kernel/handle.h>
#include <kernel/ipc.h>
#include <kernel/lib.h>
#include <kernel/task.h>
#include <uapi/syscall.h>

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

/* The server task's listener, created with its first channel (static or
 * dynamic: kernel/cm.c). */
Retcode kcall_listener_of(struct task *server, struct ipc_listener **out)
{
    if (!server->listener) {
        struct ipc_listener *s = ipc_listener_create(server);
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
    if ((rc = kcall_task_of(client_h, RIGHT_TASK_CONTROL, &client)) ||
        (rc = kcall_task_of(server_h, RIGHT_TASK_CONTROL, &server)))
        return rc;
    if (client->state != TASK_ALIVE || server->state != TASK_ALIVE)
        return rcResourceNotFound;
    if (find(client, name, SERVICE_CLIENT))
        return rcAlreadyExists;
    struct ipc_listener *s;
    if ((rc = kcall_listener_of(server, &s)))
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
