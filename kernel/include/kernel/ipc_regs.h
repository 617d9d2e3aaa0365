/*
 * Short messages in registers (issue 19 item 2; convention in uapi/msg.h and
 * docs/ABI.md): reading a message and a receive buffer's room from the
 * caller's saved registers, and writing a short message into a receiver's
 * saved registers. Shared by the fast path (kernel/ipc_fastpath.c) and the
 * general path (kernel/ipc_rendezvous.c), so both deliver the same bytes.
 * The saved frame is kernel memory: what is read from it is the kernel's
 * copy, decided on and delivered unchanged.
 */
#ifndef KERNEL_IPC_REGS_H
#define KERNEL_IPC_REGS_H

#include <stdbool.h>
#include <stdint.h>
#include <kernel/ipc_types.h>
#include <kernel/lib.h>
#include <kernel/urange.h>
#include <uapi/msg.h>
#include <uapi/retcode.h>

/* Boot option `ipc_regs=off` (kernel/ipc_fastpath.c): the kernel never
 * delivers into registers, every message goes to the receive buffer; the
 * libkos wrappers then read it there. tests/test_ipc_fastpath.py compares. */
extern bool ipc_regs_on;

/* Registers of the convention (indices into trap_frame.x). */
enum { REG_HDR = 1, REG_DATA = 2, REG_FLAG = 9, REG_BUF = 10, REG_CAP = 11, REG_ARENA = 12,
       REG_TIMEOUT = 13 };

/* A message that a register receiver gets in its registers. */
static inline bool ipc_regs_fit(uint32_t size, uint32_t arena_size, uint32_t nhandles)
{
    return size <= MSG_REG_CONST && !arena_size && !nhandles;
}

/* The constant part of `size` (<= MSG_REG_CONST) bytes at s into d[0..5],
 * zero past `size` (a policy decided on `size` bytes: no byte past them may
 * travel). The whole words, then the bytes of the last one under a mask:
 * no compare chain, no call (the kernel's memcpy is one). */
static inline void ipc_regs_copy(uint64_t *d, const uint64_t *s, uint32_t size)
{
    d[1] = d[2] = d[3] = d[4] = d[5] = 0;
    if (size <= 8) {                          /* the usual short message: one word */
        /* the mask of `size` bytes, 0 to 8, without a test for 0: two shifts
         * of 4 * size bits (one of 64 would shift by 0 on AArch64, and is
         * undefined in C) */
        d[0] = s[0] & ~((~0ull << 4 * size) << 4 * size);
        return;
    }
    d[0] = 0;
    if (size > MSG_REG_CONST)
        return;
    uint32_t k = size / 8, r = size % 8;
    for (uint32_t i = 0; i < k; i++)
        d[i] = s[i];
    if (r)
        d[k] = s[k] & ~(~0ull << (8 * r));
}

/* The message in x1..x7 into m (header as a memory sender's would be after
 * ipc_fetch_message: no arena, no handles). rcInvalidArgument past MSG_REG_CONST. */
static inline Retcode ipc_regs_fetch(const uint64_t *x, struct kmsg *m)
{
    uint64_t w = x[REG_HDR];
    SMsgHdr *h = &m->hdr;                     /* field by field: the kernel's memset is a call */
    h->size = MSG_REG_SIZE(w);
    if (h->size > MSG_REG_CONST)
        return rcInvalidArgument;
    h->riid = MSG_REG_RIID(w);
    h->nhandles = 0;
    h->mid = MSG_REG_MID(w);
    h->badge = 0;
    h->arena = 0;
    h->arena_size = 0;
    h->arena_cap = 0;
    for (unsigned i = 0; i < MSG_MAX_HANDLES; i++)
        h->handles[i] = (SMsgHandle){ 0, 0 };
    ipc_regs_copy((uint64_t *)(void *)m->data, &x[REG_DATA], h->size);
    return rcOk;
}

/* The receive buffer's address and room from x10..x12 (the fields of cap the
 * kernel reads: size, arena, arena_cap), checked as ipc_fetch_capacity does
 * except that the buffer itself is neither read nor proved writable (libkos
 * passes only buffers it knows mapped: docs/ABI.md). So a delivery into
 * memory for a register caller (a reply over MSG_REG_CONST or with handles)
 * can fail with rcTargetFault, which the replying server then gets, as when
 * its client unmaps the buffer during the call; nothing is leaked and handles
 * already made are closed (ipc_deliver). */
static inline Retcode ipc_regs_capacity(const uint64_t *x, uint64_t *uaddr, SMsgHdr *cap)
{
    uint64_t u = x[REG_BUF], w = x[REG_CAP];
    cap->size = (uint32_t)w;
    cap->arena_cap = (uint32_t)(w >> 32);
    cap->arena = x[REG_ARENA];
    if ((u & 7) || cap->size > MSG_MAX_CONST || cap->arena_cap > MSG_MAX_ARENA ||
        !user_range_ok(u, sizeof(SMsgHdr) + cap->size) ||
        (cap->arena_cap && !user_range_ok(cap->arena, cap->arena_cap)))
        return rcInvalidArgument;
    *uaddr = u;
    return rcOk;
}

/* A short message (size <= MSG_REG_CONST; data 8-byte aligned and readable
 * for MSG_REG_CONST bytes) into a receiver's saved x1..x7 and x9: the bytes
 * past `size` are zero, so nothing of the sender's registers or of stale
 * kernel copies leaks. */
static inline void ipc_regs_put(uint64_t *x, uint32_t riid, uint32_t mid, uint32_t size,
                                const void *data, uint32_t badge)
{
    x[REG_HDR] = MSG_REG_HDR(riid, mid, size);
    ipc_regs_copy(&x[REG_DATA], data, size);
    x[REG_FLAG] = MSG_REG_IN | badge;
}

#endif
