/*
 * memcpy, memmove and memset, one source for the kernel and for user programs
 * (libkos.a). In user space they replace picolibc's, which Debian builds for
 * size: one byte per four instructions. The kernel's IPC arena copy, file
 * I/O through VfsFsnet and lwIP's buffers all go through these, so they set
 * the ceiling of every throughput figure (docs/PERFORMANCE.md).
 *
 * Built twice (one source of truth, two objects):
 * - libkos (userland/userland.mk): general registers only, 64 bytes per loop
 *   iteration (10 instructions). No FP/SIMD register is touched, so a task
 *   that never uses floating point never takes the lazy FP/SIMD trap nor
 *   pays for its context (docs/PERFORMANCE.md).
 * - the kernel (Makefile: MEM_SIMD_BULK defined for this object only): the
 *   same entry and tail, but memcpy and both directions of memmove copy
 *   every whole 64-byte block through v0..v3, 64 bytes per instruction
 *   each way (ld1/st1 of four registers; ldp/stp of q registers backward):
 *   256 bytes per 10 instructions instead of 64. It saves v0..v3 on the
 *   kernel stack (64 bytes) first and restores them before the
 *   general-register tail, so the registers are left bit for bit as they
 *   were. The threshold is one block (64 bytes), counted instruction by
 *   instruction: below it the code is the same as libkos's; a 64-byte copy
 *   takes 19 instructions instead of 20 (save and restore cost what the
 *   64-byte loop's own bookkeeping did), 128 bytes 21 instead of 30, 4 KiB
 *   177 instead of 650 (docs/PERFORMANCE.md, "Kernel bulk copy in SIMD
 *   registers"). memmove backward: 64 bytes per 6 instructions instead of 24.
 *
 * Why the kernel may use v0..v3 here (docs/ARCHITECTURE.md, "FP/SIMD in the
 * kernel: the bulk copy only"):
 * - EL1 never traps on FP/SIMD: boot.S sets CPACR_EL1.FPEN = 11 on the boot
 *   core and on every secondary (secondary_entry) before any C code runs,
 *   DROP_TO_EL1 clears CPTR_EL2's FP trap when entered at EL2, and every
 *   later CPACR_EL1 write (context.c set_fp_access, switch.S
 *   arch_context_switch_wait) writes FPEN = 11 or 01, both of which leave
 *   EL1 untrapped (only EL0 traps with 01). 00 would trap EL1: nothing
 *   writes it.
 * - Nothing else in the kernel holds a value in a SIMD register across a
 *   call: C is built -mgeneral-regs-only, and the only assembly that
 *   touches them (arm64_fpsimd_save/load, switch.S) does not call memcpy.
 * - Nothing switches threads in the middle of a copy: the kernel runs with
 *   IRQs masked, except the idle loop's window (context.c arch_irq_window)
 *   and the boot self-test before the first thread; an IRQ taken there runs
 *   its handler and returns without a switch (trap.c), and a handler that
 *   copied would save and restore v0..v3 itself (the save nests). The
 *   kernel copies through its linear map after walking the page tables
 *   (vm.c, ipc_transfer.c): a copy does not fault.
 * - So the registers hold, during the copy, whatever the core's lazy FP/SIMD
 *   owner (or nobody) left there, and get it back: the owner, whichever
 *   thread it is and whether or not it is the caller, sees no change.
 *   ld1/st1/ldp/stp neither read FPCR nor write FPSR. (No SVE: writing a V
 *   register would zero the upper part of the Z register; the kernel does
 *   not enable SVE, CPACR_EL1.ZEN = 0.)
 * - The saved copy lands on the kernel stack, which only the kernel maps.
 *
 * Unaligned addresses are fine on Normal memory with SCTLR_EL1.A clear, which
 * holds for all kernel and user memory once the MMU is on; nothing copies with
 * these into device memory or before the MMU is enabled. Blocks shorter than
 * 16 bytes go 8/4/2/1 at a time. kernel/selftest.c checks every size up to
 * 700 at every alignment (boot argument selftest=copy) and that v0..v31 keep
 * their values; tests/test_kernel_copy.py checks the registers across IPC.
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
#ifdef MEM_SIMD_BULK
/* The kernel: n >= 64 (x2 = n - 64). 256 bytes a round in 10 instructions, then
 * 128 and 64 by bits 7 and 6 of x2 (x2 stays n - 256k, so its low 8 bits are
 * n's), then the general-register tail for the last < 64. Each 64-byte block
 * is loaded whole before it is stored and the blocks go upward, which keeps
 * memmove's forward case (dst below src, overlapping) correct. */
    sub     sp, sp, #64             /* the caller's v0..v3, bit for bit */
    st1     {v0.16b-v3.16b}, [sp]
    subs    x2, x2, #192            /* x2 = n - 256 */
    b.lo    2f
1:  ld1     {v0.16b-v3.16b}, [x1], #64
    st1     {v0.16b-v3.16b}, [x3], #64
    ld1     {v0.16b-v3.16b}, [x1], #64
    st1     {v0.16b-v3.16b}, [x3], #64
    ld1     {v0.16b-v3.16b}, [x1], #64
    st1     {v0.16b-v3.16b}, [x3], #64
    ld1     {v0.16b-v3.16b}, [x1], #64
    st1     {v0.16b-v3.16b}, [x3], #64
    subs    x2, x2, #256
    b.hs    1b
2:  tbz     x2, #7, 3f
    ld1     {v0.16b-v3.16b}, [x1], #64
    st1     {v0.16b-v3.16b}, [x3], #64
    ld1     {v0.16b-v3.16b}, [x1], #64
    st1     {v0.16b-v3.16b}, [x3], #64
3:  tbz     x2, #6, 4f
    ld1     {v0.16b-v3.16b}, [x1], #64
    st1     {v0.16b-v3.16b}, [x3], #64
4:  ld1     {v0.16b-v3.16b}, [sp], #64   /* restored, sp back; on to the tail */
#else
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
#endif
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
#ifdef MEM_SIMD_BULK
    cmp     x2, #64
    b.hs    .Lback_bulk
#endif
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

#ifdef MEM_SIMD_BULK
/* n >= 64, backward: 64 bytes a round in 6 instructions, each block
 * loaded whole (higher half first) before it is stored, blocks going down;
 * the last < 64 bytes by the loop above. */
.Lback_bulk:
    sub     sp, sp, #64             /* the caller's v0..v3, bit for bit */
    st1     {v0.16b-v3.16b}, [sp]
    sub     x2, x2, #64
5:  ldp     q0, q1, [x1, #-32]
    ldp     q2, q3, [x1, #-64]!
    stp     q0, q1, [x3, #-32]
    stp     q2, q3, [x3, #-64]!
    subs    x2, x2, #64
    b.hs    5b
    add     x2, x2, #64             /* < 64 left */
    ld1     {v0.16b-v3.16b}, [sp], #64   /* restored, sp back */
    b       1b
#endif
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
