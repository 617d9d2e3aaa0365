/*
 * Deferred arenas (docs/ABI.md, "Deferred arenas"): a server thread that
 * asks for it (ArenaDefer) receives a large request's arena not copied into
 * its receive arena but left where it is, in the client's memory, and takes
 * the pieces it wants straight to where they go (ArenaRead): a write lands
 * in the file's memory with the kernel's one copy. The fast path
 * (kernel/ipc_fastpath.c, call_commit) is the only one that defers: its
 * verdicts are unconditional grants without audit, which no byte of the
 * arena can change; the general path (conditions, models, audit) copies, so
 * a server gets either form and must take both. While the request is held
 * the client is blocked in its Call; its arena is its own memory still (its
 * other threads may change or unmap it: ArenaRead answers rcSourceFault then).
 */
#include <kernel/ipc.h>
#include <kernel/ipc_transfer.h>
#include <kernel/panic.h>
#include <kernel/sched.h>
#include <kernel/syscall.h>
#include <kernel/task.h>
#include <kernel/urange.h>
#include <kernel/vm.h>

/* A deferred request says so by an arena of size != 0 at address 0: a
 * copied one is never at 0, no user page is mapped there. */
_Static_assert(USER_BASE > 0, "address 0 is never a receiver's arena");

Retcode sys_ArenaDefer(sysarg_t threshold, sysarg_t a1, sysarg_t a2, sysarg_t a3, sysarg_t a4,
                       sysarg_t a5)
{
    (void)a1, (void)a2, (void)a3, (void)a4, (void)a5;
    if (threshold > 0xffffffffu)
        return rcInvalidArgument;
    /* (ipc_types.h: 0, or a threshold over the largest arena, is off) */
    current->ipc.defer_key = threshold && threshold <= MSG_MAX_ARENA
                                 ? MSG_MAX_ARENA + 1 - (uint32_t)threshold
                                 : 0;                  /* from the next request on */
    return rcOk;
}

/*
 * Bytes [offset, offset + size) of the deferred arena of the request this
 * thread holds into its own memory at dst, with the kernel's copy. The
 * request is held from its delivery until the reply (or the client's end,
 * or its timeout): any number of reads meanwhile, none after.
 */
Retcode sys_ArenaRead(sysarg_t dst, sysarg_t offset, sysarg_t size, sysarg_t a3, sysarg_t a4,
                      sysarg_t a5)
{
    (void)a3, (void)a4, (void)a5;
    struct thread *self = current;
    struct thread *client = self->ipc.serving;
    if (!client || !thread_is_blocked(client))
        return rcNotConnected;                /* none held: replied, gone, timed out */
    uint32_t n = self->ipc.pull_size;
    if (!n)
        return rcInvalidOperation;            /* its arena was copied (or it had none) */
    if (offset > n || size > n - offset)
        return rcInvalidArgument;             /* outside the arena: nothing copied */
    if (!user_range_ok(dst, size))
        return rcTargetFault;
    DEBUG_ASSERT(client->ipc.served_by == self && user_range_ok(self->ipc.pull_arena, n));
    return ipc_copy_arena(client->task, self->ipc.pull_arena + offset, self->task, dst, size);
}
