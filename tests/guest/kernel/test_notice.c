/*
 * test_notice: notifications (kl.core.Notice). A task ending, a thread
 * ending, a user object's events (coalesced), an object destroyed, a channel
 * whose server ended (in a child "test_notice client" with shm_peer: a task
 * holds no handle to itself), a subscription to an object that is already
 * dead, timeouts, DropAndWake, the bad inputs of docs/ABI.md, and nothing
 * leaked once the notices are closed.
 */
#include <coresrv/channel/channel_api.h>
#include <coresrv/handle/handle_api.h>
#include <coresrv/notice/notice_api.h>
#include <coresrv/sys/sys_api.h>
#include <coresrv/task/task_api.h>
#include <coresrv/thread/thread_api.h>
#include <kos/thread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include "../check.h"
#include "../spawn.h"
#include "shm_proto.h"

/* One event, waiting up to msec: its id and mask, or the Retcode. */
static Retcode one(Notice n, uint64_t msec, uint64_t *id, uint32_t *mask)
{
    EventInfo ev[4];
    rtl_size_t count = 0;
    Retcode rc = KnNoticeGetEvent(n, msec, 4, ev, &count);
    *id = count ? ev[0].evId : 0;
    *mask = count ? ev[0].evMask : 0;
    if (rc == rcOk && count != 1)
        return rcFail;
    return rc;
}

void exit_at_once(void *arg);
__asm__(".text\n.global exit_at_once\nexit_at_once:\n"
        "  mov x0, #0\n  mov x8, #21\n  svc #0\n  b exit_at_once\n");

static Notice waiter_notice;
static volatile Retcode waiter_rc = rcOk;
static int waiter(void *arg)
{
    (void)arg;
    EventInfo ev[1];
    rtl_size_t count;
    waiter_rc = KnNoticeGetEvent(waiter_notice, INFINITE_TIMEOUT, 1, ev, &count);
    return 0;
}

