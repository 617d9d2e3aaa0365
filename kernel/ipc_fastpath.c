/*
 * The IPC fast path (issue 19), in the style of seL4's fastpath.c: Call and
 * ReplyRecv in the common case as a straight line of guards. Each guard
 * that fails returns false before anything has changed, and the system call
 * runs the general path (kernel/ipc_rendezvous.c), which gives every error
 * code, audit line and corner case. What the fast path takes:
 *
 *   - a valid handle, a connected user-space channel (not the kernel's);
 *   - a message of header + constant part up to IPC_FAST_MAX_CONST bytes,
 *     no arena, no handles, not an error reply, in one page, as is the
 *     receiving buffer;
 *   - the security module's precomputed verdict: an unconditional grant
 *     without audit (security_ipc_fast); conditions, models, audited
 *     grants and denials take the engine on the general path;
 *   - Call: a server thread already waiting in Recv on the channel;
 *     ReplyRecv: a client waiting for this reply, no other request or
 *     disconnect notice pending, and no timeout.
 *
 * Then the kernel's copy of the message (header and constant part, taken
 * once, as on the general path: what was decided on is what is delivered)
 * goes to the receiver's page, and the CPU switches to the receiver
 * without the run queue (thread_wait_switch). Everything runs under the big kernel lock, taken on
 * kernel entry like for any system call: on SMP the fast path is as
 * serialised as the general one.
 */
#include <kernel/ipc_fast.h>
#include <kernel/ipc.h>
#include <kernel/ipc_bind.h>
#include <kernel/bootargs.h>
#include <kernel/kcall.h>
#include <kernel/ipc_transfer.h>
#include <kernel/lib.h>
#include <kernel/printk.h>
#include <kernel/security.h>
#include <kernel/task.h>
#include <kernel/vm.h>
#include <arch/mmu.h>

#define HDR_SIZE sizeof(SMsgHdr)

bool ipc_fastpath_on = true;
static uint64_t fast_calls, fast_replies;   /* taken, for ipc_fastpath_report */

void ipc_fastpath_init(void)
{
    if (bootarg_is("ipc_fastpath", "off")) {
        ipc_fastpath_on = false;
        printk("ipc: fast path off (ipc_fastpath=off)\n");
    }
}

void ipc_fastpath_report(void)
{
    printk("ipc: fast path took %llu calls and %llu replies\n", (unsigned long long)fast_calls,
           (unsigned long long)fast_replies);
}

/* The sender's header at uaddr of vm, copied into *hdr (the kernel's copy,
 * which is what is decided on), when the fast path can take the message:
 * header and constant part in one page, a short constant part, no arena, no
 * handles. Returns the kernel view of the user buffer, or NULL. */
static inline const SMsgHdr *fast_message(const struct vmspace *vm, uint64_t uaddr, SMsgHdr *hdr)
{
    if (uaddr & 7)
        return NULL;
    const SMsgHdr *m = vm_user_window(vm, uaddr, HDR_SIZE, false);
    if (!m)
        return NULL;
    *hdr = *m;
    if (hdr->size > IPC_FAST_MAX_CONST || hdr->arena_size || hdr->nhandles ||
        (uaddr & (PAGE_SIZE - 1)) + HDR_SIZE + hdr->size > PAGE_SIZE)
        return NULL;
    return m;
}

/* The receiving buffer at uaddr with capacity cap, writable for a message
 * of `size` bytes of constant part: its kernel view, or NULL. */
static inline SMsgHdr *fast_target(const struct vmspace *vm, uint64_t uaddr, const SMsgHdr *cap,
                                   uint32_t size)
{
    if (size > cap->size)
        return NULL;                          /* rcBufferTooSmall: the general path says so */
    return vm_user_window(vm, uaddr, HDR_SIZE + size, true);
}

/* Header (with the receiver's badge and arena) and constant part (the
 * kernel's copies) into the receiver's buffer. */
static inline void fast_write(SMsgHdr *to, const SMsgHdr *hdr, const SMsgHdr *cap,
                              const uint8_t *data, uint32_t badge)
{
    SMsgHdr out = *hdr;
    out.badge = badge;
    out.arena = cap->arena;
    out.arena_cap = cap->arena_cap;
    *to = out;
    memcpy(to + 1, data, hdr->size);
}

/*
 * The precomputed verdict of a message for this thread: security_ipc_fast
 * (the tables' unconditional, unaudited grant) remembered for the last
 * (peer class, riid, mid, size) the thread sent, so the usual loop decides
 * with one compare. A remembered "no" sends the message to the engine at
 * once. Class ids and the tables never change while a task lives, and the
 * memo belongs to one thread of one task (its source class).
 */
