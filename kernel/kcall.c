/*
 * The kernel as an IPC server. Every task gets a client handle to the
 * kernel's endpoint object (KERNEL_HANDLE); a Call on it is checked by the
 * security module like any request (destination class kl.core.Core), then
 * served synchronously in the caller's context by the IDL-generated
 * dispatcher over the kcall_*_ops tables, and the reply (also checked)
 * goes back through the same delivery code as a server's reply. A Call on
 * riid MSG_RIID_SECURITY is a security call, already decided by the
 * security hook: granted ones are answered here with an empty reply.
 * The common case (short request, precomputed grant) takes a fast path
 * into the same dispatcher (kernel/kcall_fastpath.c).
 */
#include <string.h>
/* The generated dispatchers clear and fill each reply with memset/memcpy of
 * a constant size (a 72-byte memset per call): let gcc expand them in line
 * here (-fno-builtin would make each one a call, 23 instructions for 72
 * bytes; the kernel elsewhere keeps the calls). */
#define memset __builtin_memset
#define memcpy __builtin_memcpy
#include <kernel/kcall.h>
#include <kernel/handle.h>
#include <kernel/ipc.h>
#include <kernel/lib.h>
#include <kernel/security.h>
#include <kernel/task.h>

/* Request arenas of kernel methods are small (Task.Create's strings). Only
 * methods that never block read it, so one buffer serves every thread. */
#define KCALL_ARENA_MAX 8192
static uint8_t req_arena[KCALL_ARENA_MAX] __attribute__((aligned(8)));

struct ipc_listener kcall_listener;

static const struct kl_core_Core_ops core_ops = {
    .handle = &kcall_handle_ops, .thread = &kcall_thread_ops, .task = &kcall_task_ops,
    .channel = &kcall_channel_ops, .vmm = &kcall_vmm_ops, .sys = &kcall_sys_ops,
    .io = &kcall_io_ops, .mdl = &kcall_mdl_ops,
    .notice = &kcall_notice_ops, .cm = &kcall_cm_ops,
};

static void never_destroyed(struct kobject *o) { (void)o; }

/* The kernel's listener never has a handle (tasks hold client ends of it
 * only), so it is never disconnected nor destroyed. */
void kcall_init(void)
{
    ipc_listener_init(&kcall_listener, NULL, never_destroyed);
}

Retcode kcall_install(struct task *t)
{
    struct ipc_client *c = ipc_client_create(&kcall_listener);
    if (!c)
        return rcOutOfMemory;
    Handle h;
    Retcode rc = handle_install(&t->handles, &c->obj, RIGHT_IPC_CALL, NULL, &h);
    kobject_put(&c->obj);
    if (rc == rcOk && h != KERNEL_HANDLE)
        rc = rcInternalError;                 /* must be the task's first handle */
    return rc;
}

/* The generated dispatchers, all inlined here (flatten): left to itself gcc
 * stops inlining kl.core.Thread's once kl.core.Sys grew (GetEntropy,
 * GetRealTime: +32 instructions per kernel call in `make bench`); flattening
 * kcall_serve instead inlines the security path too and costs a few. */
__attribute__((noinline, flatten)) void kcall_dispatch(struct kmsg *m)
{
    m->hdr.arena = (uint64_t)(uintptr_t)req_arena;
    kl_core_Core_dispatch(&core_ops, &m->hdr, sizeof(m->hdr) + m->hdr.size, &m->hdr, sizeof(*m),
                          NULL, 0);
}

Retcode kcall_serve(struct thread *self)
{
    struct task *t = self->task;
    struct kmsg *m = &self->ipc.msg;
    if (m->hdr.riid == MSG_RIID_SECURITY) {
        /* A security call the module granted (security_call): the answer is
         * an empty reply on the same riid/mid; there is no response event. */
        m->hdr.size = 0;
        m->hdr.nhandles = 0;
        m->hdr.arena = 0;
        m->hdr.arena_size = 0;
        return ipc_deliver_kernel_reply(self);
    }
    if (m->hdr.nhandles)
        return rcInvalidArgument;             /* kernel methods take handle values, not transfers */
    if (m->hdr.arena_size > KCALL_ARENA_MAX)
        return rcBufferTooLarge;
    Retcode rc;
    /* Most kernel methods take no arena: no walk of the caller's tables then
     * (the Call already checked the arena pointer against user memory). */
    if (m->hdr.arena_size) {
        if (copy_from_user(&t->vm, req_arena, m->hdr.arena, m->hdr.arena_size))
            return rcSourceFault;
        /* rules on the contents: decided on the copy the method reads */
        if (kmsg_sec_defer(m) &&
            (rc = security_contents((enum sec_event)kmsg_sec_defer(m), t, NULL, m, req_arena)))
            return rc;
    }
    /* The reply is built over the request, in the caller's own kmsg. */
    kcall_dispatch(m);
    enum sec_event ev = m->hdr.mid == MSG_MID_ERROR ? SEC_EV_ERROR : SEC_EV_RESPONSE;
    if ((rc = security_ipc(ev, NULL, t, m)))
        return rc;
    return ipc_deliver_kernel_reply(self);
}
