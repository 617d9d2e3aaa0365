/*
 * test_kill_waiting: a task whose threads are blocked inside the kernel
 * (waiting for a thread, for a task, in a Call to a server that never
 * answers, in Cm.Connect to a service nobody accepts) ends with TaskExit
 * from its main thread; every page and kernel object it held must come back. Run as "test_kill_waiting" (the parent)
 * it starts itself as "child" and as "mute" (the silent server).
 */
#include <coresrv/channel/channel_api.h>
#include <coresrv/cm/cm_api.h>
#include <coresrv/handle/handle_api.h>
#include <coresrv/ns/ns_api.h>
#include <coresrv/sys/sys_api.h>
#include <coresrv/syscalls.h>
#include <coresrv/task/task_api.h>
#include <coresrv/thread/thread_api.h>
#include <kos/thread.h>
#include <stdlib.h>
#include <string.h>
#include <uapi/syscall.h>
#include "../check.h"
#include "sysinfo.h"

static Handle sleeper_task;

static int sleeper(void *arg) { (void)arg; KosThreadSleep(100000); return 0; }

static int thread_waiter(void *arg)
{
    Tid *t = arg;
    KosThreadWait(*t, KOS_INFINITE_TIMEOUT);         /* blocked holding the thread object */
    return 0;
}

static int task_waiter(void *arg)
{
    (void)arg;
    int32_t st;
    KnTaskWait(sleeper_task, INFINITE_TIMEOUT, &st); /* blocked holding the task object */
    return 0;
}

static int caller(void *arg)
{
    (void)arg;
    Handle ch;
    static SMsgHdr out, in;
    if (KnChannelLookup("mute", SERVICE_CLIENT, &ch) == rcOk) {
        out.size = 0;
        in.size = 0;
        Call(ch, &out, &in);                         /* blocked holding the server end */
    }
    return 0;
}

static int connector(void *arg)
{
    (void)arg;
    Handle h;
    KnCmConnect("kw.parent", "svc", KN_CM_INFINITE, &h);   /* blocked holding the request */
    return 0;
}

static Handle spawn(const char *name, uint32_t flags)
{
    const char *argv[] = { name, NULL };
    const char *envp[] = { NULL };
    Handle h = 0;
    KnTaskCreate(name, "test_kill_waiting", "test_kill_waiting", argv, envp,
                 THREAD_PRIORITY_DEFAULT, flags, &h);
    return h;
}

static int child(int blocked)
{
    static Tid t_sleep, t1, t2, t3, t4;
    sleeper_task = spawn("grandchild", 0);
    if (!blocked) {
        KosThreadSleep(50);
        exit(7);
    }
    KosThreadCreate(&t_sleep, THREAD_PRIORITY_DEFAULT, 0, sleeper, NULL, 0);
    KosThreadCreate(&t1, THREAD_PRIORITY_DEFAULT, 0, thread_waiter, &t_sleep, 0);
    KosThreadCreate(&t2, THREAD_PRIORITY_DEFAULT, 0, task_waiter, NULL, 0);
    KosThreadCreate(&t3, THREAD_PRIORITY_DEFAULT, 0, caller, NULL, 0);
    KosThreadCreate(&t4, THREAD_PRIORITY_DEFAULT, 0, connector, NULL, 0);
    KosThreadSleep(50);                              /* let them all block */
    exit(7);                                         /* TaskExit kills the blocked threads */
}

/* One round: a server that never answers, and a child (blocked threads or not). */
static int run_once(const char *child_name)
{
    int32_t st = -1;
    Handle mute = spawn("mute", TASK_SUSPENDED), c = spawn(child_name, TASK_SUSPENDED);
    KnChannelCreate(c, mute, "mute");
    KnTaskStart(mute);
    KnTaskStart(c);
    KnTaskWait(c, INFINITE_TIMEOUT, &st);
    KnHandleClose(c);
    return st;
}

int main(int argc, char **argv)
{
    (void)argc;
    if (!strcmp(argv[0], "child"))
        return child(1);
    if (!strcmp(argv[0], "calm_child"))
        return child(0);
    if (!strcmp(argv[0], "mute") || !strcmp(argv[0], "grandchild")) {
        KosThreadSleep(100000);                      /* never answers, never ends */
        return 0;
    }
    NsHandle ns;                                     /* the service the connector waits for */
    NsCreate(NULL, 0, &ns);
    NsPublishService(ns, "t", "kw.parent", "svc");
    run_once("calm_child");                          /* warm the kernel's caches */
    /* Each round leaves a "mute" server and a "grandchild" alive on purpose: a
     * round whose child had nothing blocked says how many objects that is. */
    KnSysInfo a = info();
    int32_t st = run_once("calm_child");
    KosThreadSleep(20);
    KnSysInfo b = info();
    int32_t st2 = run_once("child");
    KosThreadSleep(20);
    KnSysInfo c = info();
    CHECK("child_exit_status", st == 7 && st2 == 7, "status %d %d", st, st2);
    CHECK("threads_killed_while_blocked_leak_nothing", c.kobjects - b.kobjects == b.kobjects - a.kobjects,
          "kernel objects per round: %llu calm, %llu with blocked threads",
          (unsigned long long)(b.kobjects - a.kobjects), (unsigned long long)(c.kobjects - b.kobjects));
    printf("test_kill_waiting: done (%d failures)\n", check_failures);
    return check_failures ? 1 : 0;
}
