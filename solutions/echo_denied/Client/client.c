/* echo.Client of solution echo_denied: calls Ping five times through the generated
 * KasperskyOS-form proxy (docs/IDL.md) and checks the answers;
 * then that its memory limit is init.yaml's (memory_limit: 4M) and malloc stops there. */
#include <coresrv/nk/transport-kos.h>     /* first: the KasperskyOS API */
#include <coresrv/channel/channel_api.h>
#include <coresrv/vmm/vmm_api.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <uapi/syscall.h>
#include "echo/Server.edl.h"

int main(void)
{
    Handle ch;
    Retcode rc = KnChannelLookup("echo.Server", SERVICE_CLIENT, &ch);
    if (rc) {
        printf("Client: no channel to echo.Server (%d)\n", rc);
        return 1;
    }
    NkKosTransport transport;
    NkKosTransport_Init(&transport, ch, NK_NULL, 0);
    struct echo_IPing_proxy proxy;
    echo_IPing_proxy_init(&proxy, &transport.base, echo_Server_ping_iid);
    int failures = 0;
    for (uint32_t value = 1; value <= 5; value++) {
        echo_IPing_Ping_req req = { .value = value };
        echo_IPing_Ping_res res;
        res.result = 0;
        rc = echo_IPing_Ping(&proxy.base, &req, NK_NULL, &res, NK_NULL);
        uint32_t result = rc == rcOk ? res.result : 0;
        printf("Client: Ping(%u) = %u (rc %d)\n", value, result, rc);
        failures += rc != rcOk || result != value + 1;
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
    return failures ? 1 : 0;
}
