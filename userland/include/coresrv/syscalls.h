/*
 * coresrv/syscalls.h: the direct system calls. Every stub is generated from
 * SYSCALL_LIST (kernel/uapi/syscall.h), so numbers and argument counts
 * cannot drift from the kernel's table; the typed KasperskyOS-named
 * functions below only convert their arguments. Every other kernel service
 * is a kernel-endpoint method (the coresrv/<family>/ headers).
 */
#ifndef CORESRV_SYSCALLS_H
#define CORESRV_SYSCALLS_H

#include <stddef.h>
#include <stdint.h>
#include <uapi/msg.h>
#include <uapi/retcode.h>
#include <uapi/syscall.h>

/* Raw call: `svc #0`, number in x8, arguments in x0..x5, Retcode in x0;
 * every other register is preserved (docs/ABI.md). */
static inline Retcode kos_syscall6(uint64_t nr, uint64_t a0, uint64_t a1, uint64_t a2,
                                   uint64_t a3, uint64_t a4, uint64_t a5)
{
    register uint64_t x8 __asm__("x8") = nr;
    register uint64_t x0 __asm__("x0") = a0;
    register uint64_t x1 __asm__("x1") = a1;
    register uint64_t x2 __asm__("x2") = a2;
    register uint64_t x3 __asm__("x3") = a3;
    register uint64_t x4 __asm__("x4") = a4;
    register uint64_t x5 __asm__("x5") = a5;
    __asm__ volatile("svc #0"
                     : "+r"(x0)
                     : "r"(x8), "r"(x1), "r"(x2), "r"(x3), "r"(x4), "r"(x5)
                     : "memory");
    return (Retcode)(int32_t)x0;
}

/* One stub per SYSCALL_LIST entry: kos_sys_<Name>(a0 .. a<argc-1>), all
 * arguments as uint64_t; and KOS_SYS_ARGC_<Name> = its argument count.
 * A stub sets only the registers its call takes (x8 and x0..x<argc-1>): a
 * kernel handler reads no argument beyond its count (docs/ABI.md), so the
 * others need not be zeroed (issue 19: six `mov`s saved on a call without
 * arguments). kos_syscall6 stays the raw form with all six. */
#define KOS_SYS_PARAMS_0 void
#define KOS_SYS_PARAMS_1 uint64_t a0
#define KOS_SYS_PARAMS_2 uint64_t a0, uint64_t a1
#define KOS_SYS_PARAMS_3 uint64_t a0, uint64_t a1, uint64_t a2
#define KOS_SYS_PARAMS_4 uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3
#define KOS_SYS_PARAMS_5 uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4
#define KOS_SYS_PARAMS_6 uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5
/* The argument registers, bound; x0 always (it carries the Retcode back). */
#define KOS_SYS_REGS_0 register uint64_t x0 __asm__("x0");
#define KOS_SYS_REGS_1 register uint64_t x0 __asm__("x0") = a0;
#define KOS_SYS_REGS_2 KOS_SYS_REGS_1 register uint64_t x1 __asm__("x1") = a1;
#define KOS_SYS_REGS_3 KOS_SYS_REGS_2 register uint64_t x2 __asm__("x2") = a2;
#define KOS_SYS_REGS_4 KOS_SYS_REGS_3 register uint64_t x3 __asm__("x3") = a3;
#define KOS_SYS_REGS_5 KOS_SYS_REGS_4 register uint64_t x4 __asm__("x4") = a4;
#define KOS_SYS_REGS_6 KOS_SYS_REGS_5 register uint64_t x5 __asm__("x5") = a5;
/* Input operands beyond x8: x0 is an in/out operand when the call takes it,
 * an output only when it does not. */
#define KOS_SYS_X0_0 "=r"(x0)
#define KOS_SYS_X0_1 "+r"(x0)
#define KOS_SYS_X0_2 "+r"(x0)
#define KOS_SYS_X0_3 "+r"(x0)
#define KOS_SYS_X0_4 "+r"(x0)
#define KOS_SYS_X0_5 "+r"(x0)
#define KOS_SYS_X0_6 "+r"(x0)
#define KOS_SYS_MORE_0
#define KOS_SYS_MORE_1
#define KOS_SYS_MORE_2 , "r"(x1)
#define KOS_SYS_MORE_3 KOS_SYS_MORE_2, "r"(x2)
#define KOS_SYS_MORE_4 KOS_SYS_MORE_3, "r"(x3)
#define KOS_SYS_MORE_5 KOS_SYS_MORE_4, "r"(x4)
#define KOS_SYS_MORE_6 KOS_SYS_MORE_5, "r"(x5)

