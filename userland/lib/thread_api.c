/* Low-level thread calls: coresrv/thread/thread_api.h over kl.core.Thread. */
#include "kcall.h"
#include <coresrv/thread/thread_api.h>
#include <coresrv/time/time_api.h>

#define U(x) ((uint64_t)(uintptr_t)(x))

Retcode KnThreadCreate(void (*entry)(void *), void *arg, void *stackTop, void *tp,
                       rtl_uint32_t priority, Handle *thread)
{
    kl_core_Thread_Create_req req = { .entry = U(entry), .arg = U(arg), .stackTop = U(stackTop),
                                      .tls = U(tp), .priority = priority };
    kl_core_Thread_Create_res res;
    Retcode rc = KCALL(Thread, thread, Create, &req, &res);
    if (rc == rcOk && thread)
        *thread = res.thread;
    return rc;
}

Retcode KnThreadWait(Handle thread, rtl_uint64_t timeoutNs, rtl_int64_t *value)
{
    kl_core_Thread_Wait_req req = { .thread = thread, .timeoutNs = timeoutNs };
    kl_core_Thread_Wait_res res;
    Retcode rc = KCALL(Thread, thread, Wait, &req, &res);
    if (rc == rcOk && value)
        *value = res.value;
    return rc;
}

Retcode KnThreadTerminate(Handle thread, rtl_int64_t value)
{
    kl_core_Thread_Terminate_req req = { .thread = thread, .value = value };
    kl_core_Thread_Terminate_res res;
    return KCALL(Thread, thread, Terminate, &req, &res);
}

Retcode KnThreadSetAffinity(Handle thread, rtl_uint32_t mask, rtl_uint32_t *online)
{
    kl_core_Thread_SetAffinity_req req = { .thread = thread, .mask = mask };
    kl_core_Thread_SetAffinity_res res;
    Retcode rc = KCALL(Thread, thread, SetAffinity, &req, &res);
    if (rc == rcOk && online)
        *online = res.online;
    return rc;
}

Retcode KnThreadSetPriority(Handle thread, rtl_uint32_t priority)
{
    kl_core_Thread_SetPriority_req req = { .thread = thread, .priority = priority };
    kl_core_Thread_SetPriority_res res;
    return KCALL(Thread, thread, SetPriority, &req, &res);
}

Retcode KnThreadGetKernelId(rtl_uint64_t *tid)
{
    kl_core_Thread_CurrentId_req req;
    kl_core_Thread_CurrentId_res res;
    nk_req_reset(&req);
    Retcode rc = KCALL(Thread, thread, CurrentId, &req, &res);
    if (rc == rcOk && tid)
        *tid = res.tid;
    return rc;
}

Retcode KnSleepNs(rtl_uint64_t ns)
{
    kl_core_Thread_Sleep_req req = { .ns = ns };
    kl_core_Thread_Sleep_res res;
    return KCALL(Thread, thread, Sleep, &req, &res);
}

Retcode KnSleep(rtl_uint32_t mdelay)
{
    if (mdelay == 0)
        return KnSleepNs(0);
    uint64_t deadline = KnGetUpTimeNs() + (uint64_t)mdelay * 1000000ull;
    Retcode rc = rcOk;
    for (uint64_t now = KnGetUpTimeNs(); rc == rcOk && now < deadline; now = KnGetUpTimeNs())
        rc = KnSleepNs(deadline - now);
    return rc;
}
