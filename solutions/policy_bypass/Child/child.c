/* bypass.Child: started by the Attacker (the one class it may start), not
 * named in init.yaml. Its own calls are decided by its class, which the policy
 * grants almost nothing: it cannot start tasks, find channels or read the
 * system's state. Exits with its failure count (the Attacker checks it). */
#include <coresrv/channel/channel_api.h>
#include <coresrv/sys/sys_api.h>
#include <coresrv/task/task_api.h>
#include <coresrv/syscalls.h>
#include "../../../tests/guest/check.h"

int main(void)
{
    const char *argv[] = { "grandchild", NULL };
    const char *envp[] = { NULL };
    Handle h = INVALID_HANDLE;
    CHECK_RC("child_task_create_denied", KnTaskCreate("grandchild", "bypass.Child", "Child", argv,
                                                      envp, THREAD_PRIORITY_DEFAULT, 0, &h),
             rcSecurityDisallow);
    CHECK_RC("child_channel_lookup_denied", KnChannelLookup("bypass.Server", SERVICE_CLIENT, &h),
             rcSecurityDisallow);
    KnSysInfo info;
    CHECK_RC("child_get_info_denied", KnSysGetInfo(&info), rcSecurityDisallow);
    return check_done("bypass_child");
}
