/*
 * sys/random.h: getrandom (Linux/glibc form) over the system's entropy
 * source (userland/lib/libc/random.c; docs/USERLAND.md "Entropy").
 */
#ifndef KOS_SYS_RANDOM_H
#define KOS_SYS_RANDOM_H

#include <stddef.h>
#include <sys/types.h>

#define GRND_NONBLOCK 0x01
#define GRND_RANDOM   0x02

ssize_t getrandom(void *buf, size_t buflen, unsigned int flags);
int getentropy(void *buf, size_t buflen);

#endif
