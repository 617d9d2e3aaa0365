/*
 * The remaining system interfaces picolibc can reference. Each one either
 * has a faithful answer on this system or fails with an errno.
 */
#include <errno.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>
#include <kos/fd.h>
#include <kos/startup.h>

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
