/*
 * The C library's start-up, called by __kos_start before constructors and
 * main. Touching the libc lock here also guarantees that locks.o (every
 * __retarget_lock_*) is linked before libc.a is searched: otherwise libc.a's
 * single-threaded dummy locks would be picked for malloc.
 */
#include <unistd.h>
#include "../libkos_internal.h"
#include "libc_internal.h"

extern struct __lock __lock___libc_recursive_mutex;

void kos_libc_init(char **envp)
{
    KosMutexInitEx(&__lock___libc_recursive_mutex.mutex, 1);
    environ = envp;
    kos_stdio_init();
    kos_heap_init();
}
