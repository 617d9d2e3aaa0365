/*
 * Notification events (kl.core.Notice, KasperskyOS notice_api.h), shared
 * by kernel and user space. A subscription names the events it wants; the
 * ones that happen collect in its pending mask until GetEvent reads them.
 */
#ifndef UAPI_NOTICE_H
#define UAPI_NOTICE_H

#define EVENT_OBJECT_DESTROYED      (1u << 0)   /* the object's last reference went */
#define EVENT_TASK_COMPLETED        (1u << 1)   /* a task: it ended (any status) */
#define EVENT_THREAD_ENDED          (1u << 2)   /* a thread: it ended */
#define EVENT_CHANNEL_DISCONNECTED  (1u << 3)   /* a client end: its server end is gone;
                                                   a listener: one of its client ends is gone */
#define EVENT_SYSTEM_MASK           0x0000000fu
#define EVENT_USER_MASK             0xffff0000u /* user objects: KnNoticeSetObjectEvent */

#define NOTICE_SUBS_MAX    64u    /* subscriptions per notice */
#define NOTICE_EVENTS_MAX  8u     /* events one GetEvent returns */

#endif
