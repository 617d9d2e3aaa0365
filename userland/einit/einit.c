/*
 * Einit: the first task. Starts every task of the solution (init.yaml,
 * compiled into einit_table), suspended; creates the channels between them;
 * starts them all; then waits for the tasks that are not servers, learning
 * of each end from a notice (EVENT_TASK_COMPLETED), in the order they end.
 * When they have all ended, Einit ends with the first non-zero status among
 * them (in that order; or 0), and the kernel powers the system off with it. Servers (targets of a
 * connection) are expected to run for as long as the system does.
 */
#include <coresrv/channel/channel_api.h>
#include <coresrv/notice/notice_api.h>
#include <coresrv/task/task_api.h>
#include <stdio.h>
#include <uapi/syscall.h>
#include "einit_table.h"

#define MAX_TASKS 32

int main(void)
{
    const struct einit_table *t = &einit_table;
    Handle task[MAX_TASKS];
    if (t->ntasks > MAX_TASKS) {
        printf("Einit: %d tasks, at most %d supported\n", t->ntasks, MAX_TASKS);
        return 1;
    }
    for (int i = 0; i < t->ntasks; i++) {
        const struct einit_task *e = &t->tasks[i];
        const char *argv[TASK_MAX_ARGS + 1], *envp[TASK_MAX_ARGS + 1];
        for (int a = 0; a < e->argc && a < TASK_MAX_ARGS; a++)
            argv[a] = e->argv[a];
        argv[e->argc < TASK_MAX_ARGS ? e->argc : TASK_MAX_ARGS] = NULL;
        for (int a = 0; a < e->envc && a < TASK_MAX_ARGS; a++)
            envp[a] = e->envp[a];
        envp[e->envc < TASK_MAX_ARGS ? e->envc : TASK_MAX_ARGS] = NULL;
        Retcode rc = KnTaskCreateWithLimit(e->name, e->cls, e->program, argv, envp,
                                           (uint32_t)e->priority, TASK_SUSPENDED, e->mem_pages,
                                           &task[i]);
        if (rc) {
            printf("Einit: cannot start %s (class %s, program %s): error %d\n", e->name, e->cls,
                   e->program, rc);
            return 1;
        }
    }
    for (int i = 0; i < t->nconnections; i++) {
        const struct einit_connection *c = &t->connections[i];
        Retcode rc = KnChannelCreate(task[c->client], task[c->server], c->channel);
        if (rc) {
            printf("Einit: cannot connect %s to %s (%s): error %d\n", t->tasks[c->client].name,
                   t->tasks[c->server].name, c->channel, rc);
            return 1;
        }
    }
    for (int i = 0; i < t->ntasks; i++)
        KnTaskStart(task[i]);
    printf("Einit: started %d task(s)\n", t->ntasks);

    int status = 0, waiting = 0;
    Notice n = 0;
    if (KnNoticeCreate(&n) != rcOk)
        n = 0;
    for (int i = 0; i < t->ntasks; i++) {
        if (t->tasks[i].is_server)
            continue;
        waiting++;
        if (n && KnNoticeSubscribeToObject(n, task[i], EVENT_TASK_COMPLETED, (rtl_uint64_t)i))
            n = 0;                          /* e.g. a policy without notices: wait in order */
    }
    int done[MAX_TASKS] = { 0 };
    while (waiting > 0) {
        EventInfo ev[NOTICE_EVENTS_MAX];
        rtl_size_t count = 0;
        int next[NOTICE_EVENTS_MAX], k = 0;
        if (n && KnNoticeGetEvent(n, INFINITE_TIMEOUT, NOTICE_EVENTS_MAX, ev, &count) == rcOk) {
            for (rtl_size_t j = 0; j < count; j++)
                if (ev[j].evId < (rtl_uint64_t)t->ntasks)
                    next[k++] = (int)ev[j].evId;
        } else {
            n = 0;
            for (int i = 0; i < t->ntasks && !k; i++)
                if (!t->tasks[i].is_server && !done[i])
                    next[k++] = i;          /* the old way: the next one in table order */
        }
        for (int j = 0; j < k; j++) {
            int i = next[j];
            if (done[i])
                continue;
            int32_t st = 0;
            KnTaskWait(task[i], INFINITE_TIMEOUT, &st);
            printf("Einit: %s exited with status %d\n", t->tasks[i].name, st);
            done[i] = 1;
            waiting--;
            if (st && !status)
                status = st;
        }
    }
    return status;
}
