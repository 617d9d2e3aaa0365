/*
 * coresrv/time/time_api.h: time read in user space from the generic timer's
 * virtual counter (CNTVCT_EL0 / CNTFRQ_EL0, opened to EL0 by the kernel;
 * docs/ABI.md), so reading the clock costs no system call.
 */
#ifndef CORESRV_TIME_TIME_API_H
#define CORESRV_TIME_TIME_API_H

#include <rtl/types.h>
#include <uapi/retcode.h>

/* Milliseconds since the system started. */
rtl_uint64_t KnGetMSecSinceStart(void);
/* Nanoseconds since the system started. */
rtl_uint64_t KnGetUpTimeNs(void);
/* Time since the system started as seconds + nanoseconds. */
Retcode KnGetUpTime(RtlTimeSpec *time);
/* Wall-clock time. There is no real-time clock yet: this is the uptime
 * (the epoch is the system start). */
Retcode KnGetSystemTime(RtlTimeSpec *time);

#endif
