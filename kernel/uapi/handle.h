/*
 * Handle rights and kernel object types, shared by kernel and user space.
 * A Handle is opaque: (generation << 16) | index, index = slot + lane * (quota + 1)
 * (docs/ABI.md); 0 is never valid and a closed value is never valid again.
 */
#ifndef UAPI_HANDLE_H
#define UAPI_HANDLE_H

/* General rights (low 16 bits), valid for every object. */
#define RIGHT_TRANSFER    (1u << 0)   /* may be sent in an IPC message */
#define RIGHT_COPY        (1u << 1)   /* may be duplicated with HandleCopy */
#define RIGHT_REVOKE      (1u << 2)   /* may revoke its descendants */
#define RIGHTS_GENERAL    0x0000ffffu

/* Object-specific rights (high 16 bits); meaning depends on the object type. */
#define RIGHT_THREAD_WAIT      (1u << 16)
#define RIGHT_THREAD_CONTROL   (1u << 17)
#define RIGHT_TASK_WAIT        (1u << 16)
#define RIGHT_TASK_CONTROL     (1u << 17)
#define RIGHT_MEM_READ         (1u << 16)
#define RIGHT_MEM_WRITE        (1u << 17)
#define RIGHT_MEM_EXEC         (1u << 18)   /* MDL: may be mapped executable */
#define RIGHT_IRQ_WAIT         (1u << 16)
#define RIGHT_IPC_CALL         (1u << 16)   /* client end */
#define RIGHT_IPC_RECV         (1u << 17)   /* server end / listener */
#define RIGHTS_ALL             0xffffffffu

/* Kernel object types (KnHandleInfo.type). */
enum {
    KOBJ_NONE = 0,
    KOBJ_TASK,
    KOBJ_THREAD,
    KOBJ_MEMORY,
    KOBJ_IPC_CLIENT,
    KOBJ_IPC_SERVER,
    KOBJ_IPC_LISTENER,
    KOBJ_EVENT,
    KOBJ_IRQ,
    KOBJ_MMIO,
    KOBJ_USER,          /* created by KnHandleCreateUserObject */
    KOBJ_NOTICE,        /* KnNoticeCreate */
    KOBJ_TYPE_COUNT
};

#define HANDLE_QUOTA_DEFAULT 256   /* slots per process */

/* Every task starts with one handle: a client end to the kernel's endpoints
 * (kl.core.Core), in slot 1 with generation 1. Closing it cuts the task off
 * from kernel services. */
#define KERNEL_HANDLE 0x00010001u

#endif
