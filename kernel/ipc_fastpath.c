/*
 * The IPC fast path (issue 19), in the style of seL4's fastpath.c: Call and
 * ReplyRecv in the common case as a straight line of guards. Each guard
 * that fails returns false before anything has changed, and the system call
 * runs the general path (kernel/ipc_rendezvous.c), which gives every error
 * code, audit line and corner case. What the fast path takes:
 *
 *   - a valid handle, a connected user-space channel (not the kernel's);
 *   - a message of header + constant part up to IPC_FAST_MAX_CONST bytes,
 *     no handles, not an error reply, in one page, as is the receiving
 *     buffer; an arena of any size within the receiver's arena_cap;
 *   - the security module's precomputed verdict: an unconditional grant
 *     without audit (security_ipc_fast), and for a method whose layout has
 *     arena descriptors, union tags or handle slots the engine's layout
 *     check on the kernel's copy of the constant part; conditions, models,
 *     rules that read the arena, audited grants, denials and malformed
 *     messages take the engine on the general path;
 *   - Call: a server thread already waiting in Recv on the channel;
 *     ReplyRecv: a client waiting for this reply, no other request or
 *     disconnect notice pending, and no timeout.
 *
 * The message comes from the sender's saved registers (CallReg,
 * ReplyRecvReg: kernel/include/kernel/ipc_regs.h) or from its buffer; the
 * kernel's copy (the frame, or the header and constant part taken once:
 * what was decided on is what is delivered) goes into the receiver's saved
 * registers when it receives that way and the message fits them, else into
 * its buffer's page. An arena goes user to user, once, as the last step
 * before the commit (ipc_copy_arena: a page that faults sends the message
 * to the general path, which copies the same bytes and fails the same way);
 * (a request to a receiver that asked for deferred arenas, ArenaDefer, at
 * or above its threshold is not copied at all: kernel/ipc_pull.c);
 * then the CPU switches to the receiver without the run queue
 * (thread_wait_switch_from, inline). With registers on both sides the fast path
 * touches no user memory. Everything runs under the big kernel lock, taken on
 * kernel entry like for any system call: on SMP the fast path is as
 * serialised as the general one.
 *
 * The register calls (CallReg, ReplyRecvReg) are entered here from the
 * system-call table (sys_CallReg, sys_ReplyRecvReg, at the end): each
 * thread's handle cache replaces the handle lookup, and the usual case runs
 * as a straight line with no call before the switch. The memory calls
 * (Call, ReplyRecv, ReplyRecvRelease) come from their system calls
 * (kernel/ipc_rendezvous.c) by a tail call once the handle cache hit:
 * ipc_call_mem and ipc_reply_recv_mem hold the whole fast path and end in a
 * tail call of the general path when a guard fails.
 */
#include <kernel/ipc_fast.h>
#include <kernel/ipc.h>
#include <kernel/ipc_bind.h>
#include <kernel/bootargs.h>
#include <kernel/kcall.h>
#include <kernel/ipc_transfer.h>
#include <kernel/ipc_regs.h>
#include <kernel/handle.h>
#include <kernel/syscall.h>
#include <arch/trap_frame.h>
#include <kernel/lib.h>
#include <kernel/printk.h>
#include <kernel/security.h>
#include <kernel/sched_switch.h>
#include <kernel/smp.h>
#include <kernel/task.h>
#include <kernel/vm.h>
#include <arch/mmu.h>

#define HDR_SIZE sizeof(SMsgHdr)

bool ipc_fastpath_on = true;
bool ipc_regs_on = true;

void ipc_fastpath_init(void)
{
    if (bootarg_is("ipc_fastpath", "off")) {
        ipc_fastpath_on = false;
        printk("ipc: fast path off (ipc_fastpath=off)\n");
    }
    if (bootarg_is("ipc_regs", "off")) {
        ipc_regs_on = false;
        printk("ipc: no delivery into registers (ipc_regs=off)\n");
    }
}

void ipc_fastpath_report(void)
{
    /* Counted per core (struct cpu): the sums over every core that ever
     * ran, so threads that have exited are in them too. */
    uint64_t calls = 0, replies = 0, arenas = 0;
    for (unsigned i = 0; i < SMP_MAX_CPUS; i++) {
        calls += cpus[i].ipc_fast_calls;
        replies += cpus[i].ipc_fast_replies;
        arenas += cpus[i].ipc_fast_arenas;
    }
    printk("ipc: fast path took %llu calls and %llu replies (%llu with an arena)\n",
           (unsigned long long)calls, (unsigned long long)replies, (unsigned long long)arenas);
}

/* A short message as the fast path holds it: the kernel's copy of what it
 * decides on and delivers. data points at the copy: a local buffer of the
 * caller's (struct fast_buf: a message from memory) or the sender's saved
 * registers (kernel memory that does not change during the system call).
 * The buffer is not a member: the verdict's layout check takes its address,
 * and a struct whose address escapes is kept in memory, fields and all. */
struct fast_msg {
    uint32_t riid, mid, size, arena_size;
    uint64_t arena;                           /* the sender's, when arena_size */
    const uint8_t *data;
};
struct fast_buf {
    uint64_t w[IPC_FAST_MAX_CONST / 8];
};

/* The sender's message into *m from its saved registers (CallReg,
 * ReplyRecvReg): never an arena, never handles. */
