/*
 * cpu_switch(prev, next): saves the callee-saved registers, kernel SP and
 * TPIDR_EL0 of the running thread into prev and loads next's. FP/SIMD
 * registers are switched lazily (context.c): only when a thread that does
 * not own them touches them. fpsimd_save/fpsimd_load move them to and from
 * an arch_context.
 */
#include <arch/asm.h>

FUNC(cpu_switch)
    stp     x19, x20, [x0, #0]
    stp     x21, x22, [x0, #16]
    stp     x23, x24, [x0, #32]
    stp     x25, x26, [x0, #48]
    stp     x27, x28, [x0, #64]
    stp     x29, x30, [x0, #80]
    mov     x2, sp
    mrs     x3, tpidr_el0
    stp     x2, x3, [x0, #96]
    ldp     x2, x3, [x1, #96]
    mov     sp, x2
    msr     tpidr_el0, x3
    ldp     x19, x20, [x1, #0]
    ldp     x21, x22, [x1, #16]
    ldp     x23, x24, [x1, #32]
    ldp     x25, x26, [x1, #48]
    ldp     x27, x28, [x1, #64]
    ldp     x29, x30, [x1, #80]
    ret
END(cpu_switch)

FUNC(fpsimd_save)
    mrs     x2, fpcr
    mrs     x3, fpsr
    stp     x2, x3, [x0, #112]
    add     x2, x0, #128
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
END(fpsimd_save)

FUNC(fpsimd_load)
    add     x2, x0, #128
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
    ldp     x2, x3, [x0, #112]
    msr     fpcr, x2
    msr     fpsr, x3
    ret
END(fpsimd_load)

/* First run of a user thread: sp points at its trap frame. */
FUNC(thread_start_user)
    b       trap_return
END(thread_start_user)

/* First run of a kernel thread: x19 holds the function. */
FUNC(thread_start_kernel)
    blr     x19
1:  wfi
    b       1b
END(thread_start_kernel)
