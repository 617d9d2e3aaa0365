/* The read-only boot image of user programs linked into the kernel. */
#ifndef KERNEL_BOOTIMAGE_H
#define KERNEL_BOOTIMAGE_H

#include <stddef.h>
#include <stdint.h>
#include <uapi/retcode.h>

/* Validates the image once at boot; returns the number of entries or < 0. */
int bootimage_init(void);
Retcode bootimage_find(const char *name, const uint8_t **data, size_t *size);
/* Name of entry i, or NULL past the end (for the boot log). */
const char *bootimage_name(int i);

#endif
