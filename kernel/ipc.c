/*
 * Call / Recv / Reply (and ReplyRecv, CallEx, RecvEx).
 *
 * Path of a request: the client's header and constant part are copied once
 * into the calling thread's kmsg and validated; the security module decides
 * on that copy; if a server thread waits in Recv, the message goes straight
 * into its buffer (arena copied user-to-user, once) and the CPU switches to
 * it directly. The reply takes the same way back. No allocation anywhere on
 * the path. Dead ends never leave a thread waiting: a disconnect or a killed
 * peer wakes the other side with rcNotConnected.
 */
#include <kernel/ipc.h>
#include <kernel/handle.h>
#include <kernel/kcall.h>
#include <kernel/lib.h>
#include <kernel/security.h>
#include <kernel/slab.h>
#include <kernel/syscall.h>
#include <kernel/task.h>
#include <kernel/urange.h>
#include <arch/mmu.h>

#define HDR_SIZE sizeof(SMsgHdr)

/* Drops the notices a server will never receive. */
static void drop_notices(struct ipc_listener *s)
{
    kobject_get(&s->obj);           /* the last client may hold the last reference */
    while (!list_empty(&s->gone)) {
        struct ipc_client *c = list_first(&s->gone, struct ipc_client, gone_link);
        list_del(&c->gone_link);
        kobject_put(&c->obj);
    }
    kobject_put(&s->obj);
}

static void listener_destroy(struct kobject *o)
{
    struct ipc_listener *s = container_of(o, struct ipc_listener, obj);
    if (s->class_owner)
        kobject_put(&s->class_owner->obj);
    kfree(s);
}

/* Wakes every client of a server whose server side is gone. */
static void listener_disconnect(struct kobject *o)
{
    struct ipc_listener *s = container_of(o, struct ipc_listener, obj);
    s->connected = false;
    wait_queue_wake(&s->callers, 0, rcNotConnected);
    wait_queue_wake(&s->receivers, 0, rcNotConnected);
    struct list_node *pos, *tmp;
    list_for_each_safe(pos, tmp, &s->served) {
        struct thread *c = list_entry(pos, struct thread, ipc.served_link);
        list_del(&c->ipc.served_link);
        if (c->ipc.served_by)
            c->ipc.served_by->ipc.serving = NULL;
        c->ipc.served_by = NULL;
        thread_wake(c, rcNotConnected);
    }
    drop_notices(s);
}

void ipc_listener_init(struct ipc_listener *l, struct task *owner,
                       void (*destroy)(struct kobject *))
{
    kobject_init(&l->obj, KOBJ_IPC_LISTENER, destroy);
    l->obj.last_handle = listener_disconnect;
    l->class_owner = owner;                   /* kept for the policy's dst class */
    if (owner)
        kobject_get(&owner->obj);
    wait_queue_init(&l->receivers);
    wait_queue_init(&l->callers);
    list_init(&l->served);
    list_init(&l->gone);
    l->connected = true;
}

struct ipc_listener *ipc_listener_create(struct task *owner)
{
    struct ipc_listener *l = kmalloc(sizeof(*l));
    if (l)
        ipc_listener_init(l, owner, listener_destroy);
    return l;
}

static void client_destroy(struct kobject *o)
{
    struct ipc_client *c = container_of(o, struct ipc_client, obj);
    kobject_put(&c->listener->obj);
    kfree(c);
}

static Retcode deliver_notice(struct thread *to, uint32_t badge);

/* The client end's last handle is gone: its server gets a MSG_MID_DISCONNECT
 * notice, at once if a receiver waits, else from its next Recv. */
static void client_disconnect(struct kobject *o)
{
    struct ipc_client *c = container_of(o, struct ipc_client, obj);
    struct ipc_listener *s = c->listener;
    if (!s->connected || kcall_is_kernel(s))
        return;
    struct thread *r;
    while ((r = list_first(&s->receivers.waiters, struct thread, run_link))) {
        Retcode rc = deliver_notice(r, c->badge);
        thread_wake(r, rc);                   /* rcOk, or: that receiver's buffer is bad */
        if (rc == rcOk)
            return;
    }
    kobject_get(&c->obj);
    list_add_tail(&s->gone, &c->gone_link);
}

struct ipc_client *ipc_client_create(struct ipc_listener *l)
{
    struct ipc_client *c = kmalloc(sizeof(*c));
    if (!c)
        return NULL;
    kobject_init(&c->obj, KOBJ_IPC_CLIENT, client_destroy);
    c->obj.last_handle = client_disconnect;
    list_init(&c->gone_link);
    static uint32_t next_badge;
    kobject_get(&l->obj);
    c->listener = l;
    if (++next_badge == 0)                    /* 0 means "no channel" to servers */
        next_badge = 1;
    c->badge = next_badge;
    return c;
}

