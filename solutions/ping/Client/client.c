/* ping.Client: calls Ping and Pong on ping.Server, first in order (each one
 * granted), then out of order: the policy (security.psl) lets the two methods
 * only alternate, so every second Ping in a row and every second Pong in a row
 * is refused by the security module (rcSecurityDisallow), as in the
 * KasperskyOS ping example. Prints one line per call and exits 0 when exactly
 * the out-of-order calls were refused. */
#include <coresrv/nk/transport-kos.h>     /* first: the KasperskyOS API */
#include <coresrv/channel/channel_api.h>
#include <stdio.h>
#include <uapi/syscall.h>
#include "ping/Server.edl.h"

static NkKosTransport transport;
static struct ping_IPingPong_proxy proxy;
static int wrong;

/* One call; `expect_ok`: the order allows it. */
static void call(int is_ping, uint32_t value, int expect_ok)
{
    uint32_t result = 0;
    const char *name = is_ping ? "Ping" : "Pong";
    Retcode rc;
    if (is_ping) {
        ping_IPingPong_Ping_req req = { .value = value };
        ping_IPingPong_Ping_res res;
        rc = ping_IPingPong_Ping(&proxy.base, &req, NK_NULL, &res, NK_NULL);
        result = rc == rcOk ? res.result : 0;
    } else {
        ping_IPingPong_Pong_req req = { .value = value };
        ping_IPingPong_Pong_res res;
        rc = ping_IPingPong_Pong(&proxy.base, &req, NK_NULL, &res, NK_NULL);
        result = rc == rcOk ? res.result : 0;
    }
    if (rc == rcOk)
        printf("Client: %s(%u) = %u\n", name, value, result);
    else if (rc == rcSecurityDisallow)
        printf("Client: %s(%u) refused: out of order (rcSecurityDisallow)\n", name, value);
    else
        printf("Client: %s(%u) failed: rc %d\n", name, value, rc);
    if (expect_ok ? (rc != rcOk || result != value + 1) : rc != rcSecurityDisallow)
        wrong++;
}

int main(void)
{
    Handle ch;
    Retcode rc = KnChannelLookup("ping.Server", SERVICE_CLIENT, &ch);
    if (rc) {
        printf("Client: no channel to ping.Server (%d)\n", rc);
        return 1;
    }
    NkKosTransport_Init(&transport, ch, NK_NULL, 0);
    ping_IPingPong_proxy_init(&proxy, &transport.base, ping_Server_pingpong_iid);
    printf("Client: in order\n");
    for (uint32_t v = 1; v <= 4; v++)
        call(v % 2, v, 1);                  /* Ping, Pong, Ping, Pong */
    printf("Client: out of order\n");
    call(1, 5, 1);                          /* Ping: its turn */
    call(1, 6, 0);                          /* Ping again: refused */
    call(0, 7, 1);                          /* Pong */
    call(0, 8, 0);                          /* Pong again: refused */
    call(0, 9, 0);                          /* and again */
    call(1, 10, 1);                         /* Ping: its turn again */
    printf("Client: %s\n", wrong ? "FAILED" : "refused exactly the out-of-order calls");
    return wrong ? 1 : 0;
}
