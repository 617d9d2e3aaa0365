/*
 * spawn.h: how a test program starts a helper task: `program` from the boot
 * image as task `name`, argv { name, arg } (arg may be NULL), suspended (the
 * caller connects its channels, then resumes it). A failure is a failed check
 * named "spawn" (check.h) and gives handle 0.
 */
#ifndef TESTS_SPAWN_H
#define TESTS_SPAWN_H

#include <coresrv/task/task_api.h>
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

#endif
