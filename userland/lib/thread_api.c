/* Low-level thread calls: coresrv/thread/thread_api.h over kl.core.Thread. */
#include <coresrv/thread/thread_api.h>
#include <coresrv/time/time_api.h>
#include "kcall.h"

#define U(x) ((uint64_t)(uintptr_t)(x))

Retcode KnThreadCreate(void (*entry)(void *), void *arg, void *stackTop, void *tp,
                       rtl_uint32_t priority, Handle *thread)
{
    struct kl_core_Thread_proxy p = kcall_thread();
    return kl_core_Thread_Create(&p, U(entry), U(arg), U(stackTop), U(tp), priority, thread);
}

Retcode KnThreadWait(Handle thread, rtl_uint64_t timeoutNs, rtl_int64_t *value)
{
    struct kl_core_Thread_proxy p = kcall_thread();
    return kl_core_Thread_Wait(&p, thread, timeoutNs, value);
}

Retcode KnThreadTerminate(Handle thread, rtl_int64_t value)
{
    struct kl_core_Thread_proxy p = kcall_thread();
    return kl_core_Thread_Terminate(&p, thread, value);
}

Retcode KnThreadSetAffinity(Handle thread, rtl_uint32_t mask, rtl_uint32_t *online)
{
    struct kl_core_Thread_proxy p = kcall_thread();
    rtl_uint32_t o = 0;
    Retcode rc = kl_core_Thread_SetAffinity(&p, thread, mask, &o);
    if (online)
        *online = o;
    return rc;
}

Retcode KnThreadSetPriority(Handle thread, rtl_uint32_t priority)
{
    struct kl_core_Thread_proxy p = kcall_thread();
    return kl_core_Thread_SetPriority(&p, thread, priority);
}

Retcode KnThreadGetKernelId(rtl_uint64_t *tid)
{
    struct kl_core_Thread_proxy p = kcall_thread();
    return kl_core_Thread_CurrentId(&p, tid);
}

Retcode KnSleepNs(rtl_uint64_t ns)
{
    struct kl_core_Thread_proxy p = kcall_thread();
    return kl_core_Thread_Sleep(&p, ns);
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
