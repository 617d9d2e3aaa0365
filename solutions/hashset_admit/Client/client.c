/* admit.Client: calls Hello twice on admit.Server and prints whether each call
 * was admitted or refused by the security module (the policy admits at most
 * two distinct clients). Exits 0 unless a call fails otherwise. */
#include <coresrv/channel/channel_api.h>
#include <stdio.h>
#include <uapi/syscall.h>
#include "admit/Server.edl.h"

int main(void)
{
    Handle ch;
    struct admit_IHello_proxy proxy;
    if (KnChannelLookup("admit.Server", SERVICE_CLIENT, &ch)) {
        printf("Client: no channel to admit.Server\n");
        return 1;
    }
    admit_IHello_proxy_init(&proxy, ch, admit_Server_hello_riid);
    int bad = 0;
    for (uint32_t v = 1; v <= 2; v++) {
        uint32_t result = 0;
        Retcode rc = admit_IHello_Hello(&proxy, v, &result);
        if (rc == rcOk && result == v + 1)
            printf("Client: Hello(%u) admitted\n", v);
        else if (rc == rcSecurityDisallow)
            printf("Client: Hello(%u) refused (rcSecurityDisallow)\n", v);
        else {
            printf("Client: Hello(%u) failed: rc %d\n", v, rc);
            bad = 1;
        }
    }
    return bad;
}
