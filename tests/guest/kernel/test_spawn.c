/*
 * test_spawn: starts two "printer" tasks at once, waits for both, checks
 * their exit statuses, and that every page and kernel object they used is
 * free again once they are gone (measured on a second pair, after a first
 * one has warmed the kernel's caches).
 */
#include <coresrv/handle/handle_api.h>
#include <coresrv/sys/sys_api.h>
#include <coresrv/task/task_api.h>
#include <kos/thread.h>
#include <stdio.h>
#include "../check.h"

static Retcode spawn(const char *name, const char *text, const char *status, Handle *task)
{
    const char *argv[] = { "printer", text, status, NULL };
    const char *envp[] = { "SPAWNED_BY=test_spawn", NULL };
    return KnTaskCreate(name, "printer", "printer", argv, envp, THREAD_PRIORITY_DEFAULT, 0, task);
}

/* Reads SysInfo until free pages reach `want` (exited tasks may still be
 * finishing their teardown for a moment); returns the last reading. */
static KnSysInfo settle(uint64_t want)
{
    KnSysInfo info = { 0 };
    for (int i = 0; i < 20; i++) {
        KnSysGetInfo(&info);
        if (info.freePages == want)
            break;
        KosThreadSleep(5);
    }
    return info;
}

static int run_pair(int round)
{
    Handle a, b;
    int32_t sa = -1, sb = -1;
    Retcode ra = spawn("printer-a", "A", "3", &a);
    Retcode rb = spawn("printer-b", "B", "5", &b);
    if (round == 0) {
        CHECK_RC("spawn_first", ra, rcOk);
        CHECK_RC("spawn_second", rb, rcOk);
    }
    Retcode wa = ra == rcOk ? KnTaskWait(a, INFINITE_TIMEOUT, &sa) : ra;
    Retcode wb = rb == rcOk ? KnTaskWait(b, INFINITE_TIMEOUT, &sb) : rb;
    if (round == 0)
        CHECK("exit_statuses", wa == rcOk && wb == rcOk && sa == 3 && sb == 5,
              "wait %d/%d, statuses %d/%d (want 3/5)", wa, wb, sa, sb);
    if (ra == rcOk)
        KnHandleClose(a);
    if (rb == rcOk)
        KnHandleClose(b);
    return wa == rcOk && wb == rcOk;
}

int main(void)
{
    Handle h;
    CHECK_RC("spawn_unknown_program", KnTaskCreate("nope", NULL, "no-such-program", NULL, NULL,
                                                   THREAD_PRIORITY_DEFAULT, 0, &h),
             rcResourceNotFound);
    CHECK_RC("spawn_bad_priority", KnTaskCreate("bad", NULL, "printer", NULL, NULL, 32, 0, &h),
             rcInvalidArgument);

    /* A first pair warms the kernel's object caches; the second is measured. */
    run_pair(1);
    KnSysInfo before, after;
    KnSysGetInfo(&before);
    printf("test_spawn: free pages before: %lu\n", (unsigned long)before.freePages);
    int ok = run_pair(0);
    after = settle(before.freePages);
    printf("test_spawn: free pages after: %lu\n", (unsigned long)after.freePages);
    CHECK("pages_back_after_exit", ok && after.freePages == before.freePages &&
                                       after.tasks == before.tasks,
          "free pages %lu -> %lu, tasks %lu -> %lu", (unsigned long)before.freePages,
          (unsigned long)after.freePages, (unsigned long)before.tasks,
          (unsigned long)after.tasks);
    CHECK("kobjects_back_after_exit", after.kobjects == before.kobjects,
          "kernel objects %lu -> %lu", (unsigned long)before.kobjects,
          (unsigned long)after.kobjects);

    /* A suspended task whose only handle is closed can never be started:
     * it ends, and everything it held comes back (closing it also must not
     * take our own address space away: we keep running to check). */
    KnSysInfo s0, s1;
    KnSysGetInfo(&s0);
    Retcode rc = KnTaskCreate("printer-s", "printer", "printer", NULL, NULL,
                              THREAD_PRIORITY_DEFAULT, TASK_SUSPENDED, &h);
    if (rc == rcOk)
        KnHandleClose(h);
    s1 = settle(s0.freePages);
    CHECK("suspended_task_without_handle_ends", rc == rcOk && s1.freePages == s0.freePages &&
                                                    s1.tasks == s0.tasks &&
                                                    s1.kobjects == s0.kobjects,
          "create %d; free pages %lu -> %lu, tasks %lu -> %lu, kobjects %lu -> %lu", rc,
          (unsigned long)s0.freePages, (unsigned long)s1.freePages, (unsigned long)s0.tasks,
          (unsigned long)s1.tasks, (unsigned long)s0.kobjects, (unsigned long)s1.kobjects);
    return check_done("test_spawn");
}