static inline __attribute__((always_inline)) bool fast_message_regs(const uint64_t *regs,
                                                                     struct fast_msg *m)
{
    uint64_t w = regs[REG_HDR];
    m->riid = MSG_REG_RIID(w);
    m->mid = MSG_REG_MID(w);
    m->size = MSG_REG_SIZE(w);
    m->data = (const uint8_t *)&regs[REG_DATA];
    m->arena_size = 0;
    m->arena = 0;
    return m->size <= MSG_REG_CONST;
}

/* The header of the sender's message at uaddr of vm into *m, when the fast
 * path can take it: header and constant part in one page, a short constant
 * part, no handles, an arena within the limits ipc_fetch_message checks.
 * *h: the sender's header, for fast_message_data. */
static inline __attribute__((always_inline)) bool
fast_header_mem(const struct vmspace *vm, uint64_t uaddr, struct fast_msg *m, struct fast_buf *buf,
                const SMsgHdr **h)
{
    if (uaddr & 7)
        return false;
    const SMsgHdr *u = vm_user_window(vm, uaddr, HDR_SIZE, false);
    if (!u)
        return false;
    SMsgHdr hdr;
    ipc_header_snapshot(&hdr, u);
    if (hdr.size > IPC_FAST_MAX_CONST || hdr.nhandles ||
        (uaddr & (PAGE_SIZE - 1)) + HDR_SIZE + hdr.size > PAGE_SIZE)
        return false;
    if (hdr.arena_size &&
        (hdr.arena_size > MSG_MAX_ARENA || !user_range_ok(hdr.arena, hdr.arena_size)))
        return false;                         /* rcInvalidArgument on the general path */
    m->arena_size = hdr.arena_size;
    m->arena = hdr.arena;
    m->riid = hdr.riid;
    m->mid = hdr.mid;
    m->size = hdr.size;
    m->data = (const uint8_t *)buf->w;        /* filled by fast_message_data */
    *h = u;
    return true;
}

/* The constant part after the header h into the kernel's copy (buf, which
 * m->data names): what the verdict reads and the receiver gets. */
static inline __attribute__((always_inline)) void fast_message_data(const struct fast_msg *m,
                                                                    struct fast_buf *buf,
                                                                    const SMsgHdr *h)
{
    ipc_copy_short(buf->w, h + 1, m->size);   /* (size <= IPC_FAST_MAX_CONST) */
}

/* Where the message goes: the receiver's saved registers when it receives
 * that way and the message fits them (regs_to), else its buffer at uaddr
 * (*to, its kernel view, writable for the message). False when the buffer
 * or the arena is too small (rcBufferTooSmall: the general path says so)
 * or the buffer is not mapped. asz: the arena's size (a constant 0 in the
 * instance for messages without one). */
static inline __attribute__((always_inline)) bool
fast_target(const struct thread *rcv, bool regs, uint64_t uaddr, const SMsgHdr *cap, uint32_t size,
            uint32_t asz, uint64_t **regs_to, SMsgHdr **to)
{
    if (size > cap->size || asz > cap->arena_cap)
        return false;
    if (regs && size <= MSG_REG_CONST && !asz) {   /* (regs: ipc_regs_on tested when set) */
        *regs_to = rcv->frame->x;
        return true;
    }
    *regs_to = NULL;
    *to = vm_user_window(&rcv->task->vm, uaddr, HDR_SIZE + size, true);
    return *to != NULL;
}

/* The message, with the receiver's badge and its arena fields, into its
 * registers or its buffer (as ipc_deliver writes it). defer: the arena was
 * not copied (ArenaDefer): arena 0 with its size says so (kernel/ipc_pull.c). */
static inline __attribute__((always_inline)) void
fast_write(uint64_t *regs_to, SMsgHdr *to, const struct fast_msg *m, uint32_t asz,
           const SMsgHdr *cap, uint32_t badge, bool defer)
{
    if (regs_to) {
        ipc_regs_put(regs_to, m->riid, m->mid, m->size, m->data, badge);
        return;
    }
    SMsgHdr out;                              /* field by field: no memset call */
    out.riid = (uint16_t)m->riid;
    out.nhandles = 0;
    out.mid = m->mid;
    out.size = m->size;
    out.badge = badge;
    out.arena = defer ? 0 : cap->arena;
    out.arena_size = asz;
    out.arena_cap = cap->arena_cap;
    for (unsigned i = 0; i < MSG_MAX_HANDLES; i++)
        out.handles[i] = (SMsgHandle){ 0, 0 };
    *to = out;
    ipc_copy_short(to + 1, m->data, m->size);
}

/*
 * The receive room of the buffer at uaddr of vm (Call: the caller's reply
 * buffer; ReplyRecv: the server's next receive buffer) into cap, as
 * ipc_fetch_capacity accepts it, when its header lies in one page: only the
 * three fields the kernel ever reads of a room (size, arena, arena_cap: the
 * general path copies the whole header, ~20 instructions more), each read
 * once. False sends the call to the general path, which reads the room again
 * and gives the error (or takes a header across a page end).
 */
