/*
 * The security hook: the one place the kernel asks the security module.
 * Called for every process start (execute) and every IPC request and
 * response, with the kernel's own checked copy of the message.
 */
#ifndef KERNEL_SECURITY_H
#define KERNEL_SECURITY_H

#include <stdint.h>
#include <kernel/ipc_types.h>
#include <uapi/retcode.h>

struct task;

enum sec_event_kind { SEC_EXECUTE, SEC_REQUEST, SEC_RESPONSE, SEC_ERROR, SEC_SECURITY };

void security_init(void);
/* May `src` (NULL: the kernel) start a task of class `class_name`? Sets its class id. */
Retcode security_execute(const struct task *src, const char *class_name, uint32_t *class_id);
/* Request/response/error decision; rcSecurityDisallow when denied (audited). */
Retcode security_ipc(enum sec_event_kind ev, const struct task *src, const struct task *dst,
                     const struct kmsg *m);

#endif
