/*
 * The typed direct system calls (coresrv/syscalls.h) over the stubs that
 * SYSCALL_LIST generates. The asserts tie each typed signature to the
 * argument count in the list, so a change there breaks the build here.
 */
#include <coresrv/syscalls.h>
#include <stdbool.h>
#include <string.h>

#define U(x) ((uint64_t)(uintptr_t)(x))

_Static_assert(KOS_SYS_ARGC_Call == 3 && KOS_SYS_ARGC_Recv == 2 && KOS_SYS_ARGC_Reply == 2 &&
               KOS_SYS_ARGC_CallEx == 4 && KOS_SYS_ARGC_RecvEx == 3 &&
               KOS_SYS_ARGC_ReplyRecv == 4 && KOS_SYS_ARGC_ThreadExit == 1 &&
               KOS_SYS_ARGC_ThreadYield == 0 && KOS_SYS_ARGC_FutexWait == 3 &&
               KOS_SYS_ARGC_FutexWake == 3 && KOS_SYS_ARGC_TaskExit == 1 &&
               KOS_SYS_ARGC_DebugWrite == 2,
               "typed system calls out of step with SYSCALL_LIST");

/*
 * Short messages in registers (uapi/msg.h, docs/ABI.md): a message with no
 * arena, no handles and at most MSG_REG_CONST bytes of constant part goes to
 * the kernel in x1..x7, and a short message comes back the same way, which
 * spares the kernel every access to the user buffers on its fast path. The
 * library reads and writes the SMsgHdr buffers itself then, so it does so
 * only for buffers it knows stay mapped read-write: in the program's data
 * and bss. Any other buffer (or a bad pointer) goes the memory way, where
 * the kernel checks it and answers rcInvalidArgument: a program sees the
 * same results either way.
 */
extern char __data_start[], __bss_end[];

typedef uint64_t __attribute__((may_alias)) word_t;
typedef uint32_t __attribute__((may_alias)) word32_t;
typedef uint16_t __attribute__((may_alias)) word16_t;

/* No FP/SIMD registers in the IPC wrappers: the compiler would move the
 * 48 bytes in q registers, and a task's first FP/SIMD use after a switch
 * traps (the lazy FP/SIMD switch), which costs more than a round trip saves. */
#pragma GCC push_options
#pragma GCC target("general-regs-only")

/* [p, p + n) lies in the program's data or bss, p 8-byte aligned. */
static inline bool known_rw(const void *p, uint64_t n)
{
    uintptr_t a = (uintptr_t)p, lo = (uintptr_t)__data_start, hi = (uintptr_t)__bss_end;
    return !(a & 7) && a >= lo && a <= hi && n <= hi - a;
}

/* A message to send in registers: its x1..x7 in r[0..6]. */
static inline bool out_regs(const SMsgHdr *out, uint64_t r[7])
{
    if (!known_rw(out, sizeof(SMsgHdr) + MSG_REG_CONST) || out->nhandles || out->arena_size ||
        out->size > MSG_REG_CONST)
        return false;
    r[0] = MSG_REG_HDR(out->riid, out->mid, out->size);
    const word_t *d = (const word_t *)(const void *)(out + 1);
    for (unsigned i = 0; i < MSG_REG_CONST / 8; i++)
        r[1 + i] = d[i];                      /* the kernel ignores the bytes past size */
    return true;
}

/* A buffer to receive in registers: its room in the x11 and x12 words. */
static inline bool in_regs(const SMsgHdr *in, uint64_t *cap, uint64_t *arena)
{
    if (!known_rw(in, sizeof(SMsgHdr)) || !known_rw(in, sizeof(SMsgHdr) + (uint64_t)in->size))
        return false;
    *cap = MSG_REG_CAP(in->size, in->arena_cap);
    *arena = in->arena;
    return true;
}

/* The register convention's system call: x1..x7 in and out (r), the receive
 * room in x10..x13; returns the Retcode, *flag = x9 on return. */
static inline Retcode reg_call(uint64_t nr, Handle handle, uint64_t r[7], const SMsgHdr *in,
                               uint64_t cap, uint64_t arena, uint64_t timeout, uint64_t *flag)
{
    register uint64_t x0 __asm__("x0") = handle;
    register uint64_t x1 __asm__("x1") = r[0];
    register uint64_t x2 __asm__("x2") = r[1];
    register uint64_t x3 __asm__("x3") = r[2];
    register uint64_t x4 __asm__("x4") = r[3];
    register uint64_t x5 __asm__("x5") = r[4];
    register uint64_t x6 __asm__("x6") = r[5];
    register uint64_t x7 __asm__("x7") = r[6];
    register uint64_t x8 __asm__("x8") = nr;
    register uint64_t x9 __asm__("x9") = 0;
    register uint64_t x10 __asm__("x10") = (uint64_t)(uintptr_t)in;
    register uint64_t x11 __asm__("x11") = cap;
    register uint64_t x12 __asm__("x12") = arena;
    register uint64_t x13 __asm__("x13") = timeout;
    __asm__ volatile("svc #0"
                     : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3), "+r"(x4), "+r"(x5), "+r"(x6),
                       "+r"(x7), "+r"(x9)
                     : "r"(x8), "r"(x10), "r"(x11), "r"(x12), "r"(x13)
                     : "memory");
    r[0] = x1, r[1] = x2, r[2] = x3, r[3] = x4, r[4] = x5, r[5] = x6, r[6] = x7;
    *flag = x9;
    return (Retcode)(int32_t)x0;
}