static inline __attribute__((always_inline)) bool fast_capacity(const struct vmspace *vm,
                                                                uint64_t uaddr, SMsgHdr *cap)
{
    if (uaddr & 7)
        return false;
    const volatile SMsgHdr *w = vm_user_window(vm, uaddr, HDR_SIZE, true);
    if (!w)
        return false;
    uint32_t size = w->size, acap = w->arena_cap;
    uint64_t arena = w->arena;
    if (size > MSG_MAX_CONST || acap > MSG_MAX_ARENA || (acap && !user_range_ok(arena, acap)))
        return false;
    /* The whole buffer writable now (ipc_fetch_capacity): the window proved
     * it when the room ends in the same page. */
    if ((uaddr & (PAGE_SIZE - 1)) + HDR_SIZE + size > PAGE_SIZE &&
        vm_check_user_range(vm, uaddr, HDR_SIZE + size, true))
        return false;
    cap->size = size;
    cap->arena_cap = acap;
    cap->arena = arena;
    return true;
}

/*
 * The precomputed verdict of a message for this thread: security_ipc_fast
 * (the tables' unconditional, unaudited grant) remembered for the last
 * (peer class, riid, mid, size) the thread sent in each of its
 * IPC_MEMO_WAYS slots (by riid + mid), so the usual loop decides with one
 * compare. A remembered "no" sends the message to the engine at
 * once. A method whose layout has arena descriptors (or tags, handle slots)
 * is remembered with that layout, which each message must pass (the
 * engine's check on the kernel's copy: descriptors inside the arena, sizes);
 * one that fails goes to the engine, which says why. Class ids and the
 * tables never change while a task lives, and the memo belongs to one
 * thread of one task (its source class).
 */
static inline __attribute__((always_inline)) const void *
fast_memo(struct ipc_verdict_memo *memos, enum sec_event ev, const struct task *src,
          const struct task *dst, const struct fast_msg *m)
{
    struct ipc_verdict_memo *memo = &memos[(m->riid + m->mid) % IPC_MEMO_WAYS];
    uint64_t k0 = (uint64_t)(uint32_t)dst->sec_subject << 32 | (m->size + 1u);   /* never 0 */
    uint64_t k1 = (uint64_t)m->riid << 32 | m->mid;
    if (__builtin_expect(memo->key[0] != k0 || memo->key[1] != k1, 0)) {
        const void *check;
        bool grant = security_ipc_fast(ev, src, dst, m->riid, m->mid, m->size, &check);
        memo->verdict = !grant ? MEMO_NO : check ? check : MEMO_GRANT;
        memo->key[0] = k0;
        memo->key[1] = k1;
    }
    return memo->verdict;
}

/* The remembered verdict v applied to the message (its constant part read
 * by now; asz: its arena's size). */
static inline __attribute__((always_inline)) bool fast_granted(const void *v,
                                                               const struct fast_msg *m,
                                                               uint32_t asz)
{
    if (v == MEMO_GRANT)
        return true;
    return v != MEMO_NO && security_ipc_fast_check(v, m->size, asz, m->data);
}

/* The arena into the receiver's (cap->arena), the last step before the
 * commit: both sides in one page each (the usual small arena) through two
 * windows, else page by page (ipc_copy_arena). A fault (rcSourceFault,
 * rcTargetFault) leaves the message to the general path, which copies the
 * same bytes and answers the same. */
static inline __attribute__((always_inline)) bool
fast_arena(struct task *from, const struct fast_msg *m, struct task *to, const SMsgHdr *cap)
{
    uint32_t n = m->arena_size;
    const void *src = vm_user_window(&from->vm, m->arena, n, false);
    void *dst = src ? vm_user_window(&to->vm, cap->arena, n, true) : NULL;
    if (dst) {
        ipc_copy_short(dst, src, n);         /* (a short path, a stat answer: no call) */
        return true;
    }
    return !ipc_copy_arena(from, m->arena, to, cap->arena, n);
}

/*
 * The commit of a fast Call, every guard passed: the request goes to the
 * waiting server (into its registers regs_to, or its buffer's page to),
 * which runs now. Shared by fast_call and sys_CallReg's own guards.
 */
static inline __attribute__((always_inline)) Retcode
call_commit(struct thread *self, struct ipc_client *ch, struct thread *server, uint64_t in_uaddr,
            bool in_regs, uint64_t *regs_to, SMsgHdr *to, const struct fast_msg *m, uint32_t asz,
            bool defer)
{
    struct ipc_listener *s = ch->listener;
    struct cpu *cpu = this_cpu();
    cpu->ipc_fast_calls++;
    cpu->ipc_fast_arenas += asz != 0;
    fast_write(regs_to, to, m, asz, &server->ipc.recv_cap, ch->badge, defer);
    self->ipc.badge = ch->badge;
    self->ipc.in_uaddr = in_uaddr;
    self->ipc.in_regs = in_regs;
    /* No reference on the listener for the call (issue 19): another thread
     * may close the client handle meanwhile, dropping ch and its reference on
     * s, but s stays pinned by its own server-side handles for as long as this
     * thread is bound to it. A listener's served list is emptied
     * (ipc_listener_end) when its last handle goes, before its last
     * reference can: so while this thread is on s->served, s is alive, and
     * once it is off, the way back below touches neither s nor ch
     * (ipc_unbind of an unbound thread changes only the thread). */
    thread_dequeue(server);
    thread_release(server, rcOk);
    /* (the method straight from m: self->ipc.msg, the general path's copy
     * of a request, is not written, for nothing reads it after a fast call) */
    ipc_bind_method(self, server, s, (uint16_t)m->riid, m->mid);
    if (defer) {                              /* (a constant false without an arena) */
        server->ipc.pull_arena = m->arena;
        server->ipc.pull_size = asz;
    }
    /* A tail call: the thread resumes straight into the system call's exit.
     * The general path unbinds a caller woken by rcTimeout or rcIpcInterrupt;
     * neither can end this wait (no timeout, so never among the sleepers; on
     * no wait queue; nothing wakes with rcIpcInterrupt), so nothing is left
     * to do after it (debug kernels check). */
#ifdef KDEBUG
    Retcode r = thread_wait_switch_from(cpu, self, NULL, server);
    DEBUG_ASSERT(r != rcTimeout && r != rcIpcInterrupt);
    return r;
#else
    return thread_wait_switch_from(cpu, self, NULL, server);
#endif
}

