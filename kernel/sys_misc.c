/* DebugWrite: the console for tasks until the VFS owns stdout (a direct call: it is a byte stream). */
#include <kernel/syscall.h>
#include <kernel/printk.h>
#include <kernel/task.h>
#include <kernel/urange.h>

/* DebugWrite: raw console output for tasks, until the VFS owns stdout. */
Retcode sys_DebugWrite(sysarg_t buf, sysarg_t len, sysarg_t a2, sysarg_t a3, sysarg_t a4, sysarg_t a5)
{
    char chunk[257];
    if (len > (1u << 20))
        return rcBufferTooLarge;
    if (!user_range_ok(buf, len))
        return rcInvalidArgument;         /* nothing printed of a range that wraps */
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
