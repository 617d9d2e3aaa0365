/*
 * System-call numbers and argument conventions (docs/ABI.md is the
 * reference). Shared by the kernel's dispatch table and the user stubs.
 *
 * Convention: `svc #0`, number in x8, arguments in x0..x5, the Retcode in
 * x0. Results beyond the Retcode are written through user pointers that the
 * kernel range-checks (rcInvalidArgument when a pointer is bad).
 * Call/Recv/Reply are the KasperskyOS core. Every other kernel service is a
 * method of a kernel endpoint (kl.core.*, IDL in tools/sysroot/kl/core/)
 * reached with Call on KERNEL_HANDLE; the few direct calls kept here are
 * listed with their reason in docs/ABI.md.
 */
#ifndef UAPI_SYSCALL_H
#define UAPI_SYSCALL_H

#include <stdint.h>

/* X(number, name, argc) — one list for the kernel table and the user stubs. */
#define SYSCALL_LIST(X) \
    X(0,  Call,              3)  /* (Handle, const SMsgHdr *out, SMsgHdr *in) */ \
    X(1,  Recv,              2)  /* (Handle, SMsgHdr *in) */ \
    X(2,  Reply,             2)  /* (Handle, const SMsgHdr *out) */ \
    X(3,  CallEx,            4)  /* (Handle, out, in, uint64 timeout_ns) */ \
    X(4,  RecvEx,            3)  /* (Handle, in, uint64 timeout_ns) */ \
    X(5,  ReplyRecv,         4)  /* (Handle, const SMsgHdr *out, SMsgHdr *in, uint64 timeout_ns) */ \
    X(10, CallReg,           1)  /* Call, short message in registers (uapi/msg.h) */ \
    X(11, RecvReg,           1)  /* RecvEx, receiving in registers */ \
    X(12, ReplyRecvReg,      1)  /* ReplyRecv, short reply and next request in registers */ \
    X(13, ReplyRecvRelease,  5)  /* ReplyRecv + (uint32 *release): 0 written (and woken) once
                                    the reply is done (docs/ABI.md) */ \
    X(14, ArenaDefer,        1)  /* (uint32 threshold): requests with an arena of >= threshold
                                    bytes arrive without it (0: off; docs/ABI.md) */ \
    X(15, ArenaRead,         3)  /* (void *dst, uint32 offset, uint32 size): from the held
                                    request's deferred arena */ \
    X(21, ThreadExit,        1)  /* (int64 value) never returns */ \
    X(23, ThreadYield,       0)  \
    X(30, FutexWait,         3)  /* (const uint32 *addr, uint32 expected, uint64 timeout_ns) */ \
    X(31, FutexWake,         3)  /* (const uint32 *addr, uint32 count, uint32 *woken) */ \
    X(51, TaskExit,          1)  /* (int32 status) never returns */ \
    X(60, DebugWrite,        2)  /* (const char *buf, uint64 len) to the console */

enum {
#define SYSCALL_ENUM(nr, name, argc) SYS_##name = nr,
    SYSCALL_LIST(SYSCALL_ENUM)
#undef SYSCALL_ENUM
    SYS_MAX = 64
};

/* Exit status of a task the kernel killed for a fault (see docs/ABI.md). */
#define TASK_EXIT_FAULT (-128)

/* Timeouts: 0 = do not wait (poll); INFINITE_TIMEOUT = wait forever. */
#define INFINITE_TIMEOUT  (~0ULL)

/* Thread priorities (KasperskyOS range): higher runs first. */
#define THREAD_PRIORITY_MIN      0
#define THREAD_PRIORITY_MAX      31
#define THREAD_PRIORITY_DEFAULT  15

/* VmAllocate protection and flags. */
#define VM_READ    1u
#define VM_WRITE   2u
#define VM_EXEC    4u      /* never together with VM_WRITE */
#define VM_FIXED   1u      /* flags: place exactly at *addr */

#define TASK_MAX_ARGS 16    /* argv and env entries each (Task.Create) */
#define TASK_SUSPENDED 1u   /* Task.Create flags: wait for Task.Start */

/* ServiceLookup roles: the client end (ServiceLocatorConnect) or the
 * server's listener (ServiceLocatorRegister) of a named channel. */
#define SERVICE_CLIENT 0u
#define SERVICE_SERVER 1u
#define SERVICE_NAME_MAX 64


#endif
