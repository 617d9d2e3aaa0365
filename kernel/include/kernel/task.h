/*
 * Tasks (processes): an address space, a handle table, threads, and a
 * security class. A task's exit releases all of them at once: memory,
 * handles, threads (KasperskyOS CE leaves them allocated; we do not).
 */
#ifndef KERNEL_TASK_H
#define KERNEL_TASK_H

#include <stdint.h>
#include <kernel/handle.h>
#include <kernel/list.h>
#include <kernel/object.h>
#include <kernel/sched.h>
#include <kernel/vm.h>
#include <uapi/syscall.h>      /* SERVICE_NAME_MAX */

#define TASK_NAME_MAX  48

#define TASK_MAX_SERVICES 16

enum task_state { TASK_ALIVE, TASK_EXITING, TASK_EXITED };

/* A named channel end this task can find with ServiceLookup. */
struct service_entry {
    char name[SERVICE_NAME_MAX];
    uint32_t role;           /* SERVICE_CLIENT or SERVICE_SERVER */
    Handle handle;
};

struct ipc_listener;

struct task {
    struct kobject obj;
    char name[TASK_NAME_MAX];
    char class_name[TASK_NAME_MAX];
    /* The security subject (kernel/security/sec_engine.h sec_subject_t):
     * class id and SID side by side, read by a decision with one load. */
    union {
        struct {
            uint32_t class_id;
            uint32_t sid;            /* 1 .. SEC_SID_MAX-1 while alive, 0 once released */
        };
        uint64_t sec_subject;
    };
    uint64_t pid;
    struct vmspace vm;
    struct handle_table handles;
    struct list_node threads;
    uint32_t nthreads;
    enum task_state state;
    int32_t exit_status;
    struct wait_queue exit_waiters;
    struct list_node all_link;
    struct thread *main_thread;      /* until started (TASK_SUSPENDED) */
    struct ipc_listener *listener;     /* its receive point, created with its first channel */
    Handle listener_handle;
    struct service_entry services[TASK_MAX_SERVICES];
    uint32_t nservices;
};

struct task_args {
    const char *name, *class_name, *program;
    int argc;
    const char *const *argv;
    int envc;
    const char *const *envp;
    uint32_t priority;
    bool suspended;                  /* leave the main thread stopped until task_start() */
    uint64_t mem_pages;              /* most pages its memory may hold; 0: task_mem_default() */
    const struct task *parent;       /* for the execute check; NULL = the kernel */
};

/* Creates a task from a boot-image program and starts its main thread. On
 * success *out holds one reference (the caller's, e.g. a handle's). */
Retcode task_spawn(const struct task_args *args, struct task **out);
/* Starts the main thread of a task spawned suspended. */
Retcode task_start(struct task *t);
/* Ends `t` with status: kills its threads, frees its memory and handles. */
void task_exit(struct task *t, int32_t status);
/* Called by the scheduler when the last thread of `t` has exited. */
void task_finished(struct task *t);
uint64_t task_count(void);
/* The memory limit of a task started without one: half of the RAM pages (docs/ABI.md). */
uint64_t task_mem_default(void);

static inline struct task *current_task(void) { return current->task; }

#endif
