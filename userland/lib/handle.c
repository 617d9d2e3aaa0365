/* Handles of the calling task: coresrv/handle/handle_api.h over kl.core.Handle. */
#include "kcall.h"
#include <coresrv/handle/handle_api.h>

Retcode KnHandleClose(Handle handle)
{
    kl_core_Handle_Close_req req = { .handle = handle };
    kl_core_Handle_Close_res res;
    return KCALL(Handle, handle, Close, &req, &res);
}

Retcode KnHandleCopy(Handle handle, rtl_uint32_t rights, Handle *copy)
{
    kl_core_Handle_Copy_req req = { .handle = handle, .rights = rights };
    kl_core_Handle_Copy_res res;
    Retcode rc = KCALL(Handle, handle, Copy, &req, &res);
    if (rc == rcOk && copy)
        *copy = res.copy;
    return rc;
}

Retcode KnHandleRevoke(Handle handle)
{
    kl_core_Handle_Revoke_req req = { .handle = handle };
    kl_core_Handle_Revoke_res res;
    return KCALL(Handle, handle, Revoke, &req, &res);
}

Retcode KnHandleCreateUserObject(rtl_uint32_t type, rtl_uint32_t rights, void *context,
                                 Handle *handle)
{
    kl_core_Handle_CreateUserObject_req req = { .type = type, .rights = rights,
                                                .context = (uint64_t)(uintptr_t)context };
    kl_core_Handle_CreateUserObject_res res;
    Retcode rc = KCALL(Handle, handle, CreateUserObject, &req, &res);
    if (rc == rcOk && handle)
        *handle = res.handle;
    return rc;
}

Retcode KnHandleInfo(Handle handle, rtl_uint32_t *type, rtl_uint32_t *rights)
{
    kl_core_Handle_Info_req req = { .handle = handle };
    kl_core_Handle_Info_res res;
    Retcode rc = KCALL(Handle, handle, Info, &req, &res);
    if (rc == rcOk && type)
        *type = res.type;
    if (rc == rcOk && rights)
        *rights = res.rights;
    return rc;
}
