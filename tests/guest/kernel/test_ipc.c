/*
 * test_ipc: starts ipc_server, eight ipc_hammer clients and ipc_client, all
 * on channel "ipc" of the one server; the hammers run concurrently with
 * each other and must all get every answer right; then ipc_client runs its
 * checks (it ends by making the server exit). Exits 0 when all passed.
 */
#include <coresrv/channel/channel_api.h>
#include <coresrv/sys/sys_api.h>
#include <coresrv/task/task_api.h>
#include <stdio.h>
#include <uapi/syscall.h>
#include "../check.h"

#define HAMMERS 8

static Handle spawn(const char *program, const char *name, const char *arg)
{
    const char *argv[] = { name, arg, NULL };
    const char *envp[] = { NULL };
    Handle h = 0;
    Retcode rc = KnTaskCreate(name, program, program, argv, envp, THREAD_PRIORITY_DEFAULT,
                              TASK_SUSPENDED, &h);
    if (rc)
        check_fail("spawn", "%s: rc %d", name, rc);
    return h;
}

int main(void)
{
    static const char *ids[HAMMERS] = { "0", "1", "2", "3", "4", "5", "6", "7" };
    Handle server = spawn("ipc_server", "ipc_server", NULL), hammer[HAMMERS];
    for (int i = 0; i < HAMMERS; i++) {
        hammer[i] = spawn("ipc_hammer", "ipc_hammer", ids[i]);
        KnChannelCreate(hammer[i], server, "ipc");
    }
    Handle client = spawn("ipc_client", "ipc_client", NULL);
    KnChannelCreate(client, server, "ipc");
    KnTaskStart(server);
    for (int i = 0; i < HAMMERS; i++)
        KnTaskStart(hammer[i]);
    int32_t st;
    int good = 0;
    for (int i = 0; i < HAMMERS; i++)
        if (KnTaskWait(hammer[i], INFINITE_TIMEOUT, &st) == rcOk && st == 0)
            good++;
    CHECK("eight_clients_all_answers_right", good == HAMMERS, "%d of %d clients", good, HAMMERS);
    KnTaskStart(client);
    Retcode rc = KnTaskWait(client, INFINITE_TIMEOUT, &st);
    CHECK("client_checks_pass", rc == rcOk && st == 0, "rc %d status %d", rc, st);
    rc = KnTaskWait(server, INFINITE_TIMEOUT, &st);
    CHECK("server_exited", rc == rcOk && st == 0, "rc %d status %d", rc, st);
    printf("test_ipc: done (%d failures)\n", check_failures);
    return check_failures ? 1 : 0;
}
