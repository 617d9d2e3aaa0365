/* admit.Server: answers Hello(value) with value + 1 and prints each request
 * it gets (the refused ones never arrive). */
#include <coresrv/channel/channel_api.h>
#include <coresrv/syscalls.h>
#include <stdio.h>
#include <uapi/syscall.h>
#include "admit/Server.edl.h"

static Retcode hello(void *ctx, uint32_t value, uint32_t *result)
{
    (void)ctx;
    printf("Server: Hello(%u)\n", value);
    *result = value + 1;
    return rcOk;
}

static const struct admit_IHello_ops hello_ops = { .Hello = hello };

int main(void)
{
    Handle listener;
    if (KnChannelLookup("admit.Server", SERVICE_SERVER, &listener)) {
        fprintf(stderr, "Server: no channel\n");
        return 1;
    }
    static union { SMsgHdr hdr; uint8_t raw[admit_Server_req_max]; } req;
    static union { SMsgHdr hdr; uint8_t raw[admit_Server_res_max]; } res;
    const struct admit_Server_ops ops = { .hello = &hello_ops };
    req.hdr.size = sizeof(req) - sizeof(SMsgHdr);
    Retcode rc = Recv(listener, &req.hdr);
    while (rc == rcOk) {
        admit_Server_dispatch(&ops, &req.hdr, sizeof(req), &res.hdr, sizeof(res), NULL, 0);
        req.hdr.size = sizeof(req) - sizeof(SMsgHdr);
        rc = ReplyRecv(listener, &res.hdr, &req.hdr, INFINITE_TIMEOUT);
    }
    return 0;
}
