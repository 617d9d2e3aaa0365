/*
 * The typed direct system calls (coresrv/syscalls.h) over the stubs that
 * SYSCALL_LIST generates. The asserts tie each typed signature to the
 * argument count in the list, so a change there breaks the build here.
 */
#include <coresrv/syscalls.h>

#define U(x) ((uint64_t)(uintptr_t)(x))

_Static_assert(KOS_SYS_ARGC_Call == 3 && KOS_SYS_ARGC_Recv == 2 && KOS_SYS_ARGC_Reply == 2 &&
               KOS_SYS_ARGC_CallEx == 4 && KOS_SYS_ARGC_RecvEx == 3 &&
               KOS_SYS_ARGC_ReplyRecv == 4 && KOS_SYS_ARGC_ThreadExit == 1 &&
               KOS_SYS_ARGC_ThreadYield == 0 && KOS_SYS_ARGC_FutexWait == 3 &&
               KOS_SYS_ARGC_FutexWake == 3 && KOS_SYS_ARGC_TaskExit == 1 &&
               KOS_SYS_ARGC_DebugWrite == 2,
               "typed system calls out of step with SYSCALL_LIST");

Retcode Call(Handle handle, const SMsgHdr *msgOut, SMsgHdr *msgIn)
{
    return kos_sys_Call(handle, U(msgOut), U(msgIn));
}

Retcode Recv(Handle handle, SMsgHdr *msgIn)
{
    return kos_sys_Recv(handle, U(msgIn));
}

Retcode Reply(Handle handle, const SMsgHdr *msgOut)
{
    return kos_sys_Reply(handle, U(msgOut));
}

Retcode CallEx(Handle handle, const SMsgHdr *msgOut, SMsgHdr *msgIn, uint64_t timeoutNs)
{
    return kos_sys_CallEx(handle, U(msgOut), U(msgIn), timeoutNs);
}

Retcode RecvEx(Handle handle, SMsgHdr *msgIn, uint64_t timeoutNs)
{
    return kos_sys_RecvEx(handle, U(msgIn), timeoutNs);
}

Retcode ReplyRecv(Handle handle, const SMsgHdr *msgOut, SMsgHdr *msgIn, uint64_t timeoutNs)
{
    return kos_sys_ReplyRecv(handle, U(msgOut), U(msgIn), timeoutNs);
}

void KnThreadExit(int64_t value)
{
    kos_sys_ThreadExit((uint64_t)value);
    __builtin_trap();                     /* the kernel never returns here */
}

Retcode KnThreadYield(void)
{
    return kos_sys_ThreadYield();
}

Retcode KnFutexWait(const uint32_t *addr, uint32_t expected, uint64_t timeoutNs)
{
    return kos_sys_FutexWait(U(addr), expected, timeoutNs);
}

Retcode KnFutexWake(const uint32_t *addr, uint32_t count, uint32_t *woken)
{
    return kos_sys_FutexWake(U(addr), count, U(woken));
}

void KnTaskExit(int32_t status)
{
    kos_sys_TaskExit((uint64_t)(int64_t)status);
    __builtin_trap();
}

Retcode KnDebugWrite(const void *buf, size_t len)
{
    return kos_sys_DebugWrite(U(buf), len);
}
