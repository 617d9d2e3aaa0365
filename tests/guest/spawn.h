/*
 * spawn.h: how a test program starts a helper task: `program` from the boot
 * image as task `name`, argv { name, arg } (arg may be NULL), suspended (the
 * caller connects its channels, then resumes it). A failure is a failed check
 * named "spawn" (check.h) and gives handle 0.
 */
#ifndef TESTS_SPAWN_H
#define TESTS_SPAWN_H

#include <coresrv/channel/channel_api.h>
#include <coresrv/task/task_api.h>
#include <kos/thread.h>
#include "check.h"

__attribute__((unused)) static Handle spawn_suspended(const char *program, const char *name,
                                                      const char *arg)
{
    const char *argv[] = { name, arg, NULL };
    Handle h = 0;
    Retcode rc = KnTaskCreate(name, program, program, argv, NULL, THREAD_PRIORITY_DEFAULT,
                              TASK_SUSPENDED, &h);
    if (rc)
        check_fail("spawn", "%s: rc %d", name, rc);
    return h;
}

/*
 * The trio of the IPC tests (test_ipc_release, test_ipc_pull): `program`
 * started three times as "server", "victim" and "client", both of the others
 * connected to the server on channel `channel`; the victim runs to its end
 * first (it dies in the middle of a call), then, `settle_ms` later, the client;
 * then the server is waited for. Checks that all three ended with status 0.
 */
__attribute__((unused)) static void run_server_victim_client(const char *program,
                                                             const char *channel,
                                                             unsigned settle_ms)
{
    Handle srv = spawn_suspended(program, "server", "server");
    Handle vic = spawn_suspended(program, "victim", "victim");
    Handle cl = spawn_suspended(program, "client", "client");
    Retcode rc = srv && vic && cl ? KnChannelCreate(vic, srv, channel) : rcInvalidArgument;
    if (rc == rcOk)
        rc = KnChannelCreate(cl, srv, channel);
    int32_t ss = -1, sv = -1, sc = -1;
    if (rc == rcOk) {
        KnTaskStart(srv);
        KnTaskStart(vic);
        KnTaskWait(vic, INFINITE_TIMEOUT, &sv);
        if (settle_ms)
            KosThreadSleep(settle_ms);
        KnTaskStart(cl);
        KnTaskWait(cl, INFINITE_TIMEOUT, &sc);
        KnTaskWait(srv, INFINITE_TIMEOUT, &ss);
    }
    CHECK("victim_died_server_and_client_pass", rc == rcOk && sv == 0 && sc == 0 && ss == 0,
          "channel %d, victim %d, client %d, server %d", rc, sv, sc, ss);
}

#endif
