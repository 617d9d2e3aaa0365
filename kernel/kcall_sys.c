/* Kernel endpoint kl.core.Sys: statistics, time, power off. */
#include <kernel/kcall.h>
#include <kernel/arch.h>
#include <kernel/object.h>
#include <kernel/pmm.h>
#include <kernel/task.h>
#include <kernel/time.h>
#include <uapi/syscall.h>

static Retcode op_get_info(void *ctx, struct kl_core_Sys_Info *info)
{
    (void)ctx;
    info->freePages = pmm_free_count();
    info->totalPages = pmm_total_count();
    info->tasks = task_count();
    info->threads = thread_count();
    info->ticks = time_ticks();
    info->tickHz = time_hz();
    info->kobjects = kobject_live_count();
    return rcOk;
}

static Retcode op_get_uptime(void *ctx, uint64_t *ns)
{
    (void)ctx;
    *ns = time_now_ns();
    return rcOk;
}

static Retcode op_power_off(void *ctx, int32_t status)
{
    (void)ctx;
    if (current_task()->pid != 1)
        return rcNoCapability;              /* only Einit may end the system */
    arch_poweroff(status);
}

const struct kl_core_Sys_ops kcall_sys_ops = {
    .GetInfo = op_get_info, .GetUpTime = op_get_uptime, .PowerOff = op_power_off,
};
