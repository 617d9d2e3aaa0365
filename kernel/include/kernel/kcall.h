/*
 * Kernel endpoints (kl.core.Core): kernel services reached with Call on the
 * kernel handle, described in IDL (tools/sysroot/kl/core/) and dispatched by
 * the code tools/nk generates from it, so the security policy governs them
 * like any other IPC.
 */
#ifndef KERNEL_KCALL_H
#define KERNEL_KCALL_H

#include "kl/core/Core.edl.h"

struct task;
struct kmsg;
struct thread;
struct ipc_listener;

extern const struct kl_core_Handle_ops kcall_handle_ops;
extern const struct kl_core_Thread_ops kcall_thread_ops;
extern const struct kl_core_Task_ops kcall_task_ops;
extern const struct kl_core_Channel_ops kcall_channel_ops;
extern const struct kl_core_Vmm_ops kcall_vmm_ops;
extern const struct kl_core_Sys_ops kcall_sys_ops;
extern const struct kl_core_Io_ops kcall_io_ops;
extern const struct kl_core_Mdl_ops kcall_mdl_ops;
extern const struct kl_core_Notice_ops kcall_notice_ops;
extern const struct kl_core_Cm_ops kcall_cm_ops;

void kcall_init(void);
/* Gives a new task its kernel handle (KERNEL_HANDLE, its first handle). */
Retcode kcall_install(struct task *t);
/* The kernel's listener (kernel/kcall.c): never disconnected nor destroyed. */
extern struct ipc_listener kcall_listener;
static inline bool kcall_is_kernel(const struct ipc_listener *s) { return s == &kcall_listener; }
/* The task behind handle h of the current task, if the handle grants `right`
 * (kl.core.Task and kl.core.Channel both name tasks by handle). */
Retcode kcall_task_of(uint32_t h, uint32_t right, struct task **out);
/* The task's one listener (created at its first channel) and its handle
 * in server->listener_handle. */
Retcode kcall_listener_of(struct task *server, struct ipc_listener **out);
/* A task ended: its published names go, and the connection requests it
 * made or was asked for are answered rcNotConnected (kernel/kcall_cm.c). */
void kcall_cm_task_ended(struct task *t);
/* Serves the request in self->ipc.msg (already fetched and allowed). */
Retcode kcall_serve(struct thread *self);
/* Runs the kernel method of the request in *m (its arena, if any, already in
 * the kernel's buffer) and builds its reply over it. */
void kcall_dispatch(struct kmsg *m);

/* The fast path (kernel/kcall_fastpath.c): a Call on channel ch, the
 * kernel's, in the common case: a request of header + constant part up to
 * KCALL_FAST_MAX_CONST bytes, no arena, no handles, granted unconditionally
 * by the policy's precomputed verdict. Returns true when it served the call
 * (*rc: the Call's result), false when the general path must: nothing was
 * changed then. Off with `ipc_fastpath=off`. */
#define KCALL_FAST_MAX_CONST 64u
struct ipc_client;
bool kcall_fast_call(struct ipc_client *ch, uint64_t out_uaddr, uint64_t in_uaddr, Retcode *rc);
/* One console line at power off: how many calls took it. */
void kcall_fastpath_report(void);

#endif
