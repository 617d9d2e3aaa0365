/*
 * Tasks: coresrv/task/task_api.h over kl.core.Task. argv and envp go to the
 * kernel as NUL-terminated strings back to back (Task.idl `bytes<ArgsMax>`).
 */
#include "kcall.h"
#include <coresrv/task/task_api.h>
#include <string.h>

/* Packs a NULL-terminated string array; rcBufferTooLarge past the limits. */
static Retcode pack(const char *const v[], char *buf, uint32_t cap, uint32_t *len)
{
    uint32_t used = 0, n = 0;
    for (; v && v[n]; n++) {
        size_t l = strlen(v[n]) + 1;
        if (n == TASK_MAX_ARGS || l > cap - used)
            return rcBufferTooLarge;
        memcpy(buf + used, v[n], l);
        used += (uint32_t)l;
    }
    *len = used;
    return rcOk;
}

Retcode KnTaskCreate(const char *name, const char *cls, const char *program,
                     const char *const argv[], const char *const envp[],
                     rtl_uint32_t priority, rtl_uint32_t flags, Handle *task)
{
    return KnTaskCreateWithLimit(name, cls, program, argv, envp, priority, flags, 0, task);
}

Retcode KnTaskCreateWithLimit(const char *name, const char *cls, const char *program,
                              const char *const argv[], const char *const envp[],
                              rtl_uint32_t priority, rtl_uint32_t flags, rtl_uint64_t memPages,
                              Handle *task)
{
    char args[kl_core_Task_ArgsMax], env[kl_core_Task_ArgsMax];   /* copied into the arena */
    uint32_t args_len, env_len;
    if (!name || !program)
        return rcInvalidArgument;
    Retcode rc = pack(argv, args, sizeof(args), &args_len);
    if (rc == rcOk)
        rc = pack(envp, env, sizeof(env), &env_len);
    if (rc != rcOk)
        return rc;
    _Alignas(8) char buf[kl_core_Task_Create_req_arena_size];
    struct nk_arena arena = NK_ARENA_INITIALIZER(buf, buf + sizeof buf);
    kl_core_Task_Create_req req = { .priority = priority, .flags = flags, .memPages = memPages };
    kl_core_Task_Create_res res;
    rc = kcall_put_string(&arena, &req.name, name, kl_core_Task_NameMax);
    if (rc == rcOk)
        rc = kcall_put_string(&arena, &req.cls, cls ? cls : program, kl_core_Task_NameMax);
    if (rc == rcOk)
        rc = kcall_put_string(&arena, &req.program, program, kl_core_Task_NameMax);
    /* empty bytes: {0, 0}, never an offset past the arena's end */
    if (rc == rcOk && args_len && nk_arena_store(char, &arena, &req.argv, args, args_len) != NK_EOK)
        rc = rcBufferTooLarge;
    if (rc == rcOk && env_len && nk_arena_store(char, &arena, &req.env, env, env_len) != NK_EOK)
        rc = rcBufferTooLarge;
    if (rc == rcOk)
        rc = KCALL_ARENA(Task, task, Create, &req, &arena, &res);
    if (rc == rcOk && task)
        *task = res.task;
    return rc;
}

Retcode KnTaskStart(Handle task)
{
    kl_core_Task_Start_req req = { .task = task };
    kl_core_Task_Start_res res;
    return KCALL(Task, task, Start, &req, &res);
}

Retcode KnTaskWait(Handle task, rtl_uint64_t timeoutNs, rtl_int32_t *status)
{
    kl_core_Task_Wait_req req = { .task = task, .timeoutNs = timeoutNs };
    kl_core_Task_Wait_res res;
    Retcode rc = KCALL(Task, task, Wait, &req, &res);
    if (rc == rcOk && status)
        *status = res.status;
    return rc;
}
