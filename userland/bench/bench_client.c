/*
 * bench_client: IPC round trips (Call -> server Recv -> Reply -> Call
 * returns) with a 4-byte message, a 1 KiB and a 64 KiB arena; a kernel
 * endpoint call; the direct system call; a futex wake with no waiter.
 *
 * The messages have the layout of bench.IBench (solutions/ipc_bench/idl):
 * Echo = mid 0, a 4-byte value; EchoData = mid 1, the value and an arena
 * descriptor; EchoFlow = mid 2, like Echo (its policy binding runs a Flow
 * `enter` and a message condition). In the ipc_bench solution the policy checks them like any
 * IDL message; started by `bench` in a solution without a policy, argv[1]
 * ("nopolicy_") prefixes the keys.
 */
#include <coresrv/channel/channel_api.h>
#include <coresrv/syscalls.h>
#include <coresrv/thread/thread_api.h>
#include <string.h>
#include <uapi/syscall.h>
#include "bench.h"

#define ROUNDS 10000

struct msg {
    SMsgHdr hdr;
    uint32_t value[4];          /* value, then EchoData's arena descriptor: offset, size */
};

enum { ECHO_MID = 0, ECHO_DATA_MID = 1, ECHO_FLOW_MID = 2 };

static const char *prefix = "";

static uint64_t samples[ROUNDS];
static uint8_t arena[MSG_MAX_ARENA] __attribute__((aligned(16)));

static void report(const char *key, uint64_t *s, unsigned n)
{
    char name[64];
    snprintf(name, sizeof name, "%s%s", prefix, key);
    bench_report(name, s, n);
}

static int roundtrips(Handle ch, const char *key, uint32_t mid, uint32_t arena_bytes, unsigned n)
{
    static struct msg out, in;
    out.hdr.mid = mid;
    out.hdr.size = arena_bytes ? 3 * sizeof(uint32_t) : sizeof(uint32_t);
    out.value[1] = 0;                       /* the data: arena offset 0, all of it */
    out.value[2] = arena_bytes;
    out.hdr.arena = arena_bytes ? (uint64_t)(uintptr_t)arena : 0;
    out.hdr.arena_size = arena_bytes;
    for (unsigned i = 0; i < n; i++) {
        out.value[0] = i;
        in.hdr.size = sizeof(in.value);
        uint64_t t0 = bench_counter();
        Retcode rc = Call(ch, &out.hdr, &in.hdr);
        samples[i] = bench_counter() - t0;
        if (rc != rcOk || in.value[0] != i + 1) {
            printf("bench_client: %s round %u failed: rc %d, value %u\n", key, i, rc, in.value[0]);
            return 1;
        }
    }
    report(key, samples, n);
    return 0;
}

int main(int argc, char *argv[])
{
    if (argc > 1)
        prefix = argv[1];
    Handle ch;
    if (KnChannelLookup("bench", SERVICE_CLIENT, &ch)) {
        printf("bench_client: no channel\n");
        return 1;
    }
    memset(arena, 0x5a, sizeof(arena));
    if (roundtrips(ch, "ipc_roundtrip_instr", ECHO_MID, 0, ROUNDS) ||
        roundtrips(ch, "ipc_roundtrip_1k_instr", ECHO_DATA_MID, 1024, ROUNDS) ||
        roundtrips(ch, "ipc_roundtrip_64k_instr", ECHO_DATA_MID, 65536, 1000))
        return 1;
    /* Only the ipc_bench policy knows EchoFlow (a solution without a policy
     * grants it too, but the figure means something only under the Flow rule). */
    if (!*prefix && roundtrips(ch, "ipc_roundtrip_flow_instr", ECHO_FLOW_MID, 0, ROUNDS))
        return 1;

    uint64_t tid;
    for (unsigned i = 0; i < ROUNDS; i++) {
        uint64_t t0 = bench_counter();
        KnThreadGetKernelId(&tid);
        samples[i] = bench_counter() - t0;
    }
    report("kernel_endpoint_call_instr", samples, ROUNDS);
    for (unsigned i = 0; i < ROUNDS; i++) {
        uint64_t t0 = bench_counter();
        KnThreadYield();
        samples[i] = bench_counter() - t0;
    }
    report("null_syscall_instr", samples, ROUNDS);
    static uint32_t word;
    for (unsigned i = 0; i < ROUNDS; i++) {
        uint64_t t0 = bench_counter();
        KnFutexWake(&word, 1, NULL);
        samples[i] = bench_counter() - t0;
    }
    report("futex_wake_nowaiter_instr", samples, ROUNDS);
    return 0;
}
