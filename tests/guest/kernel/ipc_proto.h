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

#endif
