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
#include <kernel/ipc_regs.h>
#include <kernel/handle.h>
#include <kernel/kcall.h>
#include <kernel/panic.h>
#include <kernel/security.h>
#include <kernel/syscall.h>
#include <kernel/task.h>
#include <arch/trap_frame.h>

/* The saved registers of the current system call (CallReg, RecvReg, ReplyRecvReg). */
static inline uint64_t *my_regs(void)
{
    return current->frame->x;
}

/* A short message into the saved registers of a receiver that receives
 * that way. Out of line: the general path's callers keep their shape. */
static __attribute__((noinline)) Retcode deliver_regs(const struct kmsg *m, struct thread *to,
                                                      const SMsgHdr *cap, uint32_t badge)
{
    if (m->hdr.size > cap->size)
        return rcBufferTooSmall;
    ipc_regs_put(to->frame->x, m->hdr.riid, m->hdr.mid, m->hdr.size, m->data, badge);
    return rcOk;
}

/* Delivers m into a receiver's buffer (uaddr/cap), or into its saved
 * registers when it receives that way (`regs`) and the message is short. */
static inline __attribute__((always_inline)) Retcode
deliver(struct task *from, const struct kmsg *m, struct thread *to, bool regs, uint64_t uaddr,
        const SMsgHdr *cap, uint32_t badge)
{
    if (regs && ipc_regs_fit(m->hdr.size, m->hdr.arena_size, m->hdr.nhandles))
        return deliver_regs(m, to, cap, badge);
    return ipc_deliver(from, m, to->task, uaddr, cap, badge);
}

/* ---- client side ----------------------------------------------------------- */

/* The client end behind h, through the thread's call cache (a hit is the
 * lookup's answer: kernel/ipc_fastpath.c). Inline: sys_Call's hit is a
 * compare pair before its tail call. */
static inline __attribute__((always_inline)) Retcode lookup_client(sysarg_t h, struct ipc_client **out)
{
    struct thread *self = current;
    struct ipc_hcache *c = &self->ipc.call_cache;
    if (__builtin_expect(!ipc_cache_hit(c, self, h), 0)) {
        Retcode rc = ipc_cache_fill(c, h, KOBJ_IPC_CLIENT, RIGHT_IPC_CALL);
        if (rc)
            return rc;
    }
    DEBUG_ASSERT(ipc_cache_valid(c, h, KOBJ_IPC_CLIENT, RIGHT_IPC_CALL));
    *out = container_of(c->obj, struct ipc_client, obj);
    return rcOk;
}

/* CallReg's message and receive room from its registers (out of line: the
 * memory path of do_call keeps its shape). */
static __attribute__((noinline)) Retcode fetch_regs(struct thread *self, const uint64_t *regs,
                                                    uint64_t *in_uaddr)
{
    Retcode rc = ipc_regs_fetch(regs, &self->ipc.msg);
    return rc ? rc : ipc_regs_capacity(regs, in_uaddr, &self->ipc.in_cap);
}

