/* Device access: coresrv/io/io_api.h over kl.core.Io. */
#include "kcall.h"
#include <coresrv/io/io_api.h>

Retcode KnIoMapMmio(rtl_uint64_t pa, rtl_size_t size, void **addr)
{
    kl_core_Io_MapMmio_req req = { .pa = pa, .size = size };
    kl_core_Io_MapMmio_res res;
    Retcode rc = KCALL(Io, io, MapMmio, &req, &res);
    *addr = rc == rcOk ? (void *)(uintptr_t)res.addr : NULL;
    return rc;
}

Retcode KnIoAttachIrq(rtl_uint32_t intid, Handle *irq)
{
    kl_core_Io_AttachIrq_req req = { .intid = intid };
    kl_core_Io_AttachIrq_res res;
    Retcode rc = KCALL(Io, io, AttachIrq, &req, &res);
    if (rc == rcOk && irq)
        *irq = res.irq;
    return rc;
}

Retcode KnIoWaitIrq(Handle irq, rtl_uint64_t timeoutNs)
{
    kl_core_Io_WaitIrq_req req = { .irq = irq, .timeoutNs = timeoutNs };
    kl_core_Io_WaitIrq_res res;
    return KCALL(Io, io, WaitIrq, &req, &res);
}

Retcode KnIoAckIrq(Handle irq)
{
    kl_core_Io_AckIrq_req req = { .irq = irq };
    kl_core_Io_AckIrq_res res;
    return KCALL(Io, io, AckIrq, &req, &res);
}

Retcode KnIoAllocDma(rtl_size_t size, void **addr, rtl_uint64_t *pa)
{
    kl_core_Io_AllocDma_req req = { .size = size };
    kl_core_Io_AllocDma_res res;
    Retcode rc = KCALL(Io, io, AllocDma, &req, &res);
    *addr = rc == rcOk ? (void *)(uintptr_t)res.addr : NULL;
    if (rc == rcOk && pa)
        *pa = res.pa;
    return rc;
}

Retcode KnIoFindDevice(const char *compatible, rtl_uint32_t index, rtl_uint64_t *base,
                       rtl_uint64_t *size, rtl_uint32_t *intid)
{
    char buf[kl_core_Io_FindDevice_req_arena_size];
    struct nk_arena arena = NK_ARENA_INITIALIZER(buf, buf + sizeof buf);
    kl_core_Io_FindDevice_req req = { .index = index };
    kl_core_Io_FindDevice_res res;
    Retcode rc = kcall_put_string(&arena, &req.compatible, compatible, kl_core_Io_CompatibleMax);
    if (rc == rcOk)
        rc = KCALL_ARENA(Io, io, FindDevice, &req, &arena, &res);
    uint64_t b = res.base, s = res.size;
    uint32_t i = res.intid;
    if (base)
        *base = rc == rcOk ? b : 0;
    if (size)
        *size = rc == rcOk ? s : 0;
    if (intid)
        *intid = rc == rcOk ? i : 0;
    return rc;
}
