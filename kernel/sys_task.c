/* TaskExit: a direct system call because the exiting caller can receive no reply. */
#include <kernel/syscall.h>
#include <kernel/task.h>

Retcode sys_TaskExit(sysarg_t status, sysarg_t a1, sysarg_t a2, sysarg_t a3, sysarg_t a4, sysarg_t a5)
{
    task_exit(current_task(), (int32_t)status);
    return rcInternalError;                 /* not reached */
}
