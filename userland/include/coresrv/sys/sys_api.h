/*
 * coresrv/sys/sys_api.h: system information and power, through the kernel
 * endpoint kl.core.Sys.
 */
#ifndef CORESRV_SYS_SYS_API_H
#define CORESRV_SYS_SYS_API_H

#include <rtl/types.h>
#include <uapi/retcode.h>

typedef struct KnSysInfo {
    rtl_uint64_t freePages;     /* free physical pages (4 KiB) */
    rtl_uint64_t totalPages;
    rtl_uint64_t tasks;         /* live tasks */
    rtl_uint64_t threads;       /* live threads */
    rtl_uint64_t ticks;         /* timer ticks since boot */
    rtl_uint64_t tickHz;
    rtl_uint64_t kobjects;      /* live kernel objects */
} KnSysInfo;

Retcode KnSysGetInfo(KnSysInfo *info);
/* The kernel's own uptime in nanoseconds (an IPC; KnGetUpTimeNs reads the counter). */
Retcode KnSysGetUpTime(rtl_uint64_t *ns);
/* Ends the system with `status`; only the first task (Einit) may: rcNoCapability. */
Retcode KnPowerOff(rtl_int32_t status);

#endif
