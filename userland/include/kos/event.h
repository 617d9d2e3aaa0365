/*
 * kos/event.h: events: a signaling / non-signaling state threads wait on.
 * Timeouts in ms.
 */
#ifndef KOS_EVENT_H
#define KOS_EVENT_H

#include <kos/sync_types.h>
#include <uapi/retcode.h>

/* Non-signaling after Init. */
void KosEventInit(KosEvent *event);
Retcode KosEventDeinit(KosEvent *event);
/* Signaling: every waiter wakes (auto-resetting waiters: one of them takes it). */
void KosEventSet(KosEvent *event);
void KosEventReset(KosEvent *event);
/* Waits until signaling; reset != 0 turns it back to non-signaling
 * atomically, so only one waiter gets through per KosEventSet. */
Retcode KosEventWait(KosEvent *event, rtl_bool reset);
/* The same; rcTimeout after mdelay ms. */
Retcode KosEventWaitTimeout(KosEvent *event, rtl_bool reset, rtl_uint32_t mdelay);

#endif
