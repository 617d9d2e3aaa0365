/* Fatal kernel errors: print the reason and diagnostics, then stop. */
#ifndef KERNEL_PANIC_H
#define KERNEL_PANIC_H

#include <stdint.h>

struct trap_frame;

__attribute__((noreturn, format(printf, 1, 2))) void panic(const char *fmt, ...);
/* Panic from an exception: adds ESR/FAR/ELR, the decoded class and registers. */
__attribute__((noreturn)) void panic_trap(const char *why, const struct trap_frame *tf,
                                          uint64_t esr, uint64_t far);

#define BUG_ON(cond) do { if (cond) panic("BUG at %s:%d: %s", __FILE__, __LINE__, #cond); } while (0)

/*
 * ASSERT(cond): a precondition or invariant the code relies on, written where
 * a comment used to state it. Never a check of user input (that returns a
 * Retcode). Compiled into every build, release images included, like BUG_ON:
 * each is a compare and a branch, kept out of the innermost loops, and a broken
 * invariant stops the kernel with its place rather than corrupting it
 * (docs/ARCHITECTURE.md, "Assertions").
 */
#define ASSERT(cond) \
    do { if (!(cond)) panic("ASSERT failed at %s:%d: %s", __FILE__, __LINE__, #cond); } while (0)

/*
 * DEBUG_ASSERT(cond): the same, for preconditions on the hot path (the IPC
 * fast path, the context switch, handle lookup, the translation cache), where
 * a compare and a branch would be paid by every message. Evaluated only in a
 * debug kernel (`make KDEBUG=1`, whose banner says "debug"), which `make test`
 * boots under the fuzzer and the IPC tests; in other builds cond is only
 * type-checked, never evaluated, so it must have no side effect.
 */
#ifdef KDEBUG
#define DEBUG_ASSERT(cond) \
    do { if (!(cond)) panic("DEBUG_ASSERT failed at %s:%d: %s", __FILE__, __LINE__, #cond); } \
    while (0)
#else
#define DEBUG_ASSERT(cond) ((void)sizeof(!(cond)))
#endif

#endif
