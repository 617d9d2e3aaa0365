/* Device access: coresrv/io/io_api.h over kl.core.Io. */
#include <coresrv/io/io_api.h>
#include "kcall.h"

Retcode KnIoMapMmio(rtl_uint64_t pa, rtl_size_t size, void **addr)
{
    struct kl_core_Io_proxy p = kcall_io();
    uint64_t va = 0;
    Retcode rc = kl_core_Io_MapMmio(&p, pa, size, &va);
    *addr = rc == rcOk ? (void *)(uintptr_t)va : NULL;
    return rc;
}

Retcode KnIoAttachIrq(rtl_uint32_t intid, Handle *irq)
{
    struct kl_core_Io_proxy p = kcall_io();
    return kl_core_Io_AttachIrq(&p, intid, irq);
}

Retcode KnIoWaitIrq(Handle irq, rtl_uint64_t timeoutNs)
{
    struct kl_core_Io_proxy p = kcall_io();
    return kl_core_Io_WaitIrq(&p, irq, timeoutNs);
}

Retcode KnIoAckIrq(Handle irq)
{
    struct kl_core_Io_proxy p = kcall_io();
    return kl_core_Io_AckIrq(&p, irq);
}

Retcode KnIoAllocDma(rtl_size_t size, void **addr, rtl_uint64_t *pa)
{
    struct kl_core_Io_proxy p = kcall_io();
    uint64_t va = 0;
    Retcode rc = kl_core_Io_AllocDma(&p, size, &va, pa);
    *addr = rc == rcOk ? (void *)(uintptr_t)va : NULL;
    return rc;
}

Retcode KnIoFindDevice(const char *compatible, rtl_uint32_t index, rtl_uint64_t *base,
                       rtl_uint64_t *size, rtl_uint32_t *intid)
{
    struct kl_core_Io_proxy p = kcall_io();
    uint64_t b = 0, s = 0;
    uint32_t i = 0;
    if (!compatible)
        return rcInvalidArgument;
    Retcode rc = kl_core_Io_FindDevice(&p, compatible, index, &b, &s, &i);
    if (base)
        *base = rc == rcOk ? b : 0;
    if (size)
        *size = rc == rcOk ? s : 0;
    if (intid)
        *intid = rc == rcOk ? i : 0;
    return rc;
}
