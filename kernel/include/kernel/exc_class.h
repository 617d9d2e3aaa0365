/* Exception syndrome decoding into words, for diagnostics. */
#ifndef KERNEL_EXC_CLASS_H
#define KERNEL_EXC_CLASS_H

#include <stdint.h>

static inline unsigned exc_class_of(uint64_t esr) { return (unsigned)(esr >> 26) & 0x3f; }
const char *exc_class_name(uint64_t esr);
/* For aborts: "translation fault level 2", "permission fault level 3", ... */
const char *exc_fault_status(uint64_t esr);

#endif
