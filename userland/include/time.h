/*
 * time.h: picolibc's <time.h> plus what this target's picolibc leaves out
 * (it does not define _POSIX_TIMERS or _POSIX_MONOTONIC_CLOCK): the POSIX
 * clocks and sleeps, implemented in userland/lib/libc/time.c.
 */
#ifndef KOS_TIME_WRAPPER_H
#define KOS_TIME_WRAPPER_H

#include_next <time.h>

#ifndef CLOCK_MONOTONIC
#define CLOCK_MONOTONIC ((clockid_t) 4)
#endif

#if !defined(_POSIX_TIMERS)
int clock_gettime(clockid_t clock_id, struct timespec *tp);
int clock_getres(clockid_t clock_id, struct timespec *res);
int nanosleep(const struct timespec *rqtp, struct timespec *rmtp);
#endif
#if !defined(_POSIX_CLOCK_SELECTION)
int clock_nanosleep(clockid_t clock_id, int flags, const struct timespec *rqtp,
                    struct timespec *rmtp);
#endif

#endif
