/*
 * The kernel endpoint's fast path (issue 19): a Call on the kernel handle in
 * the common case, as a straight line of guards in the style of
 * kernel/ipc_fastpath.c. Each guard that fails returns false before anything
 * has changed, and the Call runs the general path (do_call → kcall_serve),
 * which gives every error code, audit line and corner case. What it takes:
 *
 *   - the kernel's listener, with the IPC fast path on (`ipc_fastpath=off`
 *     turns this one off too);
 *   - a request of header + constant part up to KCALL_FAST_MAX_CONST bytes,
 *     with room for that much in its page, no arena, no handles, not a
 *     security call (MSG_RIID_SECURITY), a method number below 256 (so
 *     never one of the kernel's markers, disconnect and error);
 *   - a reply buffer in one page, without an arena, whose capacities pass
 *     ipc_fetch_capacity;
 *   - the security module's precomputed verdict on the request: an
 *     unconditional grant without audit (security_ipc_fast), remembered.
 *
 * Then the method runs through the generated dispatcher as on the general
 * path (kcall_dispatch, in the caller's context: it may block), and its
 * reply is decided by the same precomputed verdict when it is a plain
 * response (an error reply, or a response the memo cannot grant, goes to
 * the engine exactly as in kcall_serve), and written into the caller's
 * buffer. The method has run by then: from there on the fast path returns
 * what the general path would, never bails.
 *
 * The memo: a small direct-mapped table of (class of the calling task,
 * riid, mid, size of the request) → grant or not, and the same for the
 * reply it usually gets (its size remembered). The tables never change
 * after boot, a task's class is fixed for its life, and a precomputed grant
 * is unconditional, so it cannot depend on the SID: an entry stays true; a remembered "no" sends the message to the engine
 * at once. Everything runs under the big kernel lock, taken on entry to any
 * system call, so the table needs no lock of its own.
 */
#include <kernel/kcall.h>
#include <kernel/ipc.h>
#include <kernel/ipc_fast.h>
#include <kernel/ipc_transfer.h>
#include <kernel/lib.h>
#include <kernel/printk.h>
#include <kernel/security.h>
#include <kernel/task.h>
#include <kernel/vm.h>
#include <arch/mmu.h>

#define HDR_SIZE   sizeof(SMsgHdr)
#define MEMO_SLOTS 32u /* a power of two */

static uint64_t fast_calls; /* taken, for kcall_fastpath_report */

/* A request's precomputed verdict and that of its usual reply (same riid and
 * mid, res_size1 - 1 bytes; 0: not known yet), each with the layout check a
 * grant still needs per message (security_ipc_fast: NULL for none). The key
 * packs the calling task's class (the low half of its subject), riid, mid
 * (< 256) and size (<= 64) into one word; 0 is never a key (size + 1 is never 0). */
struct kcall_memo {
    uint64_t key;
    const void *check, *res_check;
    uint32_t res_size1;
    bool grant, res_grant;
};
static struct kcall_memo memo[MEMO_SLOTS];

void kcall_fastpath_report(void)
{
    printk("kcall: fast path took %llu calls\n", (unsigned long long)fast_calls);
}

/* The memo key of a request (riid, mid < 256, size <= 64) from task t. */
static inline uint64_t memo_key(const struct task *t, uint32_t riid, uint32_t mid, uint32_t size)
{
    return (uint64_t)(uint32_t)t->sec_subject << 32 | (uint64_t)riid << 16 | mid << 8 | (size + 1u);
}

/* The memo entry of that request, whose key is k, filled if it was not (from
 * the values already read: the header is not read again). */
static inline struct kcall_memo *fast_memo(const struct task *t, uint32_t riid, uint32_t mid,
                                           uint32_t size, uint64_t k)
{
    struct kcall_memo *e = &memo[(riid * 8u + mid) & (MEMO_SLOTS - 1)];
    if (e->key != k) {
        e->grant = security_ipc_fast(SEC_EV_REQUEST, t, NULL, riid, mid, size, &e->check);
        e->res_size1 = 0;
        e->key = k;
    }
    return e;
}

/* A remembered grant, for this message (m's header and constant part): the
 * precomputed verdict covers messages without handles only (a kernel reply
 * may carry some: Handle.Copy's). */
static inline bool fast_granted(bool grant, const void *check, const struct kmsg *m)
{
    return grant && !m->hdr.nhandles && (!check || security_ipc_fast_check(check, m->hdr.size, m->hdr.arena_size,
                                                       m->data));
}

/* The precomputed verdict on the reply *m to the request (riid, mid) of
 * key k, whose memo entry was e (a method that blocked may have let another
 * call take the entry since: then the engine decides). */
