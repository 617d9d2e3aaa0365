/* bypass.Server: keeps one value per channel, told apart by the request's
 * badge (which only the kernel writes). It remembers the badges whose
 * disconnect notice came and counts requests that still arrive on one of them
 * (a reused badge: must stay 0). tests/test_policy_bypass.py. */
#include <coresrv/sl/sl_api.h>
#include <coresrv/syscalls.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include "bypass/Server.edl.h"

#define MAX_CHANNELS 16

static struct channel {
    uint32_t badge, value;
    bool closed;                             /* its disconnect notice came */
} channels[MAX_CHANNELS];
static uint32_t notices, reused;
static struct channel *cur;                  /* the channel of the request being served */

static struct channel *channel_of(uint32_t badge)
{
    struct channel *free_slot = NULL;
    for (int i = 0; i < MAX_CHANNELS; i++) {
        if (channels[i].badge == badge)
            return &channels[i];
        if (!channels[i].badge && !free_slot)
            free_slot = &channels[i];
    }
    if (free_slot)
        *free_slot = (struct channel){ .badge = badge };
    return free_slot;
}

static Retcode put(void *ctx, uint32_t value)
{
    (void)ctx;
    cur->value = value;
    return rcOk;
}

static Retcode get(void *ctx, uint32_t *value)
{
    (void)ctx;
    *value = cur->value;
    return rcOk;
}

static Retcode whoami(void *ctx, uint32_t *badge)
{
    (void)ctx;
    *badge = cur->badge;
    return rcOk;
}

static Retcode stats(void *ctx, uint32_t *n, uint32_t *r)
{
    (void)ctx;
    *n = notices;
    *r = reused;
    return rcOk;
}

static Retcode wipe(void *ctx, uint32_t all)
{
    (void)ctx;
    for (int i = 0; i < MAX_CHANNELS; i++)
        if (all || &channels[i] == cur)
            channels[i].value = 0;
    return rcOk;
}

static const struct bypass_IStore_ops store_ops = {
    .Put = put, .Get = get, .Whoami = whoami, .Stats = stats,
};
static const struct bypass_IAdmin_ops admin_ops = { .Wipe = wipe };

int main(void)
{
    Handle listener = ServiceLocatorRegister("bypass.Vault", NULL, 0, NULL);
    if (listener == INVALID_HANDLE) {
        printf("Server: no listener\n");
        return 1;
    }
    static union { SMsgHdr hdr; uint8_t raw[bypass_Server_req_max]; } req;
    static union { SMsgHdr hdr; uint8_t raw[bypass_Server_res_max]; } res;
    static _Alignas(8) uint8_t req_arena[bypass_Server_req_arena_max + 8];
    static _Alignas(8) uint8_t res_arena[bypass_Server_res_arena_max + 8];
    const struct bypass_Server_ops ops = { .store = &store_ops, .admin = &admin_ops };
    for (;;) {
        req.hdr.size = sizeof(req) - sizeof(SMsgHdr);
        req.hdr.arena = (uintptr_t)req_arena;
        req.hdr.arena_cap = sizeof(req_arena);
        if (Recv(listener, &req.hdr) != rcOk)
            continue;
        cur = channel_of(req.hdr.badge);
        if (req.hdr.mid == MSG_MID_DISCONNECT) {  /* from the kernel: nothing to answer */
            notices++;
            if (cur)
                cur->closed = true;
            printf("Server: channel %u closed\n", req.hdr.badge);
            continue;
        }
        if (cur && cur->closed) {
            reused++;
            printf("Server: request on the closed channel %u\n", req.hdr.badge);
        }
        if (cur) {
            bypass_Server_dispatch(&ops, &req.hdr, sizeof(req), &res.hdr, sizeof(res), res_arena,
                                   sizeof(res_arena));
        } else {                              /* no room for one more channel: an error reply */
            int32_t err = rcOutOfMemory;
            memset(&res.hdr, 0, sizeof(res.hdr));
            res.hdr.mid = MSG_MID_ERROR;
            res.hdr.size = sizeof(err);
            memcpy(res.raw + sizeof(SMsgHdr), &err, sizeof(err));
        }
        Retcode rc = Reply(listener, &res.hdr);
        if (rc != rcOk)
            printf("Server: reply to %u.%u refused: rc %d\n", req.hdr.riid, req.hdr.mid, rc);
    }
}
