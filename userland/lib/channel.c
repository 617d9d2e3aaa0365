/* Named channels: coresrv/channel/channel_api.h over kl.core.Channel. */
#include "kcall.h"
#include <coresrv/channel/channel_api.h>

Retcode KnChannelCreate(Handle client, Handle server, const char *name)
{
    char buf[kl_core_Channel_Create_req_arena_size];
    struct nk_arena arena = NK_ARENA_INITIALIZER(buf, buf + sizeof buf);
    kl_core_Channel_Create_req req = { .clientTask = client, .serverTask = server };
    kl_core_Channel_Create_res res;
    Retcode rc = kcall_put_string(&arena, &req.name, name, kl_core_Channel_NameMax);
    return rc == rcOk ? KCALL_ARENA(Channel, channel, Create, &req, &arena, &res) : rc;
}

Retcode KnChannelLookup(const char *name, rtl_uint32_t role, Handle *handle)
{
    char buf[kl_core_Channel_Lookup_req_arena_size];
    struct nk_arena arena = NK_ARENA_INITIALIZER(buf, buf + sizeof buf);
    kl_core_Channel_Lookup_req req = { .role = role };
    kl_core_Channel_Lookup_res res;
    Retcode rc = kcall_put_string(&arena, &req.name, name, kl_core_Channel_NameMax);
    if (rc == rcOk)
        rc = KCALL_ARENA(Channel, channel, Lookup, &req, &arena, &res);
    if (rc == rcOk && handle)
        *handle = res.handle;
    return rc;
}