/*
 * Call, after the guards on the channel and the message: verdict, room,
 * arena, delivery and the switch to the server. Two instances: `mem` false
 * for a message from registers (the usual short call, where every arena
 * test folds away), true for one from memory, with or without an arena.
 */
static inline __attribute__((always_inline)) bool
fast_call(struct thread *self, struct ipc_client *ch, struct thread *server, uint64_t in_uaddr,
          const uint64_t *regs, const struct fast_msg *m, const void *verdict, bool mem, Retcode *rc)
{
    struct task *t = self->task;
    uint32_t asz = mem ? m->arena_size : 0;
    if (!fast_granted(verdict, m, asz))
        return false;
    uint64_t *regs_to;
    SMsgHdr *to = NULL;
    if (!fast_target(server, server->ipc.recv_regs, server->ipc.recv_uaddr, &server->ipc.recv_cap,
                     m->size, asz, &regs_to, &to) ||
        (regs ? ipc_regs_capacity(regs, &in_uaddr, &self->ipc.in_cap)
              : !fast_capacity(&t->vm, in_uaddr, &self->ipc.in_cap)))
        return false;                         /* (in_cap is rewritten by the general path) */
    if (asz) {
        /* A verdict that no byte of the arena changes: the receiver may take it
         * later from the client's memory, if it asked to (kernel/ipc_pull.c:
         * asz >= its threshold; a key of 0, off, never passes: asz <= MSG_MAX_ARENA).
         * Its own instance of the commit: the usual one tests nothing more. */
        if (__builtin_expect(asz + server->ipc.defer_key > MSG_MAX_ARENA, 0)) {
            *rc = call_commit(self, ch, server, in_uaddr, regs != NULL && ipc_regs_on, regs_to, to,
                              m, asz, true);
            return true;
        }
        if (!fast_arena(t, m, server->task, &server->ipc.recv_cap))
            return false;
    }
    *rc = call_commit(self, ch, server, in_uaddr, regs != NULL && ipc_regs_on, regs_to, to, m, asz,
                      false);
    return true;
}

/* NO_HDR: a "no" for every header word of the handle caches (the size
 * field 0xffff is over MSG_REG_CONST; below, "CallReg and ReplyRecvReg"). */
#define NO_HDR (~0ull)

/* A handle cache's verdict for the header word (or method) hdr, and the one
 * word the straight lines test: hot is hdr only for an unconditional grant
 * (callers that can run with the fast path off give MEMO_NO then, or clear
 * hot). Every fill and reset goes through here. */
static inline __attribute__((always_inline)) void hcache_verdict(struct ipc_hcache *c,
                                                                 uint64_t hdr, const void *v)
{
    c->hdr = hdr;
    c->verdict = v;
    c->hot = v == MEMO_GRANT ? hdr : NO_HDR;
}

/*
 * The verdict of a request from memory, through the call cache when the
 * message could have come in registers (size <= MSG_REG_CONST): the cache's
 * verdict is for the MSG_REG_HDR word (riid, mid, size), and is the one
 * fast_memo gives for that word from this thread's task to the channel's
 * destination class, which neither the way the message came nor its
 * contents change. So a memory call fills it as call_verdict does for a
 * register call (ipc_fastpath_on, a user server and no kernel marker as mid
 * are given here), and either way's fill serves both; ipc_cache_fill resets
 * it when the cache takes another handle. A longer message asks the memo.
 * The fill is inline: a client that alternates two methods (open, close)
 * misses every time and must not pay a call for it.
 */
static inline __attribute__((always_inline)) const void *
call_verdict_mem(struct thread *self, struct ipc_client *ch, const struct fast_msg *m)
{
    struct ipc_hcache *c = &self->ipc.call_cache;
    DEBUG_ASSERT(c->obj == &ch->obj);         /* sys_Call resolved ch through it */
    if (__builtin_expect(m->size > MSG_REG_CONST, 0))
        return fast_memo(self->ipc.req_memo, SEC_EV_REQUEST, self->task, ch->listener->class_owner,
                         m);
    uint64_t w = MSG_REG_HDR(m->riid, m->mid, m->size);
    if (__builtin_expect(c->hdr != w, 0)) {
        const void *v = fast_memo(self->ipc.req_memo, SEC_EV_REQUEST, self->task,
                                  ch->listener->class_owner, m);
        hcache_verdict(c, w, v);
        return v;
    }
    /* debug kernels: a hit is the memo's answer (the fill asked it) */
    DEBUG_ASSERT(c->verdict == fast_memo(self->ipc.req_memo, SEC_EV_REQUEST, self->task,
                                         ch->listener->class_owner, m));
    return c->verdict;
}

