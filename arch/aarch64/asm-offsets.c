/*
 * Structure offsets for the assembly (switch.S, vectors.S), computed from the
 * C structs so no .S file carries a hand-counted number. Never linked: the
 * Makefile compiles it with -S and turns each "->NAME value" marker line into
 * `#define NAME value` in build/<build>/gen/asm-offsets.h.
 */
#include <arch/context.h>
#include <arch/trap_frame.h>
#include <arch/secondary.h>
#include <kernel/sched.h>
#include <kernel/smp.h>
#include <uapi/syscall.h>
#include <stddef.h>

/* Emits one marker line into the compiler's assembly output. */
#define DEFINE(sym, val) __asm__ volatile("\n.ascii \"->" #sym " %0 " #val "\"" : : "i"(val))
#define OFFSET(sym, str, mem) DEFINE(sym, offsetof(struct str, mem))

/*
 * The assembly moves registers in pairs (stp/ldp): each pair it relies on
 * must be adjacent in the struct, and the blocks it addresses with one base
 * must keep their alignment.
 */
#define ADJACENT(str, a, b) \
    _Static_assert(offsetof(struct str, b) == offsetof(struct str, a) + 8, #str ": " #a ", " #b " must be a pair")

ADJACENT(arch_context, fp, lr);
ADJACENT(arch_context, sp, tpidr_el0);
ADJACENT(arch_context, fpcr, fpsr);
_Static_assert(offsetof(struct arch_context, fp) == offsetof(struct arch_context, x19_x28[10]),
               "arch_context: x29 (fp) must follow x28");
_Static_assert(offsetof(struct arch_context, v) % 16 == 0, "arch_context: v[] must be 16-aligned");
ADJACENT(trap_frame, x[30], sp);
ADJACENT(trap_frame, elr, spsr);
_Static_assert(sizeof(struct trap_frame) % 16 == 0, "trap_frame keeps sp 16-byte aligned");
_Static_assert(offsetof(struct cpu, shared) == offsetof(struct cpu, resched) + 1 &&
               offsetof(struct cpu, resched) % 2 == 0, "cpu: resched, shared: one halfword");

int main(void)
{
    /* struct secondary_boot: secondary_entry (boot.S) */
    OFFSET(SB_TTBR1, secondary_boot, ttbr1);
    OFFSET(SB_TCR, secondary_boot, tcr);
    OFFSET(SB_STACK, secondary_boot, stack);
    OFFSET(SB_CPU, secondary_boot, cpu);
    /* struct arch_context: cpu_switch, fpsimd_save/load (switch.S) */
    OFFSET(CTX_X19, arch_context, x19_x28[0]);
    OFFSET(CTX_X21, arch_context, x19_x28[2]);
    OFFSET(CTX_X23, arch_context, x19_x28[4]);
    OFFSET(CTX_X25, arch_context, x19_x28[6]);
    OFFSET(CTX_X27, arch_context, x19_x28[8]);
    OFFSET(CTX_FP, arch_context, fp);
    OFFSET(CTX_SP, arch_context, sp);
    OFFSET(CTX_FPCR, arch_context, fpcr);
    OFFSET(CTX_V, arch_context, v);
    /* a switch returns the resumed thread's wake code (arm64_cpu_switch) */
    DEFINE(CTX_WAKE_RC, offsetof(struct thread, wake_rc) - offsetof(struct thread, ctx));

    /* struct trap_frame: the exception entry and return (vectors.S) */
    DEFINE(TF_SIZE, sizeof(struct trap_frame));
    OFFSET(TF_X0, trap_frame, x[0]);
    OFFSET(TF_X2, trap_frame, x[2]);
    OFFSET(TF_X4, trap_frame, x[4]);
    OFFSET(TF_X6, trap_frame, x[6]);
    OFFSET(TF_X8, trap_frame, x[8]);
    OFFSET(TF_X10, trap_frame, x[10]);
    OFFSET(TF_X12, trap_frame, x[12]);
    OFFSET(TF_X14, trap_frame, x[14]);
    OFFSET(TF_X16, trap_frame, x[16]);
    OFFSET(TF_X18, trap_frame, x[18]);
    OFFSET(TF_X20, trap_frame, x[20]);
    OFFSET(TF_X22, trap_frame, x[22]);
    OFFSET(TF_X24, trap_frame, x[24]);
    OFFSET(TF_X26, trap_frame, x[26]);
    OFFSET(TF_X28, trap_frame, x[28]);
    OFFSET(TF_X30, trap_frame, x[30]);
    OFFSET(TF_ELR, trap_frame, elr);

    /* the system-call entry (vectors.S, arm64_svc_entry) */
    OFFSET(CPU_CUR, cpu, cur);
    OFFSET(CPU_RESCHED, cpu, resched);
    OFFSET(CPU_SHARED, cpu, shared);
    /* the lazy FP/SIMD hand-over of the blocking switch (switch.S) */
    OFFSET(CPU_FP_OWNER, cpu, fp_owner);
    OFFSET(CPU_FP_ENABLED, cpu, fp_enabled);
    OFFSET(THREAD_FRAME, thread, frame);
    DEFINE(SYSCALL_MAX, SYS_MAX);
    return 0;
}
