/* MDL buffers (shared memory): the KnPmmMdl* calls of coresrv/vmm/vmm_api.h over kl.core.Mdl. */
#include <coresrv/vmm/vmm_api.h>
#include "kcall.h"
#include "layout.h"

Retcode KnPmmMdlCreate(rtl_size_t size, rtl_uint32_t prot, Handle *outHandle)
{
    if (!outHandle)
        return rcInvalidArgument;
    kl_core_Mdl_Create_req req = { .size = size, .prot = prot };
    kl_core_Mdl_Create_res res;
    Retcode rc = KCALL(Mdl, mdl, Create, &req, &res);
    *outHandle = rc == rcOk ? res.handle : 0;
    return rc;
}

Retcode KnPmmMdlCreateFromVm(void *addr, rtl_size_t size, rtl_uint32_t prot, Handle *outHandle)
{
    if (!outHandle)
        return rcInvalidArgument;
    kl_core_Mdl_CreateFromVm_req req = { .addr = (uint64_t)(uintptr_t)addr, .size = size,
                                         .prot = prot };
    kl_core_Mdl_CreateFromVm_res res;
    Retcode rc = KCALL(Mdl, mdl, CreateFromVm, &req, &res);
    *outHandle = rc == rcOk ? res.handle : 0;
    return rc;
}

Retcode KnPmmMdlGetSize(Handle handle, rtl_size_t *size)
{
    if (!size)
        return rcInvalidArgument;
    kl_core_Mdl_GetSize_req req = { .handle = handle };
    kl_core_Mdl_GetSize_res res;
    Retcode rc = KCALL(Mdl, mdl, GetSize, &req, &res);
    *size = rc == rcOk ? res.size : 0;
    return rc;
}

static Retcode map(Handle handle, rtl_size_t offset, rtl_size_t length, uint64_t hint,
                   rtl_uint32_t prot, rtl_uint32_t flags, void **addr)
{
    kl_core_Mdl_Map_req req = { .handle = handle, .offset = offset, .length = length,
                                .hint = hint, .prot = prot, .flags = flags };
    kl_core_Mdl_Map_res res;
    Retcode rc = KCALL(Mdl, mdl, Map, &req, &res);
    *addr = rc == rcOk ? (void *)(uintptr_t)res.addr : NULL;
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
    kl_core_Mdl_Unmap_req req = { .addr = (uint64_t)(uintptr_t)addr, .size = size };
    kl_core_Mdl_Unmap_res res;
    return KCALL(Mdl, mdl, Unmap, &req, &res);
}

Retcode KnPmmMdlCreateWindow(void *addr, rtl_size_t size, rtl_uint32_t prot, Handle *outHandle)
{
    if (!outHandle)
        return rcInvalidArgument;
    kl_core_Mdl_CreateWindow_req req = { .addr = (uint64_t)(uintptr_t)addr, .size = size,
                                         .prot = prot };
    kl_core_Mdl_CreateWindow_res res;
    Retcode rc = KCALL(Mdl, mdl, CreateWindow, &req, &res);
    *outHandle = rc == rcOk ? res.handle : 0;
    return rc;
}

Retcode KnPmmMdlRead(Handle handle, rtl_size_t offset, const KnMdlSeg *seg, rtl_uint32_t n,
                     rtl_size_t *done)
{
    kl_core_Mdl_Read_req req = { .handle = handle, .offset = offset,
                                 .iov = (uint64_t)(uintptr_t)seg, .niov = n };
    kl_core_Mdl_Read_res res = { 0 };
    Retcode rc = KCALL(Mdl, mdl, Read, &req, &res);
    if (done)
        *done = rc == rcOk ? res.done : 0;
    return rc;
}

Retcode KnPmmMdlWrite(Handle handle, rtl_size_t offset, const KnMdlSeg *seg, rtl_uint32_t n,
                      rtl_size_t *done)
{
    kl_core_Mdl_Write_req req = { .handle = handle, .offset = offset,
                                  .iov = (uint64_t)(uintptr_t)seg, .niov = n };
    kl_core_Mdl_Write_res res = { 0 };
    Retcode rc = KCALL(Mdl, mdl, Write, &req, &res);
    if (done)
        *done = rc == rcOk ? res.done : 0;
    return rc;
}

Retcode KnPmmMdlReadNew(Handle handle, rtl_size_t offset, rtl_size_t size, void **addr)
{
    if (!addr)
        return rcInvalidArgument;
    /* Kept clear of the heap reservation, as KnVmAllocate(NULL, ...). */
    kl_core_Mdl_ReadNew_req req = { .handle = handle, .offset = offset, .size = size,
                                    .hint = (uint64_t)KOS_HEAP_END };
    kl_core_Mdl_ReadNew_res res = { 0 };
    Retcode rc = KCALL(Mdl, mdl, ReadNew, &req, &res);
    *addr = rc == rcOk ? (void *)(uintptr_t)res.addr : NULL;
    return rc;
}
