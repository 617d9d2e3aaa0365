/* Notifications: coresrv/notice/notice_api.h over kl.core.Notice. */
#include <coresrv/notice/notice_api.h>
#include "kcall.h"

Retcode KnNoticeCreate(Notice *notice)
{
    if (!notice)
        return rcInvalidArgument;
    uint32_t h = 0;
    struct kl_core_Notice_proxy p = kcall_notice();
    Retcode rc = kl_core_Notice_Create(&p, &h);
    *notice = rc == rcOk ? h : 0;
    return rc;
}

Retcode KnNoticeSubscribeToObject(Notice notice, Handle object, rtl_uint32_t evMask,
                                  rtl_uint64_t evId)
{
    struct kl_core_Notice_proxy p = kcall_notice();
    return kl_core_Notice_SubscribeToObject(&p, notice, object, evMask, evId);
}

Retcode KnNoticeUnsubscribeFromEvId(Notice notice, rtl_uint64_t evId)
{
    struct kl_core_Notice_proxy p = kcall_notice();
    return kl_core_Notice_UnsubscribeFromEvId(&p, notice, evId);
}

Retcode KnNoticeGetEvent(Notice notice, rtl_uint64_t msec, rtl_size_t countMax,
                         EventInfo *events, rtl_size_t *count)
{
    if (!events || !count || countMax == 0)
        return rcInvalidArgument;
    *count = 0;
    uint64_t ns = msec == INFINITE_TIMEOUT || msec > INFINITE_TIMEOUT / 1000000u
                      ? INFINITE_TIMEOUT : msec * 1000000u;
    uint64_t ids[NOTICE_EVENTS_MAX];
    uint32_t masks[NOTICE_EVENTS_MAX], n = 0;
    struct kl_core_Notice_proxy p = kcall_notice();
    Retcode rc = kl_core_Notice_GetEvent(&p, notice, ns, countMax > NOTICE_EVENTS_MAX ? NOTICE_EVENTS_MAX : (uint32_t)countMax,
                                         &n, ids, masks);
    if (rc)
        return rc;
    if (n > NOTICE_EVENTS_MAX || n > countMax)
        return rcInternalError;        /* the kernel returns at most what was asked */
    for (uint32_t i = 0; i < n; i++) {
        events[i].evId = ids[i];
        events[i].evMask = masks[i];
    }
    *count = n;
    return rcOk;
}

Retcode KnNoticeSetObjectEvent(Handle object, rtl_uint32_t evMask)
{
    struct kl_core_Notice_proxy p = kcall_notice();
    return kl_core_Notice_SetObjectEvent(&p, object, evMask);
}

Retcode KnNoticeDropAndWake(Notice notice)
{
    struct kl_core_Notice_proxy p = kcall_notice();
    return kl_core_Notice_DropAndWake(&p, notice);
}