/* A message the kernel left in registers (flag = x9) into the buffer, as
 * the kernel writes one: exactly `size` bytes of constant part. */
static inline void store_in(SMsgHdr *in, const uint64_t r[7], uint64_t flag, uint64_t cap,
                            uint64_t arena)
{
    uint32_t size = MSG_REG_SIZE(r[0]);
    word_t *h = (word_t *)(void *)in;         /* the SMsgHdr, word by word (uapi/msg.h) */
    h[0] = (uint64_t)MSG_REG_RIID(r[0]) | (uint64_t)MSG_REG_MID(r[0]) << 32;   /* nhandles 0 */
    h[1] = size | (flag & 0xffffffffu) << 32;                                 /* badge */
    h[2] = arena;
    h[3] = cap & 0xffffffff00000000ull;       /* arena_size 0, arena_cap */
    h[4] = h[5] = h[6] = h[7] = 0;            /* handles[] */
    word_t *d = h + 8;
    unsigned k = 1;
    for (; size >= 8; size -= 8)
        *d++ = r[k++];
    if (size) {
        uint8_t *b = (uint8_t *)(void *)d;
        uint64_t v = r[k];
        if (size & 4)
            *(word32_t *)(void *)b = (uint32_t)v, b += 4, v >>= 32;
        if (size & 2)
            *(word16_t *)(void *)b = (uint16_t)v, b += 2, v >>= 16;
        if (size & 1)
            *b = (uint8_t)v;
    }
}

Retcode Call(Handle handle, const SMsgHdr *msgOut, SMsgHdr *msgIn)
{
    uint64_t r[7], cap, arena, flag;
    if (!out_regs(msgOut, r) || !in_regs(msgIn, &cap, &arena))
        return kos_sys_Call(handle, U(msgOut), U(msgIn));
    Retcode rc = reg_call(SYS_CallReg, handle, r, msgIn, cap, arena, 0, &flag);
    if (rc == rcOk && flag)
        store_in(msgIn, r, flag, cap, arena);
    return rc;
}

static Retcode recv_in(Handle handle, SMsgHdr *msgIn, uint64_t timeoutNs)
{
    uint64_t r[7] = { 0 }, cap, arena, flag;
    if (!in_regs(msgIn, &cap, &arena))
        return kos_sys_RecvEx(handle, U(msgIn), timeoutNs);
    Retcode rc = reg_call(SYS_RecvReg, handle, r, msgIn, cap, arena, timeoutNs, &flag);
    if (rc == rcOk && flag)
        store_in(msgIn, r, flag, cap, arena);
    return rc;
}

Retcode Recv(Handle handle, SMsgHdr *msgIn)
{
    return recv_in(handle, msgIn, INFINITE_TIMEOUT);
}

Retcode Reply(Handle handle, const SMsgHdr *msgOut)
{
    return kos_sys_Reply(handle, U(msgOut));
}

Retcode CallEx(Handle handle, const SMsgHdr *msgOut, SMsgHdr *msgIn, uint64_t timeoutNs)
{
    return kos_sys_CallEx(handle, U(msgOut), U(msgIn), timeoutNs);
}

Retcode RecvEx(Handle handle, SMsgHdr *msgIn, uint64_t timeoutNs)
{
    return recv_in(handle, msgIn, timeoutNs);
}

Retcode ReplyRecv(Handle handle, const SMsgHdr *msgOut, SMsgHdr *msgIn, uint64_t timeoutNs)
{
    uint64_t r[7], cap, arena, flag;
    if (!out_regs(msgOut, r) || !in_regs(msgIn, &cap, &arena))
        return kos_sys_ReplyRecv(handle, U(msgOut), U(msgIn), timeoutNs);
    Retcode rc = reg_call(SYS_ReplyRecvReg, handle, r, msgIn, cap, arena, timeoutNs, &flag);
    if (rc == rcOk && flag)
        store_in(msgIn, r, flag, cap, arena);
    return rc;
}

#pragma GCC pop_options

void KnThreadExit(int64_t value)
{
    kos_sys_ThreadExit((uint64_t)value);
    __builtin_trap();                     /* the kernel never returns here */
}

Retcode KnThreadYield(void)
{
    return kos_sys_ThreadYield();
}

Retcode KnFutexWait(const uint32_t *addr, uint32_t expected, uint64_t timeoutNs)
{
    return kos_sys_FutexWait(U(addr), expected, timeoutNs);
}

Retcode KnFutexWake(const uint32_t *addr, uint32_t count, uint32_t *woken)
{
    return kos_sys_FutexWake(U(addr), count, U(woken));
}

void KnTaskExit(int32_t status)
{
    kos_sys_TaskExit((uint64_t)(int64_t)status);
    __builtin_trap();
}

Retcode KnDebugWrite(const void *buf, size_t len)
{
    return kos_sys_DebugWrite(U(buf), len);
}
