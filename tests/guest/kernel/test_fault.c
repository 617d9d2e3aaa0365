/*
 * test_fault <kind>: makes one kind of fault; the kernel must kill the task
 * (exit status TASK_EXIT_FAULT). Kinds: null, kernel, exec, undef, stack,
 * write_ro. Surviving the fault is a failure.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include "../check.h"

static const uint32_t ro_word = 0x12345678;                 /* in .rodata */
static uint32_t data_code[4] = { 0xd65f03c0, 0xd65f03c0 }; /* "ret" in .data (not executable) */

static void do_fault(const char *kind)
{
    if (strcmp(kind, "null") == 0) {
        (void)*(volatile uint64_t *)0;
    } else if (strcmp(kind, "kernel") == 0) {
        (void)*(volatile uint64_t *)0xffffff8040080000ull;
    } else if (strcmp(kind, "exec") == 0) {
        void (*fn)(void);
        uintptr_t addr = (uintptr_t)data_code;
        memcpy(&fn, &addr, sizeof(fn));
        fn();
    } else if (strcmp(kind, "undef") == 0) {
        __asm__ volatile("udf #0");
    } else if (strcmp(kind, "stack") == 0) {
        /* sp misaligned by 4, then a load through it: SP alignment fault
         * (SCTLR_EL1.SA0). */
        __asm__ volatile("mov x9, sp\n"
                         "sub x10, x9, #4\n"
                         "mov sp, x10\n"
                         "ldr x11, [sp]\n"
                         "mov sp, x9\n" ::: "x9", "x10", "x11", "memory");
        /* QEMU does not model the SP alignment check; then run down the
         * stack into its guard page, which faults everywhere. */
        printf("no SP alignment fault (emulator?): writing down into the stack guard page\n");
        fflush(stdout);
        volatile char *p = __builtin_frame_address(0);
        for (;;) {
            p -= 4096;
            *p = 1;
        }
    } else if (strcmp(kind, "write_ro") == 0) {
        *(volatile uint32_t *)(uintptr_t)&ro_word = 1;
    }
}

int main(int argc, char **argv)
{
    static const char *const kinds[] = { "null", "kernel", "exec", "undef", "stack", "write_ro" };
    const char *kind = argc > 1 ? argv[1] : "";
    int known = 0;
    for (unsigned i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
        known |= strcmp(kind, kinds[i]) == 0;
    if (!known) {
        printf("usage: test_fault null|kernel|exec|undef|stack|write_ro (got '%s')\n", kind);
        return 2;
    }
    printf("about to fault: %s\n", kind);
    fflush(stdout);
    do_fault(kind);
    check_fail("killed_by_kernel", "still running after the '%s' fault", kind);
    return check_done("test_fault");
}
