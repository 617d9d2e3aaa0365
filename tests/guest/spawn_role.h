/*
 * spawn_role.h: a test program that plays several roles starts itself again
 * as one of them: task `role`, program `program`, argv { program, role },
 * suspended (the caller connects its channels, then resumes it). A failure is
 * a failed check named "spawn" (check.h) and gives handle 0.
 */
#ifndef TESTS_SPAWN_ROLE_H
#define TESTS_SPAWN_ROLE_H

#include <coresrv/task/task_api.h>
#include "check.h"

__attribute__((unused)) static Handle spawn_role(const char *program, const char *role)
{
    const char *argv[] = { program, role, NULL };
    Handle h = 0;
    Retcode rc = KnTaskCreate(role, program, program, argv, NULL, THREAD_PRIORITY_DEFAULT,
                              TASK_SUSPENDED, &h);
    if (rc)
        check_fail("spawn", "%s: rc %d", role, rc);
    return h;
}

#endif
