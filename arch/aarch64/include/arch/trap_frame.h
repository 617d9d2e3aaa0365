/*
 * Layout of the register frame saved on every exception (vectors.S, which
 * reaches it through TF_* offsets generated from this struct by
 * asm-offsets.c) and the vector kinds it passes to arm64_trap_dispatch.
 */
#ifndef ARCH_TRAP_FRAME_H
#define ARCH_TRAP_FRAME_H

/* Vector kinds: (source << 2) | type. */
#define TRAP_SYNC    0
#define TRAP_IRQ     1
#define TRAP_FIQ     2
#define TRAP_SERROR  3
#define TRAP_SRC_CUR_SP0  0
#define TRAP_SRC_CUR_SPX  1
#define TRAP_SRC_LOWER64  2
#define TRAP_SRC_LOWER32  3

#ifndef __ASSEMBLER__
#include <stdint.h>

struct trap_frame {
    uint64_t x[31];
    uint64_t sp;      /* SP_EL0 of the interrupted context */
    uint64_t elr;
    uint64_t spsr;
    uint64_t pad[2];
};
#endif

#endif
