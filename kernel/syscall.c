/*
 * The system-call table, built from SYSCALL_LIST. A call whose handler is
 * not linked in answers rcUnimplemented through a weak default, so the
 * table can never point at nothing.
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

const syscall_fn syscall_table[SYS_MAX] = {
#define SYSCALL_ENTRY(nr, name, argc) [nr] = sys_##name,
    SYSCALL_LIST(SYSCALL_ENTRY)
#undef SYSCALL_ENTRY
};
