/*
 * simd_probe_call: for the boot self-test of the kernel's bulk copy
 * (kernel/selftest.c, arch/aarch64/lib/mem.S): loads v0..v31 from `in`
 * (512 bytes), calls fn(dst, src, n) (memcpy or memmove), and stores
 * v0..v31 right after it returns into `out`, so the caller can check that
 * the copy left every SIMD register as it found it. Runs at boot, before
 * any thread exists (nobody owns the FP/SIMD registers yet); it keeps
 * d8..d15, which the procedure call standard says a callee preserves.
 *
 * void simd_probe_call(const void *in x0, void *out x1,
 *                      void *(*fn)(void *, const void *, size_t) x2,
 *                      void *dst x3, const void *src x4, size_t n x5);
 */
#include <arch/asm.h>

FUNC(simd_probe_call)
    stp     x29, x30, [sp, #-96]!
    mov     x29, sp
    stp     d8, d9, [sp, #16]
    stp     d10, d11, [sp, #32]
    stp     d12, d13, [sp, #48]
    stp     d14, d15, [sp, #64]
    str     x19, [sp, #80]
    mov     x19, x1
    ld1     {v0.16b-v3.16b}, [x0], #64
    ld1     {v4.16b-v7.16b}, [x0], #64
    ld1     {v8.16b-v11.16b}, [x0], #64
    ld1     {v12.16b-v15.16b}, [x0], #64
    ld1     {v16.16b-v19.16b}, [x0], #64
    ld1     {v20.16b-v23.16b}, [x0], #64
    ld1     {v24.16b-v27.16b}, [x0], #64
    ld1     {v28.16b-v31.16b}, [x0]
    mov     x9, x2
    mov     x0, x3
    mov     x1, x4
    mov     x2, x5
    blr     x9
    st1     {v0.16b-v3.16b}, [x19], #64
    st1     {v4.16b-v7.16b}, [x19], #64
    st1     {v8.16b-v11.16b}, [x19], #64
    st1     {v12.16b-v15.16b}, [x19], #64
    st1     {v16.16b-v19.16b}, [x19], #64
    st1     {v20.16b-v23.16b}, [x19], #64
    st1     {v24.16b-v27.16b}, [x19], #64
    st1     {v28.16b-v31.16b}, [x19]
    ldp     d8, d9, [sp, #16]
    ldp     d10, d11, [sp, #32]
    ldp     d12, d13, [sp, #48]
    ldp     d14, d15, [sp, #64]
    ldr     x19, [sp, #80]
    ldp     x29, x30, [sp], #96
    ret
END(simd_probe_call)

    .section .note.GNU-stack, "", %progbits
