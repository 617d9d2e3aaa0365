/* bench_server: answers every request at once with a 4-byte reply (ReplyRecv loop). */
#include <coresrv/channel/channel_api.h>
#include <coresrv/syscalls.h>
#include <stdio.h>
#include <uapi/syscall.h>

struct msg {
    SMsgHdr hdr;
    uint32_t value[4];
};

static uint8_t arena[MSG_MAX_ARENA] __attribute__((aligned(16)));

int main(void)
{
    Handle listener;
    if (KnChannelLookup("bench", SERVICE_SERVER, &listener)) {
        printf("bench_server: no channel\n");
        return 1;
    }
    static struct msg in, out;
    out.hdr.size = sizeof(uint32_t);
    in.hdr.size = sizeof(in.value);
    in.hdr.arena = (uint64_t)(uintptr_t)arena;
    in.hdr.arena_cap = sizeof(arena);
    Retcode rc = Recv(listener, &in.hdr);
    while (rc == rcOk) {
        out.value[0] = in.value[0] + 1;
        in.hdr.size = sizeof(in.value);
        in.hdr.arena_cap = sizeof(arena);
        rc = ReplyRecv(listener, &out.hdr, &in.hdr, INFINITE_TIMEOUT);
    }
    return rc == rcNotConnected ? 0 : 1;
}
