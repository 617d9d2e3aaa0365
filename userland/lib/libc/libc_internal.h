/* Internal: C library glue shared between the files of userland/lib/libc. */
#ifndef LIBKOS_LIBC_INTERNAL_H
#define LIBKOS_LIBC_INTERNAL_H

#include <kos/mutex.h>
#include <sys/lock.h>

/* picolibc's lock type (_LOCK_T is a pointer to it): one KosMutex. Locks
 * created by __retarget_lock_init are on the heap; static ones (the libc
 * recursive mutex, the standard streams') are never freed. */
struct __lock {
    KosMutex mutex;
    int is_static;
};

#define KOS_LOCK_STATIC_INITIALIZER(recursive)                                 \
    { .mutex = { 0, (recursive), 0, 0 }, .is_static = 1 }

void kos_stdio_init(void);
void kos_heap_init(void);

#endif
