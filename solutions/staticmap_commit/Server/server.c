/* limit.Server: accepts Set, Commit, Rollback and Use and prints each request
 * it gets (the refused ones never arrive); the limit itself lives in the
 * policy's StaticMap object. */
#include <coresrv/channel/channel_api.h>
#include <coresrv/syscalls.h>
#include <stdio.h>
#include <uapi/syscall.h>
#include "limit/Server.edl.h"

static Retcode set(void *ctx, uint32_t value)
{
    (void)ctx;
    printf("Server: Set(%u)\n", value);
    return rcOk;
}

static Retcode commit(void *ctx)
{
    (void)ctx;
    printf("Server: Commit\n");
    return rcOk;
}

static Retcode rollback(void *ctx)
{
    (void)ctx;
    printf("Server: Rollback\n");
    return rcOk;
}

static Retcode use(void *ctx, uint32_t amount, uint32_t *result)
{
    (void)ctx;
    printf("Server: Use(%u)\n", amount);
    *result = amount;
    return rcOk;
}

static const struct limit_ILimit_ops limit_ops = {
    .Set = set, .Commit = commit, .Rollback = rollback, .Use = use };

int main(void)
{
    Handle listener;
    if (KnChannelLookup("limit.Server", SERVICE_SERVER, &listener)) {
        fprintf(stderr, "Server: no channel\n");
        return 1;
    }
    static union { SMsgHdr hdr; uint8_t raw[limit_Server_req_max]; } req;
    static union { SMsgHdr hdr; uint8_t raw[limit_Server_res_max]; } res;
    const struct limit_Server_ops ops = { .limit = &limit_ops };
    req.hdr.size = sizeof(req) - sizeof(SMsgHdr);
    Retcode rc = Recv(listener, &req.hdr);
    while (rc == rcOk) {
        limit_Server_dispatch(&ops, &req.hdr, sizeof(req), &res.hdr, sizeof(res), NULL, 0);
        req.hdr.size = sizeof(req) - sizeof(SMsgHdr);
        rc = ReplyRecv(listener, &res.hdr, &req.hdr, INFINITE_TIMEOUT);
    }
    return 0;
}
