/*
 * kos/sync_types.h: the synchronization objects of libkos (threads of one
 * process). Each lives in ordinary memory; the uncontended paths are user
 * atomics, waiting uses FutexWait/FutexWake on a 32-bit word. Treat the
 * fields as private; use the *_INITIALIZER macros or the Init functions.
 */
#ifndef KOS_SYNC_TYPES_H
#define KOS_SYNC_TYPES_H

#include <rtl/types.h>

/* The "wait forever" value of the millisecond timeouts of libkos (the
 * kernel's INFINITE_TIMEOUT is the 64-bit nanosecond one). */
#define KOS_INFINITE_TIMEOUT 0xffffffffu

typedef struct KosMutex {
    rtl_uint32_t state;       /* 0 free, 1 locked, 2 locked with waiters */
    rtl_uint32_t recursive;
    rtl_uint32_t owner;       /* Tid of the holder (0 when free) */
    rtl_uint32_t count;       /* recursion depth */
} KosMutex;
#define KOS_MUTEX_INITIALIZER            { 0, 0, 0, 0 }
#define KOS_MUTEX_RECURSIVE_INITIALIZER  { 0, 1, 0, 0 }

typedef struct KosCondvar {
    rtl_uint32_t seq;         /* bumped by every signal (the futex word) */
    rtl_uint32_t waiters;
} KosCondvar;
#define KOS_CONDVAR_INITIALIZER { 0, 0 }

typedef struct KosEvent {
    rtl_uint32_t state;       /* 0 non-signaling, 1 signaling */
    rtl_uint32_t waiters;
} KosEvent;
#define KOS_EVENT_INITIALIZER { 0, 0 }

typedef struct KosSemaphore {
    rtl_uint32_t count;
    rtl_uint32_t waiters;
} KosSemaphore;
#define KOS_SEMAPHORE_VALUE_MAX 0x7fffffffu

typedef struct KosRWLock {
    KosMutex lock;
    KosCondvar readersCv;
    KosCondvar writersCv;
    rtl_uint32_t readers;     /* threads holding it for reading */
    rtl_uint32_t writer;      /* 1 while held for writing */
    rtl_uint32_t writersWaiting;
} KosRWLock;

#endif
