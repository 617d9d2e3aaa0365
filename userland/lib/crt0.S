/*
 * _start: the ELF entry of every program. The kernel enters at EL0 with
 *   x0 = argc, x1 = argv, x2 = envp (NULL-terminated, strings on the stack),
 *   x3 = startup-info block (struct KosStartupInfo *, or 0),
 *   sp = 16-byte aligned top of the main stack (guard page below),
 *   TPIDR_EL0 = 0 (no TLS yet).
 * It clears the frame chain and hands everything to __kos_start (start.c),
 * which never returns. Nothing here may touch TLS.
 */
#define FUNC(name) .global name; .type name, %function; name:
#define END(name) .size name, . - name

    .section .text.start, "ax", %progbits
    .balign 4
FUNC(_start)
    mov     x29, xzr                /* end of the frame-pointer chain */
    mov     x30, xzr
    bl      __kos_start
    udf     #0                      /* unreachable */
END(_start)

    .section .note.GNU-stack, "", %progbits
