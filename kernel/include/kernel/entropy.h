/*
 * The kernel's random number generator (kernel/entropy.c): ChaCha20 keyed
 * from hardware entropy read at the first request, never from a fixed seed.
 */
#ifndef KERNEL_ENTROPY_H
#define KERNEL_ENTROPY_H

#include <stddef.h>
#include <uapi/retcode.h>

/* n random bytes into buf (kernel memory); rcUnimplemented when the board
 * offered no entropy source at all. */
Retcode entropy_get(void *buf, size_t n);

#endif
