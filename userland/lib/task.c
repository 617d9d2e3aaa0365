/*
 * Tasks: coresrv/task/task_api.h over kl.core.Task. argv and envp go to the
 * kernel as NUL-terminated strings back to back (Task.idl `bytes<ArgsMax>`).
 */
#include <coresrv/task/task_api.h>
#include <string.h>
#include "kcall.h"

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
    char args[kl_core_Task_ArgsMax], env[kl_core_Task_ArgsMax];   /* the proxy copies them */
    uint32_t args_len, env_len;
    if (!name || !program)
        return rcInvalidArgument;
    Retcode rc = pack(argv, args, sizeof(args), &args_len);
    if (rc == rcOk)
        rc = pack(envp, env, sizeof(env), &env_len);
    if (rc != rcOk)
        return rc;
    struct kl_core_Task_proxy p = kcall_task();
    return kl_core_Task_Create(&p, name, cls ? cls : program, program, args, args_len, env, env_len,
                               priority, flags, memPages, task);
}

Retcode KnTaskStart(Handle task)
{
    struct kl_core_Task_proxy p = kcall_task();
    return kl_core_Task_Start(&p, task);
}

Retcode KnTaskWait(Handle task, rtl_uint64_t timeoutNs, rtl_int32_t *status)
{
    struct kl_core_Task_proxy p = kcall_task();
    return kl_core_Task_Wait(&p, task, timeoutNs, status);
}
