/* echo.Server: answers Ping(value) with value + 1, through the generated dispatcher. */
#include <coresrv/channel/channel_api.h>
#include <coresrv/syscalls.h>
#include <stdio.h>
#include <uapi/syscall.h>
#include "echo/Server.edl.h"

static Retcode ping(void *ctx, uint32_t value, uint32_t *result)
{
    (void)ctx;
    printf("Server: Ping(%u)\n", value);     /* shows which requests reached the server */
    *result = value + 1;
    return rcOk;
}

static const struct echo_IPing_ops ping_ops = { .Ping = ping };

int main(void)
{
    Handle listener;
    if (KnChannelLookup("echo.Server", SERVICE_SERVER, &listener)) {
        fprintf(stderr, "Server: no channel\n");
        return 1;
    }
    static union { SMsgHdr hdr; uint8_t raw[echo_Server_req_max]; } req;
    static union { SMsgHdr hdr; uint8_t raw[echo_Server_res_max]; } res;
    const struct echo_Server_ops ops = { .ping = &ping_ops };
    printf("Server: ready\n");
    req.hdr.size = sizeof(req) - sizeof(SMsgHdr);
    Retcode rc = Recv(listener, &req.hdr);
    while (rc == rcOk) {
        echo_Server_dispatch(&ops, &req.hdr, sizeof(req), &res.hdr, sizeof(res), NULL, 0);
        req.hdr.size = sizeof(req) - sizeof(SMsgHdr);
        rc = ReplyRecv(listener, &res.hdr, &req.hdr, INFINITE_TIMEOUT);
    }
    return 0;
}
