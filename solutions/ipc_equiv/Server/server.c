/* equiv.Server: answers equiv.Client's raw requests (ReplyRecv loop) with
 * value + 1, or an error reply, or a malformed reply, as the value asks
 * (Client/equiv.h); for some, Reply then a pause before the next Recv. At
 * the end a checksum of every header field and byte it received: the
 * equivalence test compares it between the fast and the general path. */
#include <coresrv/channel/channel_api.h>
#include <coresrv/handle/handle_api.h>
#include <coresrv/syscalls.h>
#include <coresrv/thread/thread_api.h>
#include <stdio.h>
#include <string.h>
#include <uapi/syscall.h>
#include "../Client/equiv.h"

static uint8_t arena[4096] __attribute__((aligned(16)));
static uint8_t reply_arena[8192] __attribute__((aligned(16)));

static uint64_t sum = 1469598103934665603ull;

static void mix(const void *p, size_t n)
{
    const uint8_t *b = p;
    for (size_t i = 0; i < n; i++)
        sum = (sum ^ b[i]) * 1099511628211ull;
}

int main(void)
{
    Handle listener;
    if (KnChannelLookup("eq", SERVICE_SERVER, &listener)) {
        printf("EQ server: no channel\n");
        return 1;
    }
    static struct eq_msg in, out;
    unsigned served = 0, handles = 0;
    for (unsigned i = 0; i < sizeof(reply_arena); i++)
        reply_arena[i] = (uint8_t)(i * 7 + 1);
    in.hdr.size = sizeof(in.data);
    in.hdr.arena = (uint64_t)(uintptr_t)arena;
    in.hdr.arena_cap = sizeof(arena);
    Retcode rc = Recv(listener, &in.hdr);
    while (rc == rcOk) {
        served++;
        SMsgHdr h = in.hdr;
        h.arena = 0;                          /* addresses are the same, but not the point */
        mix(&h, sizeof(h) - sizeof(h.handles));
        mix(in.data, in.hdr.size);
        mix(arena, in.hdr.arena_size);
        for (unsigned k = 0; k < in.hdr.nhandles; k++, handles++)
            KnHandleClose(in.hdr.handles[k].handle);
        uint32_t value;
        memcpy(&value, in.data, sizeof(value));
        if (in.hdr.mid == EQ_PLAIN && value == EQ_FINISH)   /* printed before the reply */
            printf("EQ server: %u requests, %u handles, checksum %016llx\n", served, handles,
                   (unsigned long long)sum);
        memset(&out, 0, sizeof(out));
        out.hdr.size = 4;
        uint32_t result = value + 1;
        if (eq_error_reply(value)) {
            out.hdr.mid = MSG_MID_ERROR;
            result = (uint32_t)-42;
        } else if (eq_bad_reply(value)) {
            out.hdr.size = 8;                 /* the response's layout says 4: malformed */
        }
        memcpy(out.data, &result, sizeof(result));
        if (in.hdr.mid == EQ_FETCH && out.hdr.mid != MSG_MID_ERROR && !eq_bad_reply(value)) {
            uint32_t n = eq_fetch_size(value);    /* an arena in the reply */
            uint32_t desc[2] = { 0, n + (eq_fetch_bad(value) ? 1u : 0u) };
            memcpy(out.data + 4, desc, sizeof(desc));
            out.hdr.size = 12;
            out.hdr.arena = (uint64_t)(uintptr_t)reply_arena;
            out.hdr.arena_size = n;
        }
        in.hdr.size = sizeof(in.data);
        in.hdr.arena_cap = sizeof(arena);
        if (in.hdr.mid == EQ_PLAIN && eq_pauses(value)) {
            if (Reply(listener, &out.hdr) == rcOk)
                KnSleep(50);                  /* the client's next call finds no receiver */
            rc = Recv(listener, &in.hdr);
        } else {
            rc = ReplyRecv(listener, &out.hdr, &in.hdr, INFINITE_TIMEOUT);
        }
    }
    return rc == rcNotConnected ? 0 : 1;
}
