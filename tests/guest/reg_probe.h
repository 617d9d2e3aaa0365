/*
 * reg_probe.h: a system call with every register x0..x28 given (x8: its
 * number) and every one read back right after the svc, for the tests that
 * check the kernel's return paths (docs/ABI.md: every register but x0 is
 * preserved, except the documented outputs of the register IPC calls), so
 * that no kernel value (an address, a pointer, another thread's data) ever
 * reaches EL0 in a register. x29, x30 and sp are the probe's own.
 * Header-only: each test is its own program.
 */
#ifndef TESTS_GUEST_REG_PROBE_H
#define TESTS_GUEST_REG_PROBE_H

#include <stdint.h>

#define PROBE_REGS 29

/* out[i] = x_i after `svc #0` entered with x_i = in[i] (i = 0..28). */
void reg_probe_svc(const uint64_t in[PROBE_REGS], uint64_t out[PROBE_REGS]);
__asm__(".text\n"
        ".balign 4\n"
        ".type reg_probe_svc, %function\n"
        "reg_probe_svc:\n"
        "    stp x29, x30, [sp, #-112]!\n"
        "    stp x19, x20, [sp, #16]\n"
        "    stp x21, x22, [sp, #32]\n"
        "    stp x23, x24, [sp, #48]\n"
        "    stp x25, x26, [sp, #64]\n"
        "    stp x27, x28, [sp, #80]\n"
        "    str x18, [sp, #96]\n"
        "    str x1, [sp, #104]\n"
        "    mov x30, x0\n"
        "    ldp x0, x1, [x30, #0]\n"
        "    ldp x2, x3, [x30, #16]\n"
        "    ldp x4, x5, [x30, #32]\n"
        "    ldp x6, x7, [x30, #48]\n"
        "    ldp x8, x9, [x30, #64]\n"
        "    ldp x10, x11, [x30, #80]\n"
        "    ldp x12, x13, [x30, #96]\n"
        "    ldp x14, x15, [x30, #112]\n"
        "    ldp x16, x17, [x30, #128]\n"
        "    ldp x18, x19, [x30, #144]\n"
        "    ldp x20, x21, [x30, #160]\n"
        "    ldp x22, x23, [x30, #176]\n"
        "    ldp x24, x25, [x30, #192]\n"
        "    ldp x26, x27, [x30, #208]\n"
        "    ldr x28, [x30, #224]\n"
        "    svc #0\n"
        "    ldr x30, [sp, #104]\n"
        "    stp x0, x1, [x30, #0]\n"
        "    stp x2, x3, [x30, #16]\n"
        "    stp x4, x5, [x30, #32]\n"
        "    stp x6, x7, [x30, #48]\n"
        "    stp x8, x9, [x30, #64]\n"
        "    stp x10, x11, [x30, #80]\n"
        "    stp x12, x13, [x30, #96]\n"
        "    stp x14, x15, [x30, #112]\n"
        "    stp x16, x17, [x30, #128]\n"
        "    stp x18, x19, [x30, #144]\n"
        "    stp x20, x21, [x30, #160]\n"
        "    stp x22, x23, [x30, #176]\n"
        "    stp x24, x25, [x30, #192]\n"
        "    stp x26, x27, [x30, #208]\n"
        "    str x28, [x30, #224]\n"
        "    ldr x18, [sp, #96]\n"
        "    ldp x19, x20, [sp, #16]\n"
        "    ldp x21, x22, [sp, #32]\n"
        "    ldp x23, x24, [sp, #48]\n"
        "    ldp x25, x26, [sp, #64]\n"
        "    ldp x27, x28, [sp, #80]\n"
        "    ldp x29, x30, [sp], #112\n"
        "    ret\n"
        ".size reg_probe_svc, . - reg_probe_svc\n");

/* A value of x_i no call produces by chance. */
static inline uint64_t reg_probe_pattern(unsigned i)
{
    return 0x5eed000000005e00ull | (uint64_t)i << 24 | i;
}

/* in[] = the patterns, then the call's own registers. */
static inline void reg_probe_fill(uint64_t in[PROBE_REGS], uint64_t nr)
{
    for (unsigned i = 0; i < PROBE_REGS; i++)
        in[i] = reg_probe_pattern(i);
    in[8] = nr;
}

/* The first register (other than x0 and those set in `outputs`, a mask of
 * x_i) that came back changed, or -1. */
static inline int reg_probe_changed(const uint64_t in[PROBE_REGS], const uint64_t out[PROBE_REGS],
                                    uint32_t outputs)
{
    for (unsigned i = 1; i < PROBE_REGS; i++)
        if (!(outputs & (1u << i)) && in[i] != out[i])
            return (int)i;
    return -1;
}

#endif