/* regs: CallReg's saved registers (message and receive room in them), or NULL. */
static Retcode do_call(struct ipc_client *ch, uint64_t out_uaddr, uint64_t in_uaddr,
                       uint64_t timeout, const uint64_t *regs)
{
    struct thread *self = current;
    struct task *t = self->task;
    Retcode rc;
    struct ipc_listener *s = ch->listener;
    self->ipc.badge = ch->badge;
    if (!s->connected)
        return rcNotConnected;
    if (__builtin_expect(regs != NULL, 0)) {
        if ((rc = fetch_regs(self, regs, &in_uaddr)))
            return rc;
    } else if ((rc = ipc_fetch_message(t, out_uaddr, &self->ipc.msg)) ||
               (rc = ipc_fetch_capacity(t, in_uaddr, &self->ipc.in_cap))) {
        return rc;
    }
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
    self->ipc.in_regs = regs != NULL && ipc_regs_on;   /* (the kernel's replies go to memory) */
    thread_hold(&s->obj);                     /* the client handle may close meanwhile */

    struct thread *server = wait_queue_first(&s->receivers);
    while (server) {
        rc = deliver(t, &self->ipc.msg, server, server->ipc.recv_regs, server->ipc.recv_uaddr,
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

/* Call on the kernel's endpoint (no owner task): its own fast path
 * (kernel/kcall_fastpath.c), else the general one. */
static __attribute__((noinline)) Retcode call_kernel(struct ipc_client *ch, uint64_t out,
                                                     uint64_t in)
{
    Retcode rc;
    if (kcall_fast_call(ch, out, in, &rc))
        return rc;
    return do_call(ch, out, in, INFINITE_TIMEOUT, NULL);
}

/* Call whose handle is not in the call cache: the lookup, then as sys_Call. */
static __attribute__((noinline)) Retcode call_lookup(sysarg_t h, uint64_t out, uint64_t in)
{
    struct ipc_client *ch;
    Retcode rc = lookup_client(h, &ch);
    if (rc)
        return rc;
    if (ch->listener->class_owner)
        return ipc_call_mem(ch, out, in, current);
    return call_kernel(ch, out, in);
}

/* The usual case (the handle in the call cache, a user server) is a leaf
 * that ends in a tail call of the fast path, which falls back to
 * ipc_call_general itself: no frame here. */
Retcode sys_Call(sysarg_t h, sysarg_t out, sysarg_t in, sysarg_t a3, sysarg_t a4, sysarg_t a5)
{
    (void)a3, (void)a4, (void)a5;
    struct thread *self = current;
    const struct ipc_hcache *c = &self->ipc.call_cache;
    if (__builtin_expect(!ipc_cache_hit(c, self, h), 0))
        return call_lookup(h, out, in);
    DEBUG_ASSERT(ipc_cache_valid(c, h, KOBJ_IPC_CLIENT, RIGHT_IPC_CALL));
    struct ipc_client *ch = container_of(c->obj, struct ipc_client, obj);
    if (__builtin_expect(ch->listener->class_owner != NULL, 1))
        return ipc_call_mem(ch, out, in, self);
    return call_kernel(ch, out, in);
}

/* Call from memory past its fast path (kernel/ipc_fastpath.c, ipc_call_mem). */
Retcode ipc_call_general(struct ipc_client *ch, uint64_t out, uint64_t in)
{
    return do_call(ch, out, in, INFINITE_TIMEOUT, NULL);
}

/* CallReg past its fast path (kernel/ipc_fastpath.c: sys_CallReg, which
 * resolved the handle). */
Retcode ipc_call_reg_general(struct ipc_client *ch)
{
    return do_call(ch, 0, 0, INFINITE_TIMEOUT, my_regs());
}

Retcode sys_CallEx(sysarg_t h, sysarg_t out, sysarg_t in, sysarg_t timeout, sysarg_t a4, sysarg_t a5)
{
    struct ipc_client *ch;
    Retcode rc = lookup_client(h, &ch);
    return rc ? rc : do_call(ch, out, in, timeout, NULL);
}

/* ---- server side ------------------------------------------------------------ */

/* The listener behind h, through the thread's recv cache, if connected.
 * Inline, as lookup_client. */
static inline __attribute__((always_inline)) Retcode lookup_listener(sysarg_t h, struct ipc_listener **out)
{
    struct thread *self = current;
    struct ipc_hcache *c = &self->ipc.recv_cache;
    if (__builtin_expect(!ipc_cache_hit(c, self, h), 0)) {
        Retcode rc = ipc_cache_fill(c, h, KOBJ_IPC_LISTENER, RIGHT_IPC_RECV);
        if (rc)
            return rc;
    }
    DEBUG_ASSERT(ipc_cache_valid(c, h, KOBJ_IPC_LISTENER, RIGHT_IPC_RECV));
    *out = container_of(c->obj, struct ipc_listener, obj);
    return (*out)->connected ? rcOk : rcNotConnected;
}

/* Takes the first deliverable pending request, or blocks until one arrives.
 * replied (ReplyRecv): a client released with its reply's code, which runs
 * next: resumed, or switched to at once if the caller waits. */
static Retcode do_recv(struct ipc_listener *s, uint64_t in_uaddr, uint64_t timeout,
                       struct thread *replied, const uint64_t *regs)
{
    struct thread *self = current;
    DEBUG_ASSERT(!self->ipc.serving);
    Retcode rc = regs ? ipc_regs_capacity(regs, &in_uaddr, &self->ipc.recv_cap)
                      : ipc_fetch_capacity(self->task, in_uaddr, &self->ipc.recv_cap);
    if (rc)
        goto fail;
    self->ipc.recv_uaddr = in_uaddr;
    self->ipc.recv_regs = regs != NULL && ipc_regs_on;
    for (;;) {
        struct thread *client = wait_queue_first(&s->callers);
        if (!client)
            break;
        rc = deliver(client->task, &client->ipc.msg, self, self->ipc.recv_regs, in_uaddr,
                     &self->ipc.recv_cap, client->ipc.badge);
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

static Retcode recv_common(sysarg_t h, uint64_t in, uint64_t timeout, const uint64_t *regs)
{
    struct ipc_listener *s;
    Retcode rc = lookup_listener(h, &s);
    if (rc)
        return rc;
    if (current->ipc.serving)
        return rcInvalidThreadState;          /* Reply to the request held first */
    return do_recv(s, in, timeout, NULL, regs);
}

Retcode sys_Recv(sysarg_t h, sysarg_t in, sysarg_t a2, sysarg_t a3, sysarg_t a4, sysarg_t a5)
{
    return recv_common(h, in, INFINITE_TIMEOUT, NULL);
}

Retcode sys_RecvEx(sysarg_t h, sysarg_t in, sysarg_t timeout, sysarg_t a3, sysarg_t a4, sysarg_t a5)
{
    return recv_common(h, in, timeout, NULL);
}

/* RecvEx receiving a short request in registers (uapi/msg.h). */
Retcode sys_RecvReg(sysarg_t h, sysarg_t a1, sysarg_t a2, sysarg_t a3, sysarg_t a4, sysarg_t a5)
{
    const uint64_t *regs = my_regs();
    return recv_common(h, 0, regs[REG_TIMEOUT], regs);
}

/*
 * Sends the reply to the client held by the current thread. On return the
 * client is unbound and, when the reply went out (*client_out), released with
 * the reply's code, for the caller to resume or switch to.
 */
static Retcode do_reply(uint64_t out_uaddr, struct thread **client_out, const uint64_t *regs)
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
    Retcode rc = regs ? ipc_regs_fetch(regs, &self->ipc.msg)
                      : ipc_fetch_message(self->task, out_uaddr, &self->ipc.msg);
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
        crc = deliver(self->task, &self->ipc.msg, client, client->ipc.in_regs,
                      client->ipc.in_uaddr, &client->ipc.in_cap, 0);
    ipc_unbind(client);
    thread_release(client, crc);              /* its Call returns the reply's code */
    *client_out = client;
    return crc;
}

Retcode sys_Reply(sysarg_t h, sysarg_t out, sysarg_t a2, sysarg_t a3, sysarg_t a4, sysarg_t a5)
{
    struct ipc_listener *s;
    struct thread *client;
    Retcode rc = lookup_listener(h, &s);
    if (rc)
        return rc;
    rc = do_reply(out, &client, NULL);
    if (client) {
        if (client->priority >= current->priority)
            thread_hand_over(client);         /* fast path back to the caller */
        else
            thread_resume(client);
    }
    return rc;
}

/* ReplyRecv(Release) whose handle is not in the recv cache or whose
 * listener is not connected: the lookup (and its error), then as
 * reply_recv. A failed lookup sends no reply but still releases the word. */
static __attribute__((noinline)) Retcode reply_recv_lookup(sysarg_t h, uint64_t out, uint64_t in,
                                                           uint64_t timeout, uint64_t release)
{
    struct ipc_listener *s;
    Retcode rc = lookup_listener(h, &s);
    if (rc) {
        if (release)
            futex_release_word(current->task, release);
        return rc;
    }
    return ipc_reply_recv_mem(s, out, in, timeout, release, current);
}

/* The usual case (the handle in the recv cache, connected) is a leaf that
 * ends in a tail call of the fast path, which falls back to
 * ipc_reply_recv_general itself. */
static inline __attribute__((always_inline)) Retcode reply_recv(sysarg_t h, uint64_t out,
                                                                uint64_t in, uint64_t timeout,
                                                                uint64_t release)
{
    struct thread *self = current;
    const struct ipc_hcache *c = &self->ipc.recv_cache;
    if (__builtin_expect(!ipc_cache_hit(c, self, h), 0))
        return reply_recv_lookup(h, out, in, timeout, release);
    DEBUG_ASSERT(ipc_cache_valid(c, h, KOBJ_IPC_LISTENER, RIGHT_IPC_RECV));
    struct ipc_listener *s = container_of(c->obj, struct ipc_listener, obj);
    if (__builtin_expect(!s->connected, 0))
        return reply_recv_lookup(h, out, in, timeout, release);
    return ipc_reply_recv_mem(s, out, in, timeout, release, self);
}

Retcode sys_ReplyRecv(sysarg_t h, sysarg_t out, sysarg_t in, sysarg_t timeout, sysarg_t a4, sysarg_t a5)
{
    (void)a4, (void)a5;
    return reply_recv(h, out, in, timeout, 0);
}

/* ReplyRecv(Release) from memory past its fast path (kernel/ipc_fastpath.c,
 * ipc_reply_recv_mem): s resolved and connected; release as in
 * sys_ReplyRecvRelease, 0 for sys_ReplyRecv. */
Retcode ipc_reply_recv_general(struct ipc_listener *s, uint64_t out, uint64_t in, uint64_t timeout,
                               uint64_t release)
{
    struct thread *client = NULL;
    Retcode rc = rcOk;
    if (current->ipc.serving)
        rc = do_reply(out, &client, NULL);
    if (release)
        futex_release_word(current->task, release);
    if (rc && !client)
        return rc;                            /* reply not sent: let the server fix it */
    return do_recv(s, in, timeout, client, NULL);
}

/*
 * ReplyRecv that also releases a word of the server's (docs/ABI.md,
 * "ReplyRecvRelease"): 0 is stored there, and its futex waiters woken, once
 * the reply is finished (copied, refused or undeliverable) and before this
 * thread waits for the next request; also when no reply went out (no
 * request held, a bad listener handle or a malformed reply), so a server
 * that pins memory for the reply's arena can never leave a pin behind. The
 * one exception: a word that is misaligned or outside user space is
 * rcInvalidArgument before anything is done. 0 names no word.
 */
Retcode sys_ReplyRecvRelease(sysarg_t h, sysarg_t out, sysarg_t in, sysarg_t timeout,
                             sysarg_t release, sysarg_t a5)
{
    (void)a5;
    if (release && ((release & 3) || !user_range_ok(release, sizeof(uint32_t))))
        return rcInvalidArgument;
    return reply_recv(h, out, in, timeout, release);
}

/* ReplyRecvReg past its fast path (kernel/ipc_fastpath.c: sys_ReplyRecvReg,
 * which resolved the handle but left lookup_listener's connected test to
 * here, in the same order). */
Retcode ipc_reply_recv_reg_general(struct ipc_listener *s)
{
    const uint64_t *regs = my_regs();
    struct thread *client = NULL;
    Retcode rc;
    if (!s->connected)
        return rcNotConnected;
    if (current->ipc.serving) {
        rc = do_reply(0, &client, regs);
        if (rc && !client)
            return rc;                        /* reply not sent: let the server fix it */
    }
    return do_recv(s, 0, regs[REG_TIMEOUT], client, regs);
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
