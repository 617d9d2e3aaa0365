/*
 * Per-thread CPU state kept while a thread is switched out: the callee-saved
 * registers of the kernel side (arm64_cpu_switch), the EL0 thread pointer and the
 * FP/SIMD registers of the user side. The assembly reaches the fields
 * through CTX_* offsets generated from this struct (asm-offsets.c).
 */
#ifndef ARCH_CONTEXT_H
#define ARCH_CONTEXT_H

#include <stdint.h>

struct arch_context {
    uint64_t x19_x28[10];
    uint64_t fp, lr, sp;      /* x29, x30, kernel sp */
    uint64_t tpidr_el0;
    uint64_t fpcr, fpsr;
    __uint128_t v[32] __attribute__((aligned(16)));
};

struct trap_frame;
struct cpu;

/* Switches kernel stacks and user register state from `prev` to `next`, with
 * lazy FP/SIMD ownership (switch.S does the registers, context.c the rest). */
void arch_context_switch(struct arch_context *prev, struct arch_context *next);
/* arch_context_switch as the last step of a thread that blocks: a tail call
 * that returns, in the thread that resumes (whichever switch resumes it),
 * that thread's wake code (struct thread's wake_rc; switch.S says how), so
 * its caller keeps no frame across the switch (kernel/sched.c). `here` is
 * this core's struct cpu (this_cpu()), which the caller has at hand. */
int arch_context_switch_wait(struct arch_context *prev, struct arch_context *next,
                             struct cpu *here);
/* The context is going away: forget it as the FP/SIMD owner. */
void arch_context_release(struct arch_context *ctx);
/* EL0 touched FP/SIMD without owning the registers: hand them over. */
void arch_fpsimd_trap(struct arch_context *current_ctx);
/* Prepares a new thread whose first run "returns" to EL0 at entry. */
struct trap_frame *arch_thread_init_user(struct arch_context *ctx, void *kstack_top,
                                         uint64_t entry, uint64_t sp, uint64_t arg0,
                                         uint64_t tls);
/* Prepares a kernel thread (idle) that starts in fn(). */
void arch_thread_init_kernel(struct arch_context *ctx, void *kstack_top, void (*fn)(void));
/* Sets argument register n (x0..x7) of a thread that has not run yet. */
void arch_frame_set_arg(struct trap_frame *tf, int n, uint64_t value);
void arch_sync_icache(void);
void arch_wfi(void);                 /* wait for an interrupt, IRQs stay masked */
void arch_irq_window(void);          /* unmask IRQs for a moment: take what is pending */
void arch_cpu_init_secondary(void);  /* a secondary core's MMU state after secondary_entry */

#endif
