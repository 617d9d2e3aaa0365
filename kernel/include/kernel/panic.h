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

#endif
