/*
 * test_vfs_kill_run: VfsFsnet survives clients that end in the middle of large
 * window copies (test_vfs_kill victim), and keeps nothing of them: after the
 * victims and a "check" client, the kernel objects are what they were after a
 * warm-up round of the same, and the free pages too but for VfsFsnet's heap
 * (docs/VFS.md, "Large reads and writes").
 */
#include <coresrv/sys/sys_api.h>
#include <coresrv/thread/thread_api.h>
#include <stdio.h>
#include <vfs/defs.h>
#include "vfs_launch.h"

#define VICTIMS 16
/* Pages VfsFsnet's malloc heap may have grown by (picolibc never shrinks it: tree nodes and
 * slab records of the victims' files, docs/VFS.md "Where the space goes"). Fewer than
 * VICTIMS, so even one page kept per victim fails; a kept slab is 16 to 256 pages. */
#define HEAP_SLACK 8

static Handle srv;

/* Runs one test_vfs_kill client with argv { mode, arg }: its exit status, or -1. */
static int32_t client(const char *mode, const char *arg)
{
    const char *argv[] = { "test_vfs_kill", mode, arg, NULL };
    static int started;
    Handle t;
    int32_t status = -1;
    if (KnTaskCreate("vfs_kill", "test_vfs_kill", "test_vfs_kill", argv, NULL,
                     THREAD_PRIORITY_DEFAULT, TASK_SUSPENDED, &t) != rcOk)
        return -1;
    if (KnChannelCreate(t, srv, _VFS_CONNECTION_ID) == rcOk &&
        (started++ || KnTaskStart(srv) == rcOk) && KnTaskStart(t) == rcOk)
        KnTaskWait(t, VFS_LAUNCH_TIMEOUT_NS, &status);
    KnHandleClose(t);
    return status;
}

/* The counts once VfsFsnet has forgotten the last client (its disconnect notice). */
static KnSysInfo settle(const KnSysInfo *want)
{
    KnSysInfo i = { 0 };
    for (int n = 0; n < 100; n++) {
        KnSysGetInfo(&i);
        if (want && i.freePages + HEAP_SLACK >= want->freePages && i.kobjects == want->kobjects)
            break;
        KnSleepNs(20 * 1000000ull);
    }
    return i;
}

int main(void)
{
    const char *server_argv[] = { "VfsFsnet", "-n", "off", NULL };
    Retcode rc = KnTaskCreate("VfsFsnet", "VfsFsnet", "VfsFsnet", server_argv, NULL,
                              THREAD_PRIORITY_DEFAULT, TASK_SUSPENDED, &srv);
    CHECK_RC("create_VfsFsnet", rc, rcOk);
    if (rc != rcOk)
        return check_done("test_vfs_kill_run");
    /* Warm-up: VfsFsnet's heap, workers and client table reach their size. */
    int32_t w1 = client("victim", "3"), w2 = client("victim", "11"), w3 = client("check", "-");
    CHECK("warm_up", w1 == 9 && w2 == 9 && w3 == 0, "victims %d %d check %d", (int)w1, (int)w2,
          (int)w3);
    KnSysInfo base = settle(NULL);
    int killed = 0;
    char ms[8];
    for (int i = 0; i < VICTIMS; i++) {
        snprintf(ms, sizeof ms, "%d", 1 + (i * 7) % 23);   /* ends at many points of a copy */
        killed += client("victim", ms) == 9;
    }
    CHECK("victims_ended_mid_copy", killed == VICTIMS, "%d of %d", killed, VICTIMS);
    int32_t c = client("check", "-");
    CHECK("check_client_after_kills", c == 0, "status %d", (int)c);
    KnSysInfo after = settle(&base);
    printf("test_vfs_kill_run: free pages %lu after warm-up, %lu after %d victims; kernel "
           "objects %lu, %lu\n", (unsigned long)base.freePages, (unsigned long)after.freePages,
           VICTIMS, (unsigned long)base.kobjects, (unsigned long)after.kobjects);
    CHECK("nothing_kept_of_victims", after.freePages + HEAP_SLACK >= base.freePages &&
          after.kobjects == base.kobjects, "free pages %lu -> %lu, kernel objects %lu -> %lu",
          (unsigned long)base.freePages, (unsigned long)after.freePages,
          (unsigned long)base.kobjects, (unsigned long)after.kobjects);
    int32_t srv_status = 0;
    rc = KnTaskWait(srv, 0, &srv_status);
    CHECK("VfsFsnet_still_running", rc == rcTimeout, "wait %d, exit status %d", rc,
          (int)srv_status);
    return check_done("test_vfs_kill_run");
}
