/*
 * coresrv/handle/handle_api.h: the calling task's handles, through the
 * kernel endpoint kl.core.Handle (rights in uapi/handle.h). Every function
 * returns a Retcode; a forged or stale handle gives rcInvalidArgument.
 */
#ifndef CORESRV_HANDLE_HANDLE_API_H
#define CORESRV_HANDLE_HANDLE_API_H

#include <rtl/types.h>
#include <uapi/handle.h>
#include <uapi/msg.h>
#include <uapi/retcode.h>

/* Closes one handle; its descendants stay valid (their parent moves up). */
Retcode KnHandleClose(Handle handle);
/* A new handle to the same object with `rights` (a subset of the held
 * rights: rcNoCapability otherwise; needs RIGHT_COPY). */
Retcode KnHandleCopy(Handle handle, rtl_uint32_t rights, Handle *copy);
/* Closes the handle and invalidates every descendant in every task: they
 * answer rcHandleRevoked from then on. */
Retcode KnHandleRevoke(Handle handle);
/* A handle to a new user object (KOBJ_USER) carrying `context`, for a
 * resource provider to hand to its clients. rcQuotaExceeded when the task's
 * handle table (HANDLE_QUOTA_DEFAULT) is full. */
Retcode KnHandleCreateUserObject(rtl_uint32_t type, rtl_uint32_t rights, void *context,
                                 Handle *handle);
/* The object type (KOBJ_*) and rights of a handle. */
Retcode KnHandleInfo(Handle handle, rtl_uint32_t *type, rtl_uint32_t *rights);

#endif
