/*
 * coresrv/sl/sl_api.h: the Service Locator (KasperskyOS names). A program
 * finds the ends of the static channels Einit created from init.yaml by
 * channel name, and an endpoint's RIID by its "component.endpoint" path,
 * on top of KnChannelLookup (coresrv/channel/channel_api.h) and the RIID
 * records tools/nk generates in each <Class>.edl.h (docs/IDL.md).
 */
#ifndef CORESRV_SL_SL_API_H
#define CORESRV_SL_SL_API_H

#include <rtl/types.h>
#include <uapi/msg.h>

/* A runtime interface id (RIID); INVALID_RIID = no such endpoint. */
typedef rtl_uint32_t nk_iid_t;
#define INVALID_RIID ((nk_iid_t)0xFFFFFFFFu)

/* What ServiceLocatorRegister writes to *id (KasperskyOS: obsolete). */
typedef rtl_uint32_t ServiceId;

/* The client IPC handle of channel `channelName` (the connection `id` in
 * init.yaml), or INVALID_HANDLE. */
Handle ServiceLocatorConnect(const char *channelName);

/* The listener handle of this task, which serves channel `channelName`
 * (one listener serves all of a task's channels), or INVALID_HANDLE.
 * `endpoints`/`endpointsSize` are obsolete in KasperskyOS: pass RTL_NULL
 * (NULL) and 0. `id`, when not NULL, gets 0 (obsolete too). */
Handle ServiceLocatorRegister(const char *channelName, const void *endpoints,
                              rtl_size_t endpointsSize, rtl_uint32_t *id);

/* The RIID of endpoint `endpointName` ("ctl", "main.store": component
 * instance names, then the endpoint) of the server class behind `handle`,
 * or INVALID_RIID. The class is the one named like the channel `handle`
 * was connected to with ServiceLocatorConnect (init.yaml's usual `id:
 * <server class>`); otherwise the endpoint must have one RIID in every
 * class whose <Class>.edl.h the program includes. */
nk_iid_t ServiceLocatorGetRiid(Handle handle, const char *endpointName);

#endif