/* ---- message checks and delivery ---------------------------------------- */

/* Copies and validates the header and constant part at uaddr into m. */
static Retcode fetch_message(struct task *t, uint64_t uaddr, struct kmsg *m)
{
    if (uaddr & 7)
        return rcInvalidArgument;
    /* Usual case: header and constant part in one page, found with one walk. */
    const uint8_t *w = vm_user_window(&t->vm, uaddr, HDR_SIZE, false);
    Retcode rc = rcOk;
    if (w)
        m->hdr = *(const SMsgHdr *)(const void *)w;   /* inline ldp/stp, no call */
    else if ((rc = copy_from_user(&t->vm, &m->hdr, uaddr, HDR_SIZE)))
        return rc;
    if (m->hdr.size > MSG_MAX_CONST || m->hdr.nhandles > MSG_MAX_HANDLES ||
        m->hdr.arena_size > MSG_MAX_ARENA ||
        (m->hdr.arena_size && !user_range_ok(m->hdr.arena, m->hdr.arena_size)))
        return rcInvalidArgument;
    if (w && (uaddr & (PAGE_SIZE - 1)) + HDR_SIZE + m->hdr.size <= PAGE_SIZE)
        memcpy(m->data, w + HDR_SIZE, m->hdr.size);
    else if ((rc = copy_from_user(&t->vm, m->data, uaddr + HDR_SIZE, m->hdr.size)))
        return rc;
    for (uint32_t i = 0; i < m->hdr.nhandles; i++) {
        struct cap *c;
        rc = handle_lookup(&t->handles, m->hdr.handles[i].handle, KOBJ_NONE, RIGHT_TRANSFER, &c);
        if (rc)
            return rc == rcNoCapability ? rcNoCapability : rcInvalidArgument;
        if (m->hdr.handles[i].rights & ~c->rights)
            return rcNoCapability;            /* never more rights than the sender holds */
    }
    return rcOk;
}

/* Reads a receive buffer's capacities (size = room for the constant part). */
static Retcode fetch_capacity(struct task *t, uint64_t uaddr, SMsgHdr *cap)
{
    if (uaddr & 7)
        return rcInvalidArgument;
    const uint8_t *w = vm_user_window(&t->vm, uaddr, HDR_SIZE, true);
    Retcode rc = rcOk;
    if (w)
        *cap = *(const SMsgHdr *)(const void *)w;
    else if ((rc = copy_from_user(&t->vm, cap, uaddr, HDR_SIZE)))
        return rc;
    if (cap->size > MSG_MAX_CONST || cap->arena_cap > MSG_MAX_ARENA ||
        (cap->arena_cap && !user_range_ok(cap->arena, cap->arena_cap)))
        return rcInvalidArgument;
    /* The whole buffer must be writable now, so delivery cannot fail on it later. */
    if (w && (uaddr & (PAGE_SIZE - 1)) + HDR_SIZE + cap->size <= PAGE_SIZE)
        return rcOk;                          /* the window already proved it */
    return vm_check_user_range(&t->vm, uaddr, HDR_SIZE + cap->size, true);
}

/* Copies n bytes between two address spaces (the arena). Each side is translated
 * once per page it touches: when the two page offsets differ, a page of one side
 * spans two pieces of the other, and translating both sides for every piece would
 * double the lookups. */
static Retcode copy_user_to_user(struct task *from, uint64_t src, struct task *to, uint64_t dst,
                                 size_t n)
{
    uint64_t spa = 0, dpa = 0;
    size_t sleft = 0, dleft = 0;      /* bytes left in the current page of each side */
    while (n) {
        if (!sleft) {
            if (vm_user_phys(&from->vm, src, false, &spa))
                return rcSourceFault;
            sleft = PAGE_SIZE - (src & (PAGE_SIZE - 1));
        }
        if (!dleft) {
            if (vm_user_phys(&to->vm, dst, true, &dpa))
                return rcTargetFault;
            dleft = PAGE_SIZE - (dst & (PAGE_SIZE - 1));
        }
        size_t chunk = MIN(n, MIN(sleft, dleft));
        memcpy(phys_to_virt(dpa), phys_to_virt(spa), chunk);
        src += chunk, spa += chunk, sleft -= chunk;
        dst += chunk, dpa += chunk, dleft -= chunk;
        n -= chunk;
    }
    return rcOk;
}

