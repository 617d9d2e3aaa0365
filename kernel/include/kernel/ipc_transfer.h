/*
 * Message transfer, the data half of IPC (kernel/ipc_transfer.c): reading and
 * checking a sender's message into the kernel's copy, reading a receive
 * buffer's capacities, and delivering a checked message (arena, handles,
 * header, constant part) into a receiver's buffer. No thread state here: the
 * rendezvous (kernel/ipc_rendezvous.c) decides who sends to whom.
 */
#ifndef KERNEL_IPC_TRANSFER_H
#define KERNEL_IPC_TRANSFER_H

#include <stdint.h>
#include <kernel/ipc_types.h>
#include <uapi/retcode.h>

struct task;
struct thread;

/* ReplyRecvRelease's word (docs/ABI.md): 0 stored into the u32 at uaddr of t
 * (a store-release: every read of the reply's arena before it) and every
 * thread FutexWait-ing on it woken. A word that is not mapped writable now is
 * left alone (the call checked alignment and range on entry). kernel/sys_thread.c. */
void futex_release_word(struct task *t, uint64_t uaddr);

/* Copies and validates the header and constant part at uaddr of t into m
 * (alignment, limits, arena range, every transferred handle and its rights). */
Retcode ipc_fetch_message(struct task *t, uint64_t uaddr, struct kmsg *m);

/* Reads the capacities of t's receive buffer at uaddr into cap (size = room
 * for the constant part) and proves the whole buffer writable now, so that a
 * delivery into it cannot fail on it later. (The register calls state the
 * room in registers and skip this proof: a delivery into memory for them can
 * still end in rcTargetFault, ipc_regs_capacity.) */
Retcode ipc_fetch_capacity(struct task *t, uint64_t uaddr, SMsgHdr *cap);

/* The kernel's copy of a header in user memory: each field read once, and
 * the copy (not the user page, which another thread of the task may write
 * meanwhile) is what every later check and use reads; the barrier keeps the
 * compiler from re-reading a field from the page instead. */
static inline void ipc_header_snapshot(SMsgHdr *to, const SMsgHdr *from)
{
    *to = *from;
    __asm__ volatile("" ::: "memory");
}

/* n bytes, exactly (no byte past them is written), from `from` to `to`:
 * up to 64 by two overlapping loads and stores of the widest width that
 * fits, with no loop and no call (a constant part on the fast path: a
 * memcpy call cost ~18 instructions for a few bytes); longer by memcpy. */
static inline __attribute__((always_inline)) void ipc_copy_short(void *to, const void *from,
                                                                 uint32_t n)
{
    uint8_t *d = to;
    const uint8_t *s = from;
    /* No code: hides where d and s point from gcc's bounds warnings, which
     * know neither that the callers' n fits nor what a window maps. */
    __asm__("" : "+r"(d), "+r"(s));
    if (n > 64) {
        __builtin_memcpy(d, s, n);
    } else if (n >= 16) {                     /* the first and last 16 (or 32) bytes */
        __uint128_t a, b, c, e;
        if (n > 32) {
            __builtin_memcpy(&a, s + 16, 16);
            __builtin_memcpy(&b, s + n - 32, 16);
        }
        __builtin_memcpy(&c, s, 16);
        __builtin_memcpy(&e, s + n - 16, 16);
        if (n > 32) {
            __builtin_memcpy(d + 16, &a, 16);
            __builtin_memcpy(d + n - 32, &b, 16);
        }
        __builtin_memcpy(d, &c, 16);
        __builtin_memcpy(d + n - 16, &e, 16);
    } else if (n >= 8) {
        uint64_t a, b;
        __builtin_memcpy(&a, s, 8);
        __builtin_memcpy(&b, s + n - 8, 8);
        __builtin_memcpy(d, &a, 8);
        __builtin_memcpy(d + n - 8, &b, 8);
    } else if (n >= 4) {
        uint32_t a, b;
        __builtin_memcpy(&a, s, 4);
        __builtin_memcpy(&b, s + n - 4, 4);
        __builtin_memcpy(d, &a, 4);
        __builtin_memcpy(d + n - 4, &b, 4);
    } else if (n) {
        uint8_t a = s[0], b = s[n >> 1], c = s[n - 1];
        d[0] = a;
        d[n >> 1] = b;
        d[n - 1] = c;
    }
}

/* Copies an arena of n bytes at src of `from` to dst of `to`, user to user
 * (each side's pages translated under the lock, one copy): rcSourceFault or
 * rcTargetFault at the first page that is not readable / writable (the bytes
 * before it are copied). ipc_deliver's copy, and the fast path's. */
Retcode ipc_copy_arena(struct task *from, uint64_t src, struct task *to, uint64_t dst, size_t n);

/* Delivers m, from user task `from`, into to's receive buffer uaddr/cap:
 * arena, transferred handles (descendants with the chosen rights), header
 * (with badge), constant part. rcBufferTooSmall / rcTargetFault: the
 * receiver's buffer is at fault; other errors: the sender's message. On
 * failure nothing stays installed in `to`. */
Retcode ipc_deliver(struct task *from, const struct kmsg *m, struct task *to, uint64_t uaddr,
                    const SMsgHdr *cap, uint32_t badge);

/* Writes a disconnect notice for `badge` into the receive buffer of `to`,
 * blocked in Recv (its buffer as its Recv gave it). */
Retcode ipc_deliver_notice(struct thread *to, uint32_t badge);

#endif
