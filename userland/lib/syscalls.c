/*
 * The typed direct system calls (coresrv/syscalls.h) over the stubs that
 * SYSCALL_LIST generates. The asserts tie each typed signature to the
 * argument count in the list, so a change there breaks the build here.
 */
#include <coresrv/syscalls.h>
#include <stdbool.h>
#include <uapi/handle.h>

#define U(x) ((uint64_t)(uintptr_t)(x))

_Static_assert(KOS_SYS_ARGC_Call == 3 && KOS_SYS_ARGC_Recv == 2 && KOS_SYS_ARGC_Reply == 2 &&
               KOS_SYS_ARGC_CallEx == 4 && KOS_SYS_ARGC_RecvEx == 3 &&
               KOS_SYS_ARGC_ReplyRecv == 4 && KOS_SYS_ARGC_ReplyRecvRelease == 5 &&
               KOS_SYS_ARGC_ThreadExit == 1 &&
               KOS_SYS_ARGC_ThreadYield == 0 && KOS_SYS_ARGC_FutexWait == 3 &&
               KOS_SYS_ARGC_FutexWake == 3 && KOS_SYS_ARGC_TaskExit == 1 &&
               KOS_SYS_ARGC_DebugWrite == 2 && KOS_SYS_ARGC_ArenaDefer == 1 &&
               KOS_SYS_ARGC_ArenaRead == 3,
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

/* The program's data and bss, [lo, hi): one load for both bounds. */
static const struct { uintptr_t lo, hi; } rw_area = { (uintptr_t)__data_start,
                                                     (uintptr_t)__bss_end };

/* A buffer at p, 8-byte aligned, with `room` bytes from it in data or bss.
 * (hi - room cannot wrap: hi is an address above the first page and room
 * at most a header and a short message.) */
static inline bool known_rw(const void *p, uint64_t room)
{
    uintptr_t a = (uintptr_t)p;
    return !(a & 7) && a >= rw_area.lo && a <= rw_area.hi - room;
}

/* The header's first word: riid, nhandles, mid (uapi/msg.h). With nhandles
 * 0 it is the MSG_REG_HDR word but for the size, which goes in nhandles'
 * place: one load and one orr build x1. */
static inline uint64_t hdr_word(const SMsgHdr *h)
{
    return *(const word_t *)(const void *)h;
}

_Static_assert(MSG_REG_HDR(0xffff, 0, 0) == 0xffff && MSG_REG_HDR(0, 0xffffffffu, 0) ==
               0xffffffff00000000ull && MSG_REG_HDR(0, 0, 0xffff) == 0xffff0000ull,
               "MSG_REG_HDR is the header's first word with the size for nhandles");

/* A message that may go in registers, from a buffer the library may read. */
static inline bool out_ok(const SMsgHdr *out)
{
    return known_rw(out, sizeof(SMsgHdr) + MSG_REG_CONST) &&
           !(hdr_word(out) & 0xffff0000u) && !out->arena_size && out->size <= MSG_REG_CONST;
}

/* A receive buffer the library may fill (all of its stated room). */
static inline bool in_ok(const SMsgHdr *in)
{
    return known_rw(in, sizeof(SMsgHdr)) &&
           in->size <= rw_area.hi - (uintptr_t)in - sizeof(SMsgHdr);
}

/*
 * The register convention's system call (uapi/msg.h): `out` (NULL: nothing
 * to send) in x1..x7, the room of `in` in x10..x13; a message the kernel
 * leaves in registers is stored into `in` as the kernel would write it
 * there: the whole header, exactly `size` bytes of constant part.
 */
static inline __attribute__((always_inline)) Retcode reg_ipc(uint64_t nr, Handle handle,
                                                             const SMsgHdr *out, SMsgHdr *in,
                                                             uint64_t timeout)
{
    const word_t *o = (const word_t *)(const void *)(out + 1);
    uint64_t capw = MSG_REG_CAP(in->size, in->arena_cap), arena = in->arena;
    register uint64_t x0 __asm__("x0") = handle;
    register uint64_t x1 __asm__("x1") = out ? hdr_word(out) | (uint64_t)out->size << 16 : 0;
    register uint64_t x2 __asm__("x2") = out ? o[0] : 0;   /* bytes past size: ignored */
    register uint64_t x3 __asm__("x3") = out ? o[1] : 0;
    register uint64_t x4 __asm__("x4") = out ? o[2] : 0;
    register uint64_t x5 __asm__("x5") = out ? o[3] : 0;
    register uint64_t x6 __asm__("x6") = out ? o[4] : 0;
    register uint64_t x7 __asm__("x7") = out ? o[5] : 0;
    register uint64_t x8 __asm__("x8") = nr;
    register uint64_t x9 __asm__("x9") = 0;
    register uint64_t x10 __asm__("x10") = (uint64_t)(uintptr_t)in;
    register uint64_t x11 __asm__("x11") = capw;
    register uint64_t x12 __asm__("x12") = arena;
    if (nr == SYS_CallReg) {                  /* (no timeout: x13 is not read) */
        __asm__ volatile("svc #0"
                         : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3), "+r"(x4), "+r"(x5), "+r"(x6),
                           "+r"(x7), "+r"(x9)
                         : "r"(x8), "r"(x10), "r"(x11), "r"(x12)
                         : "memory");
    } else {
        register uint64_t x13 __asm__("x13") = timeout;
        __asm__ volatile("svc #0"
                         : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3), "+r"(x4), "+r"(x5), "+r"(x6),
                           "+r"(x7), "+r"(x9)
                         : "r"(x8), "r"(x10), "r"(x11), "r"(x12), "r"(x13)
                         : "memory");
    }
    Retcode rc = (Retcode)(int32_t)x0;
    if (rc != rcOk || !x9)
        return rc;                            /* an error, or the message is in the buffer */
    word_t *h = (word_t *)(void *)in;         /* the SMsgHdr, word by word (uapi/msg.h) */
    uint64_t size = MSG_REG_SIZE(x1);
    h[0] = x1 & 0xffffffff0000ffffull;        /* riid, nhandles 0, mid */
    h[1] = size | x9 << 32;                   /* size, badge (x9's bit 32 shifts out) */
    h[2] = arena;
    h[3] = capw & 0xffffffff00000000ull;      /* arena_size 0, arena_cap */
    h[4] = h[5] = h[6] = h[7] = 0;            /* handles[] */
    word_t *d = h + 8;
    uint64_t v = x2;                          /* the word that holds the last bytes */
    uint8_t *b = (uint8_t *)(void *)d;        /* where they go */
    if (size >= 8) {                          /* the whole words, short messages first */
        d[0] = x2, v = x3;
        if (size >= 16) {
            d[1] = x3, v = x4;
            if (size >= 24) {
                d[2] = x4, v = x5;
                if (size >= 32) {
                    d[3] = x5, v = x6;
                    if (size >= 40) {
                        d[4] = x6, v = x7;
                        if (size >= 48)
                            d[5] = x7;
                    }
                }
            }
        }
        b = (uint8_t *)(void *)(d + size / 8);
    }
    if (size & 4)
        *(word32_t *)(void *)b = (uint32_t)v, b += 4, v >>= 32;
    if (size & 2)
        *(word16_t *)(void *)b = (uint16_t)v, b += 2, v >>= 16;
    if (size & 1)
        *b = (uint8_t)v;
    return rc;
}

