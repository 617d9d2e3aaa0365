/*
 * Boot image lookup. The image is produced by tools/mkbootimg.py at build
 * time, but it is still checked like untrusted input: every entry must lie
 * inside the section and carry a terminated name.
 */
#include <kernel/bootimage.h>
#include <kernel/lib.h>
#include <uapi/bootimage.h>

extern const uint8_t __bootimage_start[], __bootimage_end[];
static const struct bootimage_hdr *hdr;
static const struct bootimage_entry *entries;

int bootimage_init(void)
{
    size_t size = (size_t)((uintptr_t)__bootimage_end - (uintptr_t)__bootimage_start);
    const struct bootimage_hdr *h = (const void *)__bootimage_start;
    if (size < sizeof(*h) || memcmp(h->magic, BOOTIMAGE_MAGIC, 8) != 0)
        return -1;
    if (h->total_size > size || h->count > (size - sizeof(*h)) / sizeof(struct bootimage_entry))
        return -1;
    const struct bootimage_entry *e = (const void *)(h + 1);
    for (uint32_t i = 0; i < h->count; i++) {
        if (strnlen(e[i].name, BOOTIMAGE_NAME_MAX) == BOOTIMAGE_NAME_MAX ||
            e[i].offset > h->total_size || e[i].size > h->total_size - e[i].offset)
            return -1;
    }
    hdr = h;
    entries = e;
    return (int)h->count;
}

Retcode bootimage_find(const char *name, const uint8_t **data, size_t *size)
{
    for (uint32_t i = 0; hdr && i < hdr->count; i++) {
        if (strcmp(entries[i].name, name) == 0) {
            *data = __bootimage_start + entries[i].offset;
            *size = entries[i].size;
            return rcOk;
        }
    }
    return rcResourceNotFound;
}

const char *bootimage_name(int i)
{
    return hdr && i >= 0 && (uint32_t)i < hdr->count ? entries[i].name : NULL;
}
