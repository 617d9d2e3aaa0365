/* bypass.Server: keeps one value per channel, told apart by the request's
 * badge (which only the kernel writes; each implementation reads it from the
 * request it serves, docs/IDL.md "Caller identity"). It remembers the badges
 * whose disconnect notice came and counts requests that still arrive on one
 * of them (a reused badge: must stay 0). tests/test_policy_bypass.py.
 * KasperskyOS form: bypass_Server_entity_dispatch; it receives with Recv
 * itself, as NkKosTransport's receive hides the disconnect notices. */
#include <coresrv/nk/transport-kos.h>
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

/* The channel of `badge`, a new one if there is room, else NULL. */
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

/* main() answers a request with no channel slot itself: here there is one. */
#define CALLER(req) channel_of(nk_msg_badge(req))

static nk_err_t put(struct bypass_IStore *self, const bypass_IStore_Put_req *req,
                    const struct nk_arena *req_arena, bypass_IStore_Put_res *res,
                    struct nk_arena *res_arena)
{
    (void)self, (void)req_arena, (void)res, (void)res_arena;
    CALLER(req)->value = req->value;
    return NK_EOK;
}

static nk_err_t get(struct bypass_IStore *self, const bypass_IStore_Get_req *req,
                    const struct nk_arena *req_arena, bypass_IStore_Get_res *res,
                    struct nk_arena *res_arena)
{
    (void)self, (void)req_arena, (void)res_arena;
    res->value = CALLER(req)->value;
    return NK_EOK;
}

static nk_err_t whoami(struct bypass_IStore *self, const bypass_IStore_Whoami_req *req,
                       const struct nk_arena *req_arena, bypass_IStore_Whoami_res *res,
                       struct nk_arena *res_arena)
{
    (void)self, (void)req_arena, (void)res_arena;
    res->badge = CALLER(req)->badge;
    return NK_EOK;
}

static nk_err_t stats(struct bypass_IStore *self, const bypass_IStore_Stats_req *req,
                      const struct nk_arena *req_arena, bypass_IStore_Stats_res *res,
                      struct nk_arena *res_arena)
{
    (void)self, (void)req, (void)req_arena, (void)res_arena;
    res->notices = notices;
    res->reused = reused;
    return NK_EOK;
}

static nk_err_t wipe(struct bypass_IAdmin *self, const bypass_IAdmin_Wipe_req *req,
                     const struct nk_arena *req_arena, bypass_IAdmin_Wipe_res *res,
                     struct nk_arena *res_arena)
{
    (void)self, (void)req_arena, (void)res, (void)res_arena;
    struct channel *cur = CALLER(req);
    for (int i = 0; i < MAX_CHANNELS; i++)
        if (req->all || &channels[i] == cur)
            channels[i].value = 0;
    return NK_EOK;
}

int main(void)
{
    Handle listener = ServiceLocatorRegister("bypass.Vault", NULL, 0, NULL);
    if (listener == INVALID_HANDLE) {
        printf("Server: no listener\n");
        return 1;
    }
    NkKosTransport transport;
    NkKosTransport_Init(&transport, listener, NK_NULL, 0);
    static const struct bypass_IStore_ops store_ops = {
        .Put = put, .Get = get, .Whoami = whoami, .Stats = stats,
    };
    static const struct bypass_IAdmin_ops admin_ops = { .Wipe = wipe };
    static struct bypass_IStore store = { &store_ops };
    static struct bypass_IAdmin admin = { &admin_ops };
    bypass_Server_entity entity;
    bypass_Server_entity_init(&entity, &store, &admin);

    static bypass_Server_entity_req req;
    static bypass_Server_entity_res res;
    static _Alignas(8) char req_buf[bypass_Server_entity_req_arena_size + 8];
    static _Alignas(8) char res_buf[bypass_Server_entity_res_arena_size + 8];
    struct nk_arena req_arena = NK_ARENA_INITIALIZER(req_buf, req_buf + sizeof(req_buf));
    struct nk_arena res_arena = NK_ARENA_INITIALIZER(res_buf, res_buf + sizeof(res_buf));
    for (;;) {
        nk_req_reset(&req);
        nk_arena_reset(&req_arena);
        nk_arena_reset(&res_arena);
        SMsgHdr *h = &req.base_.hdr;
        nk_kos_recv_arena(h, &req_arena);
        if (Recv(listener, h) != rcOk)
            continue;
        nk_kos_got_arena(h, &req_arena);
        struct channel *cur = channel_of(h->badge);
        if (h->mid == MSG_MID_DISCONNECT) {  /* from the kernel: nothing to answer */
            notices++;
            if (cur)
                cur->closed = true;
            printf("Server: channel %u closed\n", h->badge);
            continue;
        }
        if (cur && cur->closed) {
            reused++;
            printf("Server: request on the closed channel %u\n", h->badge);
        }
        if (cur) {
            bypass_Server_entity_dispatch(&entity, &req.base_, &req_arena, &res.base_, &res_arena);
        } else {                              /* no room for one more channel: an error reply */
            int32_t err = rcOutOfMemory;
            memset(&res, 0, sizeof(res));
            res.base_.hdr.mid = MSG_MID_ERROR;
            res.base_.hdr.size = sizeof(err);
            memcpy((char *)&res + sizeof(SMsgHdr), &err, sizeof(err));
            nk_arena_reset(&res_arena);
        }
        nk_err_t rc = nk_transport_reply(&transport.base, &res.base_, &res_arena);
        if (rc != NK_EOK)
            printf("Server: reply to %u.%u refused: rc %d\n", h->riid, h->mid, rc);
    }
}
