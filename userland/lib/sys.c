/*
 * System information (kl.core.Sys) and time. The time functions read the
 * generic timer's virtual counter directly (opened to EL0 by the kernel), so
 * they never enter the kernel.
 */
#include <coresrv/sys/sys_api.h>
#include <coresrv/time/time_api.h>
#include "kcall.h"

_Static_assert(sizeof(KnSysInfo) == sizeof(struct kl_core_Sys_Info), "KnSysInfo mirrors Sys.Info");

Retcode KnSysGetInfo(KnSysInfo *info)
{
    struct kl_core_Sys_proxy p = kcall_sys();
    struct kl_core_Sys_Info i;
    Retcode rc = kl_core_Sys_GetInfo(&p, &i);
    if (rc == rcOk && info) {
        info->freePages = i.freePages;
        info->totalPages = i.totalPages;
        info->tasks = i.tasks;
        info->threads = i.threads;
        info->ticks = i.ticks;
        info->tickHz = i.tickHz;
        info->kobjects = i.kobjects;
    }
    return rc;
}

Retcode KnSysGetUpTime(rtl_uint64_t *ns)
{
    struct kl_core_Sys_proxy p = kcall_sys();
    return kl_core_Sys_GetUpTime(&p, ns);
}

Retcode KnPowerOff(rtl_int32_t status)
{
    struct kl_core_Sys_proxy p = kcall_sys();
    return kl_core_Sys_PowerOff(&p, status);
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
        struct kl_core_Sys_proxy p = kcall_sys();
        uint64_t rt = 0, up = KnGetUpTimeNs();
        off = kl_core_Sys_GetRealTime(&p, &rt) == rcOk && rt > up ? rt - up : 1;
        __atomic_store_n(&realtime_offset, off, __ATOMIC_RELAXED);
    }
    uint64_t ns = KnGetUpTimeNs() + (off == 1 ? 0 : off);
    time->sec = (rtl_int64_t)(ns / 1000000000ull);
    time->nsec = (rtl_int64_t)(ns % 1000000000ull);
    return rcOk;
}