static void scenarios(void)
{
    Notice n;
    uint64_t id;
    uint32_t mask;
    CHECK_RC("create", KnNoticeCreate(&n), rcOk);

    /* A task that ends. */
    Handle t = spawn_suspended("printer", "printer", "N");
    CHECK_RC("subscribe_task", KnNoticeSubscribeToObject(n, t, EVENT_TASK_COMPLETED, 11), rcOk);
    KnTaskStart(t);
    Retcode rc = one(n, INFINITE_TIMEOUT, &id, &mask);
    CHECK("task_completed", rc == rcOk && id == 11 && mask == EVENT_TASK_COMPLETED,
          "rc %d id %lu mask %#x", rc, (unsigned long)id, mask);
    /* The same task, now dead: the event is there at once. */
    KnNoticeSubscribeToObject(n, t, EVENT_TASK_COMPLETED | EVENT_OBJECT_DESTROYED, 12);
    rc = one(n, 0, &id, &mask);
    CHECK("dead_task_event_at_once", rc == rcOk && id == 12 && mask == EVENT_TASK_COMPLETED,
          "rc %d id %lu mask %#x", rc, (unsigned long)id, mask);
    /* Closing our last handle destroys the task object: that subscription hears it. */
    KnHandleClose(t);
    rc = one(n, 0, &id, &mask);
    CHECK("destroyed_after_close", rc == rcOk && id == 12 && mask == EVENT_OBJECT_DESTROYED,
          "rc %d id %lu mask %#x", rc, (unsigned long)id, mask);
    rc = one(n, 0, &id, &mask);
    CHECK_RC("destroyed_object_subscription_ends", rc, rcTimeout);

    /* A thread that ends (lower priority: it runs once we wait). */
    Handle th;
    rc = KnThreadCreate(exit_at_once, NULL, NULL, NULL, 1, &th);
    if (rc == rcOk)
        rc = KnNoticeSubscribeToObject(n, th, EVENT_THREAD_ENDED, 21);
    if (rc == rcOk)
        rc = one(n, 1000, &id, &mask);
    CHECK("thread_ended", rc == rcOk && id == 21 && mask == EVENT_THREAD_ENDED,
          "rc %d id %lu mask %#x", rc, (unsigned long)id, mask);
    KnNoticeSubscribeToObject(n, th, EVENT_THREAD_ENDED, 22);
    rc = one(n, 0, &id, &mask);
    CHECK("dead_thread_event_at_once", rc == rcOk && id == 22, "rc %d id %lu", rc,
          (unsigned long)id);
    KnNoticeUnsubscribeFromEvId(n, 21);
    KnNoticeUnsubscribeFromEvId(n, 22);
    KnHandleClose(th);

    /* A user object: its events coalesce until read; then its destruction. */
    Handle u;
    KnHandleCreateUserObject(7, RIGHT_TRANSFER, NULL, &u);
    KnNoticeSubscribeToObject(n, u, EVENT_USER_MASK | EVENT_OBJECT_DESTROYED, 31);
    KnNoticeSetObjectEvent(u, 1u << 16);
    KnNoticeSetObjectEvent(u, 1u << 16);
    KnNoticeSetObjectEvent(u, 1u << 20);
    EventInfo ev[8];
    rtl_size_t count = 0;
    rc = KnNoticeGetEvent(n, 0, 8, ev, &count);
    CHECK("user_events_coalesce", rc == rcOk && count == 1 && ev[0].evId == 31 &&
                                  ev[0].evMask == ((1u << 16) | (1u << 20)),
          "rc %d count %lu mask %#x", rc, (unsigned long)count, ev[0].evMask);
    KnHandleClose(u);
    rc = one(n, 0, &id, &mask);
    CHECK("user_object_destroyed", rc == rcOk && id == 31 && mask == EVENT_OBJECT_DESTROYED,
          "rc %d id %lu mask %#x", rc, (unsigned long)id, mask);

    /* Several subscriptions: oldest first, countMax respected. */
    Handle us[3];
    for (int i = 0; i < 3; i++) {
        KnHandleCreateUserObject(7, 0, NULL, &us[i]);
        KnNoticeSubscribeToObject(n, us[i], EVENT_USER_MASK, 40 + i);
    }
    KnNoticeSetObjectEvent(us[2], 1u << 17);
    KnNoticeSetObjectEvent(us[0], 1u << 17);
    KnNoticeSetObjectEvent(us[1], 1u << 17);
    rc = KnNoticeGetEvent(n, 0, 2, ev, &count);
    CHECK("events_in_order_count_max", rc == rcOk && count == 2 && ev[0].evId == 42 &&
                                       ev[1].evId == 40,
          "rc %d count %lu ids %lu %lu", rc, (unsigned long)count, (unsigned long)ev[0].evId,
          (unsigned long)ev[1].evId);
    rc = KnNoticeGetEvent(n, 0, 8, ev, &count);
    CHECK("rest_on_next_get", rc == rcOk && count == 1 && ev[0].evId == 41, "rc %d count %lu",
          rc, (unsigned long)count);
    for (int i = 0; i < 3; i++)
        KnHandleClose(us[i]);

    /* Timeout. */
    struct timespec a, b;
    clock_gettime(CLOCK_MONOTONIC, &a);
    rc = one(n, 50, &id, &mask);
    clock_gettime(CLOCK_MONOTONIC, &b);
    long ms = (long)((b.tv_sec - a.tv_sec) * 1000 + (b.tv_nsec - a.tv_nsec) / 1000000);
    CHECK("get_event_timeout", rc == rcTimeout && ms >= 49 && ms < 1000, "rc %d after %ld ms",
          rc, ms);

    /* DropAndWake ends a waiter. */
    waiter_notice = n;
    Tid w;
    KosThreadCreate(&w, THREAD_PRIORITY_DEFAULT, 0, waiter, NULL, 0);
    KosThreadSleep(20);
    rc = KnNoticeDropAndWake(n);
    KosThreadWait(w, 1000);
    CHECK("drop_and_wake", rc == rcOk && waiter_rc == rcAbort, "rc %d waiter %d", rc, waiter_rc);

    /* Bad input. */
    KnHandleCreateUserObject(7, 0, NULL, &u);
    CHECK_RC("mask_zero_refused", KnNoticeSubscribeToObject(n, u, 0, 1), rcInvalidArgument);
    CHECK_RC("unknown_bits_refused", KnNoticeSubscribeToObject(n, u, 1u << 9, 1),
             rcInvalidArgument);
    CHECK_RC("not_a_notice_refused", KnNoticeSubscribeToObject(u, u, EVENT_USER_MASK, 1),
             rcInvalidArgument);
    CHECK_RC("stale_object_refused", KnNoticeSubscribeToObject(n, 0x7fff1234, EVENT_USER_MASK, 1),
             rcInvalidArgument);
    CHECK_RC("system_event_on_user_object_refused", KnNoticeSetObjectEvent(u, EVENT_TASK_COMPLETED),
             rcInvalidArgument);
    CHECK_RC("user_event_on_other_object_refused", KnNoticeSetObjectEvent(n, 1u << 16),
             rcInvalidArgument);
    CHECK_RC("unsubscribe_unknown", KnNoticeUnsubscribeFromEvId(n, 999), rcResourceNotFound);
    CHECK_RC("count_max_zero_refused", KnNoticeGetEvent(n, 0, 0, ev, &count), rcInvalidArgument);
    rc = rcOk;
    int made = 0;
    for (int i = 0; i < (int)NOTICE_SUBS_MAX && rc == rcOk; i++)
        if ((rc = KnNoticeSubscribeToObject(n, u, EVENT_USER_MASK, 100 + i)) == rcOk)
            made++;
    CHECK("subscriptions_up_to_max", made == (int)NOTICE_SUBS_MAX, "made %d rc %d", made, rc);
    CHECK_RC("subscription_quota", KnNoticeSubscribeToObject(n, u, EVENT_USER_MASK, 1),
             rcQuotaExceeded);
    KnHandleClose(u);                     /* every subscription ends with its object */
    rc = KnNoticeGetEvent(n, 0, 8, ev, &count);
    CHECK_RC("no_events_for_unsubscribed_destruction", rc, rcTimeout);
    CHECK_RC("close", KnHandleClose(n), rcOk);
    CHECK_RC("closed_notice_refused", KnNoticeGetEvent(n, 0, 8, ev, &count), rcInvalidArgument);
}

