/*
 * Kernel endpoint kl.core.Cm: dynamic channels and the name server
 * (docs/ABI.md, "Dynamic channels"). The kernel is the name server: a table
 * of published (type, server, service) names and a list of pending connection
 * requests. A connection is an ordinary client end on the server task's one
 * listener, so every message on it passes the policy exactly as on a channel
 * init.yaml made; who may publish, connect, listen, accept is decided by the
 * policy on these methods (dst=kl.core.Core endpoint=cm).
 */
#include <kernel/kcall.h>
#include <kernel/handle.h>
#include <kernel/ipc.h>
#include <kernel/lib.h>
#include <kernel/panic.h>
#include <kernel/slab.h>
#include <kernel/task.h>
#include <kernel/time.h>
#include <uapi/syscall.h>

#define NAME_MAX_ 48                         /* kl.core.Cm NameMax, with the NUL */
#define CM_SERVICES_MAX 64
#define CLIENT_RIGHTS (RIGHT_TRANSFER | RIGHT_COPY | RIGHT_IPC_CALL)

_Static_assert(NAME_MAX_ == kl_core_Cm_NameMax, "kl.core.Cm names");

struct cm_service {
    struct task *owner;                      /* referenced; NULL: a free entry */
    char type[NAME_MAX_], server[NAME_MAX_], service[NAME_MAX_];
};

struct cm_request {
    struct kobject obj;                      /* the connecting thread holds it (thread_hold) */
    struct list_node link;                   /* on `requests` (holding a reference) */
    struct task *client;                     /* referenced */
    struct task *server;                     /* the service's owner, referenced */
    char service[NAME_MAX_];
    struct wait_queue waiter;
    bool done;
    Retcode rc;
    Handle handle;
};

static struct cm_service services[CM_SERVICES_MAX];
static uint32_t npublished;                  /* live entries: a task's end skips the scan at 0 */
static struct list_node requests = LIST_INIT(requests);
static struct wait_queue listeners = { LIST_INIT(listeners.waiters) };

static void copy_name(char *dst, const char *src)
{
    size_t n = strnlen(src, NAME_MAX_ - 1);
    memcpy(dst, src, n);
    dst[n] = '\0';
}

/* A published entry (its publisher's end clears it: kcall_cm_task_ended). */
static bool live(const struct cm_service *s) { return s->owner != NULL; }

static struct cm_service *find(const char *server, const char *service)
{
    for (int i = 0; i < CM_SERVICES_MAX; i++)
        if (live(&services[i]) && strcmp(services[i].server, server) == 0 &&
            strcmp(services[i].service, service) == 0)
            return &services[i];
    return NULL;
}

static void request_destroy(struct kobject *o)
{
    struct cm_request *r = container_of(o, struct cm_request, obj);
    kobject_put(&r->client->obj);
    kobject_put(&r->server->obj);
    kfree(r);
}

/* Answers a pending request and takes it off the list. */
static void finish(struct cm_request *r, Retcode rc, Handle h)
{
    r->done = true;
    r->rc = rc;
    r->handle = h;
    list_del(&r->link);
    wait_queue_wake(&r->waiter, 0, rcOk);
    kobject_put(&r->obj);                     /* the list's reference */
}

static Retcode op_publish(void *ctx, const char *type, const char *server, const char *service)
{
    (void)ctx;
    if (!server[0] || !service[0])
        return rcInvalidArgument;
    if (find(server, service))
        return rcAlreadyExists;
    for (int i = 0; i < CM_SERVICES_MAX; i++) {
        struct cm_service *s = &services[i];
        if (live(s))
            continue;
        copy_name(s->type, type);
        copy_name(s->server, server);
        copy_name(s->service, service);
        s->owner = current_task();
        kobject_get(&s->owner->obj);
        npublished++;
        return rcOk;
    }
    return rcQuotaExceeded;
}

static Retcode op_unpublish(void *ctx, const char *type, const char *server, const char *service)
{
    (void)ctx;
    struct cm_service *s = find(server, service);
    if (!s || s->owner != current_task() || strcmp(s->type, type) != 0)
        return rcResourceNotFound;
    kobject_put(&s->owner->obj);
    s->owner = NULL;
    npublished--;
    /* Requests still waiting for it learn that it is gone. */
    struct list_node *pos, *tmp;
    list_for_each_safe(pos, tmp, &requests) {
        struct cm_request *r = list_entry(pos, struct cm_request, link);
        if (r->server == current_task() && strcmp(r->service, service) == 0)
            finish(r, rcNotConnected, 0);
    }
    return rcOk;
}

static Retcode op_enum(void *ctx, const char *type, uint32_t index, uint8_t server[48],
                       uint8_t service[48])
{
    (void)ctx;
    for (int i = 0; i < CM_SERVICES_MAX; i++) {
        struct cm_service *s = &services[i];
        if (!live(s) || (type[0] && strcmp(s->type, type) != 0))
            continue;
        if (index-- == 0) {
            copy_name((char *)server, s->server);
            copy_name((char *)service, s->service);
            return rcOk;
        }
    }
    return rcResourceNotFound;
}

/* Time left of a wait that started at `start`; 0 when it is over. */
static uint64_t left(uint64_t start, uint64_t timeout)
{
    if (timeout == INFINITE_TIMEOUT)
        return timeout;
    uint64_t waited = time_now_ns() - start;
    return waited >= timeout ? 0 : timeout - waited;
}

