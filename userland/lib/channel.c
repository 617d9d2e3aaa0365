/* Named channels: coresrv/channel/channel_api.h over kl.core.Channel. */
#include <coresrv/channel/channel_api.h>
#include "kcall.h"

Retcode KnChannelCreate(Handle client, Handle server, const char *name)
{
    struct kl_core_Channel_proxy p = kcall_channel();
    return name ? kl_core_Channel_Create(&p, client, server, name) : rcInvalidArgument;
}

Retcode KnChannelLookup(const char *name, rtl_uint32_t role, Handle *handle)
{
    struct kl_core_Channel_proxy p = kcall_channel();
    return name ? kl_core_Channel_Lookup(&p, name, role, handle) : rcInvalidArgument;
}
