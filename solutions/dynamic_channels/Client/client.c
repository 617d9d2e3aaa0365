/* dyn.Client: finds the Server's service with the name server, connects
 * three times: Pings and drops the first channel itself, is dropped by the
 * Server on the second, and is refused the third. A Ping the policy forbids
 * (value over 100) is refused on the dynamic channel like on a static one. */
#include <coresrv/cm/cm_api.h>
#include <coresrv/syscalls.h>
#include <coresrv/handle/handle_api.h>
#include <coresrv/ns/ns_api.h>
#include <kos/thread.h>
#include <stdio.h>
#include <string.h>

static int failures;

static void step(const char *what, Retcode rc, Retcode want)
{
    printf("Client: %-34s %s (rc %d)\n", what, rc == want ? "ok" : "FAIL", rc);
    failures += rc != want;
}

static Retcode ping(Handle h, uint32_t value, uint32_t *result)
{
    struct { SMsgHdr hdr; uint32_t value[4]; } out = { 0 }, in = { 0 };
    out.hdr.riid = 0;                         /* dyn.Server's endpoint echo */
    out.hdr.mid = 0;                          /* dyn.Echo.Ping */
    out.hdr.size = sizeof(uint32_t);
    out.value[0] = value;
    in.hdr.size = sizeof(in.value);
    Retcode rc = Call(h, &out.hdr, &in.hdr);
    *result = in.value[0];
    return rc;
}

int main(void)
{
    NsHandle ns;
    char server[KN_CM_NAME_MAX], service[KN_CM_NAME_MAX];
    Retcode rc = rcResourceNotFound;
    NsCreate(NULL, 0, &ns);
    for (int i = 0; i < 200 && rc == rcResourceNotFound; i++) {   /* until it is published */
        rc = NsEnumServices(ns, "dyn", 0, server, sizeof server, service, sizeof service);
        if (rc == rcResourceNotFound)
            KosThreadSleep(5);
    }
    printf("Client: found %s/%s\n", server, service);
    step("enumerate", rc, rcOk);
    step("second entry: none", NsEnumServices(ns, "dyn", 1, server, sizeof server, service,
                                              sizeof service), rcResourceNotFound);
    Handle h = 0;
    step("unknown service refused", KnCmConnect(server, "nope", 100, &h), rcResourceNotFound);

    uint32_t r = 0;
    step("connect", KnCmConnect(server, service, KN_CM_INFINITE, &h), rcOk);
    rc = ping(h, 41, &r);
    printf("Client: Ping(41) = %u\n", r);
    step("ping", rc == rcOk && r == 42 ? rcOk : rcFail, rcOk);
    step("ping over 100 denied by the policy", ping(h, 500, &r), rcSecurityDisallow);
    step("client drops the channel", KnHandleClose(h), rcOk);

    step("connect again", KnCmConnect(server, service, KN_CM_INFINITE, &h), rcOk);
    rc = ping(h, 5, &r);
    step("ping again", rc == rcOk && r == 6 ? rcOk : rcFail, rcOk);
    KosThreadSleep(100);                      /* the Server drops it after its one Ping */
    step("channel dropped by the server", ping(h, 6, &r), rcHandleRevoked);
    KnHandleClose(h);

    step("connect refused by the server", KnCmConnect(server, service, KN_CM_INFINITE, &h),
         rcAbort);
    printf("Client: done (%d failures)\n", failures);
    return failures ? 1 : 0;
}
