/*
 * System information (kl.core.Sys) and time. The time functions read the
 * generic timer's virtual counter directly (opened to EL0 by the kernel), so
 * they never enter the kernel.
 */
#include "kcall.h"
#include <coresrv/sys/sys_api.h>
#include <coresrv/time/time_api.h>

_Static_assert(sizeof(KnSysInfo) == sizeof(struct kl_core_Sys_Info), "KnSysInfo mirrors Sys.Info");

Retcode KnSysGetInfo(KnSysInfo *info)
{
    kl_core_Sys_GetInfo_req req;
    kl_core_Sys_GetInfo_res res;
    nk_req_reset(&req);
    Retcode rc = KCALL(Sys, sys, GetInfo, &req, &res);
    if (rc == rcOk && info) {
        info->freePages = res.info.freePages;
        info->totalPages = res.info.totalPages;
        info->tasks = res.info.tasks;
        info->threads = res.info.threads;
        info->ticks = res.info.ticks;
        info->tickHz = res.info.tickHz;
        info->kobjects = res.info.kobjects;
    }
    return rc;
}

Retcode KnSysGetUpTime(rtl_uint64_t *ns)
{
    kl_core_Sys_GetUpTime_req req;
    kl_core_Sys_GetUpTime_res res;
    nk_req_reset(&req);
    Retcode rc = KCALL(Sys, sys, GetUpTime, &req, &res);
    if (rc == rcOk && ns)
        *ns = res.ns;
    return rc;
}

Retcode KnPowerOff(rtl_int32_t status)
{
    kl_core_Sys_PowerOff_req req = { .status = status };
    kl_core_Sys_PowerOff_res res;
    return KCALL(Sys, sys, PowerOff, &req, &res);
}

/* ---- time --------------------------------------------------------------- */

static inline uint64_t counter(void)
{
    uint64_t v;
    __asm__ volatile("isb\n mrs %0, cntvct_el0" : "=r"(v) :: "memory");
    return v;
}

static inline uint64_t counter_hz(void)
{
    uint64_t v;
    __asm__ volatile("mrs %0, cntfrq_el0" : "=r"(v));
    return v;
}

rtl_uint64_t KnGetUpTimeNs(void)
{
    uint64_t c = counter(), hz = counter_hz();
    if (hz == 0)
        return 0;
    /* split so that c * 1e9 cannot overflow */
    return (c / hz) * 1000000000ull + (c % hz) * 1000000000ull / hz;
}

rtl_uint64_t KnGetMSecSinceStart(void)
{
    return KnGetUpTimeNs() / 1000000ull;
}

Retcode KnGetUpTime(RtlTimeSpec *time)
{
    if (!time)
        return rcInvalidArgument;
    uint64_t ns = KnGetUpTimeNs();
    time->sec = (rtl_int64_t)(ns / 1000000000ull);
    time->nsec = (rtl_int64_t)(ns % 1000000000ull);
    return rcOk;
}

/* realtime - uptime, asked of the kernel once (kl.core.Sys.GetRealTime: the
 * PL031 on QEMU virt); 0 = not asked yet, 1 = no real-time clock. */
static uint64_t realtime_offset;

Retcode KnGetSystemTime(RtlTimeSpec *time)
{
    if (!time)
        return rcInvalidArgument;
    uint64_t off = __atomic_load_n(&realtime_offset, __ATOMIC_RELAXED);
    if (off == 0) {
        kl_core_Sys_GetRealTime_req req;
        kl_core_Sys_GetRealTime_res res;
        nk_req_reset(&req);
        uint64_t up = KnGetUpTimeNs();
        off = KCALL(Sys, sys, GetRealTime, &req, &res) == rcOk && res.ns > up ? res.ns - up : 1;
        __atomic_store_n(&realtime_offset, off, __ATOMIC_RELAXED);
    }
    uint64_t ns = KnGetUpTimeNs() + (off == 1 ? 0 : off);
    time->sec = (rtl_int64_t)(ns / 1000000000ull);
    time->nsec = (rtl_int64_t)(ns % 1000000000ull);
    return rcOk;
}
