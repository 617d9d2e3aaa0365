/* dyn.Intruder: may read the names, but the policy refuses it a connection
 * and a publication of its own (both audited by the kernel). */
#include <coresrv/cm/cm_api.h>
#include <coresrv/ns/ns_api.h>
#include <kos/thread.h>
#include <stdio.h>

static int failures;

static void step(const char *what, Retcode rc, Retcode want)
{
    printf("Intruder: %-32s %s (rc %d)\n", what, rc == want ? "ok" : "FAIL", rc);
    failures += rc != want;
}

int main(void)
{
    NsHandle ns;
    char server[KN_CM_NAME_MAX], service[KN_CM_NAME_MAX];
    Retcode rc = rcResourceNotFound;
    NsCreate(NULL, 0, &ns);
    for (int i = 0; i < 200 && rc == rcResourceNotFound; i++) {
        rc = NsEnumServices(ns, NULL, 0, server, sizeof server, service, sizeof service);
        if (rc == rcResourceNotFound)
            KosThreadSleep(5);
    }
    step("enumerate", rc, rcOk);
    Handle h;
    step("connect refused by the policy", KnCmConnect("dyn.Server", "echo", 100, &h),
         rcSecurityDisallow);
    step("publish refused by the policy", NsPublishService(ns, "dyn", "dyn.Fake", "echo"),
         rcSecurityDisallow);
    printf("Intruder: done (%d failures)\n", failures);
    return failures ? 1 : 0;
}