/*
 * The verdict of a reply from memory through the recv cache, keyed as
 * ReplyRecvReg keys it (reply_verdict): the method answered, the client's
 * class and the size decide it (fast_memo's key, for this thread's task),
 * whichever way the reply comes, so either way's fill serves both. Inline
 * fill, as call_verdict_mem (the fast path is on: hot as reply_verdict sets it).
 */
static inline __attribute__((always_inline)) const void *
reply_verdict_mem(struct thread *self, const struct thread *client, const struct fast_msg *m)
{
    struct ipc_hcache *c = &self->ipc.recv_cache;
    uint64_t method = (uint64_t)m->mid << 32 | m->riid;
    uint64_t peer = client->task->sec_subject << 32 | m->size;
    if (__builtin_expect(c->hdr != method || c->peer != peer, 0)) {
        const void *v = fast_memo(self->ipc.rep_memo, SEC_EV_RESPONSE, self->task, client->task,
                                  m);
        c->peer = peer;
        hcache_verdict(c, method, v);
        return v;
    }
    DEBUG_ASSERT(c->verdict == fast_memo(self->ipc.rep_memo, SEC_EV_RESPONSE, self->task,
                                         client->task, m));
    return c->verdict;
}

/* Call with the message in the caller's buffer (sys_Call, the handle
 * resolved to a channel whose listener has an owner task: not the kernel's
 * endpoint): the fast path, or, at its first guard that fails, before
 * anything changed, the general path (a tail call). */
Retcode ipc_call_mem(struct ipc_client *ch, uint64_t out_uaddr, uint64_t in_uaddr,
                     struct thread *self)
{
    struct ipc_listener *s = ch->listener;
    struct thread *server = wait_queue_first(&s->receivers);
    struct task *t = self->task;
    struct fast_msg m;
    struct fast_buf buf;
    const SMsgHdr *h;
    Retcode rc;
    DEBUG_ASSERT(s->class_owner && self == current);
    if (__builtin_expect(ipc_fastpath_on && s->connected && server &&
                         fast_header_mem(&t->vm, out_uaddr, &m, &buf, &h) &&
                         m.mid != MSG_MID_DISCONNECT && m.mid != MSG_MID_ERROR, 1)) {
        /* a remembered "no" (a rule, an audit) goes to the engine before any copy */
        const void *v = call_verdict_mem(self, ch, &m);
        if (v != MEMO_NO) {
            fast_message_data(&m, &buf, h);
            if (fast_call(self, ch, server, in_uaddr, NULL, &m, v, true, &rc))
                return rc;
        }
    }
    return ipc_call_general(ch, out_uaddr, in_uaddr);
}

/* The commit of a fast ReplyRecv, every guard passed (its receive room
 * already in recv_cap): the reply goes to the client, this thread waits for
 * the next request and the client runs now. */
static inline __attribute__((always_inline)) Retcode
reply_commit(struct thread *self, struct ipc_listener *s, struct thread *client, uint64_t in_uaddr,
             bool recv_regs, uint64_t *regs_to, SMsgHdr *to, const struct fast_msg *m, uint32_t asz)
{
    struct cpu *cpu = this_cpu();
    cpu->ipc_fast_replies++;
    cpu->ipc_fast_arenas += asz != 0;
    fast_write(regs_to, to, m, asz, &client->ipc.in_cap, 0, false);
    ipc_unbind(client);
    thread_release(client, rcOk);
    self->ipc.recv_uaddr = in_uaddr;
    self->ipc.recv_regs = recv_regs;
    return thread_wait_switch_from(cpu, self, &s->receivers, client);
}

/* ReplyRecv after the guards, in two instances like fast_call. */
static inline __attribute__((always_inline)) bool
fast_reply_recv(struct thread *self, struct ipc_listener *s, struct thread *client,
                uint64_t in_uaddr, const uint64_t *regs, const struct fast_msg *m,
                const void *verdict, bool mem, uint64_t release, Retcode *rc)
{
    struct task *t = self->task;
    uint32_t asz = mem ? m->arena_size : 0;
    if (!fast_granted(verdict, m, asz))
        return false;
    uint64_t *regs_to;
    SMsgHdr *to = NULL;
    /* The receive room straight into recv_cap, even if a later guard fails:
     * it is read only while this thread waits in Recv, and every way into
     * that wait (here, do_recv) writes it first. */
    SMsgHdr *cap = &self->ipc.recv_cap;
    if (!fast_target(client, client->ipc.in_regs, client->ipc.in_uaddr, &client->ipc.in_cap,
                     m->size, asz, &regs_to, &to) ||
        (regs ? ipc_regs_capacity(regs, &in_uaddr, cap) : !fast_capacity(&t->vm, in_uaddr, cap)) ||
        (asz && !fast_arena(t, m, client->task, &client->ipc.in_cap)))
        return false;
    /* ReplyRecvRelease: the arena is copied, the server may reuse it now
     * (a constant 0 in the register instance, and from sys_ReplyRecv). */
    if (mem && release)
        futex_release_word(t, release);

    *rc = reply_commit(self, s, client, in_uaddr, regs != NULL && ipc_regs_on, regs_to, to, m, asz);
    return true;
}