/* Inline: Call needs no stack frame either way (the system call clobbers
 * only caller-saved registers), and the checks' loads are shared. */
static inline __attribute__((always_inline)) Retcode call_regs(Handle handle,
                                                               const SMsgHdr *msgOut,
                                                               SMsgHdr *msgIn)
{
    return reg_ipc(SYS_CallReg, handle, msgOut, msgIn, 0);
}

Retcode Call(Handle handle, const SMsgHdr *msgOut, SMsgHdr *msgIn)
{
    /* The kernel's endpoints answer in memory (kcall_serve): registers
     * would only cost the checks there. */
    if (handle != KERNEL_HANDLE && out_ok(msgOut) && in_ok(msgIn))
        return call_regs(handle, msgOut, msgIn);
    return kos_sys_Call(handle, U(msgOut), U(msgIn));
}

static __attribute__((noinline)) Retcode recv_regs(Handle handle, SMsgHdr *msgIn,
                                                   uint64_t timeoutNs)
{
    return reg_ipc(SYS_RecvReg, handle, NULL, msgIn, timeoutNs);
}

Retcode Recv(Handle handle, SMsgHdr *msgIn)
{
    if (in_ok(msgIn))
        return recv_regs(handle, msgIn, INFINITE_TIMEOUT);
    return kos_sys_Recv(handle, U(msgIn));
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
    if (in_ok(msgIn))
        return recv_regs(handle, msgIn, timeoutNs);
    return kos_sys_RecvEx(handle, U(msgIn), timeoutNs);
}

static inline __attribute__((always_inline)) Retcode reply_recv_regs(Handle handle,
                                                                     const SMsgHdr *msgOut,
                                                                     SMsgHdr *msgIn,
                                                                     uint64_t timeoutNs)
{
    return reg_ipc(SYS_ReplyRecvReg, handle, msgOut, msgIn, timeoutNs);
}

Retcode ReplyRecv(Handle handle, const SMsgHdr *msgOut, SMsgHdr *msgIn, uint64_t timeoutNs)
{
    if (out_ok(msgOut) && in_ok(msgIn))
        return reply_recv_regs(handle, msgOut, msgIn, timeoutNs);
    return kos_sys_ReplyRecv(handle, U(msgOut), U(msgIn), timeoutNs);
}

Retcode ReplyRecvRelease(Handle handle, const SMsgHdr *msgOut, SMsgHdr *msgIn, uint64_t timeoutNs,
                         uint32_t *release)
{
    return kos_sys_ReplyRecvRelease(handle, U(msgOut), U(msgIn), timeoutNs, U(release));
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

Retcode KnArenaDefer(uint32_t threshold)
{
    return kos_sys_ArenaDefer(threshold);
}

Retcode KnArenaRead(void *dst, uint32_t offset, uint32_t size)
{
    return kos_sys_ArenaRead(U(dst), offset, size);
}
