/*
 * The IPC fast path (issue 19, kernel/ipc_fastpath.c): Call and ReplyRecv
 * in the common case, decided by a straight line of guards, each of which
 * sends the call to the general path (kernel/ipc_rendezvous.c) before
 * anything has changed. Boot option `ipc_fastpath=off` turns it off, with
 * the precomputed verdicts of the security hook, so a test can compare
 * both paths on the same messages (tests/test_ipc_fastpath.py).
 */
#ifndef KERNEL_IPC_FAST_H
#define KERNEL_IPC_FAST_H

#include <stdbool.h>
#include <kernel/syscall.h>

/* A message the fast path takes: header + constant part up to this many
 * bytes, no arena, no handles (docs/ABI.md, "IPC fast path"). */
#define IPC_FAST_MAX_CONST 64u

extern bool ipc_fastpath_on;

/* Reads the boot option; before the first task starts. */
void ipc_fastpath_init(void);
/* One console line: how many calls and replies took the fast path (power off). */
void ipc_fastpath_report(void);

struct ipc_client;
struct ipc_listener;
struct thread;
/* Call on channel ch (its handle resolved with RIGHT_IPC_CALL; its listener
 * has an owner task: not the kernel's endpoint), the message in the caller's
 * buffer out, the reply's in in: the fast path, else the general path
 * (ipc_call_general) from its first guard that fails, before anything
 * changed. self is current (last: the system call's own arguments keep
 * their registers on the way in). (CallReg's fast path is sys_CallReg itself,
 * kernel/ipc_fastpath.c.) */
Retcode ipc_call_mem(struct ipc_client *ch, uint64_t out, uint64_t in, struct thread *self);
/* ReplyRecv on listener s (resolved with RIGHT_IPC_RECV, connected), the
 * reply in the server's buffer out; release: ReplyRecvRelease's word
 * (checked), 0 for none. The fast path, else ipc_reply_recv_general. */
Retcode ipc_reply_recv_mem(struct ipc_listener *s, uint64_t out, uint64_t in, uint64_t timeout,
                           uint64_t release, struct thread *self);
/* The general paths of those two (kernel/ipc_rendezvous.c). */
Retcode ipc_call_general(struct ipc_client *ch, uint64_t out, uint64_t in);
Retcode ipc_reply_recv_general(struct ipc_listener *s, uint64_t out, uint64_t in, uint64_t timeout,
                               uint64_t release);

/* The per-thread handle caches (struct ipc_hcache, kernel/ipc_fastpath.c):
 * a hit is exactly handle_lookup's answer while the task's handle table keeps
 * its generation. ipc_cache_fill does the lookup (type, rights) on a miss;
 * ipc_cache_valid is the debug kernel's check of a hit. */
#include <kernel/ipc_types.h>
#include <kernel/sched.h>
#include <kernel/task.h>
static inline __attribute__((always_inline)) bool ipc_cache_hit(const struct ipc_hcache *c,
                                                                const struct thread *self,
                                                                sysarg_t h)
{
    return c->h == h && c->gen == self->task->handles.gen;
}
Retcode ipc_cache_fill(struct ipc_hcache *c, sysarg_t h, uint32_t type, uint32_t need);
bool ipc_cache_valid(const struct ipc_hcache *c, sysarg_t h, uint32_t type, uint32_t need);

/* CallReg and ReplyRecvReg past their fast paths (kernel/ipc_rendezvous.c),
 * the handle resolved: the general path, with every check it makes. */
Retcode ipc_call_reg_general(struct ipc_client *ch);
Retcode ipc_reply_recv_reg_general(struct ipc_listener *s);

#endif
