/* Test stand-in for userland's kos/ipc.h in host builds of cgen's kernel-form
 * headers (nk_types.h includes it): the message ABI. */
#ifndef KOS_IPC_H
#define KOS_IPC_H
#include <uapi/msg.h>
#include <uapi/retcode.h>
#endif
