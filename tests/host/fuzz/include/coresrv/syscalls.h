/* Host stand-in for userland's coresrv/syscalls.h (whose system calls are aarch64
 * inline assembly): the message ABI, the IPC calls and the futex calls, for code built on the host. */
#ifndef CORESRV_SYSCALLS_H
#define CORESRV_SYSCALLS_H
#include <stddef.h>
#include <stdint.h>
#include <uapi/msg.h>
#include <uapi/retcode.h>
#include <uapi/syscall.h>

Retcode Call(Handle handle, const SMsgHdr *msgOut, SMsgHdr *msgIn);
Retcode CallEx(Handle handle, const SMsgHdr *msgOut, SMsgHdr *msgIn, uint64_t timeoutNs);
Retcode Recv(Handle handle, SMsgHdr *msgIn);
Retcode ReplyRecv(Handle handle, const SMsgHdr *msgOut, SMsgHdr *msgIn, uint64_t timeoutNs);
Retcode KnFutexWait(const uint32_t *addr, uint32_t expected, uint64_t timeoutNs);
Retcode KnFutexWake(const uint32_t *addr, uint32_t count, uint32_t *woken);
/* Deferred arenas (docs/ABI.md): the harness plays the kernel's part. */
Retcode KnArenaDefer(uint32_t threshold);
Retcode KnArenaRead(void *dst, uint32_t offset, uint32_t size);
static inline int KnArenaDeferred(const SMsgHdr *h)
{
    return h->arena == 0 && h->arena_size != 0;
}
#endif
