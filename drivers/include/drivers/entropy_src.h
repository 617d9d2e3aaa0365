/*
 * Hardware sources the kernel reads once, briefly (kernel/entropy.c and the
 * real-time clock of kl.core.Sys): each maps its device with ioremap, reads,
 * stops it and unmaps it again, so a user driver may still map that page.
 */
#ifndef DRIVERS_ENTROPY_SRC_H
#define DRIVERS_ENTROPY_SRC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct fdt;

/* Up to len bytes from a virtio-rng device (virtio-mmio, legacy or modern,
 * polled, at most 100 ms); returns the number of bytes read (0: none). */
size_t virtio_rng_read(const struct fdt *f, void *buf, size_t len);
/* Up to len bytes from the BCM2711 RNG200 ("brcm,bcm2711-rng200"). */
size_t rng200_read(const struct fdt *f, void *buf, size_t len);
/* Seconds since 1970 from the PL031 real-time clock ("arm,pl031"). */
bool pl031_read_seconds(const struct fdt *f, uint32_t *seconds);

#endif
