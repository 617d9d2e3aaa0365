/*
 * The rendezvous: Call / Recv / Reply (and ReplyRecv, CallEx, RecvEx), the
 * state machine that pairs a client thread with a server thread.
 *
 * Path of a request: the client's message is fetched and checked
 * (kernel/ipc_transfer.c), the security module decides on the kernel's copy;
 * if a server thread waits in Recv, the message goes straight into its buffer
 * and the CPU switches to it directly. The reply takes the same way back. No
 * allocation anywhere on the path. Dead ends never leave a thread waiting: a
 * disconnect or a killed peer wakes the other side with rcNotConnected.
 * Threads are parked, taken and woken through the scheduler's accessors
 * (kernel/include/kernel/sched.h), never through their queue links.
 */
#include <kernel/ipc.h>
#include <kernel/ipc_transfer.h>
#include <kernel/ipc_bind.h>
#include <kernel/ipc_fast.h>
#include <kernel/handle.h>
#include <kernel/kcall.h>
#include <kernel/panic.h>
#include <kernel/security.h>
#include <kernel/syscall.h>
#include <kernel/task.h>

/* ---- client side ----------------------------------------------------------- */

static Retcode lookup_client(sysarg_t h, struct ipc_client **out)
{
    struct cap *c;
    Retcode rc = h > 0xffffffffu ? rcInvalidArgument
                                 : handle_lookup(&current_task()->handles, (Handle)h,
                                                 KOBJ_IPC_CLIENT, RIGHT_IPC_CALL, &c);
    if (rc == rcOk)
        *out = container_of(c->obj, struct ipc_client, obj);
    return rc;
}

static Retcode do_call(struct ipc_client *ch, uint64_t out_uaddr, uint64_t in_uaddr,
                       uint64_t timeout)
{
    struct thread *self = current;
    struct task *t = self->task;
    Retcode rc;
    struct ipc_listener *s = ch->listener;
    self->ipc.badge = ch->badge;
    if (!s->connected)
        return rcNotConnected;
    if ((rc = ipc_fetch_message(t, out_uaddr, &self->ipc.msg)) ||
        (rc = ipc_fetch_capacity(t, in_uaddr, &self->ipc.in_cap)))
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
    thread_hold(&s->obj);                     /* the client handle may close meanwhile */

    struct thread *server = wait_queue_first(&s->receivers);
    while (server) {
        rc = ipc_deliver(t, &self->ipc.msg, server->task, server->ipc.recv_uaddr,
                         &server->ipc.recv_cap, self->ipc.badge);
        if (rc == rcOk) {
            thread_dequeue(server);           /* off the receivers queue */
            thread_release(server, rcOk);     /* its Recv returns rcOk */
            ipc_bind(self, server, s);
            rc = thread_wait_switch(NULL, server, timeout);   /* fast path: to the server */
            break;
        }
        /* A request larger than the receiver's buffer is the caller's fault
         * (rcBufferTooSmall): the Call fails and the receiver keeps waiting, so
         * no client can make a server's Recv fail. Only a receive buffer that
         * is not writable is the receiver's own fault. */
        if (rc != rcTargetFault)
            break;
        thread_wake(server, rc);              /* that receiver cannot take it: tell it */
        server = wait_queue_first(&s->receivers);
        rc = rcOk;
    }
    if (!server && rc == rcOk)
        rc = thread_wait_on(&s->callers, timeout);
    if (rc == rcTimeout || rc == rcIpcInterrupt)
        ipc_unbind(self);                         /* a late Reply will find nobody */
    thread_unhold();
    return rc;
}

Retcode sys_Call(sysarg_t h, sysarg_t out, sysarg_t in, sysarg_t a3, sysarg_t a4, sysarg_t a5)
{
    struct ipc_client *ch;
    Retcode rc = lookup_client(h, &ch);
    if (rc)
        return rc;
    /* The common case, or nothing changed. The kernel's endpoint (no owner
     * task) has its own (kernel/kcall_fastpath.c). */
    if (ch->listener->class_owner ? ipc_fast_call(ch, out, in, &rc)
                                  : kcall_fast_call(ch, out, in, &rc))
        return rc;
    return do_call(ch, out, in, INFINITE_TIMEOUT);
}

