/* Notifications: coresrv/notice/notice_api.h over kl.core.Notice. */
#include <coresrv/notice/notice_api.h>
#include "kcall.h"

Retcode KnNoticeCreate(Notice *notice)
{
    if (!notice)
        return rcInvalidArgument;
    kl_core_Notice_Create_req req;
    kl_core_Notice_Create_res res;
    Retcode rc = KCALL(Notice, notice, Create, &req, &res);
    *notice = rc == rcOk ? res.notice : 0;
    return rc;
}

Retcode KnNoticeSubscribeToObject(Notice notice, Handle object, rtl_uint32_t evMask,
                                  rtl_uint64_t evId)
{
    kl_core_Notice_SubscribeToObject_req req = { .notice = notice, .object = object,
                                                 .evMask = evMask, .evId = evId };
    kl_core_Notice_SubscribeToObject_res res;
    return KCALL(Notice, notice, SubscribeToObject, &req, &res);
}

Retcode KnNoticeUnsubscribeFromEvId(Notice notice, rtl_uint64_t evId)
{
    kl_core_Notice_UnsubscribeFromEvId_req req = { .notice = notice, .evId = evId };
    kl_core_Notice_UnsubscribeFromEvId_res res;
    return KCALL(Notice, notice, UnsubscribeFromEvId, &req, &res);
}

Retcode KnNoticeGetEvent(Notice notice, rtl_uint64_t msec, rtl_size_t countMax,
                         EventInfo *events, rtl_size_t *count)
{
    if (!events || !count || countMax == 0)
        return rcInvalidArgument;
    *count = 0;
    uint64_t ns = msec == INFINITE_TIMEOUT || msec > INFINITE_TIMEOUT / 1000000u
                      ? INFINITE_TIMEOUT : msec * 1000000u;
    kl_core_Notice_GetEvent_req req = {
        .notice = notice, .timeoutNs = ns,
        .countMax = countMax > NOTICE_EVENTS_MAX ? NOTICE_EVENTS_MAX : (uint32_t)countMax };
    kl_core_Notice_GetEvent_res res;
    Retcode rc = KCALL(Notice, notice, GetEvent, &req, &res);
    if (rc)
        return rc;
    uint32_t n = res.count;
    if (n > NOTICE_EVENTS_MAX || n > countMax)
        return rcInternalError;        /* the kernel returns at most what was asked */
    for (uint32_t i = 0; i < n; i++) {
        events[i].evId = res.evIds[i];
        events[i].evMask = res.evMasks[i];
    }
    *count = n;
    return rcOk;
}

Retcode KnNoticeSetObjectEvent(Handle object, rtl_uint32_t evMask)
{
    kl_core_Notice_SetObjectEvent_req req = { .object = object, .evMask = evMask };
    kl_core_Notice_SetObjectEvent_res res;
    return KCALL(Notice, notice, SetObjectEvent, &req, &res);
}

Retcode KnNoticeDropAndWake(Notice notice)
{
    kl_core_Notice_DropAndWake_req req = { .notice = notice };
    kl_core_Notice_DropAndWake_res res;
    return KCALL(Notice, notice, DropAndWake, &req, &res);
}
