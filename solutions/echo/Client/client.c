/* echo.Client: calls Ping five times through the generated proxy and checks the answers. */
#include <coresrv/channel/channel_api.h>
#include <stdio.h>
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
    struct echo_IPing_proxy proxy;
    echo_IPing_proxy_init(&proxy, ch, echo_Server_ping_riid);
    int failures = 0;
    for (uint32_t value = 1; value <= 5; value++) {
        uint32_t result = 0;
        rc = echo_IPing_Ping(&proxy, value, &result);
        printf("Client: Ping(%u) = %u (rc %d)\n", value, result, rc);
        failures += rc != rcOk || result != value + 1;
    }
    printf("Client: %s\n", failures ? "FAILED" : "all answers right");
    return failures ? 1 : 0;
}
