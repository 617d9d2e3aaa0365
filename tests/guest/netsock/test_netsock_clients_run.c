/*
 * test_netsock_clients_run: VfsFsnet (with the network) and 65 clients of it
 * in five tasks: four holders (16, 16, 16 and 15 channels) and the checker
 * (16 channels, test_netsock_clients.c). Exit status 0 when every task
 * passed and VfsFsnet is still running.
 */
#include <stdio.h>
#include <vfs/defs.h>
#include "../vfs/vfs_launch.h"

#define HOLDERS 4

int main(void)
{
    const char *server_argv[] = { "VfsFsnet", NULL };
    Handle srv, task[HOLDERS + 1];
    Retcode rc = KnTaskCreate("VfsFsnet", "VfsFsnet", "VfsFsnet", server_argv, NULL,
                              THREAD_PRIORITY_DEFAULT, TASK_SUSPENDED, &srv);
    CHECK_RC("create_VfsFsnet", rc, rcOk);
    if (rc != rcOk)
        return check_done("test_netsock_clients_run");
    static char args[HOLDERS + 1][2][8];
    int connected = 0, created = 0;
    for (int k = 0; k <= HOLDERS; k++) {
        /* holders 0..3 hold 16 + 16 + 16 + 15 slots; the checker (k == HOLDERS) 1 + 1 */
        snprintf(args[k][0], sizeof args[k][0], "%d", k == HOLDERS ? HOLDERS : k);
        snprintf(args[k][1], sizeof args[k][1], "%d", k == HOLDERS - 1 ? 15 : 16);
        const char *hold_argv[] = { "test_netsock_clients", "hold", args[k][0], args[k][1], NULL };
        const char *check_argv[] = { "test_netsock_clients", "check", args[k][0], NULL };
        rc = KnTaskCreate(k == HOLDERS ? "netsock_check" : "netsock_hold", "test_netsock_clients",
                          "test_netsock_clients", k == HOLDERS ? check_argv : hold_argv, NULL,
                          THREAD_PRIORITY_DEFAULT, TASK_SUSPENDED, &task[k]);
        if (rc != rcOk)
            break;
        created++;
        for (int i = 0; i < 16; i++) {
            char name[16];
            if (i == 0)
                snprintf(name, sizeof name, "%s", _VFS_CONNECTION_ID);
            else
                snprintf(name, sizeof name, "c%d", i);
            connected += KnChannelCreate(task[k], srv, name) == rcOk;
        }
    }
    CHECK("create_clients", created == HOLDERS + 1, "%d tasks", created);
    CHECK("connect_clients", connected == 16 * (HOLDERS + 1), "%d channels", connected);
    if (created != HOLDERS + 1)
        return check_done("test_netsock_clients_run");
    CHECK_RC("start_VfsFsnet", KnTaskStart(srv), rcOk);
    for (int k = 0; k <= HOLDERS; k++)
        KnTaskStart(task[k]);
    for (int k = HOLDERS; k >= 0; k--) {
        int32_t status = -1;
        rc = KnTaskWait(task[k], VFS_LAUNCH_TIMEOUT_NS, &status);
        char name[32];
        snprintf(name, sizeof name, k == HOLDERS ? "checker_status" : "holder%d_status", k);
        CHECK(name, rc == rcOk && status == 0, "wait %d, exit status %d", rc, (int)status);
        KnHandleClose(task[k]);
    }
    int32_t srv_status = 0;
    rc = KnTaskWait(srv, 0, &srv_status);
    CHECK("VfsFsnet_still_running", rc == rcTimeout, "wait %d, exit status %d", rc,
          (int)srv_status);
    return check_done("test_netsock_clients_run");
}
