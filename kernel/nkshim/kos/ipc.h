/* What IDL-generated code expects from <kos/ipc.h>, for the kernel's own
 * endpoint dispatchers (the kernel never calls Call itself). */
#ifndef KERNEL_NKSHIM_KOS_IPC_H
#define KERNEL_NKSHIM_KOS_IPC_H
#include <uapi/msg.h>
#include <uapi/retcode.h>
Retcode Call(Handle handle, const SMsgHdr *msgOut, SMsgHdr *msgIn);
#endif
