/*
 * VFS core: reply pins, the waiting side (vfs_pin.h). The table has one slot per
 * server thread; a scan looks at every slot a thread may have used.
 */
#include "vfs_pin.h"

struct vfs_pin vfs_pins[VFS_PINS_MAX];
unsigned vfs_pins_maybe;
unsigned vfs_pins_used;
void (*vfs_pin_block)(uint32_t *word);

/* Waits on one live pin's word: until the kernel (the reply done) stores 0. The
 * acquire load orders the kernel's reads of the range before our later writes. */
static void wait_word(uint32_t *w)
{
    while (__atomic_load_n(w, __ATOMIC_ACQUIRE) != 0) {
        if (vfs_pin_block)
            vfs_pin_block(w);
    }
}

/* Whether [p, p+len) overlaps the range of pin q (which may have ended). */
static int overlaps(const struct vfs_pin *q, const uint8_t *p, size_t len)
{
    return q->start < p + len && p < q->start + q->len;
}

void vfs_pin_wait_slow(const void *p, size_t len)
{
    int live = 0;
    for (unsigned i = 0; i < vfs_pins_used; i++) {
        struct vfs_pin *q = &vfs_pins[i];
        if (__atomic_load_n(&q->word, __ATOMIC_ACQUIRE) == 0)
            continue;
        if (overlaps(q, p, len))
            wait_word(&q->word);
        else
            live = 1;
    }
    if (!live)
        vfs_pins_maybe = 0;         /* nothing live now; only vfs_pin_set (locked) sets it */
}

void vfs_pin_wait_all(void)
{
    for (unsigned i = 0; i < vfs_pins_used; i++)
        wait_word(&vfs_pins[i].word);
    vfs_pins_maybe = 0;
}