/* The guards of ReplyRecv on s that do not depend on the message. */
static inline __attribute__((always_inline)) bool fast_reply_ok(struct ipc_listener *s,
                                                                const struct thread *client,
                                                                uint64_t timeout)
{
    return ipc_fastpath_on && client && timeout == INFINITE_TIMEOUT && thread_is_blocked(client) &&
           !wait_queue_first(&s->callers) && list_empty(&s->gone);
}

/* ReplyRecv(Release) with the reply in the server's buffer (sys_ReplyRecv,
 * sys_ReplyRecvRelease: the listener resolved and connected): the fast path,
 * or, at its first guard that fails, before anything changed, the general
 * path (a tail call). */
Retcode ipc_reply_recv_mem(struct ipc_listener *s, uint64_t out_uaddr, uint64_t in_uaddr,
                           uint64_t timeout, uint64_t release, struct thread *self)
{
    struct thread *client = self->ipc.serving;
    struct fast_msg m;
    struct fast_buf buf;
    const SMsgHdr *h;
    Retcode rc;
    DEBUG_ASSERT(s->connected && self == current);
    if (__builtin_expect(fast_reply_ok(s, client, timeout) &&
                         fast_header_mem(&self->task->vm, out_uaddr, &m, &buf, &h) &&
                         m.mid != MSG_MID_ERROR, 1)) {
        m.riid = self->ipc.serving_riid;      /* a reply answers the request's method */
        m.mid = self->ipc.serving_mid;
        const void *v = reply_verdict_mem(self, client, &m);
        if (v != MEMO_NO) {
            fast_message_data(&m, &buf, h);
            if (fast_reply_recv(self, s, client, in_uaddr, NULL, &m, v, true, release, &rc))
                return rc;
        }
    }
    return ipc_reply_recv_general(s, out_uaddr, in_uaddr, timeout, release);
}

/* ---- CallReg and ReplyRecvReg: the handle cache ------------------------- */

/*
 * The two register calls are the fast path from their system-call entry on
 * (the table calls them from arm64_svc_entry), with no lookup in the usual
 * case: each thread keeps the handle it last called (call_cache) and the
 * one it last received on (recv_cache) as resolved, valid while its task's
 * handle table has the generation it was resolved at (struct handle_table:
 * any close or revoke in the table bumps it, so a hit is exactly what
 * handle_lookup would answer: same capability, type and rights tested at
 * the fill). Everything that handle_lookup does not decide (connected, a
 * receiver waiting, the message) is tested on every call as before. The
 * call cache also holds the verdict for the last request header word
 * (fast_memo's answer: it depends only on this thread's task, the
 * channel's destination class and the header word, fixed while the entry
 * is). Under the big kernel lock like every system call, so no other core
 * changes the table meanwhile.
 */

/* Debug kernels: the frame arm64_svc_entry built is the one current->frame
 * names (it is not written on system-call entry: vectors.S). */
static bool frame_ok(const struct thread *t)
{
    return t->frame == (struct trap_frame *)((char *)t->kstack + KSTACK_PAGES * PAGE_SIZE) - 1;
}

/* NO_HDR (above): a "no" for every header word, the size field 0xffff is
 * over MSG_REG_CONST. */

#define cache_hit ipc_cache_hit
#define cache_fill ipc_cache_fill

/* A miss: the full lookup of h into c (out of line). */
__attribute__((noinline)) Retcode ipc_cache_fill(struct ipc_hcache *c, sysarg_t h, uint32_t type,
                                                 uint32_t need)
{
    struct handle_table *ht = &current_task()->handles;
    struct cap *cap;
    Retcode rc = h > 0xffffffffu ? rcInvalidArgument : handle_lookup(ht, (Handle)h, type, need, &cap);
    if (rc)
        return rc;
    c->h = h;
    c->gen = ht->gen;
    c->obj = cap->obj;
    c->peer = 0;
    hcache_verdict(c, NO_HDR, MEMO_NO);
    return rcOk;
}

/* Debug kernels: a hit is what the lookup answers now. */
bool ipc_cache_valid(const struct ipc_hcache *c, sysarg_t h, uint32_t type, uint32_t need)
{
    struct cap *cap;
    return h <= 0xffffffffu && c->gen &&
           handle_lookup(&current_task()->handles, (Handle)h, type, need, &cap) == rcOk &&
           cap->obj == c->obj;
}

/* The verdict for the request header word in regs into the call cache
 * (out of line: a new method or size). MEMO_NO sends it to the general
 * path: no fast path, the kernel's endpoint (no owner task), a message
 * the fast path does not take. */
static __attribute__((noinline)) void call_verdict(struct thread *self, struct ipc_hcache *c,
                                                   const struct ipc_client *ch,
                                                   const uint64_t *regs)
{
    struct task *dst = ch->listener->class_owner;
    struct fast_msg m;
    const void *v = MEMO_NO;
    if (ipc_fastpath_on && dst && fast_message_regs(regs, &m) && m.mid != MSG_MID_DISCONNECT &&
        m.mid != MSG_MID_ERROR)
        v = fast_memo(self->ipc.req_memo, SEC_EV_REQUEST, self->task, dst, &m);
    hcache_verdict(c, regs[REG_HDR], v);
}

