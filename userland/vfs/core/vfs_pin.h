/*
 * VFS core: reply pins (docs/VFS.md, "Small reads answer from the file's chunk").
 * A server thread that answers a read with its reply's arena pointing at a file
 * system's own memory (a ramfs chunk) pins that range under the server's lock; the
 * kernel ends the pin when it has copied the reply (ReplyRecvRelease stores 0 into
 * the pin's word and wakes its waiters). A file system that is about to change or
 * free memory that a pin may cover waits for the pin to end first (vfs_pin_wait),
 * still under the lock: the pinning thread needs no lock to finish its reply, so
 * the wait is one system call of another thread long. Nothing here knows the
 * kernel: the server installs how to wait on a word (vfs_pin_block).
 */
#ifndef VFS_CORE_VFS_PIN_H
#define VFS_CORE_VFS_PIN_H

#include <stddef.h>
#include <stdint.h>

#define VFS_PINS_MAX 64             /* one per server thread (VfsFsnet's POOL_MAX) */

struct vfs_pin {
    uint32_t word;                  /* 1 while pinned; 0 stored by the kernel (or the
                                       owner) when the reply is done */
    const uint8_t *start;           /* the pinned range, valid while word != 0 */
    size_t len;
};

extern struct vfs_pin vfs_pins[VFS_PINS_MAX];
/* Nonzero when a pin may be live: set by vfs_pin_set, cleared by a scan that finds
 * none. Read and written under the server's lock only (the kernel writes words). */
extern unsigned vfs_pins_maybe;
/* Slots [0, vfs_pins_used) have been used: what a scan looks at. */
extern unsigned vfs_pins_used;
/* Blocks while *word == 1 (or returns at once): the server's FutexWait. NULL: spin. */
extern void (*vfs_pin_block)(uint32_t *word);

/* Pin `len` bytes at p for thread slot `slot`; returns the word to hand to the
 * kernel. Under the server's lock. */
static inline uint32_t *vfs_pin_set(unsigned slot, const void *p, size_t len)
{
    struct vfs_pin *q = &vfs_pins[slot];
    q->start = p;
    q->len = len;
    __atomic_store_n(&q->word, 1, __ATOMIC_RELAXED);   /* the lock's release publishes it */
    vfs_pins_maybe = 1;
    if (slot >= vfs_pins_used)
        vfs_pins_used = slot + 1;
    return &q->word;
}

void vfs_pin_wait_slow(const void *p, size_t len);

/* Before the bytes [p, p+len) are changed or freed: waits until no pin covers any
 * of them. Under the server's lock; two instructions when no pin may be live. */
static inline void vfs_pin_wait(const void *p, size_t len)
{
    if (__builtin_expect(vfs_pins_maybe != 0, 0))
        vfs_pin_wait_slow(p, len);
}

/* Waits until no pin is live at all (a file system going away). */
void vfs_pin_wait_all(void);

#endif