static Retcode op_connect(void *ctx, const char *server, const char *service, uint64_t timeout,
                          uint32_t *out)
{
    (void)ctx;
    uint64_t start = time_now_ns();
    struct cm_service *s = find(server, service);
    if (!s)
        return rcResourceNotFound;
    if (s->owner == current_task())
        return rcInvalidArgument;             /* a task does not connect to itself */
    struct cm_request *r = kmalloc(sizeof(*r));
    if (!r)
        return rcOutOfMemory;
    kobject_init(&r->obj, KOBJ_NONE, request_destroy);
    r->client = current_task();
    r->server = s->owner;
    kobject_get(&r->client->obj);
    kobject_get(&r->server->obj);
    copy_name(r->service, s->service);        /* the arguments live in a shared buffer */
    wait_queue_init(&r->waiter);
    kobject_get(&r->obj);                     /* the list's */
    list_add_tail(&requests, &r->link);
    /* Our own reference becomes the thread's held one, for the whole call: a
     * reference kept only on this kernel stack is lost if the thread is
     * killed while it waits (or after the wake-up, before it runs again, as
     * a server's end on another core and the client's kill race), and the
     * request leaked with both its task references. thread_kill drops a
     * held reference. */
    thread_hold(&r->obj);
    kobject_put(&r->obj);
    DEBUG_ASSERT(r->obj.refs == 2);           /* the list's and the held one */
    wait_queue_wake(&listeners, 0, rcOk);
    Retcode rc = rcOk;
    while (!r->done) {
        uint64_t t = left(start, timeout);
        if (t == 0) {
            rc = rcTimeout;
            break;
        }
        rc = thread_wait_on(&r->waiter, t);
        if (rc && !r->done)
            break;
    }
    if (!r->done)
        finish(r, rc, 0);                     /* gave up: the server will not see it */
    rc = r->rc;
    *out = r->handle;
    thread_unhold();                          /* may free r */
    return rc;
}

/* The oldest request to the caller for `service` ("" = any) from `client`
 * (NULL = any task), dropping those whose client ended meanwhile. */
static struct cm_request *pending(const char *client, const char *service)
{
    struct list_node *pos, *tmp;
    list_for_each_safe(pos, tmp, &requests) {
        struct cm_request *r = list_entry(pos, struct cm_request, link);
        if (r->server != current_task())
            continue;
        if (r->client->state != TASK_ALIVE) {
            finish(r, rcNotConnected, 0);
            continue;
        }
        if ((!service[0] || strcmp(r->service, service) == 0) &&
            (!client || strcmp(r->client->name, client) == 0))
            return r;
    }
    return NULL;
}

static Retcode op_listen(void *ctx, const char *filter, uint64_t timeout, uint8_t client[48],
                         uint8_t service[48])
{
    (void)ctx;
    uint64_t start = time_now_ns();
    char f[NAME_MAX_];
    copy_name(f, filter);                     /* the argument lives in a shared buffer */
    for (;;) {
        struct cm_request *r = pending(NULL, f);
        if (r) {
            copy_name((char *)client, r->client->name);
            copy_name((char *)service, r->service);
            return rcOk;
        }
        uint64_t t = left(start, timeout);
        if (t == 0)
            return rcTimeout;
        Retcode rc = thread_wait_on(&listeners, t);
        if (rc && rc != rcTimeout)
            return rc;
    }
}

static Retcode op_accept(void *ctx, const char *client, const char *service, uint32_t *listener,
                         uint32_t *connection, uint32_t *badge)
{
    (void)ctx;
    struct task *self = current_task();
    if (!service[0])
        return rcInvalidArgument;
    struct cm_request *r = pending(client, service);
    if (!r)
        return rcResourceNotFound;            /* none, or accepted / dropped already */
    struct ipc_listener *s;
    Retcode rc = kcall_listener_of(self, &s);
    if (rc)
        return rc;
    struct ipc_client *c = ipc_client_create(s);
    if (!c)
        return rcOutOfMemory;
    /* The server's handle is the parent of the client's: revoking it drops the
     * channel. It is weak: the client's close alone disconnects (the notice). */
    Handle hs, hc;
    rc = handle_install_weak(&self->handles, &c->obj, RIGHT_REVOKE, &hs);
    if (rc == rcOk) {
        struct cap *parent;
        handle_lookup(&self->handles, hs, KOBJ_IPC_CLIENT, 0, &parent);
        rc = handle_install(&r->client->handles, &c->obj, CLIENT_RIGHTS, parent, &hc);
        if (rc)
            handle_close(&self->handles, hs);
    }
    kobject_put(&c->obj);
    if (rc) {
        finish(r, rc, 0);                     /* the client's Connect fails too */
        return rc;
    }
    *listener = self->listener_handle;
    *connection = hs;
    *badge = c->badge;
    finish(r, rcOk, hc);
    return rcOk;
}

static Retcode op_drop(void *ctx, const char *client, const char *service)
{
    (void)ctx;
    struct cm_request *r = pending(client, service);
    if (!r)
        return rcResourceNotFound;
    finish(r, rcAbort, 0);
    return rcOk;
}

void kcall_cm_task_ended(struct task *t)
{
    for (int i = 0; npublished && i < CM_SERVICES_MAX; i++)
        if (services[i].owner == t) {
            services[i].owner = NULL;
            npublished--;
            kobject_put(&t->obj);
        }
    struct list_node *pos, *tmp;
    list_for_each_safe(pos, tmp, &requests) {
        struct cm_request *r = list_entry(pos, struct cm_request, link);
        if (r->server == t || r->client == t)
            finish(r, rcNotConnected, 0);      /* a waiting client learns it at once */
    }
}

const struct kl_core_Cm_ops kcall_cm_ops = {
    .Publish = op_publish, .Unpublish = op_unpublish, .Enum = op_enum, .Connect = op_connect,
    .Listen = op_listen, .Accept = op_accept, .Drop = op_drop,
};
