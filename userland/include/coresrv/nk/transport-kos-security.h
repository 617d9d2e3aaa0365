/*
 * coresrv/nk/transport-kos-security.h: NkKosSecurityTransport, the NK
 * transport to the security module (KasperskyOS name). A proxy of the
 * class's security interface over it asks the kernel's security module
 * (Call on KERNEL_HANDLE with riid <Class>_securityIid = MSG_RIID_SECURITY,
 * docs/IDL.md "Security interface"): NK_EOK when the policy grants,
 * rcSecurityDisallow when it denies, rcInvalidArgument for a malformed call.
 */
#ifndef CORESRV_NK_TRANSPORT_KOS_SECURITY_H
#define CORESRV_NK_TRANSPORT_KOS_SECURITY_H

#include <coresrv/nk/transport-kos.h>

/* An NkKosTransport on KERNEL_HANDLE: calls only (nothing is received on it). */
typedef struct NkKosTransport NkKosSecurityTransport;

/* Set up `transport`; `callbacks`/`ncallbacks` must be NK_NULL/0 (as for
 * NkKosTransport_Init). Returns NK_EOK. */
nk_err_t NkKosSecurityTransport_Init(NkKosSecurityTransport *transport, const void *callbacks,
                                     nk_uint32_t ncallbacks);

#endif