/*
 * Delivers m (from `from`) into the receive buffer uaddr/cap of `to`:
 * arena, transferred handles (descendants with the chosen rights), header,
 * constant part. On failure nothing stays installed in `to`.
 */
static Retcode deliver(struct task *from, const struct kmsg *m, struct task *to, uint64_t uaddr,
                       const SMsgHdr *cap, uint32_t badge)
{
    if (m->hdr.size > cap->size || m->hdr.arena_size > cap->arena_cap)
        return rcBufferTooSmall;
    if (!from && (m->hdr.arena_size || m->hdr.nhandles))
        return rcInternalError;               /* kernel replies carry neither */
    Retcode rc = from ? copy_user_to_user(from, m->hdr.arena, to, cap->arena, m->hdr.arena_size) : rcOk;
    if (rc)
        return rc;
    SMsgHdr out = m->hdr;
    out.badge = badge;
    out.arena = cap->arena;
    out.arena_cap = cap->arena_cap;
    for (uint32_t i = 0; i < m->hdr.nhandles; i++) {
        rc = handle_derive(&from->handles, m->hdr.handles[i].handle, m->hdr.handles[i].rights,
                           RIGHT_TRANSFER, &to->handles, &out.handles[i].handle);
        if (rc) {
            while (i--)
                handle_close(&to->handles, out.handles[i].handle);
            return rcTransferError;
        }
    }
    uint8_t *w = vm_user_window(&to->vm, uaddr, HDR_SIZE + m->hdr.size, true);
    if (w) {
        *(SMsgHdr *)(void *)w = out;
        memcpy(w + HDR_SIZE, m->data, m->hdr.size);
    } else if ((rc = copy_to_user(&to->vm, uaddr, &out, HDR_SIZE)) ||
               (rc = copy_to_user(&to->vm, uaddr + HDR_SIZE, m->data, m->hdr.size))) {
        for (uint32_t i = 0; i < m->hdr.nhandles; i++)
            handle_close(&to->handles, out.handles[i].handle);
        return rcTargetFault;
    }
    return rcOk;
}

/* Writes a disconnect notice for `badge` into the receive buffer of `to`. */
static Retcode deliver_notice(struct thread *to, uint32_t badge)
{
    SMsgHdr out = { .mid = MSG_MID_DISCONNECT, .badge = badge, .arena = to->ipc.recv_cap.arena,
                    .arena_cap = to->ipc.recv_cap.arena_cap };
    return copy_to_user(&to->task->vm, to->ipc.recv_uaddr, &out, HDR_SIZE) ? rcTargetFault : rcOk;
}

/* Pairs a client with the server thread that now holds its request. */
static void bind(struct thread *client, struct thread *server, struct ipc_listener *s)
{
    client->ipc.served_by = server;
    list_add_tail(&s->served, &client->ipc.served_link);
    server->ipc.serving = client;
    server->ipc.serving_riid = client->ipc.msg.hdr.riid;
    server->ipc.serving_mid = client->ipc.msg.hdr.mid;
}

static void unbind(struct thread *client)
{
    if (client->ipc.served_by)
        client->ipc.served_by->ipc.serving = NULL;
    client->ipc.served_by = NULL;
    list_del(&client->ipc.served_link);
}

/* ---- client side ----------------------------------------------------------- */

