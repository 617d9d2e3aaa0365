/*
 * Internal: the kernel endpoints (kl.core.Core) through the KasperskyOS-form
 * proxies tools/nk generates from the kl.core IDL files (docs/IDL.md,
 * "KasperskyOS API"). Every kernel service goes through Call on
 * KERNEL_HANDLE, like any IPC, over one NkKosTransport (kcall_transport).
 * Include this header first in a libkos file: it selects the KasperskyOS form.
 */
#ifndef LIBKOS_KCALL_H
#define LIBKOS_KCALL_H

#include <coresrv/nk/transport-kos.h>
#define NK_NO_SL_TABLE 1            /* libkos is no class: no Service Locator records */
#include <kos/ipc.h>
#include <uapi/handle.h>
#include "kl/core/Core.edl.h"

/* The transport to the kernel endpoints: KERNEL_HANDLE, no timeout. Constant
 * and in every file, so that the inlined call (nk/transport.h) folds to a
 * bare Call. Calls only read a transport: the cast below never writes. */
static const NkKosTransport kcall_transport = { { &nk_kos_transport_ops }, KERNEL_HANDLE,
                                                INFINITE_TIMEOUT };

/* kcall_<ep>(): a proxy for endpoint `ep` of the kernel (RIID kl_core_Core_<ep>_iid). */
#define KCALL_PROXY(iface, ep)                                                  \
    static inline struct kl_core_##iface##_proxy kcall_##ep(void)               \
    {                                                                           \
        struct kl_core_##iface##_proxy p;                                       \
        kl_core_##iface##_proxy_init(&p, (struct nk_transport *)&kcall_transport.base,   \
                                     kl_core_Core_##ep##_iid);                   \
        return p;                                                               \
    }
KCALL_PROXY(Handle, handle)
KCALL_PROXY(Thread, thread)
KCALL_PROXY(Task, task)
KCALL_PROXY(Channel, channel)
KCALL_PROXY(Vmm, vmm)
KCALL_PROXY(Sys, sys)
KCALL_PROXY(Io, io)
KCALL_PROXY(Mdl, mdl)
KCALL_PROXY(Notice, notice)
KCALL_PROXY(Cm, cm)
#undef KCALL_PROXY

/* kcall(iface, ep, Method, req, res): call Method of endpoint `ep` with the
 * request `req` (constant part filled, no arena) into `res`. */
#define KCALL(iface, ep, method, req, res)                                      \
    ({                                                                          \
        struct kl_core_##iface##_proxy kc_p_ = kcall_##ep();                    \
        kl_core_##iface##_##method(&kc_p_.base, (req), NK_NULL, (res), NK_NULL); \
    })
/* The same with a request arena. */
#define KCALL_ARENA(iface, ep, method, req, req_arena, res)                     \
    ({                                                                          \
        struct kl_core_##iface##_proxy kc_p_ = kcall_##ep();                    \
        kl_core_##iface##_##method(&kc_p_.base, (req), (req_arena), (res), NK_NULL); \
    })

/* Put the NUL-terminated string s (shorter than max bytes with its NUL) into
 * the request arena: rcInvalidArgument for NULL, rcBufferTooLarge when too long. */
static inline Retcode kcall_put_string(struct nk_arena *a, nk_ptr_t *d, const char *s,
                                       nk_uint32_t max)
{
    if (s == NK_NULL)
        return rcInvalidArgument;
    size_t n = strnlen(s, max);
    if (n >= max)
        return rcBufferTooLarge;
    return nk_arena_store(char, a, d, s, n + 1) == NK_EOK ? rcOk : rcBufferTooLarge;
}

#endif
