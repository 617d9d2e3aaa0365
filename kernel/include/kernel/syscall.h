/* System-call dispatch: one table built from SYSCALL_LIST (uapi/syscall.h). */
#ifndef KERNEL_SYSCALL_H
#define KERNEL_SYSCALL_H

#include <stdint.h>
#include <uapi/retcode.h>
#include <uapi/syscall.h>

typedef uint64_t sysarg_t;

/* Every handler has this shape; unused arguments are ignored. */
#define SYSCALL_DECLARE(nr, name, argc) \
    Retcode sys_##name(sysarg_t a0, sysarg_t a1, sysarg_t a2, sysarg_t a3, sysarg_t a4, sysarg_t a5);
SYSCALL_LIST(SYSCALL_DECLARE)
#undef SYSCALL_DECLARE

typedef Retcode (*syscall_fn)(sysarg_t, sysarg_t, sysarg_t, sysarg_t, sysarg_t, sysarg_t);
extern const syscall_fn syscall_table[SYS_MAX];

/* Runs syscall `nr` for the current thread; returns the Retcode for x0.
 * Inline: the system-call entry calls the handler straight from the table. */
static inline Retcode syscall_dispatch(uint64_t nr, const sysarg_t a[6])
{
    if (nr >= SYS_MAX || !syscall_table[nr])
        return rcUnimplemented;
    return syscall_table[nr](a[0], a[1], a[2], a[3], a[4], a[5]);
}

#define SYS_UNUSED (void)a0, (void)a1, (void)a2, (void)a3, (void)a4, (void)a5

#endif
