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
bool kcall_is_kernel(const struct ipc_listener *s);
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

#endif