Retcode sys_CallEx(sysarg_t h, sysarg_t out, sysarg_t in, sysarg_t timeout, sysarg_t a4, sysarg_t a5)
{
    struct ipc_client *ch;
    Retcode rc = lookup_client(h, &ch);
    return rc ? rc : do_call(ch, out, in, timeout);
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

/* Takes the first deliverable pending request, or blocks until one arrives.
 * replied (ReplyRecv): a client released with its reply's code, which runs
 * next: resumed, or switched to at once if the caller waits. */
static Retcode do_recv(struct ipc_listener *s, uint64_t in_uaddr, uint64_t timeout,
                       struct thread *replied)
{
    struct thread *self = current;
    DEBUG_ASSERT(!self->ipc.serving);
    Retcode rc = ipc_fetch_capacity(self->task, in_uaddr, &self->ipc.recv_cap);
    if (rc)
        goto fail;
    self->ipc.recv_uaddr = in_uaddr;
    for (;;) {
        struct thread *client = wait_queue_first(&s->callers);
        if (!client)
            break;
        rc = ipc_deliver(client->task, &client->ipc.msg, self->task, in_uaddr, &self->ipc.recv_cap,
                         client->ipc.badge);
        if (rc == rcTargetFault)
            goto fail;                        /* our buffer is not writable: the client stays queued */
        thread_dequeue(client);
        if (rc) {
            /* Too large for our buffer, or unreadable: the client's Call fails
             * and we take the next request (as in do_call). */
            thread_wake(client, rc);
            continue;
        }
        ipc_bind(client, self, s);
        if (replied)
            thread_resume(replied);
        return rcOk;
    }
    if (!list_empty(&s->gone)) {              /* no request pending: a notice */
        struct ipc_client *c = list_first(&s->gone, struct ipc_client, gone_link);
        if ((rc = ipc_deliver_notice(self, c->badge)))
            goto fail;
        list_del(&c->gone_link);
        kobject_put(&c->obj);
        if (replied)
            thread_resume(replied);
        return rcOk;
    }
    if (replied)      /* ReplyRecv: wait as a receiver and run the replied client right away */
        return thread_wait_switch(&s->receivers, replied, timeout);
    return thread_wait_on(&s->receivers, timeout);
fail:
    if (replied)                              /* the replied client must still run */
        thread_resume(replied);
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
 * client is unbound and, when the reply went out (*client_out), released with
 * the reply's code, for the caller to resume or switch to.
 */
static Retcode do_reply(uint64_t out_uaddr, struct thread **client_out)
{
    struct thread *self = current;
    struct thread *client = self->ipc.serving;
    *client_out = NULL;
    if (!client)
        return rcNotConnected;                /* the client gave up or died */
    DEBUG_ASSERT(client->ipc.served_by == self);   /* a reply comes from its server */
    if (!thread_is_blocked(client)) {         /* it timed out and has not run yet */
        ipc_unbind(client);
        return rcNotConnected;
    }
    Retcode rc = ipc_fetch_message(self->task, out_uaddr, &self->ipc.msg);
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
        crc = ipc_deliver(self->task, &self->ipc.msg, client->task, client->ipc.in_uaddr,
                          &client->ipc.in_cap, 0);
    ipc_unbind(client);
    thread_release(client, crc);              /* its Call returns the reply's code */
    *client_out = client;
    return crc;
}

Retcode sys_Reply(sysarg_t h, sysarg_t out, sysarg_t a2, sysarg_t a3, sysarg_t a4, sysarg_t a5)
{
    struct ipc_listener *s;
    struct thread *client;
    Retcode rc = h > 0xffffffffu ? rcInvalidArgument : lookup_listener((Handle)h, &s);
    if (rc)
        return rc;
    rc = do_reply(out, &client);
    if (client) {
        if (client->priority >= current->priority)
            thread_hand_over(client);         /* fast path back to the caller */
        else
            thread_resume(client);
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
    if (ipc_fast_reply_recv(s, out, in, timeout, &rc))   /* the common case, or nothing changed */
        return rc;
    if (current->ipc.serving) {
        rc = do_reply(out, &client);
        if (rc && !client)
            return rc;                        /* reply not sent: let the server fix it */
    }
    return do_recv(s, in, timeout, client);
}

/* ---- teardown ---------------------------------------------------------------- */

void ipc_listener_end(struct ipc_listener *s)
{
    DEBUG_ASSERT(!s->connected);
    wait_queue_wake(&s->callers, 0, rcNotConnected);
    wait_queue_wake(&s->receivers, 0, rcNotConnected);
    struct list_node *pos, *tmp;
    list_for_each_safe(pos, tmp, &s->served) {
        struct thread *c = list_entry(pos, struct thread, ipc.served_link);
        ipc_unbind(c);
        thread_wake(c, rcNotConnected);
    }
}

void ipc_thread_gone(struct thread *t)
{
    if (t->ipc.served_by || list_linked(&t->ipc.served_link))
        ipc_unbind(t);                            /* a client: its server forgets it */
    struct thread *client = t->ipc.serving;
    if (client) {                             /* a server: its client must not wait forever */
        ipc_unbind(client);
        thread_wake(client, rcNotConnected);
    }
}
