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
#include <security/sec_engine.h>   /* enum sec_event: the engine's events are the hook's */

struct task;

void security_init(void);
/* May `src` (NULL: the kernel) start a task of class `class_name`? Sets its
 * class id and allocates its SID (rcOutOfMemory when all SEC_SID_MAX-1 are
 * taken); the caller gives the SID back with security_release_sid. */
Retcode security_execute(const struct task *src, const char *class_name, uint32_t *class_id,
                         uint32_t *sid);
/* The task with this SID is gone (or never started): its SID and every
 * security model state for it are released. 0 is ignored. */
void security_release_sid(uint32_t sid);
/* Request/response/error decision; rcSecurityDisallow when denied, rcInvalidArgument
 * when the message is malformed (audited). A request to the kernel (dst NULL) on
 * riid MSG_RIID_SECURITY, or ev SEC_EV_SECURITY, is decided as security_call(). */
Retcode security_ipc(enum sec_event ev, const struct task *src, const struct task *dst,
                     struct kmsg *m);
/* The decisions whose rules read the arena's contents (strings, bytes,
 * sequence elements, Regex) are not made by security_ipc: it marks the
 * message (kmsg_sec_defer) and the delivery calls this instead of copying the
 * arena user to user. The arena is copied from `from` into a kernel buffer,
 * the module decides on that copy, and only a granted copy is written to
 * `to` at `arena_uaddr`: what was checked is what arrives, whatever another
 * thread of the sender does meanwhile. rcOk, rcSecurityDisallow /
 * rcInvalidArgument (audited), rcSourceFault, rcTargetFault. */
Retcode security_deliver(struct task *from, const struct kmsg *m, struct task *to,
                         uint64_t arena_uaddr);
/* Decision ev on `arena`, a kernel copy of m's arena that is what the
 * receiver gets (kcall_serve: the buffer the kernel's method reads; to NULL:
 * the kernel). rcOk or the denial's Retcode (audited). */
Retcode security_contents(enum sec_event ev, const struct task *from, const struct task *to,
                          const struct kmsg *m, const uint8_t *arena);
/* The fast path's decision (issue 19): true when security_ipc(ev, ...) would
 * grant every message with this riid, mid and size (constant part bytes)
 * and no handles without an audit line and without running a rule,
 * provided that, when *check comes back non-NULL, the message passes
 * security_ipc_fast_check(*check, ...) (the method's layout has arena
 * descriptors, union tags or handle slots to check per message); false:
 * call security_ipc. The answer and *check may be remembered per (peer,
 * riid, mid, size). ev: SEC_EV_REQUEST or SEC_EV_RESPONSE; dst/src NULL is
 * the kernel. */
bool security_ipc_fast(enum sec_event ev, const struct task *src, const struct task *dst,
                       uint32_t riid, uint32_t mid, uint32_t size, const void **check);
/* The engine's layout check of a message with no handles (size bytes of
 * constant part at data, the kernel's copy; an arena of arena_size bytes)
 * against *check from security_ipc_fast: true when well formed, so granted. */
bool security_ipc_fast_check(const void *check, uint32_t size, uint32_t arena_size,
                             const uint8_t *data);
/* Security event: `src` asks the security module through its class's security
 * interface (m->hdr.mid = the method, m->data its in parameters). */
Retcode security_call(const struct task *src, const struct kmsg *m);

/* Coverage build (make POLICY_COUNTERS=1): print each rule's grant and denial
 * counters to the console (called at power-off); otherwise nothing. */
void security_dump_coverage(void);

#endif
