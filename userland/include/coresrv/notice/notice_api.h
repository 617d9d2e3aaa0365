/*
 * coresrv/notice/notice_api.h: notifications (KasperskyOS notice_api.h)
 * through the kernel endpoint kl.core.Notice. A notice collects events of
 * the objects it is subscribed to; each subscription has an evId of the
 * caller's choice and a mask of EVENT_* bits (uapi/notice.h). Events of one
 * subscription coalesce (their bits OR together) until read, so a notice's
 * queue never holds more entries than its subscriptions (NOTICE_SUBS_MAX):
 * nothing is ever dropped. docs/ABI.md, "Notifications".
 */
#ifndef CORESRV_NOTICE_NOTICE_API_H
#define CORESRV_NOTICE_NOTICE_API_H

#include <rtl/types.h>
#include <uapi/handle.h>
#include <uapi/msg.h>
#include <uapi/notice.h>
#include <uapi/retcode.h>
#include <uapi/syscall.h>   /* INFINITE_TIMEOUT */

typedef Handle Notice;

typedef struct EventInfo {
    rtl_uint64_t evId;      /* the subscription's evId */
    rtl_uint32_t evMask;    /* the events that happened since it was last read */
} EventInfo;

Retcode KnNoticeCreate(Notice *notice);
/* Subscribes to events of `object` (any handle the caller holds). Events that
 * already happened (a task that ended, a dead thread, a channel whose server
 * is gone) are pending at once. rcQuotaExceeded past NOTICE_SUBS_MAX. */
Retcode KnNoticeSubscribeToObject(Notice notice, Handle object, rtl_uint32_t evMask,
                                  rtl_uint64_t evId);
/* Ends every subscription with that evId (rcResourceNotFound if none). */
Retcode KnNoticeUnsubscribeFromEvId(Notice notice, rtl_uint64_t evId);
/* Waits up to `msec` milliseconds (0: poll; INFINITE_TIMEOUT: forever) for
 * events and returns up to min(countMax, NOTICE_EVENTS_MAX) of them, oldest
 * first. rcTimeout when none came; rcAbort when KnNoticeDropAndWake woke it. */
Retcode KnNoticeGetEvent(Notice notice, rtl_uint64_t msec, rtl_size_t countMax,
                         EventInfo *events, rtl_size_t *count);
/* Raises user events (bits of EVENT_USER_MASK) on a user object
 * (KnHandleCreateUserObject): every notice subscribed to it gets them. */
Retcode KnNoticeSetObjectEvent(Handle object, rtl_uint32_t evMask);
/* Wakes every thread waiting in KnNoticeGetEvent on the notice (rcAbort). */
Retcode KnNoticeDropAndWake(Notice notice);

#endif
