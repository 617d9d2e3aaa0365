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
/* Wall-clock time since 1970 where the board has a real-time clock the
 * kernel reads (the PL031 on QEMU virt; asked once per process, then read
 * from the counter); elsewhere (the Pi 4) the uptime: epoch = system start. */
Retcode KnGetSystemTime(RtlTimeSpec *time);

#endif
