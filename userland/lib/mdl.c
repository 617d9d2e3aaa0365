/* MDL buffers (shared memory): the KnPmmMdl* calls of coresrv/vmm/vmm_api.h over kl.core.Mdl. */
#include <coresrv/vmm/vmm_api.h>
#include "kcall.h"
#include "layout.h"

Retcode KnPmmMdlCreate(rtl_size_t size, rtl_uint32_t prot, Handle *outHandle)
{
    if (!outHandle)
        return rcInvalidArgument;
    uint32_t h = 0;
    struct kl_core_Mdl_proxy p = kcall_mdl();
    Retcode rc = kl_core_Mdl_Create(&p, size, prot, &h);
    *outHandle = rc == rcOk ? h : 0;
    return rc;
}

Retcode KnPmmMdlCreateFromVm(void *addr, rtl_size_t size, rtl_uint32_t prot, Handle *outHandle)
{
    if (!outHandle)
        return rcInvalidArgument;
    uint32_t h = 0;
    struct kl_core_Mdl_proxy p = kcall_mdl();
    Retcode rc = kl_core_Mdl_CreateFromVm(&p, (uint64_t)(uintptr_t)addr, size, prot, &h);
    *outHandle = rc == rcOk ? h : 0;
    return rc;
}

Retcode KnPmmMdlGetSize(Handle handle, rtl_size_t *size)
{
    if (!size)
        return rcInvalidArgument;
    uint64_t s = 0;
    struct kl_core_Mdl_proxy p = kcall_mdl();
    Retcode rc = kl_core_Mdl_GetSize(&p, handle, &s);
    *size = s;
    return rc;
}

static Retcode map(Handle handle, rtl_size_t offset, rtl_size_t length, uint64_t hint,
                   rtl_uint32_t prot, rtl_uint32_t flags, void **addr)
{
    uint64_t at = 0;
    struct kl_core_Mdl_proxy p = kcall_mdl();
    Retcode rc = kl_core_Mdl_Map(&p, handle, offset, length, hint, prot, flags, &at);
    *addr = rc == rcOk ? (void *)(uintptr_t)at : NULL;
    return rc;
}

Retcode KnPmmMdlMap(Handle handle, rtl_size_t offset, rtl_size_t length, void **addr,
                    rtl_uint32_t prot)
{
    if (!addr)
        return rcInvalidArgument;
    uint64_t hint = *addr ? (uint64_t)(uintptr_t)*addr : KOS_HEAP_END;   /* clear of the heap */
    return map(handle, offset, length, hint, prot, 0, addr);
}

Retcode KnPmmMdlMapFixed(Handle handle, rtl_size_t offset, rtl_size_t length, void *at,
                         rtl_uint32_t prot)
{
    void *out;
    return map(handle, offset, length, (uint64_t)(uintptr_t)at, prot, VM_FIXED, &out);
}

Retcode KnPmmMdlUnmap(void *addr, rtl_size_t size)
{
    struct kl_core_Mdl_proxy p = kcall_mdl();
    return kl_core_Mdl_Unmap(&p, (uint64_t)(uintptr_t)addr, size);
}