/* The verdict of a reply (method, client class and size in the keys) into
 * the recv cache: out of line, a new method, client class or size. */
static __attribute__((noinline)) void reply_verdict(struct thread *self, struct ipc_hcache *c,
                                                    const struct thread *client,
                                                    const struct fast_msg *m, uint64_t method,
                                                    uint64_t peer)
{
    c->peer = peer;
    hcache_verdict(c, method,
                   fast_memo(self->ipc.rep_memo, SEC_EV_RESPONSE, self->task, client->task, m));
    if (!ipc_fastpath_on)
        c->hot = NO_HDR;                      /* the memo may grant; the straight line may not */
}

/* CallReg whole: the cache's fill, a new header word, a verdict with a
 * layout to check, a receiver that takes its messages in memory, and the
 * general path. Out of line: sys_CallReg's straight line comes here at its
 * first guard that fails, before it changed anything. */
static __attribute__((noinline)) Retcode call_reg(struct thread *self, sysarg_t h)
{
    struct ipc_hcache *c = &self->ipc.call_cache;
    if (__builtin_expect(!cache_hit(c, self, h), 0)) {
        Retcode rc = cache_fill(c, h, KOBJ_IPC_CLIENT, RIGHT_IPC_CALL);
        if (rc)
            return rc;
    }
    DEBUG_ASSERT(ipc_cache_valid(c, h, KOBJ_IPC_CLIENT, RIGHT_IPC_CALL) && frame_ok(self));
    struct ipc_client *ch = container_of(c->obj, struct ipc_client, obj);
    const uint64_t *regs = self->frame->x;
    if (__builtin_expect(c->hdr != regs[REG_HDR], 0))
        call_verdict(self, c, ch, regs);
    struct ipc_listener *s = ch->listener;
    struct thread *server = wait_queue_first(&s->receivers);
    if (__builtin_expect(c->verdict != MEMO_NO && s->connected && server, 1)) {
        struct fast_msg m;
        Retcode rc;
        fast_message_regs(regs, &m);          /* (a size the verdict's fill checked) */
        if (fast_call(self, ch, server, 0, regs, &m, c->verdict, false, &rc))
            return rc;
    }
    return ipc_call_reg_general(ch);
}

/* ReplyRecvReg whole, as call_reg for sys_ReplyRecvReg. */
static __attribute__((noinline)) Retcode reply_recv_reg(struct thread *self, sysarg_t h)
{
    struct ipc_hcache *c = &self->ipc.recv_cache;
    if (__builtin_expect(!cache_hit(c, self, h), 0)) {
        Retcode rc = cache_fill(c, h, KOBJ_IPC_LISTENER, RIGHT_IPC_RECV);
        if (rc)
            return rc;
    }
    DEBUG_ASSERT(ipc_cache_valid(c, h, KOBJ_IPC_LISTENER, RIGHT_IPC_RECV) && frame_ok(self));
    struct ipc_listener *s = container_of(c->obj, struct ipc_listener, obj);
    const uint64_t *regs = self->frame->x;
    struct thread *client = self->ipc.serving;
    struct fast_msg m;
    if (__builtin_expect(s->connected && fast_reply_ok(s, client, regs[REG_TIMEOUT]) &&
                         fast_message_regs(regs, &m) && m.mid != MSG_MID_ERROR, 1)) {
        m.riid = self->ipc.serving_riid;      /* a reply answers the request's method */
        m.mid = self->ipc.serving_mid;
        uint64_t method = (uint64_t)m.mid << 32 | m.riid;
        uint64_t peer = client->task->sec_subject << 32 | m.size;
        if (__builtin_expect(c->hdr != method || c->peer != peer, 0))
            reply_verdict(self, c, client, &m, method, peer);
        Retcode rc;
        if (fast_reply_recv(self, s, client, 0, regs, &m, c->verdict, false, 0, &rc))
            return rc;
    }
    return ipc_reply_recv_reg_general(s);
}

/* ipc_regs_capacity for the straight lines: the receive room in regs into
 * *uaddr and cap. Its checks depend on the three registers alone, so the
 * last room that passed them (room_key) passes again unchecked. */
static inline __attribute__((always_inline)) bool room_ok(struct thread *self,
                                                          const uint64_t *regs, uint64_t *uaddr,
                                                          SMsgHdr *cap)
{
    uint64_t *k = self->ipc.room_key;
    uint64_t u = regs[REG_BUF], w = regs[REG_CAP], a = regs[REG_ARENA];
    if (__builtin_expect(((k[0] ^ u) | (k[1] ^ w) | (k[2] ^ a)) != 0, 0)) {   /* one branch */
        if (ipc_regs_capacity(regs, uaddr, cap))
            return false;
        k[0] = u;
        k[1] = w;
        k[2] = a;
        return true;
    }
    DEBUG_ASSERT(ipc_regs_capacity(regs, uaddr, cap) == rcOk);
    *uaddr = u;
    cap->size = (uint32_t)w;                  /* as ipc_regs_capacity writes them */
    cap->arena_cap = (uint32_t)(w >> 32);
    cap->arena = a;
    return true;
}

