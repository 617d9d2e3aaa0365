/* echo.Client, the KasperskyOS "echo" example: calls Ping on Server through
 * the generated proxy over NkKosTransport, each time with the previous result.
 * Then checks its memory limit is init.yaml's (memory_limit: 4M) and malloc
 * stops there. */
#include <assert.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Files required for transport initialization. */
#include <coresrv/nk/transport-kos.h>
#include <coresrv/sl/sl_api.h>
#include <coresrv/vmm/vmm_api.h>

/* Description of the server interface used by the client. */
#include <echo/Ping.idl.h>

#define EXAMPLE_VALUE_TO_SEND 1
#define CALLS 5

int main(void)
{
    NkKosTransport transport;
    struct echo_Ping_proxy proxy;
    int failures = 0;

    /* The client IPC handle of the connection "server_connection" (init.yaml). */
    Handle handle = ServiceLocatorConnect("server_connection");
    assert(handle != INVALID_HANDLE);

    /* IPC transport to the server. */
    NkKosTransport_Init(&transport, handle, NK_NULL, 0);

    /* The RIID of endpoint ping of component instance ping (Server.edl, Ping.cdl). */
    nk_iid_t riid = ServiceLocatorGetRiid(handle, "ping.ping");
    assert(riid != INVALID_RIID);

    /* The proxy: each of its methods sends a request to the server. */
    echo_Ping_proxy_init(&proxy, &transport.base, riid);

    /* Request and response structures. */
    echo_Ping_Ping_req req;
    echo_Ping_Ping_res res;

    req.value = EXAMPLE_VALUE_TO_SEND;
    for (int i = 0; i < CALLS; ++i) {
        uint32_t sent = req.value;
        /* Blocks until the server answers. */
        nk_err_t rc = echo_Ping_Ping(&proxy.base, &req, NULL, &res, NULL);
        if (rc == rcOk) {
            printf("Client: Ping(%u) = %u (rc %d)\n", sent, (unsigned)res.result, rc);
            failures += res.result != sent + 1;
            /* The next request sends the result back. */
            req.value = res.result;
        } else {
            printf("Client: Ping(%u) failed (rc %d)\n", sent, rc);
            failures++;
        }
    }

    /* Not part of the example: malformed requests sent by a raw Call get the
     * documented error reply from the server's generated dispatcher. */
    static const struct { uint32_t riid, mid, size; nk_err_t want; const char *what; } bad[] = {
        { 0, echo_Ping_Ping_mid, 8, NK_EBADMSG, "size 8" },
        { 0, echo_Ping_Ping_mid, 0, NK_EBADMSG, "size 0" },
        { 0, 7, 4, NK_ENOENT, "unknown method" },
        { 9, echo_Ping_Ping_mid, 4, NK_ENOENT, "unknown riid" },
    };
    for (unsigned i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        union { SMsgHdr hdr; uint8_t raw[128]; } q = { 0 }, a = { 0 };
        q.hdr.riid = (uint16_t)bad[i].riid;
        q.hdr.mid = bad[i].mid;
        q.hdr.size = bad[i].size;
        a.hdr.size = sizeof a - sizeof a.hdr;
        nk_err_t rc = Call(handle, &q.hdr, &a.hdr);
        int32_t got = 0;
        if (rc == rcOk && a.hdr.mid == MSG_MID_ERROR && a.hdr.size == sizeof got)
            memcpy(&got, &a.raw[sizeof a.hdr], sizeof got);
        printf("Client: malformed request (%s): error reply %d\n", bad[i].what, got);
        failures += rc != rcOk || got != bad[i].want;
    }

    rtl_uint64_t pages = 0, limit = 0;
    KnVmUsage(&pages, &limit);
    void *big = malloc(8u << 20);
    int err = errno;
    printf("Client: memory limit %llu pages, holding %llu; 8 MiB malloc: %s\n",
           (unsigned long long)limit, (unsigned long long)pages,
           big ? "succeeded" : err == ENOMEM ? "ENOMEM" : "other error");
    failures += limit != 1024 || big != NULL || err != ENOMEM;
    printf("Client: %s\n", failures ? "FAILED" : "all answers right");
    return failures ? EXIT_FAILURE : EXIT_SUCCESS;
}
