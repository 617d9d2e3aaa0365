/* admit.Client: calls Hello twice on admit.Server and prints whether each call
 * was admitted or refused by the security module (the policy admits at most
 * two distinct clients). Exits 0 unless a call fails otherwise. */
#include <coresrv/nk/transport-kos.h>   /* first: the KasperskyOS-form headers */
#include <coresrv/sl/sl_api.h>
#include <stdio.h>
#include "admit/Server.edl.h"

int main(void)
{
    Handle ch = ServiceLocatorConnect("admit.Server");
    if (ch == INVALID_HANDLE) {
        printf("Client: no channel to admit.Server\n");
        return 1;
    }
    NkKosTransport transport;
    struct admit_IHello_proxy proxy;
    NkKosTransport_Init(&transport, ch, NK_NULL, 0);
    admit_IHello_proxy_init(&proxy, &transport.base, ServiceLocatorGetRiid(ch, "hello"));
    int bad = 0;
    for (uint32_t v = 1; v <= 2; v++) {
        admit_IHello_Hello_req req = { .value = v };
        admit_IHello_Hello_res res;
        nk_err_t rc = admit_IHello_Hello(&proxy.base, &req, NK_NULL, &res, NK_NULL);
        if (rc == NK_EOK && res.result == v + 1)
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