#define KOS_SYS_STUB(nr, name, argc)                                           \
    enum { KOS_SYS_ARGC_##name = argc };                                       \
    static inline Retcode kos_sys_##name(KOS_SYS_PARAMS_##argc)                \
    {                                                                          \
        register uint64_t x8 __asm__("x8") = nr;                               \
        KOS_SYS_REGS_##argc                                                    \
        __asm__ volatile("svc #0"                                              \
                         : KOS_SYS_X0_##argc                                   \
                         : "r"(x8) KOS_SYS_MORE_##argc                         \
                         : "memory");                                          \
        return (Retcode)(int32_t)x0;                                           \
    }
SYSCALL_LIST(KOS_SYS_STUB)
#undef KOS_SYS_STUB

/* ---- IPC (KasperskyOS names) ------------------------------------------- */

/* Client: send a request on a client IPC handle, block until the reply.
 * msgIn->size/arena/arena_cap state the room for the reply. */
Retcode Call(Handle handle, const SMsgHdr *msgOut, SMsgHdr *msgIn);
/* Server: take the next request from a listener (or server) handle. */
Retcode Recv(Handle handle, SMsgHdr *msgIn);
/* Server: answer the request this thread holds. */
Retcode Reply(Handle handle, const SMsgHdr *msgOut);
/* Call / Recv with a timeout in nanoseconds (0 polls, INFINITE_TIMEOUT waits). */
Retcode CallEx(Handle handle, const SMsgHdr *msgOut, SMsgHdr *msgIn, uint64_t timeoutNs);
Retcode RecvEx(Handle handle, SMsgHdr *msgIn, uint64_t timeoutNs);
/* Reply to the held request (if any), then receive the next one. */
Retcode ReplyRecv(Handle handle, const SMsgHdr *msgOut, SMsgHdr *msgIn, uint64_t timeoutNs);
/* ReplyRecv that also stores 0 into *release (and wakes its FutexWait-ers) once the
 * reply is finished (copied to the client, refused or undeliverable), before this
 * thread waits for the next request: a server may pin the memory its reply's arena
 * names until then (docs/ABI.md, "ReplyRecvRelease"). release NULL: plain ReplyRecv
 * through memory. rcInvalidArgument (nothing done) for a misaligned word. */
Retcode ReplyRecvRelease(Handle handle, const SMsgHdr *msgOut, SMsgHdr *msgIn, uint64_t timeoutNs,
                         uint32_t *release);

/* Deferred arenas (docs/ABI.md, "Deferred arenas"). From now on, a request this
 * thread receives whose arena has >= threshold bytes may arrive without its arena
 * copied: hdr.arena 0 with hdr.arena_size the arena's size (only then is arena 0
 * with a size); the thread reads what it wants of it with KnArenaRead while it
 * holds the request. Below the threshold, or when the kernel's security path
 * must see the arena, it is copied as usual. 0: off (the default). */
Retcode KnArenaDefer(uint32_t threshold);
/* Bytes [offset, offset+size) of the deferred arena of the request held into dst.
 * rcNotConnected: no request held (none received, replied, or its client is gone);
 * rcInvalidOperation: its arena was copied (or it had none); rcInvalidArgument:
 * the range is not inside the arena (nothing copied); rcTargetFault: dst is not
 * writable user memory; rcSourceFault: the client's arena page is gone. On the two
 * faults a part of dst may have been written. */
Retcode KnArenaRead(void *dst, uint32_t offset, uint32_t size);

/* A request received with its arena deferred (KnArenaDefer). */
static inline int KnArenaDeferred(const SMsgHdr *h)
{
    return h->arena == 0 && h->arena_size != 0;
}

/* ---- the other direct calls -------------------------------------------- */

/* Ends the calling thread; Thread.Wait gives `value` to the joiner. */
__attribute__((noreturn)) void KnThreadExit(int64_t value);
/* Gives up the rest of the time slice. */
Retcode KnThreadYield(void);
/* Sleeps while *addr == expected (rcFutexWouldBlock otherwise), until a wake
 * or the timeout (ns; rcTimeout). Spurious returns are possible: recheck. */
Retcode KnFutexWait(const uint32_t *addr, uint32_t expected, uint64_t timeoutNs);
/* Wakes up to `count` waiters on addr (0 = all); *woken (may be NULL). */
Retcode KnFutexWake(const uint32_t *addr, uint32_t count, uint32_t *woken);
/* Ends the whole task (every thread) with `status`. */
__attribute__((noreturn)) void KnTaskExit(int32_t status);
/* Bytes to the kernel console (at most 1 MiB per call: rcBufferTooLarge). */
Retcode KnDebugWrite(const void *buf, size_t len);

#endif
