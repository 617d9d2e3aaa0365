/* The tiny protocol of the IPC test programs (no IDL on purpose: the tests
 * build raw messages, including broken ones). */
#ifndef IPC_PROTO_H
#define IPC_PROTO_H

#include <coresrv/syscalls.h>
#include <stdint.h>

enum {
    IPC_ECHO = 0,        /* value -> value + 1 */
    IPC_SLOW = 1,        /* sleeps 300 ms, then echoes */
    IPC_EXIT = 2,        /* the server task exits without replying */
    IPC_RIGHTS = 3,      /* replies with type and rights of the received handle */
    IPC_BIG = 4,         /* replies with a 256-byte constant part */
    IPC_BADGE = 5,       /* replies with the request's badge */
    IPC_NOTICES = 6,     /* replies: disconnect notices received, how many distinct badges,
                            and whether one named the caller's own channel */
    IPC_SLOW_EXIT = 7,   /* sleeps 300 ms, then the server task exits without replying */
};

struct ipc_msg {
    SMsgHdr hdr;
    uint32_t value[64];
};

/* FP/SIMD register v20, both halves set to v: the server writes it on every
 * request and each client checks its own value survived the Call, so a switch
 * that hands the FP/SIMD state over wrongly (the lazy switch on the IPC fast
 * path) gives wrong answers. */
static inline void ipc_v20_set(uint64_t v)
{
    __asm__ volatile("fmov d20, %0\n\tmov v20.d[1], %0" : : "r"(v) : "v20");
}

static inline int ipc_v20_is(uint64_t v)
{
    uint64_t lo, hi;
    __asm__ volatile("fmov %0, d20\n\tmov %1, v20.d[1]" : "=r"(lo), "=r"(hi));
    return lo == v && hi == v;
}

#endif