/*
 * The register calls' straight lines: the usual case (the handle in the
 * cache, the header word's verdict an unconditional grant, the receiver
 * taking its messages in registers) with no call before the switch, so no
 * callee-saved register is spent on the way. Any guard that fails sends the
 * whole call to call_reg / reply_recv_reg, which test everything again.
 */

/* Call with the message and the receive room in registers (uapi/msg.h). */
Retcode sys_CallReg(sysarg_t h, sysarg_t a1, sysarg_t a2, sysarg_t a3, sysarg_t a4, sysarg_t a5)
{
    (void)a1, (void)a2, (void)a3, (void)a4, (void)a5;
    struct thread *self = current;
    struct ipc_hcache *c = &self->ipc.call_cache;
    const uint64_t *regs = self->frame->x;
    uint64_t w = regs[REG_HDR];
    if (__builtin_expect(!cache_hit(c, self, h) || c->hot != w, 0))
        return call_reg(self, h);
    DEBUG_ASSERT(ipc_cache_valid(c, h, KOBJ_IPC_CLIENT, RIGHT_IPC_CALL) && frame_ok(self));
    struct ipc_client *ch = container_of(c->obj, struct ipc_client, obj);
    struct ipc_listener *s = ch->listener;
    struct thread *server = wait_queue_first(&s->receivers);
    uint32_t size = MSG_REG_SIZE(w);          /* <= MSG_REG_CONST: the verdict's fill checked */
    uint64_t in_uaddr;
    if (__builtin_expect(!s->connected || !server || !server->ipc.recv_regs ||
                         size > server->ipc.recv_cap.size ||
                         !room_ok(self, regs, &in_uaddr, &self->ipc.in_cap), 0))
        return call_reg(self, h);             /* (in_cap is rewritten there) */
    struct fast_msg m;
    m.riid = MSG_REG_RIID(w);
    m.mid = MSG_REG_MID(w);
    m.size = size;
    m.data = (const uint8_t *)&regs[REG_DATA];
    uint64_t *to = server->frame->x;
    if (!to)
        __builtin_unreachable();              /* (a thread's frame: gcc would test for NULL) */
    /* (in_regs: true, for server->ipc.recv_regs is, and both are set only as
     * "registers asked for and ipc_regs_on") */
    return call_commit(self, ch, server, in_uaddr, true, to, NULL, &m, 0, false);
}

/* ReplyRecv with the reply and the next request in registers (uapi/msg.h). */
Retcode sys_ReplyRecvReg(sysarg_t h, sysarg_t a1, sysarg_t a2, sysarg_t a3, sysarg_t a4,
                         sysarg_t a5)
{
    (void)a1, (void)a2, (void)a3, (void)a4, (void)a5;
    struct thread *self = current;
    struct ipc_hcache *c = &self->ipc.recv_cache;
    const uint64_t *regs = self->frame->x;
    struct thread *client = self->ipc.serving;
    /* (a client that called through memory, with an arena or a buffer on
     * its stack, leaves at once: its reply goes to memory) */
    if (__builtin_expect(!cache_hit(c, self, h) || !client || !client->ipc.in_regs, 0))
        return reply_recv_reg(self, h);
    DEBUG_ASSERT(ipc_cache_valid(c, h, KOBJ_IPC_LISTENER, RIGHT_IPC_RECV) && frame_ok(self));
    struct ipc_listener *s = container_of(c->obj, struct ipc_listener, obj);
    uint64_t w = regs[REG_HDR];
    uint32_t size = MSG_REG_SIZE(w);
    uint64_t method = (uint64_t)self->ipc.serving_mid << 32 | self->ipc.serving_riid;
    uint64_t peer = client->task->sec_subject << 32 | size;
    uint64_t in_uaddr;
    if (__builtin_expect(!s->connected || regs[REG_TIMEOUT] != INFINITE_TIMEOUT ||
                         !thread_is_blocked(client) || wait_queue_first(&s->callers) ||
                         !list_empty(&s->gone) ||     /* fast_reply_ok; ipc_fastpath_on: in hot */
                         size > MSG_REG_CONST || MSG_REG_MID(w) == MSG_MID_ERROR ||
                         c->hot != method || c->peer != peer ||
                         size > client->ipc.in_cap.size ||
                         !room_ok(self, regs, &in_uaddr, &self->ipc.recv_cap), 0))
        return reply_recv_reg(self, h);       /* (recv_cap: see fast_reply_recv) */
    struct fast_msg m;
    m.riid = (uint32_t)method;                /* a reply answers the request's method */
    m.mid = (uint32_t)(method >> 32);
    DEBUG_ASSERT(m.riid <= 0xffff);           /* ipc_bind took it from a header's uint16_t */
    if (m.riid > 0xffff)
        __builtin_unreachable();              /* (so gcc builds x1 with one orr) */
    m.size = size;
    m.data = (const uint8_t *)&regs[REG_DATA];
    uint64_t *to = client->frame->x;
    if (!to)
        __builtin_unreachable();              /* (as in sys_CallReg) */
    /* (recv_regs: true, for client->ipc.in_regs is: see sys_CallReg) */
    return reply_commit(self, s, client, in_uaddr, true, to, NULL, &m, 0);
}
