/*
 * coresrv/thread/thread_api.h: the low-level thread calls (kernel endpoint
 * kl.core.Thread). Programs use kos/thread.h, which manages stacks and TLS;
 * these take raw addresses and thread handles.
 */
#ifndef CORESRV_THREAD_THREAD_API_H
#define CORESRV_THREAD_THREAD_API_H

#include <rtl/types.h>
#include <uapi/msg.h>
#include <uapi/retcode.h>

/* A new thread of this task starting at entry(arg) with sp = stackTop
 * (16-byte aligned) and TPIDR_EL0 = tp; priority 0..31. The handle carries
 * RIGHT_THREAD_WAIT and RIGHT_THREAD_CONTROL. */
Retcode KnThreadCreate(void (*entry)(void *), void *arg, void *stackTop, void *tp,
                       rtl_uint32_t priority, Handle *thread);
/* Waits for the thread to end (timeout in ns) and gives its exit value. */
Retcode KnThreadWait(Handle thread, rtl_uint64_t timeoutNs, rtl_int64_t *value);
/* Ends another thread of this task (needs RIGHT_THREAD_CONTROL), also one blocked
 * in the kernel; KnThreadWait then gives `value`. rcInvalidArgument for the caller
 * itself (use KnThreadExit), rcInvalidThreadState if it has ended already. */
Retcode KnThreadTerminate(Handle thread, rtl_int64_t value);
/* Priority of a thread (INVALID_HANDLE: the caller); rcBusy while it is queued. */
Retcode KnThreadSetPriority(Handle thread, rtl_uint32_t priority);
/* Restricts `thread` (INVALID_HANDLE: the caller) to the online cores of
 * `mask` (bit n = core n); rcInvalidArgument if none of them is online;
 * mask 0 changes nothing. *online (may be NULL) receives the mask of the cores online. */
Retcode KnThreadSetAffinity(Handle thread, rtl_uint32_t mask, rtl_uint32_t *online);
/* The kernel's id of the calling thread. */
Retcode KnThreadGetKernelId(rtl_uint64_t *tid);
/* Sleeps for `ns` nanoseconds (tick resolution, 1 ms); 0 yields. */
Retcode KnSleepNs(rtl_uint64_t ns);
/* KasperskyOS name: sleeps `mdelay` milliseconds (never less); 0 yields. */
Retcode KnSleep(rtl_uint32_t mdelay);

#endif