/* Child: its channel's server ends; the client end's subscription hears it. */
static int client(void)
{
    Handle ch;
    Notice n;
    uint64_t id;
    uint32_t mask;
    if (KnChannelLookup("shm", SERVICE_CLIENT, &ch) || KnNoticeCreate(&n))
        return 1;
    KnNoticeSubscribeToObject(n, ch, EVENT_CHANNEL_DISCONNECTED, 51);
    static struct shm_msg out, in;
    out.hdr.mid = SHM_EXIT;
    in.hdr.size = sizeof(in.value);
    Call(ch, &out.hdr, &in.hdr);
    Retcode rc = one(n, 2000, &id, &mask);
    CHECK("channel_disconnected", rc == rcOk && id == 51 && mask == EVENT_CHANNEL_DISCONNECTED,
          "rc %d id %lu mask %#x", rc, (unsigned long)id, mask);
    KnNoticeSubscribeToObject(n, ch, EVENT_CHANNEL_DISCONNECTED, 52);
    rc = one(n, 0, &id, &mask);
    CHECK("disconnected_channel_event_at_once", rc == rcOk && id == 52, "rc %d id %lu", rc,
          (unsigned long)id);
    return check_done("test_notice client");
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "client") == 0)
        return client();
    scenarios();                          /* warms the caches */
    KnSysInfo before, after;
    KnSysGetInfo(&before);
    int failures = check_failures;
    scenarios();
    KnSysGetInfo(&after);
    CHECK("nothing_leaked", check_failures == failures && after.kobjects == before.kobjects,
          "kernel objects %lu -> %lu", (unsigned long)before.kobjects,
          (unsigned long)after.kobjects);

    Handle peer = spawn_suspended("shm_peer", "shm_peer", NULL);
    Handle cl = spawn_suspended("test_notice", "test_notice", "client");
    int32_t sc = -1, sp = -1;
    Retcode rc = KnChannelCreate(cl, peer, "shm");
    KnTaskStart(peer);
    KnTaskStart(cl);
    KnTaskWait(cl, INFINITE_TIMEOUT, &sc);
    KnTaskWait(peer, INFINITE_TIMEOUT, &sp);
    CHECK("client_checks_pass", rc == rcOk && sc == 0 && sp == 0, "rc %d client %d peer %d", rc,
          sc, sp);
    return check_done("test_notice");
}
