/*
 * coresrv/channel/channel_api.h: named IPC channels, through the kernel
 * endpoint kl.core.Channel. Einit creates them; each side finds its end by
 * name (KasperskyOS: ServiceLocatorConnect / ServiceLocatorRegister).
 */
#ifndef CORESRV_CHANNEL_CHANNEL_API_H
#define CORESRV_CHANNEL_CHANNEL_API_H

#include <rtl/types.h>
#include <uapi/msg.h>
#include <uapi/retcode.h>
#include <uapi/syscall.h>   /* SERVICE_CLIENT, SERVICE_SERVER, SERVICE_NAME_MAX */

/* Connects task `client` to task `server` under `name` (both handles need
 * RIGHT_TASK_CONTROL); rcAlreadyExists if the client has that name. */
Retcode KnChannelCreate(Handle client, Handle server, const char *name);
/* This task's end of channel `name`: role SERVICE_CLIENT gives the client
 * end, SERVICE_SERVER the task's listener; rcResourceNotFound otherwise. */
Retcode KnChannelLookup(const char *name, rtl_uint32_t role, Handle *handle);

#endif
