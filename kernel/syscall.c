/*
 * The system-call table, built from SYSCALL_LIST. A call whose handler is
 * not linked in answers rcUnimplemented through a weak default, and so does
 * a number the list does not name: the table never points at nothing.
 */
#include <kernel/syscall.h>

Retcode sys_unimplemented(sysarg_t a0, sysarg_t a1, sysarg_t a2, sysarg_t a3, sysarg_t a4,
                          sysarg_t a5)
{
    SYS_UNUSED;
    return rcUnimplemented;
}

#define SYSCALL_WEAK(nr, name, argc) \
    Retcode sys_##name(sysarg_t, sysarg_t, sysarg_t, sysarg_t, sysarg_t, sysarg_t) \
        __attribute__((weak, alias("sys_unimplemented")));
SYSCALL_LIST(SYSCALL_WEAK)
#undef SYSCALL_WEAK

/* The numbers SYSCALL_LIST leaves out answer rcUnimplemented too, so the
 * system-call entry (vectors.S) calls any in-range slot without a test. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Woverride-init"
const syscall_fn syscall_table[SYS_MAX] = {
    [0 ... SYS_MAX - 1] = sys_unimplemented,
#define SYSCALL_ENTRY(nr, name, argc) [nr] = sys_##name,
    SYSCALL_LIST(SYSCALL_ENTRY)
#undef SYSCALL_ENTRY
};
#pragma GCC diagnostic pop
