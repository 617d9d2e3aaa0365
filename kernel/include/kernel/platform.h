/*
 * What the kernel learnt about the machine at boot (from the device tree):
 * RAM ranges, the DTB itself, the console. Filled by kernel/platform.c.
 */
#ifndef KERNEL_PLATFORM_H
#define KERNEL_PLATFORM_H

#include <stdint.h>
#include <kernel/fdt.h>

#define PLATFORM_MAX_RAM 16

struct platform_info {
    uint64_t ram[PLATFORM_MAX_RAM][2];   /* base, size */
    int nram;
    uint64_t ram_total;
    uint64_t dtb_pa, dtb_size;
    int fdt_error;                       /* 0 when the DTB is usable */
    char model[64];
};

extern struct platform_info platform;

/* The parsed device tree, or NULL when it was absent or corrupt. */
const struct fdt *platform_fdt(void);
/* Reads the DTB at dtb_pa (mapped by the early boot map); fills `platform`. */
int platform_probe_dtb(uint64_t dtb_pa);

#endif
