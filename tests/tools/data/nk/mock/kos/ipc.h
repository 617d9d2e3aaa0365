/* Test stand-in for userland's kos/ipc.h: the message ABI plus Call(),
 * which the test harness implements (usually by calling a dispatcher). */
#ifndef KOS_IPC_H
#define KOS_IPC_H
#include <uapi/msg.h>
#include <uapi/retcode.h>

Retcode Call(Handle handle, const SMsgHdr *msgOut, SMsgHdr *msgIn);
#endif
