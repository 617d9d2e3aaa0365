/* Handles of the calling task: coresrv/handle/handle_api.h over kl.core.Handle. */
#include <coresrv/handle/handle_api.h>
#include "kcall.h"

Retcode KnHandleClose(Handle handle)
{
    struct kl_core_Handle_proxy p = kcall_handle();
    return kl_core_Handle_Close(&p, handle);
}

Retcode KnHandleCopy(Handle handle, rtl_uint32_t rights, Handle *copy)
{
    struct kl_core_Handle_proxy p = kcall_handle();
    return kl_core_Handle_Copy(&p, handle, rights, copy);
}

Retcode KnHandleRevoke(Handle handle)
{
    struct kl_core_Handle_proxy p = kcall_handle();
    return kl_core_Handle_Revoke(&p, handle);
}

Retcode KnHandleCreateUserObject(rtl_uint32_t type, rtl_uint32_t rights, void *context,
                                 Handle *handle)
{
    struct kl_core_Handle_proxy p = kcall_handle();
    return kl_core_Handle_CreateUserObject(&p, type, rights, (uint64_t)(uintptr_t)context, handle);
}

Retcode KnHandleInfo(Handle handle, rtl_uint32_t *type, rtl_uint32_t *rights)
{
    struct kl_core_Handle_proxy p = kcall_handle();
    return kl_core_Handle_Info(&p, handle, type, rights);
}
