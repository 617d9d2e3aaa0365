/*
 * test_faults: runs "test_fault <kind>" as a child task for every kind and
 * checks that the kernel killed each one (status TASK_EXIT_FAULT) while this
 * task carried on: one boot covers every fault kind.
 */
#include <coresrv/handle/handle_api.h>
#include <coresrv/task/task_api.h>
#include <stdio.h>
#include "../check.h"

int main(void)
{
    static const char *const kinds[] = { "null", "kernel", "exec", "undef", "stack", "write_ro" };
    for (unsigned i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
        char name[48];
        snprintf(name, sizeof(name), "fault_%s_killed", kinds[i]);
        const char *argv[] = { "test_fault", kinds[i], NULL };
        Handle task;
        int32_t status = 0;
        Retcode rc = KnTaskCreate(name, "test_fault", "test_fault", argv, NULL,
                                  THREAD_PRIORITY_DEFAULT, 0, &task);
        if (rc == rcOk) {
            rc = KnTaskWait(task, INFINITE_TIMEOUT, &status);
            KnHandleClose(task);
        }
        CHECK(name, rc == rcOk && status == TASK_EXIT_FAULT,
              "create/wait %d, exit status %d (want TASK_EXIT_FAULT=%d)", rc, (int)status,
              TASK_EXIT_FAULT);
    }
    return check_done("test_faults");
}
