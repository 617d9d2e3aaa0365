/*
 * Boot image: the user programs packed at build time (tools/mkbootimg.py)
 * into the kernel image's read-only .bootimage section. All fields little
 * endian; entries and file data are 16-byte aligned.
 */
#ifndef UAPI_BOOTIMAGE_H
#define UAPI_BOOTIMAGE_H

#include <stdint.h>

#define BOOTIMAGE_MAGIC "KOSBOOT1"
#define BOOTIMAGE_NAME_MAX 48

struct bootimage_hdr {
    char magic[8];
    uint32_t count;          /* number of entries that follow */
    uint32_t total_size;     /* bytes of the whole image */
};

struct bootimage_entry {
    char name[BOOTIMAGE_NAME_MAX];   /* NUL-terminated program (or file) name */
    uint64_t offset;         /* from the start of the image */
    uint64_t size;
};

#endif