static Retcode do_call(Handle h, uint64_t out_uaddr, uint64_t in_uaddr, uint64_t timeout)
{
    struct thread *self = current;
    struct task *t = self->task;
    struct cap *c;
    Retcode rc = handle_lookup(&t->handles, h, KOBJ_IPC_CLIENT, RIGHT_IPC_CALL, &c);
    if (rc)
        return rc;
    struct ipc_client *ch = container_of(c->obj, struct ipc_client, obj);
    struct ipc_listener *s = ch->listener;
    self->ipc.badge = ch->badge;
    if (!s->connected)
        return rcNotConnected;
    if ((rc = fetch_message(t, out_uaddr, &self->ipc.msg)) ||
        (rc = fetch_capacity(t, in_uaddr, &self->ipc.in_cap)))
        return rc;
    if ((rc = security_ipc(SEC_EV_REQUEST, t, s->class_owner, &self->ipc.msg)))
        return rc;
    /* The kernel's own markers are no client's method: a request with them
     * would pass for a disconnect notice (or an error) at the server, which
     * cannot tell. A policy's layout check refuses them first (and audits). */
    if (self->ipc.msg.hdr.mid == MSG_MID_DISCONNECT || self->ipc.msg.hdr.mid == MSG_MID_ERROR)
        return rcInvalidArgument;
    self->ipc.in_uaddr = in_uaddr;
    if (kcall_is_kernel(s))
        return kcall_serve(self);             /* the kernel answers in the caller's context */
    self->ipc.calling = s;
    thread_hold(&s->obj);                     /* the client handle may close meanwhile */

    struct thread *server = list_first(&s->receivers.waiters, struct thread, run_link);
    while (server) {
        rc = deliver(t, &self->ipc.msg, server->task, server->ipc.recv_uaddr, &server->ipc.recv_cap,
                     self->ipc.badge);
        if (rc == rcOk) {
            list_del(&server->run_link);      /* off the receivers queue */
            list_del(&server->timer_link);
            server->state = THREAD_BLOCKED;
            server->wake_rc = rcOk;
            bind(self, server, s);
            rc = thread_block_switch(server, timeout);   /* fast path: straight to the server */
            break;
        }
        if (rc != rcTargetFault && rc != rcBufferTooSmall)
            break;                            /* our own message is at fault */
        thread_wake(server, rc);              /* that receiver cannot take it: tell it */
        server = list_first(&s->receivers.waiters, struct thread, run_link);
        rc = rcOk;
    }
    if (!server && rc == rcOk)
        rc = thread_wait_on(&s->callers, timeout);
    if (rc == rcTimeout || rc == rcIpcInterrupt)
        unbind(self);                         /* a late Reply will find nobody */
    self->ipc.calling = NULL;
    thread_unhold();
    return rc;
}

Retcode sys_Call(sysarg_t h, sysarg_t out, sysarg_t in, sysarg_t a3, sysarg_t a4, sysarg_t a5)
{
    if (h > 0xffffffffu)
        return rcInvalidArgument;
    return do_call((Handle)h, out, in, INFINITE_TIMEOUT);
}

Retcode sys_CallEx(sysarg_t h, sysarg_t out, sysarg_t in, sysarg_t timeout, sysarg_t a4, sysarg_t a5)
{
    if (h > 0xffffffffu)
        return rcInvalidArgument;
    return do_call((Handle)h, out, in, timeout);
}

/* ---- server side ------------------------------------------------------------ */

static Retcode lookup_listener(Handle h, struct ipc_listener **out)
{
    struct cap *c;
    Retcode rc = handle_lookup(&current_task()->handles, h, KOBJ_IPC_LISTENER, RIGHT_IPC_RECV, &c);
    if (rc)
        return rc;
    *out = container_of(c->obj, struct ipc_listener, obj);
    return (*out)->connected ? rcOk : rcNotConnected;
}

/* Takes the first deliverable pending request, or blocks until one arrives. */
static Retcode do_recv(struct ipc_listener *s, uint64_t in_uaddr, uint64_t timeout,
                       struct thread *switch_to_client)
{
    struct thread *self = current;
    Retcode rc = fetch_capacity(self->task, in_uaddr, &self->ipc.recv_cap);
    if (rc)
        goto fail;
    self->ipc.recv_uaddr = in_uaddr;
    for (;;) {
        struct thread *client = list_first(&s->callers.waiters, struct thread, run_link);
        if (!client)
            break;
        rc = deliver(client->task, &client->ipc.msg, self->task, in_uaddr, &self->ipc.recv_cap,
                     client->ipc.badge);
        if (rc == rcBufferTooSmall || rc == rcTargetFault)
            goto fail;                        /* our buffer: the client stays queued */
        list_del(&client->run_link);
        if (rc) {
            thread_wake(client, rc);          /* the client's message could not be read */
            continue;
        }
        bind(client, self, s);
        if (switch_to_client)
            thread_wake(switch_to_client, switch_to_client->wake_rc);
        return rcOk;
    }
    if (!list_empty(&s->gone)) {              /* no request pending: a notice */
        struct ipc_client *c = list_first(&s->gone, struct ipc_client, gone_link);
        if ((rc = deliver_notice(self, c->badge)))
            goto fail;
        list_del(&c->gone_link);
        kobject_put(&c->obj);
        if (switch_to_client)
            thread_wake(switch_to_client, switch_to_client->wake_rc);
        return rcOk;
    }
    if (switch_to_client) {
        /* ReplyRecv: wait as a receiver and run the replied client right away. */
        self->state = THREAD_BLOCKED;
        self->wake_rc = rcOk;
        list_add_tail(&s->receivers.waiters, &self->run_link);
        return thread_block_switch(switch_to_client, timeout);
    }
    return thread_wait_on(&s->receivers, timeout);
fail:
    if (switch_to_client)                     /* the replied client must still run */
        thread_wake(switch_to_client, switch_to_client->wake_rc);
    return rc;
}

