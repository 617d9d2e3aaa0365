/*
 * coresrv/nk/transport-kos.h: NkKosTransport, the NK transport over the
 * kernel's IPC (Call, Recv, Reply), with the KasperskyOS names. Including it
 * selects the KasperskyOS form of every header tools/nk generates
 * (<pkg>/<Name>.idl.h, .cdl.h, .edl.h): include it first (docs/IDL.md).
 */
#ifndef CORESRV_NK_TRANSPORT_KOS_H
#define CORESRV_NK_TRANSPORT_KOS_H

#ifndef NK_KOS_API
#define NK_KOS_API 1
#endif

#include <nk/arena.h>
#include <nk/transport.h>
#include <nk/types.h>
#include <rtl/retcode.h>
#include <rtl/types.h>
#include <coresrv/syscalls.h>

/* struct NkKosTransport {base, handle, timeout_ns}: nk/transport.h. */
typedef struct NkKosTransport NkKosTransport;

/* Set up `transport` over IPC handle `handle`. `callbacks`/`ncallbacks`
 * (KasperskyOS: per-call hooks) must be NK_NULL/0 here. */
void NkKosTransport_Init(NkKosTransport *transport, Handle handle, const void *callbacks,
                         nk_uint32_t ncallbacks);

/* Timeout of calls and receives in nanoseconds (KasperskyOS takes
 * milliseconds in NkKosSetTimeout; so does this). */
void NkKosSetTimeout(NkKosTransport *transport, nk_uint32_t timeout_ms);

#endif
