/*
 * Exception vector table (16 entries) and the trap frame save/restore.
 * Every exception builds a struct trap_frame (arch/trap_frame.h; offsets TF_*
 * generated from it) on the current EL1 stack and calls
 * arm64_trap_dispatch(frame, kind); arm64_trap_return restores the frame and
 * erets. New user threads start by "returning" through it.
 *
 * A system call (svc from EL0) takes a shorter way (issue 19): the vector
 * tests the syndrome itself and goes to arm64_svc_entry, which saves only
 * what the C code may clobber (x0..x18, x30, SP_EL0, ELR, SPSR) and calls
 * the handler from the system-call table itself. x19..x29 are callee-saved under AAPCS64: every
 * C path from arm64_svc_dispatch back to here restores them, even across a
 * context switch (arm64_cpu_switch saves and reloads them per thread), so
 * they still hold the user's values at the eret. Their frame slots are not
 * written on this path, and nothing reads them (docs/ABI.md: every register
 * but x0 is preserved).
 */
#include <arch/asm.h>
#include <asm-offsets.h>

.macro VENTRY kind
    .balign 128
    sub     sp, sp, #TF_SIZE
    stp     x0, x1, [sp, #TF_X0]
    mov     x1, #\kind
    b       arm64_trap_common
.endm

/* x2..x17 into the frame (the vector stored x0 and x1): the part of the save
 * both entries share; each then saves what it alone needs. */
.macro SAVE_X2_TO_X17
    stp     x2, x3, [sp, #TF_X2]
    stp     x4, x5, [sp, #TF_X4]
    stp     x6, x7, [sp, #TF_X6]
    stp     x8, x9, [sp, #TF_X8]
    stp     x10, x11, [sp, #TF_X10]
    stp     x12, x13, [sp, #TF_X12]
    stp     x14, x15, [sp, #TF_X14]
    stp     x16, x17, [sp, #TF_X16]
.endm

/* The return to EL0 of a trap (arm64_trap_return): ELR, SPSR, SP_EL0, x30
 * and x0..x17 from the frame; then x18..x29 (a trap may interrupt any code).
 * The svc exit has its own: x1..x18 in pairs, x0 the result, x19..x29 kept
 * by the C dispatch (callee-saved). */
.macro RESTORE_EL0_CALLER_SAVED
    ldp     x2, x3, [sp, #TF_ELR]
    msr     elr_el1, x2
    msr     spsr_el1, x3
    ldp     x30, x2, [sp, #TF_X30]
    msr     sp_el0, x2
    ldp     x0, x1, [sp, #TF_X0]
    ldp     x2, x3, [sp, #TF_X2]
    ldp     x4, x5, [sp, #TF_X4]
    ldp     x6, x7, [sp, #TF_X6]
    ldp     x8, x9, [sp, #TF_X8]
    ldp     x10, x11, [sp, #TF_X10]
    ldp     x12, x13, [sp, #TF_X12]
    ldp     x14, x15, [sp, #TF_X14]
    ldp     x16, x17, [sp, #TF_X16]
.endm

    .section .text.vectors, "ax"
    .balign 2048
    .globl arm64_exception_vectors
arm64_exception_vectors:
    VENTRY  0   /* current EL, SP_EL0: sync */
    VENTRY  1   /* irq */
    VENTRY  2   /* fiq */
    VENTRY  3   /* serror */
    VENTRY  4   /* current EL, SP_ELx: sync */
    VENTRY  5
    VENTRY  6
    VENTRY  7
    /* lower EL, AArch64: sync. svc goes straight to arm64_svc_entry. */
    .balign 128
    sub     sp, sp, #TF_SIZE
    stp     x16, x17, [sp, #TF_X16]       /* x16, x17: the scratch of both ways */
    mrs     x16, esr_el1
    lsr     x16, x16, #26                 /* ESR.EC */
    cmp     x16, #0x15                    /* EC_SVC64 */
    b.eq    arm64_svc_entry               /* (x0..x15 untouched) */
    stp     x0, x1, [sp, #TF_X0]
    ldr     x16, [sp, #TF_X16]            /* the user's again: arm64_trap_common saves it */
    mov     x1, #8
    b       arm64_trap_common
    VENTRY  9
    VENTRY  10
    VENTRY  11
    VENTRY  12  /* lower EL, AArch32: not supported */
    VENTRY  13
    VENTRY  14
    VENTRY  15

LOCAL_FUNC(arm64_trap_common)
    SAVE_X2_TO_X17
    stp     x18, x19, [sp, #TF_X18]
    stp     x20, x21, [sp, #TF_X20]
    stp     x22, x23, [sp, #TF_X22]
    stp     x24, x25, [sp, #TF_X24]
    stp     x26, x27, [sp, #TF_X26]
    stp     x28, x29, [sp, #TF_X28]
    mrs     x2, sp_el0
    stp     x30, x2, [sp, #TF_X30]        /* x30, sp */
    mrs     x2, elr_el1
    mrs     x3, spsr_el1
    stp     x2, x3, [sp, #TF_ELR]         /* elr, spsr */
    mov     x0, sp
    bl      arm64_trap_dispatch
    b       arm64_trap_return
END(arm64_trap_common)

/*
 * The system call, dispatched here (issue 19): no C frame between the vector
 * and the handler in the usual case. What arm64_svc_dispatch (trap.c) does
 * in C, in the same order: the big kernel lock when more than one core runs
 * (arm64_svc_lock), the "killed by another core" test (only
 * when a reschedule is pending: the C path then does it all), the table
 * call with x0..x5 from the frame, x0 into the frame, and on the way out the
 * preemption point and the lock's release (arm64_svc_exit) when either is
 * needed. x9..x11, x16 and x17 are scratch here (their user values are in
 * the frame; the vector stored x16 and x17 and tested the syndrome in x16),
 * so x0..x5 still hold the arguments at the call, and the table's address is
 * one literal load; the result stays in x0 on the way out
 * (stored into the frame only where C runs after the handler: the frame's x0
 * is written by the C dispatch itself, and read back after the exit's C).
 * One halfword holds the core's `resched` and `shared` flags: either sends
 * the call off the straight line (to the lock first when shared).
 * current->frame is not written: an exception from EL0 always finds the
 * thread's kernel stack empty, so its frame is always the one at the
 * stack's top that arch_thread_init_user set (debug kernels assert it in
 * arm64_trap_dispatch and on the IPC fast path).
 */
LOCAL_FUNC(arm64_svc_entry)
    stp     x0, x1, [sp, #TF_X0]
    stp     x2, x3, [sp, #TF_X2]
    stp     x4, x5, [sp, #TF_X4]
    stp     x6, x7, [sp, #TF_X6]
    stp     x8, x9, [sp, #TF_X8]
    stp     x10, x11, [sp, #TF_X10]
    stp     x12, x13, [sp, #TF_X12]
    stp     x14, x15, [sp, #TF_X14]       /* (x16, x17: the vector stored them) */
    mrs     x16, sp_el0
    stp     x30, x16, [sp, #TF_X30]       /* x30, sp */
    mrs     x16, elr_el1
    mrs     x17, spsr_el1
    stp     x16, x17, [sp, #TF_ELR]       /* elr, spsr */
    str     x18, [sp, #TF_X18]
    mrs     x9, tpidr_el1                 /* this core's struct cpu */
    ldrh    w10, [x9, #CPU_RESCHED]       /* resched, and shared (the next byte) */
    cmp     x8, #SYSCALL_MAX
    ccmp    w10, #0, #0, lo               /* nr out of range (flags 0: ne) or either flag */
    b.ne    3f
1:  ldr     x9, =syscall_table            /* (one literal load: adrp + add is two) */
    ldr     x9, [x9, x8, lsl #3]          /* (never NULL: kernel/syscall.c) */
    blr     x9                            /* (x0..x5: still the caller's) */
    sxtw    x0, w0                        /* Retcode, sign-extended into x0 */
    mrs     x9, tpidr_el1                 /* (it may have moved to another core) */
    ldrh    w11, [x9, #CPU_RESCHED]       /* resched, and shared (the next byte) */
    cbnz    w11, 5f                       /* either: the C exit */
2:  ldp     x2, x3, [sp, #TF_ELR]
    msr     elr_el1, x2
    msr     spsr_el1, x3
    ldp     x30, x2, [sp, #TF_X30]
    msr     sp_el0, x2
    ldp     x1, x2, [sp, #TF_X0 + 8]      /* x1..x18 in pairs (x0: the result) */
    ldp     x3, x4, [sp, #TF_X0 + 24]
    ldp     x5, x6, [sp, #TF_X0 + 40]
    ldp     x7, x8, [sp, #TF_X0 + 56]
    ldp     x9, x10, [sp, #TF_X0 + 72]
    ldp     x11, x12, [sp, #TF_X0 + 88]
    ldp     x13, x14, [sp, #TF_X0 + 104]
    ldp     x15, x16, [sp, #TF_X0 + 120]
    ldp     x17, x18, [sp, #TF_X0 + 136]
    add     sp, sp, #TF_SIZE
    eret
3:  tbz     w10, #8, 4f                   /* one core: a reschedule pending, or nr too large */
    bl      arm64_svc_lock                /* several cores: take the BKL first */
    ldp     x0, x1, [sp, #TF_X0]          /* the arguments again: the C call clobbered them */
    ldp     x2, x3, [sp, #TF_X2]
    ldp     x4, x5, [sp, #TF_X4]
    ldr     x8, [sp, #TF_X8]
    mrs     x9, tpidr_el1
    ldrb    w11, [x9, #CPU_RESCHED]
    cmp     x8, #SYSCALL_MAX
    ccmp    w11, #0, #0, lo
    b.eq    1b
4:  mov     x0, sp                        /* anything unusual: all of it in C */
    bl      arm64_svc_dispatch
    ldr     x0, [sp, #TF_X0]
    b       2b
5:  str     x0, [sp, #TF_X0]              /* C runs: the result into the frame */
    bl      arm64_svc_exit
    ldr     x0, [sp, #TF_X0]
    b       2b
    .ltorg
END(arm64_svc_entry)

FUNC(arm64_trap_return)
    RESTORE_EL0_CALLER_SAVED
    ldp     x18, x19, [sp, #TF_X18]
    ldp     x20, x21, [sp, #TF_X20]
    ldp     x22, x23, [sp, #TF_X22]
    ldp     x24, x25, [sp, #TF_X24]
    ldp     x26, x27, [sp, #TF_X26]
    ldp     x28, x29, [sp, #TF_X28]
    add     sp, sp, #TF_SIZE
    eret
END(arm64_trap_return)