static Retcode recv_common(sysarg_t h, uint64_t in, uint64_t timeout)
{
    struct ipc_listener *s;
    Retcode rc = h > 0xffffffffu ? rcInvalidArgument : lookup_listener((Handle)h, &s);
    if (rc)
        return rc;
    if (current->ipc.serving)
        return rcInvalidThreadState;          /* Reply to the request held first */
    return do_recv(s, in, timeout, NULL);
}

Retcode sys_Recv(sysarg_t h, sysarg_t in, sysarg_t a2, sysarg_t a3, sysarg_t a4, sysarg_t a5)
{
    return recv_common(h, in, INFINITE_TIMEOUT);
}

Retcode sys_RecvEx(sysarg_t h, sysarg_t in, sysarg_t timeout, sysarg_t a3, sysarg_t a4, sysarg_t a5)
{
    return recv_common(h, in, timeout);
}

/*
 * Sends the reply to the client held by the current thread. On return the
 * client is unbound and either woken (switch == false) or left blocked with
 * its wake code set for the caller to switch to (*client_out).
 */
static Retcode do_reply(struct ipc_listener *s, uint64_t out_uaddr, bool wake,
                        struct thread **client_out)
{
    struct thread *self = current;
    struct thread *client = self->ipc.serving;
    *client_out = NULL;
    if (!client)
        return rcNotConnected;                /* the client gave up or died */
    if (client->state != THREAD_BLOCKED) {    /* it timed out and has not run yet */
        unbind(client);
        return rcNotConnected;
    }
    Retcode rc = fetch_message(self->task, out_uaddr, &self->ipc.msg);
    if (rc)
        return rc;                            /* the server may retry with a valid reply */
    /* A reply answers the request's method, or is an error reply for it. */
    bool error = self->ipc.msg.hdr.mid == MSG_MID_ERROR;
    if (error && self->ipc.msg.hdr.size != sizeof(int32_t))
        return rcInvalidArgument;
    self->ipc.msg.hdr.riid = self->ipc.serving_riid;
    if (!error)
        self->ipc.msg.hdr.mid = self->ipc.serving_mid;
    Retcode crc = security_ipc(error ? SEC_EV_ERROR : SEC_EV_RESPONSE, self->task, client->task,
                               &self->ipc.msg);
    if (crc == rcOk)
        crc = deliver(self->task, &self->ipc.msg, client->task, client->ipc.in_uaddr,
                      &client->ipc.in_cap, 0);
    unbind(client);
    list_del(&client->timer_link);
    client->wake_rc = crc;
    if (wake) {
        thread_wake(client, crc);
    } else {
        client->state = THREAD_BLOCKED;
        *client_out = client;
    }
    return crc;
}

Retcode sys_Reply(sysarg_t h, sysarg_t out, sysarg_t a2, sysarg_t a3, sysarg_t a4, sysarg_t a5)
{
    struct ipc_listener *s;
    struct thread *client;
    Retcode rc = h > 0xffffffffu ? rcInvalidArgument : lookup_listener((Handle)h, &s);
    if (rc)
        return rc;
    rc = do_reply(s, out, false, &client);
    if (client) {
        if (client->priority >= current->priority)
            thread_switch_to(client);         /* fast path back to the caller */
        else
            thread_wake(client, client->wake_rc);
    }
    return rc;
}

Retcode sys_ReplyRecv(sysarg_t h, sysarg_t out, sysarg_t in, sysarg_t timeout, sysarg_t a4, sysarg_t a5)
{
    struct ipc_listener *s;
    struct thread *client = NULL;
    Retcode rc = h > 0xffffffffu ? rcInvalidArgument : lookup_listener((Handle)h, &s);
    if (rc)
        return rc;
    if (current->ipc.serving) {
        rc = do_reply(s, out, false, &client);
        if (rc && !client)
            return rc;                        /* reply not sent: let the server fix it */
    }
    rc = do_recv(s, in, timeout, client);
    return rc;
}

Retcode ipc_deliver_kernel_reply(struct thread *self)
{
    return deliver(NULL, &self->ipc.msg, self->task, self->ipc.in_uaddr, &self->ipc.in_cap, 0);
}

/* ---- teardown ---------------------------------------------------------------- */

void ipc_thread_gone(struct thread *t)
{
    if (t->ipc.served_by || list_linked(&t->ipc.served_link))
        unbind(t);                            /* a client: its server forgets it */
    struct thread *client = t->ipc.serving;
    if (client) {                             /* a server: its client must not wait forever */
        unbind(client);
        thread_wake(client, rcNotConnected);
    }
}
