/* Kernel endpoint kl.core.Sys: statistics, time, entropy, power off. */
#include <drivers/entropy_src.h>
#include <kernel/entropy.h>
#include <kernel/kcall.h>
#include <kernel/platform.h>
#include <kernel/arch.h>
#include <kernel/object.h>
#include <kernel/pmm.h>
#include <kernel/security.h>
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
    security_dump_coverage();
    arch_poweroff(status);
}

static Retcode op_get_entropy(void *ctx, uint8_t data[64])
{
    (void)ctx;
    return entropy_get(data, 64);
}

/* The PL031 counts whole seconds: read once, it fixes realtime - uptime,
 * centred on the second (+0.5 s) so the error is within half a second. */
static Retcode op_get_real_time(void *ctx, uint64_t *ns)
{
    static int state;            /* 0 not read, 1 offset known, -1 no clock */
    static uint64_t offset;
    (void)ctx;
    if (state == 0) {
        uint32_t sec;
        state = -1;
        if (pl031_read_seconds(platform_fdt(), &sec) && sec != 0) {
            offset = (uint64_t)sec * 1000000000ull + 500000000ull - time_now_ns();
            state = 1;
        }
    }
    if (state < 0)
        return rcUnimplemented;
    *ns = offset + time_now_ns();
    return rcOk;
}

const struct kl_core_Sys_ops kcall_sys_ops = {
    .GetInfo = op_get_info, .GetUpTime = op_get_uptime, .PowerOff = op_power_off,
    .GetEntropy = op_get_entropy, .GetRealTime = op_get_real_time,
};
