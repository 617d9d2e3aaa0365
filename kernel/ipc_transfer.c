/*
 * Message transfer: what moves between address spaces on Call and Reply,
 * and the checks before it moves (kernel/include/kernel/ipc_transfer.h).
 * The client's header and constant part are copied once into the kernel's
 * kmsg and validated there (the security module decides on that copy); the
 * arena goes user-to-user, once. No allocation, no thread state: the
 * rendezvous (kernel/ipc_rendezvous.c) calls these.
 */
#include <kernel/ipc.h>
#include <kernel/ipc_transfer.h>
#include <kernel/handle.h>
#include <kernel/lib.h>
#include <kernel/panic.h>
#include <kernel/security.h>
#include <kernel/task.h>
#include <kernel/urange.h>
#include <arch/mmu.h>

#define HDR_SIZE sizeof(SMsgHdr)

Retcode ipc_fetch_message(struct task *t, uint64_t uaddr, struct kmsg *m)
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
        m->hdr.arena_size > MSG_MAX_ARENA)
        return rcInvalidArgument;
    if (m->hdr.arena_size) {
        if (!user_range_ok(m->hdr.arena, m->hdr.arena_size))
            return rcInvalidArgument;
        kmsg_sec_defer(m) = 0;                     /* security_ipc may set it */
    }
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

Retcode ipc_fetch_capacity(struct task *t, uint64_t uaddr, SMsgHdr *cap)
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
Retcode ipc_copy_arena(struct task *from, uint64_t src, struct task *to, uint64_t dst, size_t n)
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

/* Writes header `out` and m's constant part into the buffer at uaddr of `to`
 * (its capacity already checked): one store through a window when both fit
 * a page, the usual case. */
static inline Retcode write_message(struct task *to, uint64_t uaddr, const SMsgHdr *out,
                                    const struct kmsg *m)
{
    uint8_t *w = vm_user_window(&to->vm, uaddr, HDR_SIZE + m->hdr.size, true);
    if (w) {
        *(SMsgHdr *)(void *)w = *out;
        memcpy(w + HDR_SIZE, m->data, m->hdr.size);
        return rcOk;
    }
    Retcode rc = copy_to_user(&to->vm, uaddr, out, HDR_SIZE);
    return rc ? rc : copy_to_user(&to->vm, uaddr + HDR_SIZE, m->data, m->hdr.size);
}

Retcode ipc_deliver(struct task *from, const struct kmsg *m, struct task *to, uint64_t uaddr,
                    const SMsgHdr *cap, uint32_t badge)
{
    if (m->hdr.size > cap->size || m->hdr.arena_size > cap->arena_cap)
        return rcBufferTooSmall;
    /* a decision on the contents is made now, on the kernel's copy it delivers */
    Retcode rc = __builtin_expect(m->hdr.arena_size && kmsg_sec_defer(m), 0)
                     ? security_deliver(from, m, to, cap->arena)
                     : ipc_copy_arena(from, m->hdr.arena, to, cap->arena, m->hdr.arena_size);
    if (rc)
        return rc;
    /* a copied arena is never at 0 (no page there): arena 0 with a size says
     * "deferred", which only the fast path delivers (kernel/ipc_pull.c) */
    DEBUG_ASSERT(!m->hdr.arena_size || cap->arena);
    SMsgHdr out = m->hdr;
    out.badge = badge;
    out.arena = cap->arena;
    out.arena_cap = cap->arena_cap;
    /* Unused slots read 0, not what the sender left there: a message in
     * registers has no such slots, and both ways must deliver the same. */
    _Static_assert(MSG_MAX_HANDLES == 4, "the four stores below");
    if (!m->hdr.nhandles) {                   /* the usual case: four stores, no loop */
        out.handles[0] = out.handles[1] = out.handles[2] = out.handles[3] = (SMsgHandle){ 0, 0 };
    } else {
        for (uint32_t i = m->hdr.nhandles; i < MSG_MAX_HANDLES; i++)
            out.handles[i] = (SMsgHandle){ 0, 0 };
    }
    for (uint32_t i = 0; i < m->hdr.nhandles; i++) {
        rc = handle_derive(&from->handles, m->hdr.handles[i].handle, m->hdr.handles[i].rights,
                           RIGHT_TRANSFER, &to->handles, &out.handles[i].handle);
        if (rc) {
            while (i--)
                handle_close(&to->handles, out.handles[i].handle);
            return rcTransferError;
        }
    }
    if (write_message(to, uaddr, &out, m)) {
        for (uint32_t i = 0; i < m->hdr.nhandles; i++)
            handle_close(&to->handles, out.handles[i].handle);
        return rcTargetFault;
    }
    return rcOk;
}

Retcode ipc_deliver_notice(struct thread *to, uint32_t badge)
{
    SMsgHdr out = { .mid = MSG_MID_DISCONNECT, .badge = badge, .arena = to->ipc.recv_cap.arena,
                    .arena_cap = to->ipc.recv_cap.arena_cap };
    return copy_to_user(&to->task->vm, to->ipc.recv_uaddr, &out, HDR_SIZE) ? rcTargetFault : rcOk;
}

Retcode ipc_deliver_kernel_reply(struct thread *self)
{
    const struct kmsg *m = &self->ipc.msg;
    const SMsgHdr *cap = &self->ipc.in_cap;
    if (m->hdr.arena_size || m->hdr.nhandles) {
        /* The generated kl.core dispatcher builds replies without either. */
        DEBUG_ASSERT(!"a kernel reply carries no arena or handles");
        return rcInternalError;
    }
    if (m->hdr.size > cap->size)
        return rcBufferTooSmall;
    SMsgHdr out = m->hdr;
    out.badge = 0;
    out.arena = cap->arena;
    out.arena_cap = cap->arena_cap;
    return write_message(self->task, self->ipc.in_uaddr, &out, m) ? rcTargetFault : rcOk;
}
