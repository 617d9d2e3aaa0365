/* dyn.Server: publishes "dyn.Server"/"echo", then serves three connection
 * requests of the Client in turn: the first until the Client drops it, the
 * second until the Server drops it (revokes its handle) after one Ping, and
 * the third it refuses. Ping answers value + 1. Prints one line per step.
 * Raw Recv/Reply (it waits for disconnect notices) with the KasperskyOS-form
 * ids and sizes of dyn.Echo. */
#include <coresrv/nk/transport-kos.h>
#include <coresrv/cm/cm_api.h>
#include <coresrv/syscalls.h>
#include <coresrv/handle/handle_api.h>
#include <coresrv/ns/ns_api.h>
#include <stdio.h>
#include <string.h>
#include <dyn/Echo.idl.h>

#define SERVER "dyn.Server"
#define SERVICE "echo"

static int failures;

static void step(const char *what, Retcode rc, Retcode want)
{
    printf("Server: %-34s %s (rc %d)\n", what, rc == want ? "ok" : "FAIL", rc);
    failures += rc != want;
}

static struct { SMsgHdr hdr; uint32_t value[4]; } in, out;

/* Serves the connection with `badge` until its disconnect notice; `pings`
 * answered (0: until the notice). Returns the Pings answered. */
static int serve(Handle listener, uint32_t badge, int pings)
{
    int n = 0;
    for (;;) {
        in.hdr.size = sizeof(in.value);
        if (Recv(listener, &in.hdr) != rcOk)
            return n;
        if (in.hdr.mid == MSG_MID_DISCONNECT) {
            if (in.hdr.badge == badge)
                return n;
            continue;
        }
        memset(&out.hdr, 0, sizeof(out.hdr));
        out.hdr.mid = dyn_Echo_Ping_mid;
        out.hdr.size = dyn_Echo_Ping_res_size;
        out.value[0] = in.value[0] + 1;
        printf("Server: Ping(%u) on channel %u\n", in.value[0], in.hdr.badge);
        Reply(listener, &out.hdr);
        if (++n == pings)
            return n;
    }
}

int main(void)
{
    NsHandle ns;
    char client[KN_CM_NAME_MAX], service[KN_CM_NAME_MAX];
    Handle listener = 0, conn = 0;
    uint32_t badge = 0;
    step("name server", NsCreate(NULL, 0, &ns), rcOk);
    step("publish", NsPublishService(ns, "dyn", SERVER, SERVICE), rcOk);
    step("publish twice refused", NsPublishService(ns, "dyn", SERVER, SERVICE), rcAlreadyExists);
    step("name too long refused", NsPublishService(ns, "dyn", SERVER,
         "a-service-name-of-forty-eight-characters-is-long"), rcBufferTooLarge);

    /* 1: accepted, served until the Client drops it. */
    Retcode rc = KnCmListen(NULL, KN_CM_INFINITE, client, service);
    printf("Server: request from %s for %s\n", client, service);
    step("listen", rc, rcOk);
    step("accept", KnCmAcceptEx(client, service, &listener, &conn, &badge), rcOk);
    step("accept twice refused", KnCmAcceptEx(client, service, NULL, NULL, NULL),
         rcResourceNotFound);
    int n = serve(listener, badge, 0);
    printf("Server: channel %u dropped by the client after %d ping(s)\n", badge, n);
    KnHandleClose(conn);

    /* 2: accepted; the Server drops it after one Ping. */
    rc = KnCmListen(SERVICE, KN_CM_INFINITE, client, service);
    step("listen again", rc, rcOk);
    step("accept again", KnCmAcceptEx(client, service, NULL, &conn, &badge), rcOk);
    serve(listener, badge, 1);
    step("server drops the channel", KnHandleRevoke(conn), rcOk);

    /* 3: refused. */
    rc = KnCmListen(SERVICE, KN_CM_INFINITE, client, service);
    step("listen a third time", rc, rcOk);
    step("drop the request", KnCmDrop(client, service), rcOk);
    step("drop twice refused", KnCmDrop(client, service), rcResourceNotFound);

    /* Wait for the Client's disconnect of channel 2 (it closes its revoked handle). */
    serve(listener, badge, 0);
    step("unpublish", NsUnPublishService(ns, "dyn", SERVER, SERVICE), rcOk);
    step("unpublish twice refused", NsUnPublishService(ns, "dyn", SERVER, SERVICE),
         rcResourceNotFound);
    printf("Server: done (%d failures)\n", failures);
    return failures ? 1 : 0;
}
