/*
 * vfs_launch.h: what the test_vfs_*_run launchers share. A launcher plays
 * Einit for one scenario: it starts VfsFsnet and the client programs
 * suspended, connects each client to VfsFsnet with its own channel, starts
 * them, waits for every client, and checks that VfsFsnet is still running.
 * Its exit status is 0 only when every client exited with 0 and the server
 * survived.
 */
#ifndef TESTS_VFS_LAUNCH_H
#define TESTS_VFS_LAUNCH_H

#include <coresrv/channel/channel_api.h>
#include <coresrv/handle/handle_api.h>
#include <coresrv/task/task_api.h>
#include <stdio.h>
#include "../check.h"

#define VFS_LAUNCH_TIMEOUT_NS (300ull * 1000000000ull)   /* per client */

struct vfs_launch_client {
    const char *task;               /* task name */
    const char *program;            /* boot-image entry */
    const char *channel;            /* channel name to VfsFsnet */
    const char *const *argv;        /* NULL: { program } */
    const char *const *envp;
};

/* vfs_launch with memory limits (KnTaskCreateWithLimit; 0: the kernel's default) for
 * VfsFsnet and for each client (client_pages: NULL, or nclients of them). */
__attribute__((unused)) static int vfs_launch_limited(const char *launcher,
                                                      const char *const server_argv[],
                                                      rtl_uint64_t server_pages,
                                                      const struct vfs_launch_client *clients,
                                                      const rtl_uint64_t *client_pages,
                                                      int nclients)
{
    Handle srv, task[8];
    char name[64];
    if (nclients > 8)
        nclients = 8;
    Retcode rc = KnTaskCreateWithLimit("VfsFsnet", "VfsFsnet", "VfsFsnet", server_argv, NULL,
                                       THREAD_PRIORITY_DEFAULT, TASK_SUSPENDED, server_pages, &srv);
    CHECK_RC("create_VfsFsnet", rc, rcOk);
    if (rc != rcOk)
        return check_done(launcher);
    for (int i = 0; i < nclients; i++) {
        const struct vfs_launch_client *c = &clients[i];
        const char *def_argv[] = { c->program, NULL };
        snprintf(name, sizeof name, "create_%s", c->task);
        rc = KnTaskCreateWithLimit(c->task, c->program, c->program, c->argv ? c->argv : def_argv,
                                   c->envp, THREAD_PRIORITY_DEFAULT, TASK_SUSPENDED,
                                   client_pages ? client_pages[i] : 0,
                                   &task[i]);
        CHECK_RC(name, rc, rcOk);
        if (rc != rcOk)
            return check_done(launcher);
        snprintf(name, sizeof name, "connect_%s", c->task);
        CHECK_RC(name, KnChannelCreate(task[i], srv, c->channel), rcOk);
    }
    CHECK_RC("start_VfsFsnet", KnTaskStart(srv), rcOk);
    for (int i = 0; i < nclients; i++)
        KnTaskStart(task[i]);
    for (int i = 0; i < nclients; i++) {
        int32_t status = -1;
        rc = KnTaskWait(task[i], VFS_LAUNCH_TIMEOUT_NS, &status);
        snprintf(name, sizeof name, "%s_status", clients[i].task);
        CHECK(name, rc == rcOk && status == 0, "wait %d, exit status %d", rc, (int)status);
        KnHandleClose(task[i]);
    }
    int32_t srv_status = 0;
    rc = KnTaskWait(srv, 0, &srv_status);
    CHECK("VfsFsnet_still_running", rc == rcTimeout, "wait %d, exit status %d", rc,
          (int)srv_status);
    return check_done(launcher);
}

__attribute__((unused)) static int vfs_launch(const char *launcher, const char *const server_argv[],
                                              const struct vfs_launch_client *clients, int nclients)
{
    return vfs_launch_limited(launcher, server_argv, 0, clients, NULL, nclients);
}

#endif
