/*
 * test_cm: the bad inputs of kl.core.Cm (docs/ABI.md, "Dynamic channels")
 * without a policy: names not NUL-terminated, too long or empty (raw
 * messages, past the wrappers), publishing twice, the 64-name limit,
 * accepting or dropping what is not pending, connecting to oneself, and a
 * client waiting in Connect when the server task ends (child "test_cm
 * server": publishes, then exits).
 */
#include <coresrv/nk/transport-kos.h>   /* first: the KasperskyOS-form headers */
#include <coresrv/cm/cm_api.h>
#include <coresrv/handle/handle_api.h>
#include <coresrv/ns/ns_api.h>
#include <coresrv/syscalls.h>
#include <coresrv/task/task_api.h>
#include <kos/thread.h>
#include <stdio.h>
#include <string.h>
#include "../check.h"
#include "kl/core/Core.edl.h"      /* the KasperskyOS form (transport-kos.h above) */

/* Publish with three raw strings: each (bytes, size) as given, no NUL added. */
static Retcode raw_publish(const char *a, uint32_t na, const char *b, uint32_t nb,
                           const char *c, uint32_t nc)
{
    static struct kl_core_Cm_Publish_req rq;
    static union { SMsgHdr hdr; uint8_t raw[128]; } rs;
    static char arena[256];
    memset(&rq, 0, sizeof rq);
    memcpy(arena, a, na);
    memcpy(arena + na, b, nb);
    memcpy(arena + na + nb, c, nc);
    rq.base_.hdr.riid = kl_core_Core_cm_iid;
    rq.base_.hdr.mid = kl_core_Cm_Publish_mid;
    rq.base_.hdr.size = kl_core_Cm_Publish_req_size;
    rq.base_.hdr.arena = (uintptr_t)arena;
    rq.base_.hdr.arena_size = na + nb + nc;
    rq.type = (nk_arena_desc){ 0, na };
    rq.server = (nk_arena_desc){ na, nb };
    rq.service = (nk_arena_desc){ na + nb, nc };
    memset(&rs, 0, sizeof rs);
    rs.hdr.size = sizeof rs - sizeof rs.hdr;
    Retcode rc = Call(KERNEL_HANDLE, &rq.base_.hdr, &rs.hdr);
    if (rc == rcOk && rs.hdr.mid == MSG_MID_ERROR)
        memcpy(&rc, &rs.raw[sizeof rs.hdr], sizeof rc);
    return rc;
}

static int server(void)
{
    NsHandle ns;
    NsCreate(NULL, 0, &ns);
    NsPublishService(ns, "t", "cm.child", "svc");
    KosThreadSleep(100);                      /* the parent is waiting in Connect by now */
    return 0;                                 /* its names go with it */
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "server") == 0)
        return server();
    NsHandle ns;
    Handle h;
    char long_name[60];
    memset(long_name, 'x', sizeof long_name);
    CHECK_RC("name_not_terminated", raw_publish("t", 2, "srv", 3, "svc", 4), rcInvalidArgument);
    CHECK_RC("name_48_bytes", raw_publish("t", 2, long_name, 48, "svc", 4), rcInvalidArgument);
    long_name[47] = '\0';
    CHECK_RC("name_47_chars", raw_publish("t", 2, long_name, 48, "svc", 4), rcOk);
    CHECK_RC("empty_server_name", raw_publish("t", 2, "", 1, "svc", 4), rcInvalidArgument);
    CHECK_RC("wrapper_name_too_long",
             NsPublishService(1, "t", "a-server-name-of-forty-eight-characters-is-long!", "s"),
             rcBufferTooLarge);
    NsCreate(NULL, 0, &ns);
    CHECK_RC("publish", NsPublishService(ns, "t", "me", "svc"), rcOk);
    CHECK_RC("publish_twice", NsPublishService(ns, "other-type", "me", "svc"), rcAlreadyExists);
    CHECK_RC("connect_to_oneself", KnCmConnect("me", "svc", 10, &h), rcInvalidArgument);
    CHECK_RC("connect_unknown", KnCmConnect("me", "nope", 10, &h), rcResourceNotFound);
    char cl[KN_CM_NAME_MAX], sv[KN_CM_NAME_MAX];
    CHECK_RC("listen_timeout", KnCmListen(NULL, 10, cl, sv), rcTimeout);
    CHECK_RC("accept_nothing_pending", KnCmAcceptEx("x", "svc", NULL, NULL, NULL),
             rcResourceNotFound);
    CHECK_RC("drop_nothing_pending", KnCmDrop("x", "svc"), rcResourceNotFound);
    CHECK_RC("unpublish_wrong_type", NsUnPublishService(ns, "u", "me", "svc"), rcResourceNotFound);
    char s1[KN_CM_NAME_MAX], s2[3];
    CHECK_RC("enum_buffer_too_small", NsEnumServices(ns, "t", 0, s1, sizeof s1, s2, sizeof s2),
             rcBufferTooSmall);
    Retcode rc = rcOk;
    int n = 2;                                    /* "me"/"svc" and the 47-character one */
    char name[16];
    while (rc == rcOk && n < 64) {
        snprintf(name, sizeof name, "s%d", n);
        if ((rc = NsPublishService(ns, "q", "me", name)) == rcOk)
            n++;
    }
    CHECK("publish_64", rc == rcOk && n == 64, "rc %d after %d", rc, n);
    CHECK_RC("publish_65th", NsPublishService(ns, "q", "me", "one-too-many"), rcQuotaExceeded);
    for (int i = 2; i < 64; i++) {
        snprintf(name, sizeof name, "s%d", i);
        NsUnPublishService(ns, "q", "me", name);
    }
    NsUnPublishService(ns, "t", "me", "svc");
    NsUnPublishService(ns, "t", long_name, "svc");
    CHECK_RC("all_unpublished", NsEnumServices(ns, NULL, 0, s1, sizeof s1, s1, sizeof s1),
             rcResourceNotFound);

    /* The server ends while the client waits for it. */
    const char *args[] = { "test_cm", "server", NULL };
    Handle child;
    rc = KnTaskCreate("cm-child", "test_cm", "test_cm", args, NULL, THREAD_PRIORITY_DEFAULT, 0,
                      &child);
    for (int i = 0; i < 100 && rc == rcOk; i++) {
        if (NsEnumServices(ns, NULL, 0, s1, sizeof s1, s1, sizeof s1) == rcOk)
            break;
        KosThreadSleep(2);
    }
    rc = KnCmConnect("cm.child", "svc", KN_CM_INFINITE, &h);
    CHECK_RC("server_ended_while_waiting", rc, rcNotConnected);
    int32_t st;
    KnTaskWait(child, INFINITE_TIMEOUT, &st);
    KnHandleClose(child);
    CHECK_RC("ended_servers_names_gone", KnCmConnect("cm.child", "svc", 10, &h),
             rcResourceNotFound);
    return check_done("test_cm");
}
