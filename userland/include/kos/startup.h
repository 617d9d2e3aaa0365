/*
 * kos/startup.h: the startup-info block a program may receive in x3 at
 * entry (crt0 contract, docs/USERLAND.md). A proposal for the kernel: it
 * passes 0 today. The kernel would copy the block onto the new stack next to
 * argv/envp; crt0 accepts it only if magic, version and size check out, so
 * an older or newer kernel never makes a program misread it.
 */
#ifndef KOS_STARTUP_H
#define KOS_STARTUP_H

#include <stdint.h>
#include <uapi/msg.h>
#include <uapi/syscall.h>

#define KOS_STARTUP_MAGIC    0x31534f4bu   /* "KOS1" little endian */
#define KOS_STARTUP_VERSION  1u
#define KOS_STARTUP_HANDLES  16u           /* entries in handles[] */

/* Roles of startup handles. */
#define KOS_STARTUP_ROLE_CLIENT   SERVICE_CLIENT    /* client end of a channel */
#define KOS_STARTUP_ROLE_SERVER   SERVICE_SERVER    /* listener of the task's channels */
#define KOS_STARTUP_ROLE_OBJECT   2u                /* any other handle given by the parent */

struct KosStartupHandle {
    Handle handle;                   /* a handle in this task's table */
    uint32_t role;                   /* KOS_STARTUP_ROLE_* */
    char name[SERVICE_NAME_MAX];     /* channel or object name, NUL-terminated */
};

struct KosStartupInfo {
    uint32_t magic;                  /* KOS_STARTUP_MAGIC */
    uint32_t version;                /* KOS_STARTUP_VERSION */
    uint32_t size;                   /* sizeof(struct KosStartupInfo) as the kernel built it */
    uint32_t nhandles;               /* used entries of handles[] */
    uint64_t stack_base;             /* lowest mapped byte of the main stack (guard page below) */
    uint64_t stack_size;             /* bytes mapped for the main stack */
    uint64_t task_id;                /* the kernel's id of this task (pid) */
    char task_name[48];              /* the task's name (Task.Create `name`) */
    struct KosStartupHandle handles[KOS_STARTUP_HANDLES];
};

/* The block crt0 received, or NULL when the kernel gave none (or a bad one). */
const struct KosStartupInfo *KosGetStartupInfo(void);

/* The startup handle with this name and role, or INVALID_HANDLE. */
Handle KosStartupHandleFind(const char *name, uint32_t role);

#endif
