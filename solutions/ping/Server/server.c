/* ping.Server: answers Ping(value) and Pong(value) with value + 1 through the
 * generated dispatcher, and prints each request it gets (the test checks that
 * the refused ones never arrive). */
#include <coresrv/channel/channel_api.h>
#include <coresrv/syscalls.h>
#include <stdio.h>
#include <uapi/syscall.h>
#include "ping/Server.edl.h"

static Retcode ping(void *ctx, uint32_t value, uint32_t *result)
{
    (void)ctx;
    printf("Server: Ping(%u)\n", value);
    *result = value + 1;
    return rcOk;
}

static Retcode pong(void *ctx, uint32_t value, uint32_t *result)
{
    (void)ctx;
    printf("Server: Pong(%u)\n", value);
    *result = value + 1;
    return rcOk;
}

static const struct ping_IPingPong_ops pingpong_ops = { .Ping = ping, .Pong = pong };

int main(void)
{
    Handle listener;
    if (KnChannelLookup("ping.Server", SERVICE_SERVER, &listener)) {
        fprintf(stderr, "Server: no channel\n");
        return 1;
    }
    static union { SMsgHdr hdr; uint8_t raw[ping_Server_req_max]; } req;
    static union { SMsgHdr hdr; uint8_t raw[ping_Server_res_max]; } res;
    const struct ping_Server_ops ops = { .pingpong = &pingpong_ops };
    printf("Server: ready\n");
    req.hdr.size = sizeof(req) - sizeof(SMsgHdr);
    Retcode rc = Recv(listener, &req.hdr);
    while (rc == rcOk) {
        ping_Server_dispatch(&ops, &req.hdr, sizeof(req), &res.hdr, sizeof(res), NULL, 0);
        req.hdr.size = sizeof(req) - sizeof(SMsgHdr);
        rc = ReplyRecv(listener, &res.hdr, &req.hdr, INFINITE_TIMEOUT);
    }
    return 0;
}
