/*
 * The descriptor table behind read/write/lseek/close (kos/fd.h). Each slot
 * names a backend; the console backend serves 0, 1, 2 until a VFS client
 * installs its own. Backends return counts or negative errnos; this layer
 * turns them into the POSIX -1/errno convention (kos_posix_result).
 */
#include <errno.h>
#include <kos/errno.h>
#include <kos/fd.h>
#include <kos/mutex.h>
#include <coresrv/syscalls.h>
#include <unistd.h>

struct slot {
    const struct kos_fd_ops *ops;
    void *ctx;
};

static struct slot fds[KOS_FD_MAX] = {
    [0] = { &kos_console_ops, NULL },
    [1] = { &kos_console_ops, NULL },
    [2] = { &kos_console_ops, NULL },
};
/* The table's lock is a sequence count (a seqlock): odd while a writer (install,
 * release) changes a slot. Writers take it by making it odd; readers (kos_fd_get:
 * every read, write, lseek, close) take nothing: they read the slot and look again
 * that the count has not moved. A KosMutex cost ~80 instructions per call, as much
 * as the rest of a small read's client side (docs/PERFORMANCE.md, "Small
 * operations"). Whoever finds a writer in the middle yields to it rather than spin:
 * on one core a spinning thread would keep a preempted writer off it. */
static uint32_t fd_seq;

static uint32_t slots_lock(void)
{
    for (;;) {
        uint32_t s = __atomic_load_n(&fd_seq, __ATOMIC_RELAXED);
        if (!(s & 1) && __atomic_compare_exchange_n(&fd_seq, &s, s + 1, 0, __ATOMIC_ACQUIRE,
                                                    __ATOMIC_RELAXED)) {
            __atomic_thread_fence(__ATOMIC_RELEASE);    /* odd before the slot changes */
            return s + 1;
        }
        KnThreadYield();
    }
}

static void slots_unlock(uint32_t odd)
{
    __atomic_store_n(&fd_seq, odd + 1, __ATOMIC_RELEASE);
}

/* Every slot below this one is taken (under slots_lock): the search for the lowest
 * free descriptor starts here instead of at 0 (~4 instructions a slot passed); past the
 * console's three slots after the first install. */
static int low_free;

/* Under slots_lock: slot fd becomes (ops, ctx). */
static void set_slot(int fd, const struct kos_fd_ops *ops, void *ctx)
{
    __atomic_store_n(&fds[fd].ops, ops, __ATOMIC_RELAXED);
    __atomic_store_n(&fds[fd].ctx, ctx, __ATOMIC_RELAXED);
    if (!ops && fd < low_free)
        low_free = fd;
}

int kos_fd_install(int fd, const struct kos_fd_ops *ops, void *ctx)
{
    if (!ops || fd >= KOS_FD_MAX)
        return -EBADF;
    uint32_t held = slots_lock();
    int lowest = fd < 0;
    if (lowest) {
        for (fd = low_free; fd < KOS_FD_MAX && fds[fd].ops; fd++)
            ;
    }
    if (fd < KOS_FD_MAX) {
        set_slot(fd, ops, ctx);
        if (lowest)
            low_free = fd + 1;      /* the slots passed were taken, and now fd is */
    }
    slots_unlock(held);
    return fd < KOS_FD_MAX ? fd : -EMFILE;
}

/* Slot fd as read under the sequence count ({NULL, NULL}: out of range or not open).
 * Returned in two registers (slot_load), so that read, write and lseek share one
 * copy without a frame on the way (with output pointers it kept five registers on
 * the stack: ~15 instructions of a small read's ~250 on this side). */
static inline __attribute__((always_inline)) struct slot slot_read(int fd)
{
    if (fd < 0 || fd >= KOS_FD_MAX)
        return (struct slot){ NULL, NULL };
    for (;;) {
        uint32_t s = __atomic_load_n(&fd_seq, __ATOMIC_ACQUIRE);
        if (!(s & 1)) {
            struct slot r = { __atomic_load_n(&fds[fd].ops, __ATOMIC_RELAXED),
                              __atomic_load_n(&fds[fd].ctx, __ATOMIC_RELAXED) };
            __atomic_thread_fence(__ATOMIC_ACQUIRE);    /* the slot before the second look */
            if (__atomic_load_n(&fd_seq, __ATOMIC_RELAXED) == s)
                return r;
        }
        KnThreadYield();
    }
}

static __attribute__((noinline)) struct slot slot_load(int fd)
{
    return slot_read(fd);
}

/* (its own copy of the loop: libvfs's pread, pwrite and fstat come this way) */
int kos_fd_get(int fd, const struct kos_fd_ops **ops, void **ctx)
{
    struct slot r = slot_read(fd);
    *ops = r.ops;
    *ctx = r.ctx;
    return r.ops ? 0 : -EBADF;
}

int kos_fd_release(int fd)
{
    if (fd < 0 || fd >= KOS_FD_MAX)
        return -EBADF;
    uint32_t held = slots_lock();
    int rc = fds[fd].ops ? 0 : -EBADF;
    set_slot(fd, NULL, NULL);
    slots_unlock(held);
    return rc;
}

ssize_t read(int fd, void *buf, size_t n)
{
    struct slot r = slot_load(fd);
    if (!r.ops || !r.ops->read)
        return kos_posix_result(-EBADF);
    return kos_posix_result(r.ops->read(r.ctx, buf, n));
}

ssize_t write(int fd, const void *buf, size_t n)
{
    struct slot r = slot_load(fd);
    if (!r.ops || !r.ops->write)
        return kos_posix_result(-EBADF);
    return kos_posix_result(r.ops->write(r.ctx, buf, n));
}

off_t lseek(int fd, off_t offset, int whence)
{
    struct slot r = slot_load(fd);
    int rc = !r.ops ? -EBADF : !r.ops->lseek ? -ESPIPE : 0;
    return (off_t)kos_posix_result(rc ? rc : r.ops->lseek(r.ctx, offset, whence));
}

/* close: the slot is read and emptied under one hold of the count (no kos_fd_get
 * first: ~35 instructions less, and two closes of one descriptor cannot both take
 * its backend). */
int close(int fd)
{
    if (fd < 0 || fd >= KOS_FD_MAX)
        return (int)kos_posix_result(-EBADF);
    uint32_t held = slots_lock();
    const struct kos_fd_ops *ops = fds[fd].ops;
    void *ctx = fds[fd].ctx;
    if (ops)
        set_slot(fd, NULL, NULL);
    slots_unlock(held);
    int rc = !ops ? -EBADF : ops->close ? ops->close(ctx) : 0;
    return (int)kos_posix_result(rc);
}

/* ---- console backend ------------------------------------------------------ */

#define DEBUG_WRITE_MAX (1u << 20)          /* DebugWrite's per-call limit */

static ssize_t console_write(void *ctx, const void *buf, size_t n)
{
    (void)ctx;
    for (size_t done = 0; done < n;) {
        size_t chunk = n - done < DEBUG_WRITE_MAX ? n - done : DEBUG_WRITE_MAX;
        if (KnDebugWrite((const char *)buf + done, chunk) != rcOk)
            return done ? (ssize_t)done : -EIO;
        done += chunk;
    }
    return (ssize_t)n;
}

static ssize_t console_read(void *ctx, void *buf, size_t n)
{
    (void)ctx;
    (void)buf;
    (void)n;
    return 0;                               /* no console input yet: end of file */
}

const struct kos_fd_ops kos_console_ops = {
    .read = console_read,
    .write = console_write,
};
