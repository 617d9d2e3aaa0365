/*
 * Time and sleeping for the C library: clock_gettime, clock_getres,
 * gettimeofday, nanosleep, clock_nanosleep, usleep, sleep.
 * CLOCK_MONOTONIC is the generic timer's uptime (coresrv/time/time_api.h,
 * no system call); CLOCK_REALTIME is KnGetSystemTime (docs/USERLAND.md says
 * where its epoch comes from). Sleeps use the kernel's tick-based sleep and
 * sleep again if it ended before the deadline, so they never return early.
 */
#include <coresrv/thread/thread_api.h>
#include <coresrv/time/time_api.h>
#include <errno.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static uint64_t realtime_ns(void)
{
    RtlTimeSpec t;
    if (KnGetSystemTime(&t) != rcOk)
        return KnGetUpTimeNs();
    return (uint64_t)t.sec * 1000000000ull + (uint64_t)t.nsec;
}

static int clock_ns(clockid_t id, uint64_t *ns)
{
    if (id == CLOCK_REALTIME)
        *ns = realtime_ns();
    else if (id == CLOCK_MONOTONIC)
        *ns = KnGetUpTimeNs();
    else
        return -1;
    return 0;
}

int clock_gettime(clockid_t clock_id, struct timespec *tp)
{
    uint64_t ns;
    if (!tp || clock_ns(clock_id, &ns) != 0) {
        errno = EINVAL;
        return -1;
    }
    tp->tv_sec = (time_t)(ns / 1000000000ull);
    tp->tv_nsec = (long)(ns % 1000000000ull);
    return 0;
}

/* The counter's resolution (CNTFRQ: 16 ns at 62.5 MHz, rounded up to 1 ns). */
int clock_getres(clockid_t clock_id, struct timespec *res)
{
    uint64_t ns;
    if (clock_ns(clock_id, &ns) != 0) {
        errno = EINVAL;
        return -1;
    }
    if (res) {
        uint64_t hz;
        __asm__ volatile("mrs %0, cntfrq_el0" : "=r"(hz));
        res->tv_sec = 0;
        res->tv_nsec = hz ? (long)((1000000000ull + hz - 1) / hz) : 1;
    }
    return 0;
}

int gettimeofday(struct timeval *restrict tv, void *restrict tz)
{
    (void)tz;
    if (tv) {
        uint64_t ns = realtime_ns();
        tv->tv_sec = (time_t)(ns / 1000000000ull);
        tv->tv_usec = (suseconds_t)(ns % 1000000000ull / 1000ull);
    }
    return 0;
}

/* Sleep until the monotonic clock reaches `deadline` (ns). */
static void sleep_until(uint64_t deadline)
{
    for (uint64_t now = KnGetUpTimeNs(); now < deadline; now = KnGetUpTimeNs())
        KnSleepNs(deadline - now);
}

static int valid_ts(const struct timespec *ts)
{
    return ts && ts->tv_sec >= 0 && ts->tv_nsec >= 0 && ts->tv_nsec < 1000000000L;
}

static uint64_t ts_ns(const struct timespec *ts)
{
    uint64_t s = (uint64_t)ts->tv_sec;
    if (s > UINT64_MAX / 1000000000ull - 1)
        return UINT64_MAX;
    return s * 1000000000ull + (uint64_t)ts->tv_nsec;
}

int nanosleep(const struct timespec *rqtp, struct timespec *rmtp)
{
    if (!valid_ts(rqtp)) {
        errno = EINVAL;
        return -1;
    }
    uint64_t now = KnGetUpTimeNs(), d = ts_ns(rqtp);
    sleep_until(d > UINT64_MAX - now ? UINT64_MAX : now + d);
    if (rmtp) {                  /* never interrupted: nothing remains */
        rmtp->tv_sec = 0;
        rmtp->tv_nsec = 0;
    }
    return 0;
}

int clock_nanosleep(clockid_t clock_id, int flags, const struct timespec *rqtp,
                    struct timespec *rmtp)
{
    uint64_t now;
    if (!valid_ts(rqtp) || clock_ns(clock_id, &now) != 0)
        return EINVAL;
    if (!(flags & TIMER_ABSTIME))
        return nanosleep(rqtp, rmtp) == 0 ? 0 : errno;
    uint64_t target = ts_ns(rqtp);
    if (target > now)            /* both clocks advance at the counter's rate */
        sleep_until(KnGetUpTimeNs() + (target - now));
    return 0;
}

int usleep(useconds_t us)
{
    uint64_t now = KnGetUpTimeNs();
    sleep_until(now + (uint64_t)us * 1000ull);
    return 0;
}

unsigned sleep(unsigned seconds)
{
    uint64_t now = KnGetUpTimeNs();
    sleep_until(now + (uint64_t)seconds * 1000000000ull);
    return 0;
}
