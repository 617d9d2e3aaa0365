/*
 * coresrv/task/task_api.h: start programs from the boot image and wait for
 * them, through the kernel endpoint kl.core.Task. The returned task handle
 * carries RIGHT_TASK_WAIT and RIGHT_TASK_CONTROL.
 */
#ifndef CORESRV_TASK_TASK_API_H
#define CORESRV_TASK_TASK_API_H

#include <rtl/types.h>
#include <uapi/msg.h>
#include <uapi/retcode.h>
#include <uapi/syscall.h>   /* TASK_SUSPENDED, TASK_MAX_ARGS, TASK_EXIT_FAULT */

/* Starts `program` (a boot-image entry) as task `name` of security class
 * `cls` (NULL: the program name). argv and envp are NULL-terminated arrays
 * (NULL: none; at most TASK_MAX_ARGS each; argv[0] is conventionally the
 * program name); flags: TASK_SUSPENDED (then KnTaskStart). */
Retcode KnTaskCreate(const char *name, const char *cls, const char *program,
                     const char *const argv[], const char *const envp[],
                     rtl_uint32_t priority, rtl_uint32_t flags, Handle *task);
/* KnTaskCreate with a memory limit: the task's pages (program image, stacks,
 * heap, every KnVmAllocate) may never exceed memPages; past it the task gets
 * rcOutOfMemory (malloc: ENOMEM). 0 = the default, half of the RAM pages
 * (docs/ABI.md, "Memory limits"); KnTaskCreate uses the default. */
Retcode KnTaskCreateWithLimit(const char *name, const char *cls, const char *program,
                              const char *const argv[], const char *const envp[],
                              rtl_uint32_t priority, rtl_uint32_t flags, rtl_uint64_t memPages,
                              Handle *task);
/* Starts a task created with TASK_SUSPENDED. */
Retcode KnTaskStart(Handle task);
/* Waits for the task to end (timeout in ns; INFINITE_TIMEOUT waits) and gives
 * its exit status (TASK_EXIT_FAULT when the kernel killed it for a fault). */
Retcode KnTaskWait(Handle task, rtl_uint64_t timeoutNs, rtl_int32_t *status);
/* Ends the calling task at once (no atexit handlers: see exit()). */
__attribute__((noreturn)) void KnTaskExit(rtl_int32_t status);

#endif
