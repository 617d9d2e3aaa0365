/*
 * test_vfs_gone_run: 80 clients, one after another, each opening a file and
 * vanishing without Release (test_vfs_gone). VfsFsnet keeps at most 64
 * clients, so the later ones can open only if the kernel's disconnect
 * notices made VfsFsnet forget the dead ones. Then VfsFsnet is still up.
 */
#include <stdio.h>
#include <vfs/defs.h>
#include "vfs_launch.h"

#define CLIENTS 80                  /* more than VfsFsnet's 64 client slots */

int main(void)
{
    const char *server_argv[] = { "VfsFsnet", NULL };
    Handle srv;
    Retcode rc = KnTaskCreate("VfsFsnet", "VfsFsnet", "VfsFsnet", server_argv, NULL,
                              THREAD_PRIORITY_DEFAULT, TASK_SUSPENDED, &srv);
    CHECK_RC("create_VfsFsnet", rc, rcOk);
    if (rc != rcOk)
        return check_done("test_vfs_gone_run");
    int good = 0, first_bad = -1;
    for (int i = 0; i < CLIENTS; i++) {
        char id[16];
        snprintf(id, sizeof id, "%d", i);
        const char *argv[] = { "test_vfs_gone", id, NULL };
        Handle t;
        int32_t status = -1;
        if (KnTaskCreate("vfs_gone", "test_vfs_gone", "test_vfs_gone", argv, NULL,
                         THREAD_PRIORITY_DEFAULT, TASK_SUSPENDED, &t) == rcOk) {
            /* VfsFsnet starts once its channel exists (the first client's). */
            if (KnChannelCreate(t, srv, _VFS_CONNECTION_ID) == rcOk &&
                (i > 0 || KnTaskStart(srv) == rcOk) && KnTaskStart(t) == rcOk)
                KnTaskWait(t, VFS_LAUNCH_TIMEOUT_NS, &status);
            KnHandleClose(t);
        }
        if (status == 0)
            good++;
        else if (first_bad < 0)
            first_bad = i;
    }
    CHECK("vanished_clients_forgotten", good == CLIENTS, "%d of %d clients could open a file "
          "(first failure: client %d)", good, CLIENTS, first_bad);
    int32_t srv_status = 0;
    rc = KnTaskWait(srv, 0, &srv_status);
    CHECK("VfsFsnet_still_running", rc == rcTimeout, "wait %d, exit status %d", rc,
          (int)srv_status);
    return check_done("test_vfs_gone_run");
}
