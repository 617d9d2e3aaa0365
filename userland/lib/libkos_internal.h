/* Internal: the start-up steps crt0's C half (start.c) calls in order. */
#ifndef LIBKOS_INTERNAL_H
#define LIBKOS_INTERNAL_H

/* Main thread descriptor: after TLS is set up, before any lock is used. */
void kos_thread_init_main(void);
/* C library: environ, stdio streams and their locks, the heap (libc/init.c). */
void kos_libc_init(char **envp);

#endif
