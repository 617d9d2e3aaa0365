/*
 * kos/thread.h: threads of the calling process (libkos). The library gives
 * every thread a stack with a guard page and its own TLS block (errno and
 * every other __thread variable), and frees both when the thread is joined.
 * Timeouts here are in milliseconds; KOS_INFINITE_TIMEOUT waits forever.
 */
#ifndef KOS_THREAD_H
#define KOS_THREAD_H

#include <coresrv/thread/thread_api.h>   /* KnSleep & co.: KasperskyOS's kos/thread.h */
#include <coresrv/time/time_api.h>       /* includes both, and programs rely on it */
#include <kos/sync_types.h>   /* KOS_INFINITE_TIMEOUT */
#include <rtl/types.h>
#include <uapi/retcode.h>
#include <uapi/syscall.h>   /* THREAD_PRIORITY_* */

typedef rtl_uint32_t Tid;                 /* library thread id; the main thread is 1 */
typedef int (*ThreadRoutine)(void *context);

#define ThreadPriorityLowest   THREAD_PRIORITY_MIN
#define ThreadPriorityNormal   THREAD_PRIORITY_DEFAULT
#define ThreadPriorityHighest  THREAD_PRIORITY_MAX
#define ThreadStackSizeDefault (64u * 1024u)
#define KOS_THREAD_STACK_MIN   (16u * 1024u)
#define KOS_THREAD_STACK_MAX   (64u * 1024u * 1024u)

/* Creates a thread running routine(context) at `priority` (0..31, else
 * rcInvalidArgument) on a stack of stackSize bytes (0: the default; rounded
 * up to pages). suspended != 0: it waits for KosThreadResume. */
Retcode KosThreadCreate(Tid *tid, rtl_uint32_t priority, rtl_uint32_t stackSize,
                        ThreadRoutine routine, void *context, int suspended);
/* Ends the calling thread; KosThreadWait gives exitCode to the joiner. */
__attribute__((noreturn)) void KosThreadExit(int exitCode);
/* Waits (timeout in ms) for the thread to end and returns its exit code
 * (the routine's return value or KosThreadExit's code); -1 on any failure,
 * so exit codes should not be -1. A joined thread's stack and TLS are freed. */
int KosThreadWait(Tid tid, rtl_uint32_t timeout);
/* The same with the Retcode kept: rcTimeout, rcInvalidArgument (no such
 * thread, or the caller itself), rcBusy (another thread is joining it). */
Retcode KosThreadWaitEx(Tid tid, rtl_uint32_t timeout, int *exitCode);
/* Sleeps mdelay ms (0 yields). */
Retcode KosThreadSleep(rtl_uint32_t mdelay);
void KosThreadYield(void);
Tid KosThreadCurrentId(void);
/* Blocks the calling thread until another calls KosThreadResume on it. */
Retcode KosThreadSuspend(void);
/* Resumes a thread created suspended or blocked in KosThreadSuspend
 * (rcInvalidThreadState if it is neither). */
Retcode KosThreadResume(Tid tid);
/* Ends another thread of this process wherever it is, also blocked in the
 * kernel (what it holds, e.g. a mutex, stays held); KosThreadWait then
 * returns exitCode. The calling thread's own tid: KosThreadExit(exitCode).
 * rcInvalidArgument for an unknown tid or the main thread,
 * rcInvalidThreadState when the thread has ended already. */
Retcode KosThreadTerminate(Tid tid, int exitCode);
/* Restricts a thread to the cores of `mask` (bit n = core n; those online):
 * rcInvalidArgument when none of them is online. It moves at once if it runs
 * on a core it may no longer use. */
Retcode KosThreadSetAffinity(Tid tid, rtl_uint32_t mask);
/* The cores online, as a mask (bit n = core n). */
rtl_uint32_t KosCpuOnlineMask(void);
/* Changes a thread's priority (0..31). */
Retcode KosThreadSetPriority(Tid tid, rtl_uint32_t priority);

/* Thread-local values by key (the library's own key table). A new key reads
 * NULL in every thread. */
typedef rtl_uint32_t KosThreadTlsKey;
#define KOS_THREAD_TLS_KEYS 32u
Retcode KosThreadTlsKeyCreate(KosThreadTlsKey *key);   /* rcQuotaExceeded when all are used */
Retcode KosThreadTlsKeyDelete(KosThreadTlsKey key);
void *KosThreadTlsGet(KosThreadTlsKey key);            /* NULL for a bad key */
Retcode KosThreadTlsSet(KosThreadTlsKey key, void *value);

/* Runs initRoutine exactly once across all threads; callers that come
 * while it runs wait for it to finish. */
typedef rtl_uint32_t KosThreadOnceState;
#define KOS_THREAD_ONCE_INIT 0u
Retcode KosThreadOnce(KosThreadOnceState *onceControl, void (*initRoutine)(void));

#endif
