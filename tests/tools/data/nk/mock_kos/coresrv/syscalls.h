/* Test stand-in for userland's coresrv/syscalls.h (its system calls are
 * aarch64 svc): what coresrv/nk/transport-kos.h needs, for host builds of the
 * KasperskyOS-form headers (tests/tools/test_nk_kos.py). */
#ifndef CORESRV_SYSCALLS_H
#define CORESRV_SYSCALLS_H
#include <stdint.h>
#include <uapi/msg.h>
#include <uapi/retcode.h>
#define INFINITE_TIMEOUT (~0ULL)
Retcode Call(Handle handle, const SMsgHdr *msgOut, SMsgHdr *msgIn);
Retcode CallEx(Handle handle, const SMsgHdr *msgOut, SMsgHdr *msgIn, uint64_t timeoutNs);
Retcode RecvEx(Handle handle, SMsgHdr *msgIn, uint64_t timeoutNs);
Retcode Reply(Handle handle, const SMsgHdr *msgOut);
#endif
