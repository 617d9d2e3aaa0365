/*
 * Ticket spinlock (fair: cores get the lock in the order they asked).
 * One 32-bit word: `owner` (the ticket being served) in the low half, `next`
 * (the next ticket to hand out) in the high half. Waiters sleep in wfe on the
 * word; the release store clears their exclusive monitor, which wakes them.
 * Callers mask IRQs while holding one: the kernel runs with IRQs masked.
 */
#ifndef KERNEL_SPINLOCK_H
#define KERNEL_SPINLOCK_H

#include <stdint.h>
#include <stdbool.h>

typedef struct {
    volatile uint16_t owner;
    volatile uint16_t next;
} spinlock_t;

#define SPINLOCK_INIT { 0, 0 }

static inline void spin_lock(spinlock_t *l)
{
    uint32_t old, tmp, fail;
    __asm__ volatile(
        "1: ldaxr   %w0, %3\n"
        "   add     %w1, %w0, #0x10000\n"           /* take a ticket: next++ */
        "   stxr    %w2, %w1, %3\n"
        "   cbnz    %w2, 1b\n"
        "   eor     %w1, %w0, %w0, ror #16\n"       /* owner == my ticket: ours */
        "   cbz     %w1, 3f\n"
        "   sevl\n"
        "2: wfe\n"
        "   ldaxrh  %w2, %4\n"
        "   eor     %w1, %w2, %w0, lsr #16\n"
        "   cbnz    %w1, 2b\n"
        "3:\n"
        : "=&r"(old), "=&r"(tmp), "=&r"(fail), "+Q"(*(volatile uint32_t *)l)
        : "Q"(l->owner)
        : "memory");
}

static inline void spin_unlock(spinlock_t *l)
{
    uint32_t tmp;
    __asm__ volatile(
        "   ldrh    %w0, %1\n"
        "   add     %w0, %w0, #1\n"
        "   stlrh   %w0, %1\n"
        : "=&r"(tmp), "+Q"(l->owner)
        :
        : "memory");
}

/* Held by someone (not necessarily by the caller). */
static inline bool spin_is_locked(const spinlock_t *l) { return l->owner != l->next; }

#endif
