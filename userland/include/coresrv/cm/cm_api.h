/*
 * coresrv/cm/cm_api.h: dynamic channels (KasperskyOS KnCm*) through the
 * kernel endpoint kl.core.Cm (docs/ABI.md, "Dynamic channels"). A server
 * publishes a service (coresrv/ns/ns_api.h); a client connects by server and
 * service name; the server listens, then accepts or drops the request. Names:
 * 1..47 characters (KN_CM_NAME_MAX with the NUL); longer: rcBufferTooLarge.
 */
#ifndef CORESRV_CM_CM_API_H
#define CORESRV_CM_CM_API_H

#include <rtl/types.h>
#include <uapi/msg.h>
#include <uapi/retcode.h>
#include <uapi/syscall.h>   /* INFINITE_TIMEOUT */

#define KN_CM_NAME_MAX 48u
#define KN_CM_INFINITE 0xffffffffu   /* msecs: wait forever */

/* Asks `server`'s `service` for a channel and waits up to msecs (INFINITE_TIMEOUT:
 * forever) for the server to accept: *handle is the client end (RIGHT_IPC_CALL).
 * rcResourceNotFound: not published; rcAbort: the server dropped the request;
 * rcTimeout; rcSecurityDisallow: the policy refuses the caller's Connect. */
Retcode KnCmConnect(const char *server, const char *service, rtl_uint32_t msecs, Handle *handle);
/* Waits up to msecs for a request to one of the caller's services (filter: a
 * service name, NULL or "" = any); gives the client task's name and the
 * service (buffers of KN_CM_NAME_MAX). The request stays pending until
 * KnCmAccept or KnCmDrop. */
Retcode KnCmListen(const char *filter, rtl_uint32_t msecs, char *client, char *service);
/* Accepts the oldest request of `client` for `service`. rsid is not used (the
 * riid is the client's business); listener: INVALID_HANDLE or the caller's
 * listener. *handle: the caller's listener, where the requests arrive.
 * rcResourceNotFound: no such request (also: accepted or dropped already). */
Retcode KnCmAccept(const char *client, const char *service, rtl_uint32_t rsid, Handle listener,
                   Handle *handle);
/* An addition: KnCmAccept that also gives the server's handle to the new
 * channel (revoke it with KnHandleRevoke to drop the channel: the client's
 * handle then answers rcHandleRevoked) and the channel's badge (the `badge`
 * of its requests and of its disconnect notice). Any out pointer may be NULL. */
Retcode KnCmAcceptEx(const char *client, const char *service, Handle *listener,
                     Handle *connection, rtl_uint32_t *badge);
/* Refuses the oldest request of `client` for `service` (its Connect: rcAbort). */
Retcode KnCmDrop(const char *client, const char *service);

#endif
