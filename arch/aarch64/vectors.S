/*
 * Exception vector table (16 entries) and the trap frame save/restore.
 * Every exception builds a struct trap_frame (arch/trap.h) on the current
 * EL1 stack and calls trap_dispatch(frame, kind); trap_return restores the
 * frame and erets. New user threads start by "returning" through it.
 */
#include <arch/asm.h>
#include <arch/trap_frame.h>

.macro VENTRY kind
    .balign 128
    sub     sp, sp, #TF_SIZE
    stp     x0, x1, [sp, #0]
    mov     x1, #\kind
    b       trap_common
.endm

    .section .text.vectors, "ax"
    .balign 2048
    .globl exception_vectors
exception_vectors:
    VENTRY  0   /* current EL, SP_EL0: sync */
    VENTRY  1   /* irq */
    VENTRY  2   /* fiq */
    VENTRY  3   /* serror */
    VENTRY  4   /* current EL, SP_ELx: sync */
    VENTRY  5
    VENTRY  6
    VENTRY  7
    VENTRY  8   /* lower EL, AArch64: sync */
    VENTRY  9
    VENTRY  10
    VENTRY  11
    VENTRY  12  /* lower EL, AArch32: not supported */
    VENTRY  13
    VENTRY  14
    VENTRY  15

LOCAL_FUNC(trap_common)
    stp     x2, x3, [sp, #16]
    stp     x4, x5, [sp, #32]
    stp     x6, x7, [sp, #48]
    stp     x8, x9, [sp, #64]
    stp     x10, x11, [sp, #80]
    stp     x12, x13, [sp, #96]
    stp     x14, x15, [sp, #112]
    stp     x16, x17, [sp, #128]
    stp     x18, x19, [sp, #144]
    stp     x20, x21, [sp, #160]
    stp     x22, x23, [sp, #176]
    stp     x24, x25, [sp, #192]
    stp     x26, x27, [sp, #208]
    stp     x28, x29, [sp, #224]
    mrs     x2, sp_el0
    stp     x30, x2, [sp, #TF_X30]
    mrs     x2, elr_el1
    mrs     x3, spsr_el1
    stp     x2, x3, [sp, #TF_ELR]
    mov     x0, sp
    bl      trap_dispatch
    b       trap_return
END(trap_common)

FUNC(trap_return)
    ldp     x2, x3, [sp, #TF_ELR]
    msr     elr_el1, x2
    msr     spsr_el1, x3
    ldp     x30, x2, [sp, #TF_X30]
    msr     sp_el0, x2
    ldp     x0, x1, [sp, #0]
    ldp     x2, x3, [sp, #16]
    ldp     x4, x5, [sp, #32]
    ldp     x6, x7, [sp, #48]
    ldp     x8, x9, [sp, #64]
    ldp     x10, x11, [sp, #80]
    ldp     x12, x13, [sp, #96]
    ldp     x14, x15, [sp, #112]
    ldp     x16, x17, [sp, #128]
    ldp     x18, x19, [sp, #144]
    ldp     x20, x21, [sp, #160]
    ldp     x22, x23, [sp, #176]
    ldp     x24, x25, [sp, #192]
    ldp     x26, x27, [sp, #208]
    ldp     x28, x29, [sp, #224]
    add     sp, sp, #TF_SIZE
    eret
END(trap_return)
