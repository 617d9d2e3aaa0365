/*
 * memcpy, memmove and memset, one copy for the kernel and for user programs
 * (libkos.a). In user space they replace picolibc's, which Debian builds for
 * size: one byte per four instructions. The kernel's IPC arena copy, file
 * I/O through VfsFsnet and lwIP's buffers all go through these, so they set
 * the ceiling of every throughput figure (docs/PERFORMANCE.md).
 *
 * 64 bytes per loop iteration in general registers only: no FP/SIMD state
 * is touched (the kernel may not, and a task that never uses floating point
 * never pays for its context). Unaligned addresses are fine on Normal
 * memory with SCTLR_EL1.A clear, which holds for all kernel and user memory
 * once the MMU is on; nothing copies with these into device memory or before
 * the MMU is enabled. Blocks shorter than 16 bytes go 8/4/2/1 at a time.
 */
    .text

/* void *memcpy(void *dst x0, const void *src x1, size_t n x2); returns dst. */
    .global memcpy
    .type   memcpy, %function
    .p2align 4
memcpy:
    mov     x3, x0                  /* x3: where to store; x0 stays the result */
    subs    x2, x2, #64             /* x2: bytes left past this block (its low 6 bits */
    b.lo    .Lfwd_tail              /* are those of n - copied, so the tail reads them) */
.Lfwd_64:                           /* 10 instructions a block: the last pair moves the pointers */
    ldp     x6, x7, [x1, #16]
    ldp     x8, x9, [x1, #32]
    ldp     x10, x11, [x1, #48]
    ldp     x4, x5, [x1], #64
    stp     x6, x7, [x3, #16]
    stp     x8, x9, [x3, #32]
    stp     x10, x11, [x3, #48]
    stp     x4, x5, [x3], #64
    subs    x2, x2, #64
    b.hs    .Lfwd_64
.Lfwd_tail:                         /* < 64 left: 32, 16, 8, 4, 2, 1 by the low bits of x2 */
    tbz     x2, #5, 1f
    ldp     x4, x5, [x1], #16
    ldp     x6, x7, [x1], #16
    stp     x4, x5, [x3], #16
    stp     x6, x7, [x3], #16
1:  tbz     x2, #4, 1f
    ldp     x4, x5, [x1], #16
    stp     x4, x5, [x3], #16
1:  tbz     x2, #3, 1f
    ldr     x4, [x1], #8
    str     x4, [x3], #8
1:  tbz     x2, #2, 1f
    ldr     w4, [x1], #4
    str     w4, [x3], #4
1:  tbz     x2, #1, 1f
    ldrh    w4, [x1], #2
    strh    w4, [x3], #2
1:  tbz     x2, #0, 1f
    ldrb    w4, [x1]
    strb    w4, [x3]
1:  ret
    .size   memcpy, . - memcpy

/* void *memmove(void *dst, const void *src, size_t n): forward unless dst lies
 * inside [src, src + n). Forward is safe for dst < src because each block is
 * loaded whole before any of it is stored. */
    .global memmove
    .type   memmove, %function
    .p2align 4
memmove:
    sub     x4, x0, x1              /* dst - src, unsigned: < n means overlap above */
    cmp     x4, x2
    b.hs    memcpy
    cbz     x4, 2f                  /* dst == src */
    add     x1, x1, x2              /* backward from the ends */
    add     x3, x0, x2
1:  cmp     x2, #16
    b.lo    3f
    ldp     x4, x5, [x1, #-16]!
    stp     x4, x5, [x3, #-16]!
    sub     x2, x2, #16
    b       1b
3:  cbz     x2, 2f
    ldrb    w4, [x1, #-1]!
    strb    w4, [x3, #-1]!
    sub     x2, x2, #1
    b       3b
2:  ret
    .size   memmove, . - memmove

/* void *memset(void *dst x0, int c w1, size_t n x2); returns dst. */
    .global memset
    .type   memset, %function
    .p2align 4
memset:
    and     w1, w1, #0xff
    orr     w1, w1, w1, lsl #8
    orr     w1, w1, w1, lsl #16
    orr     x1, x1, x1, lsl #32     /* the byte in all eight lanes */
    mov     x3, x0
    cmp     x2, #64
    b.lo    .Lset_tail
.Lset_64:
    stp     x1, x1, [x3]
    stp     x1, x1, [x3, #16]
    stp     x1, x1, [x3, #32]
    stp     x1, x1, [x3, #48]
    add     x3, x3, #64
    sub     x2, x2, #64
    cmp     x2, #64
    b.hs    .Lset_64
.Lset_tail:
    tbz     x2, #5, 1f
    stp     x1, x1, [x3], #16
    stp     x1, x1, [x3], #16
1:  tbz     x2, #4, 1f
    stp     x1, x1, [x3], #16
1:  tbz     x2, #3, 1f
    str     x1, [x3], #8
1:  tbz     x2, #2, 1f
    str     w1, [x3], #4
1:  tbz     x2, #1, 1f
    strh    w1, [x3], #2
1:  tbz     x2, #0, 1f
    strb    w1, [x3]
1:  ret
    .size   memset, . - memset

    .section .note.GNU-stack, "", %progbits