static inline bool fast_reply_verdict(struct kcall_memo *e, uint64_t k, uint32_t riid, uint32_t mid,
                                      const struct task *t, const struct kmsg *m)
{
    if (e->key != k || m->hdr.riid != riid || m->hdr.mid != mid)
        return false;
    if (e->res_size1 != m->hdr.size + 1u) {
        e->res_grant = security_ipc_fast(SEC_EV_RESPONSE, NULL, t, riid, mid, m->hdr.size,
                                         &e->res_check);
        e->res_size1 = m->hdr.size + 1u;
    }
    return fast_granted(e->res_grant, e->res_check, m);
}

/* The caller's reply buffer at uaddr, as ipc_fetch_capacity accepts it, when
 * it lies in one page and has no arena (a kernel reply never has one, but
 * its header passes the arena on): its capacities in *cap (size, arena,
 * arena_cap: all the kernel's reply reads). False: the general path decides. */
static inline bool fast_capacity(const struct vmspace *vm, uint64_t uaddr, SMsgHdr *cap)
{
    if (uaddr & 7)
        return false;
    const volatile SMsgHdr *w = vm_user_window(vm, uaddr, HDR_SIZE, true);
    if (!w)
        return false;
    cap->size = w->size; /* each field read once: user memory */
    cap->arena = w->arena;
    cap->arena_cap = w->arena_cap;
    return cap->size <= MSG_MAX_CONST && !cap->arena_cap &&
           (uaddr & (PAGE_SIZE - 1)) + HDR_SIZE + cap->size <= PAGE_SIZE;
}

/* The kernel's reply *m into the caller's buffer, as ipc_deliver_kernel_reply
 * does (which handles whatever is not the usual case, from self->ipc). */
static inline Retcode fast_reply(struct thread *self, struct kmsg *m, const SMsgHdr *cap)
{
    uint32_t size = m->hdr.size;
    SMsgHdr *to;
    if (m->hdr.arena_size || m->hdr.nhandles || size > cap->size ||
        !(to = vm_user_window(&self->task->vm, self->ipc.in_uaddr, HDR_SIZE + size, true))) {
        self->ipc.in_cap.size = cap->size;
        self->ipc.in_cap.arena = cap->arena;
        self->ipc.in_cap.arena_cap = cap->arena_cap;
        return ipc_deliver_kernel_reply(self);
    }
    m->hdr.badge = 0; /* (the reply is delivered: m is scratch now) */
    m->hdr.arena = cap->arena;
    m->hdr.arena_cap = cap->arena_cap;
    *to = m->hdr;
    ipc_copy_short(to + 1, m->data, size);   /* exactly size bytes */
    return rcOk;
}

bool kcall_fast_call(struct ipc_client *ch, uint64_t out_uaddr, uint64_t in_uaddr, Retcode *rc)
{
    struct thread *self = current;
    struct task *t = self->task;
    struct kmsg *m = &self->ipc.msg;
    if (!ipc_fastpath_on || !kcall_is_kernel(ch->listener) || (out_uaddr & 7))
        return false;
    /* Room for the longest request the fast path takes: one check of the
     * page for header and constant part (a request nearer the page's end
     * takes the general path). */
    const SMsgHdr *w = vm_user_window(&t->vm, out_uaddr, HDR_SIZE + KCALL_FAST_MAX_CONST, false);
    if (!w)
        return false;
    /* The kernel's copy, as ipc_fetch_message takes it: what is decided on is
     * what the method reads. (self->ipc.msg is this thread's scratch message,
     * rewritten by the general path.) */
    ipc_header_snapshot(&m->hdr, w);
    uint32_t size = m->hdr.size, riid = m->hdr.riid, mid = m->hdr.mid;
    if (size > KCALL_FAST_MAX_CONST || m->hdr.arena_size || m->hdr.nhandles || mid > 255 ||
        riid == MSG_RIID_SECURITY) /* (mid: nor the kernel's markers) */
        return false;
    /* The whole room the window was checked for, not size bytes: eight
     * loads and stores instead of a branch per word (the bytes past size
     * are never read as the message's). */
    __builtin_memcpy(m->data, w + 1, KCALL_FAST_MAX_CONST);
    SMsgHdr cap;
    uint64_t k = memo_key(t, riid, mid, size);
    struct kcall_memo *e = fast_memo(t, riid, mid, size, k);
    if (!fast_granted(e->grant, e->check, m) || !fast_capacity(&t->vm, in_uaddr, &cap))
        return false;

    /* Committed: the method runs, as in kcall_serve, and its reply is
     * decided as there: an error reply always by the engine. */
    fast_calls++;
    self->ipc.badge = ch->badge;
    self->ipc.in_uaddr = in_uaddr;
    kcall_dispatch(m);
    Retcode r = rcOk;
    if (m->hdr.mid == MSG_MID_ERROR)
        r = security_ipc(SEC_EV_ERROR, NULL, t, m);
    else if (!fast_reply_verdict(e, k, riid, mid, t, m))
        r = security_ipc(SEC_EV_RESPONSE, NULL, t, m);
    *rc = r ? r : fast_reply(self, m, &cap);
    return true;
}
