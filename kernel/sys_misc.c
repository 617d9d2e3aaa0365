/* Small kernel services with no subsystem of their own: console output, clock, statistics, power off. */
#include <kernel/syscall.h>
#include <kernel/arch.h>
#include <kernel/object.h>
#include <kernel/pmm.h>
#include <kernel/printk.h>
#include <kernel/task.h>
#include <kernel/time.h>

/* DebugWrite: raw console output for tasks, until the VFS owns stdout. */
Retcode sys_DebugWrite(sysarg_t buf, sysarg_t len, sysarg_t a2, sysarg_t a3, sysarg_t a4, sysarg_t a5)
{
    char chunk[257];
    if (len > (1u << 20))
        return rcBufferTooLarge;
    for (uint64_t off = 0; off < len;) {
        size_t n = len - off < 256 ? (size_t)(len - off) : 256;
        Retcode rc = copy_from_user(&current_task()->vm, chunk, buf + off, n);
        if (rc)
            return rc;
        chunk[n] = '\0';
        for (size_t i = 0; i < n; i++)      /* NULs in the data must not cut the output */
            if (!chunk[i])
                chunk[i] = ' ';
        printk("%s", chunk);
        off += n;
    }
    return rcOk;
}

Retcode sys_ClockGet(sysarg_t out, sysarg_t a1, sysarg_t a2, sysarg_t a3, sysarg_t a4, sysarg_t a5)
{
    uint64_t ns = time_now_ns();
    return copy_to_user(&current_task()->vm, out, &ns, sizeof(ns));
}

Retcode sys_SysInfo(sysarg_t out, sysarg_t a1, sysarg_t a2, sysarg_t a3, sysarg_t a4, sysarg_t a5)
{
    struct KnSysInfo info = {
        .free_pages = pmm_free_count(), .total_pages = pmm_total_count(),
        .tasks = task_count(), .threads = thread_count(),
        .ticks = time_ticks(), .tick_hz = time_hz(), .kobjects = kobject_live_count(),
    };
    return copy_to_user(&current_task()->vm, out, &info, sizeof(info));
}

Retcode sys_PowerOff(sysarg_t status, sysarg_t a1, sysarg_t a2, sysarg_t a3, sysarg_t a4, sysarg_t a5)
{
    if (current_task()->pid != 1)
        return rcNoCapability;              /* only Einit may end the system */
    arch_poweroff((int32_t)status);
}
