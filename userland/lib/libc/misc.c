/*
 * The remaining system interfaces picolibc can reference. Each one either
 * has a faithful answer on this system or fails with an errno.
 */
#include <coresrv/time/time_api.h>
#include <errno.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>
#include <kos/fd.h>
#include <kos/startup.h>

/* No real-time clock yet: the epoch is the system start. */
int gettimeofday(struct timeval *restrict tv, void *restrict tz)
{
    (void)tz;
    if (tv) {
        uint64_t ns = KnGetUpTimeNs();
        tv->tv_sec = (time_t)(ns / 1000000000ull);
        tv->tv_usec = (suseconds_t)(ns % 1000000000ull / 1000ull);
    }
    return 0;
}

int clock_gettime(clockid_t clock_id, struct timespec *tp)
{
    int known = clock_id == CLOCK_REALTIME;
#ifdef CLOCK_MONOTONIC
    known |= clock_id == CLOCK_MONOTONIC;
#endif
    if (!known || !tp) {
        errno = EINVAL;
        return -1;
    }
    uint64_t ns = KnGetUpTimeNs();
    tp->tv_sec = (time_t)(ns / 1000000000ull);
    tp->tv_nsec = (long)(ns % 1000000000ull);
    return 0;
}

/* No entropy source yet (KosRandomGenerate will provide one). */
int getentropy(void *buf, size_t len)
{
    (void)buf;
    (void)len;
    errno = ENOSYS;
    return -1;
}

int isatty(int fd)
{
    const struct kos_fd_ops *ops;
    void *ctx;
    if (kos_fd_get(fd, &ops, &ctx) == 0 && ops == &kos_console_ops)
        return 1;
    errno = ENOTTY;
    return 0;
}

/* Weak: libvfs supplies the real one in programs that link it. */
__attribute__((weak)) int fstat(int fd, struct stat *st)
{
    (void)fd;
    (void)st;
    errno = ENOSYS;
    return -1;
}

/* The kernel's task id when the startup block carries it; else 1. */
pid_t getpid(void)
{
    const struct KosStartupInfo *si = KosGetStartupInfo();
    return si && si->task_id ? (pid_t)si->task_id : 1;
}

int kill(pid_t pid, int sig)
{
    (void)pid;
    (void)sig;
    errno = ENOSYS;
    return -1;
}
