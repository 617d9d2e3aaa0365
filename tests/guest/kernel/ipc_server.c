/* ipc_server: the server side of the IPC tests (channel "ipc"), one thread, ReplyRecv loop. */
#include <coresrv/channel/channel_api.h>
#include <coresrv/handle/handle_api.h>
#include <coresrv/thread/thread_api.h>
#include <kos/thread.h>
#include <stdio.h>
#include <string.h>
#include <uapi/syscall.h>
#include "ipc_proto.h"

int main(void)
{
    Handle listener;
    if (KnChannelLookup("ipc", SERVICE_SERVER, &listener)) {
        printf("ipc_server: no channel\n");
        return 1;
    }
    static struct ipc_msg in, out;
    in.hdr.size = sizeof(in.value);
    static uint32_t gone[64];                /* badges of the disconnect notices */
    uint32_t notices = 0;
    Retcode rc = Recv(listener, &in.hdr);
    uint64_t requests = 0;
    while (rc == rcOk) {
        ipc_v20_set(0xdead000000000000ull | ++requests);   /* not the client's (ipc_proto.h) */
        if (in.hdr.mid == MSG_MID_DISCONNECT) {  /* a client end is gone: nothing to answer */
            if (notices < 64)
                gone[notices] = in.hdr.badge;
            notices++;
            in.hdr.size = sizeof(in.value);
            rc = ReplyRecv(listener, &out.hdr, &in.hdr, INFINITE_TIMEOUT);
            continue;
        }
        memset(&out.hdr, 0, sizeof(out.hdr));
        out.hdr.size = sizeof(uint32_t) * 2;
        out.value[0] = in.value[0] + 1;
        switch (in.hdr.mid) {
        case IPC_SLOW:
            KosThreadSleep(300);
            break;
        case IPC_EXIT:
            return 0;
        case IPC_SLOW_EXIT:
            KosThreadSleep(300);
            return 0;
        case IPC_RIGHTS: {
            uint32_t type = 0, rights = 0;
            out.value[0] = in.hdr.nhandles;
            if (in.hdr.nhandles == 1) {
                KnHandleInfo(in.hdr.handles[0].handle, &type, &rights);
                KnHandleClose(in.hdr.handles[0].handle);
            }
            out.value[1] = rights;
            break;
        }
        case IPC_BIG:
            out.hdr.size = 256;
            break;
        case IPC_BADGE:
            out.value[0] = in.hdr.badge;
            break;
        case IPC_NOTICES: {
            uint32_t distinct = 0, own = 0;
            for (uint32_t i = 0; i < notices && i < 64; i++) {
                uint32_t j = 0;
                while (j < i && gone[j] != gone[i])
                    j++;
                distinct += j == i;
                own |= gone[i] == in.hdr.badge;
            }
            out.value[0] = notices;
            out.value[1] = distinct;
            out.value[2] = own;
            out.hdr.size = sizeof(uint32_t) * 3;
            break;
        }
        default:
            break;
        }
        in.hdr.size = sizeof(in.value);
        rc = ReplyRecv(listener, &out.hdr, &in.hdr, INFINITE_TIMEOUT);
    }
    return 0;
}
