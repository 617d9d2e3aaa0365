/*
 * arm64_cpu_switch(prev, next): saves the callee-saved registers, kernel SP
 * and TPIDR_EL0 of the running thread into prev and loads next's. FP/SIMD
 * registers are switched lazily (context.c): only when a thread that does
 * not own them touches them. arm64_fpsimd_save/load move them to and from an
 * arch_context. Offsets: CTX_* generated from struct arch_context.
 *
 * Every switch returns, in the thread that resumes, the wake code of that
 * thread (x0 = its struct thread's wake_rc, CTX_WAKE_RC bytes from its
 * context; every context switched to is a thread's): a thread that blocked
 * in arch_context_switch_wait returns it to its caller that way, whichever
 * switch resumes it; the others ignore x0.
 */
#include <arch/asm.h>
#include <asm-offsets.h>

/*
 * arch_context_switch_wait(prev, next, here) (arch/context.h): arch_context_switch
 * with the lazy FP/SIMD hand-over done here, so that thread_wait_switch
 * (kernel/sched.c) can end in a tail call and keep no frame. What
 * context.c's arch_context_switch does, in the same order: the owner leaving
 * a core shared with others is saved first (arm64_fpsimd_save); then EL0's
 * access is enabled exactly when next owns the registers. CPACR_EL1 is
 * written on every switch without testing whether it changes: the test and
 * its branches cost more than the write, and in a ping-pong where one side
 * owns the registers (the IPC benchmark) it changes every time. No ISB after the
 * CPACR_EL1 write: FPEN 01 and 11 both leave EL1 untrapped (the kernel's own
 * FP/SIMD use, the save and load, is never trapped), and the thread reaches
 * EL0 only through an eret, which synchronises the write.
 */
FUNC(arch_context_switch_wait)                /* x2: this core's struct cpu */
    ldr     x3, [x2, #CPU_FP_OWNER]
    ldrb    w6, [x2, #CPU_SHARED]
    cmp     x3, x1
    cset    w5, eq                        /* EL0 access wanted: next owns them */
    cbnz    w6, arm64_switch_shared_fp    /* several cores: the owner leaving saves */
.Lset_fp:
    mov     x6, #(1 << 20)                /* FPEN 01 (EL0 traps) or 11 (nothing traps) */
    orr     x6, x6, x5, lsl #21
    msr     cpacr_el1, x6                 /* (written even when unchanged: no test) */
    strb    w5, [x2, #CPU_FP_ENABLED]
    /* falls through into arm64_cpu_switch, which follows */
END(arch_context_switch_wait)

FUNC(arm64_cpu_switch)
    stp     x19, x20, [x0, #CTX_X19]
    stp     x21, x22, [x0, #CTX_X21]
    stp     x23, x24, [x0, #CTX_X23]
    stp     x25, x26, [x0, #CTX_X25]
    stp     x27, x28, [x0, #CTX_X27]
    stp     x29, x30, [x0, #CTX_FP]
    mov     x2, sp
    mrs     x3, tpidr_el0
    stp     x2, x3, [x0, #CTX_SP]         /* sp, tpidr_el0 */
    ldp     x2, x3, [x1, #CTX_SP]
    mov     sp, x2
    msr     tpidr_el0, x3
    ldp     x19, x20, [x1, #CTX_X19]
    ldp     x21, x22, [x1, #CTX_X21]
    ldp     x23, x24, [x1, #CTX_X23]
    ldp     x25, x26, [x1, #CTX_X25]
    ldp     x27, x28, [x1, #CTX_X27]
    ldp     x29, x30, [x1, #CTX_FP]
    ldrsw   x0, [x1, #CTX_WAKE_RC]        /* the resumed thread's wake code */
    ret
END(arm64_cpu_switch)

/* arch_context_switch_wait with more than one core: the owner of the
 * registers that leaves with EL0 access on is saved first. */
LOCAL_FUNC(arm64_switch_shared_fp)
    ldrb    w4, [x2, #CPU_FP_ENABLED]
    cmp     x3, x0
    ccmp    w4, #0, #4, eq                /* the owner leaves with access on? (else Z) */
    b.eq    .Lset_fp
    mov     x7, x30                       /* arm64_fpsimd_save keeps x0, x1 (and x5: 0) */
    mov     x8, x2
    bl      arm64_fpsimd_save
    mov     x30, x7
    mov     x2, x8
    b       .Lset_fp
END(arm64_switch_shared_fp)

FUNC(arm64_fpsimd_save)
    mrs     x2, fpcr
    mrs     x3, fpsr
    stp     x2, x3, [x0, #CTX_FPCR]       /* fpcr, fpsr */
    add     x2, x0, #CTX_V
    stp     q0, q1, [x2, #0]
    stp     q2, q3, [x2, #32]
    stp     q4, q5, [x2, #64]
    stp     q6, q7, [x2, #96]
    stp     q8, q9, [x2, #128]
    stp     q10, q11, [x2, #160]
    stp     q12, q13, [x2, #192]
    stp     q14, q15, [x2, #224]
    stp     q16, q17, [x2, #256]
    stp     q18, q19, [x2, #288]
    stp     q20, q21, [x2, #320]
    stp     q22, q23, [x2, #352]
    stp     q24, q25, [x2, #384]
    stp     q26, q27, [x2, #416]
    stp     q28, q29, [x2, #448]
    stp     q30, q31, [x2, #480]
    ret
END(arm64_fpsimd_save)

FUNC(arm64_fpsimd_load)
    add     x2, x0, #CTX_V
    ldp     q0, q1, [x2, #0]
    ldp     q2, q3, [x2, #32]
    ldp     q4, q5, [x2, #64]
    ldp     q6, q7, [x2, #96]
    ldp     q8, q9, [x2, #128]
    ldp     q10, q11, [x2, #160]
    ldp     q12, q13, [x2, #192]
    ldp     q14, q15, [x2, #224]
    ldp     q16, q17, [x2, #256]
    ldp     q18, q19, [x2, #288]
    ldp     q20, q21, [x2, #320]
    ldp     q22, q23, [x2, #352]
    ldp     q24, q25, [x2, #384]
    ldp     q26, q27, [x2, #416]
    ldp     q28, q29, [x2, #448]
    ldp     q30, q31, [x2, #480]
    ldp     x2, x3, [x0, #CTX_FPCR]
    msr     fpcr, x2
    msr     fpsr, x3
    ret
END(arm64_fpsimd_load)

/* First run of a user thread: sp points at its trap frame; the switch that
 * got here holds the big kernel lock, released on the way to EL0. */
FUNC(arm64_thread_start_user)
    bl      arch_thread_first_return
    b       arm64_trap_return
END(arm64_thread_start_user)

/* First run of a kernel thread: x19 holds the function. */
FUNC(arm64_thread_start_kernel)
    blr     x19
1:  wfi
    b       1b
END(arm64_thread_start_kernel)
