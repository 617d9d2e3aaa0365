/* ipc_hammer <id>: 2000 echo calls on channel "ipc", each answer checked (and the
 * thread's FP/SIMD register v20 across each call); exit 0 if all right. */
#include <coresrv/channel/channel_api.h>
#include <stdio.h>
#include <stdlib.h>
#include <uapi/syscall.h>
#include "ipc_proto.h"

int main(int argc, char **argv)
{
    Handle ch;
    uint32_t id = argc > 1 ? (uint32_t)atoi(argv[1]) : 0;
    if (KnChannelLookup("ipc", SERVICE_CLIENT, &ch))
        return 2;
    static struct ipc_msg out, in;
    unsigned bad = 0;
    for (uint32_t i = 0; i < 2000; i++) {
        out.hdr.size = sizeof(uint32_t);
        out.hdr.mid = IPC_ECHO;
        out.value[0] = (id << 16) | i;
        in.hdr.size = sizeof(in.value);
        uint64_t fp = 0x1234500000000000ull | (uint64_t)id << 32 | i;
        ipc_v20_set(fp);
        if (Call(ch, &out.hdr, &in.hdr) != rcOk || in.value[0] != ((id << 16) | i) + 1 ||
            !ipc_v20_is(fp))
            bad++;
    }
    printf("ipc_hammer %u: %u wrong answers\n", id, bad);
    return bad ? 1 : 0;
}
