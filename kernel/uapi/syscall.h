/*
 * System-call numbers and argument conventions (docs/ABI.md is the
 * reference). Shared by the kernel's dispatch table and the user stubs.
 *
 * Convention: `svc #0`, number in x8, arguments in x0..x5, the Retcode in
 * x0. Results beyond the Retcode are written through user pointers that the
 * kernel range-checks (rcInvalidArgument when a pointer is bad).
 * Call/Recv/Reply are the KasperskyOS core; the rest are kernel services
 * that move behind kernel endpoints (kl.core.*) with the IPC issue.
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
    X(10, HandleClose,       1)  /* (Handle) */ \
    X(11, HandleCopy,        3)  /* (Handle src, uint32 rights, Handle *out) rights must be a subset */ \
    X(12, HandleRevoke,      1)  /* (Handle) closes it and invalidates every descendant */ \
    X(13, HandleCreateUserObject, 4) /* (uint32 type, uint32 rights, uint64 context, Handle *out) */ \
    X(14, HandleInfo,        2)  /* (Handle, struct KnHandleInfo *out) */ \
    X(20, ThreadCreate,      6)  /* (entry, arg, stack_top, tls, uint32 priority, Handle *out) */ \
    X(21, ThreadExit,        1)  /* (int64 value) never returns */ \
    X(22, ThreadWait,        3)  /* (Handle thread, int64 *value, uint64 timeout_ns) */ \
    X(23, ThreadYield,       0)  \
    X(24, ThreadSleep,       1)  /* (uint64 ns) */ \
    X(25, ThreadCurrentId,   1)  /* (uint64 *tid) */ \
    X(26, ThreadSetPriority, 2)  /* (Handle thread or 0 = self, uint32 priority) */ \
    X(30, FutexWait,         3)  /* (const uint32 *addr, uint32 expected, uint64 timeout_ns) */ \
    X(31, FutexWake,         3)  /* (const uint32 *addr, uint32 count, uint32 *woken) */ \
    X(40, VmAllocate,        4)  /* (uint64 *addr in/out, uint64 size, uint32 prot, uint32 flags) */ \
    X(41, VmFree,            2)  /* (uint64 addr, uint64 size) whole allocations only */ \
    X(42, MmioMap,           2)  /* (Handle mmio, uint64 *addr) */ \
    X(43, IrqWait,           2)  /* (Handle irq, uint64 timeout_ns) returns after the IRQ fired */ \
    X(44, IrqAck,            1)  /* (Handle irq) re-enables the line */ \
    X(50, TaskCreate,        3)  /* (const struct KnTaskSpec *, uint64 size, Handle *out) */ \
    X(51, TaskExit,          1)  /* (int32 status) never returns */ \
    X(52, TaskWait,          3)  /* (Handle task, int32 *status, uint64 timeout_ns) */ \
    X(53, TaskStart,         1)  /* (Handle task) starts a task created with TASK_SUSPENDED */ \
    X(54, ChannelCreate,     3)  /* (Handle client_task, Handle server_task, const char *name) */ \
    X(55, ServiceLookup,     3)  /* (const char *name, uint32 role, Handle *out) */ \
    X(60, DebugWrite,        2)  /* (const char *buf, uint64 len) to the console */ \
    X(61, ClockGet,          1)  /* (uint64 *ns since boot) */ \
    X(62, SysInfo,           1)  /* (struct KnSysInfo *out) */ \
    X(63, PowerOff,          1)  /* (int32 status) Einit only */

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

/* TaskCreate: start a program from the boot image. Strings live inside the
 * structure's own buffer (offsets are relative to the start of `strings`). */
#define TASK_MAX_ARGS 16
struct KnTaskSpec {
    uint32_t name_off;       /* task (instance) name */
    uint32_t class_off;      /* security class name (EDL) */
    uint32_t program_off;    /* boot image entry name */
    uint32_t argc;           /* entries used in arg_off (argv[0] included) */
    uint32_t arg_off[TASK_MAX_ARGS];
    uint32_t envc;
    uint32_t env_off[TASK_MAX_ARGS];   /* "KEY=VALUE" */
    uint32_t priority;
    uint32_t flags;          /* TASK_SUSPENDED: wait for TaskStart */
    uint32_t strings_size;
    char strings[];          /* NUL-terminated strings */
};

#define TASK_SUSPENDED 1u

/* ServiceLookup roles: the client end (ServiceLocatorConnect) or the
 * server's listener (ServiceLocatorRegister) of a named channel. */
#define SERVICE_CLIENT 0u
#define SERVICE_SERVER 1u
#define SERVICE_NAME_MAX 64

struct KnHandleInfo {
    uint32_t type;           /* KOBJ_* */
    uint32_t rights;
};

struct KnSysInfo {
    uint64_t free_pages, total_pages;
    uint64_t tasks, threads;
    uint64_t ticks, tick_hz;
    uint64_t kobjects;       /* live kernel objects (leak checks) */
};

#endif