static inline bool fast_verdict(struct ipc_verdict_memo *memo, enum sec_event ev,
                                const struct task *src, const struct task *dst,
                                const SMsgHdr *hdr, const uint8_t *data)
{
    uint64_t k0 = (uint64_t)(uint32_t)dst->sec_subject << 32 | (hdr->size + 1u);   /* never 0 */
    uint64_t k1 = (uint64_t)hdr->riid << 32 | hdr->mid;
    if (memo->key[0] == k0 && memo->key[1] == k1)
        return memo->grant;
    memo->grant = security_ipc_fast(ev, src, dst, hdr, data);
    memo->key[0] = k0;
    memo->key[1] = k1;
    return memo->grant;
}

bool ipc_fast_call(struct ipc_client *ch, uint64_t out_uaddr, uint64_t in_uaddr, Retcode *rc)
{
    struct thread *self = current;
    struct task *t = self->task;
    struct ipc_listener *s = ch->listener;
    struct thread *server = wait_queue_first(&s->receivers);
    if (!ipc_fastpath_on || !s->connected || !server || !s->class_owner)
        return false;                         /* (the kernel's listeners have no owner task) */
    SMsgHdr hdr;
    const SMsgHdr *m = fast_message(&t->vm, out_uaddr, &hdr);
    if (!m || hdr.mid == MSG_MID_DISCONNECT || hdr.mid == MSG_MID_ERROR)
        return false;
    uint8_t data[IPC_FAST_MAX_CONST];          /* the kernel's copy, decided on and delivered */
    memcpy(data, m + 1, hdr.size);
    if (!fast_verdict(&self->ipc.req_memo, SEC_EV_REQUEST, t, s->class_owner, &hdr, data))
        return false;
    SMsgHdr *to = fast_target(&server->task->vm, server->ipc.recv_uaddr, &server->ipc.recv_cap,
                              hdr.size);
    if (!to || ipc_fetch_capacity(t, in_uaddr, &self->ipc.in_cap))
        return false;                         /* (in_cap is rewritten by the general path) */

    /* Committed: the request goes to the waiting server, which runs now. */
    fast_calls++;
    fast_write(to, &hdr, &server->ipc.recv_cap, data, ch->badge);
    self->ipc.badge = ch->badge;
    self->ipc.msg.hdr.riid = hdr.riid;        /* what ipc_bind reads */
    self->ipc.msg.hdr.mid = hdr.mid;
    self->ipc.in_uaddr = in_uaddr;
    thread_hold(&s->obj);                     /* the client handle may close meanwhile */
    thread_dequeue(server);
    thread_release(server, rcOk);
    ipc_bind(self, server, s);
    Retcode r = thread_wait_switch(NULL, server, INFINITE_TIMEOUT);
    if (r == rcTimeout || r == rcIpcInterrupt)
        ipc_unbind(self);
    thread_unhold();
    *rc = r;
    return true;
}

bool ipc_fast_reply_recv(struct ipc_listener *s, uint64_t out_uaddr, uint64_t in_uaddr,
                         uint64_t timeout, Retcode *rc)
{
    struct thread *self = current;
    struct task *t = self->task;
    struct thread *client = self->ipc.serving;
    if (!ipc_fastpath_on || !client || timeout != INFINITE_TIMEOUT || !thread_is_blocked(client) ||
        wait_queue_first(&s->callers) || !list_empty(&s->gone))
        return false;
    SMsgHdr hdr;
    const SMsgHdr *m = fast_message(&t->vm, out_uaddr, &hdr);
    if (!m || hdr.mid == MSG_MID_ERROR)
        return false;
    hdr.riid = self->ipc.serving_riid;        /* a reply answers the request's method */
    hdr.mid = self->ipc.serving_mid;
    uint8_t data[IPC_FAST_MAX_CONST];
    memcpy(data, m + 1, hdr.size);
    if (!fast_verdict(&self->ipc.rep_memo, SEC_EV_RESPONSE, t, client->task, &hdr, data))
        return false;
    SMsgHdr *to = fast_target(&client->task->vm, client->ipc.in_uaddr, &client->ipc.in_cap,
                              hdr.size);
    SMsgHdr cap;
    if (!to || ipc_fetch_capacity(t, in_uaddr, &cap))
        return false;

    /* Committed: the reply goes to the client, this thread waits for the
     * next request and the client runs now. */
    fast_replies++;
    fast_write(to, &hdr, &client->ipc.in_cap, data, 0);
    ipc_unbind(client);
    thread_release(client, rcOk);
    self->ipc.recv_cap = cap;
    self->ipc.recv_uaddr = in_uaddr;
    *rc = thread_wait_switch(&s->receivers, client, timeout);
    return true;
}
