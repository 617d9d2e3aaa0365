/*
 * bench_client: IPC round trips (Call -> server Recv -> Reply -> Call
 * returns) with a 4-byte message, a 1 KiB and a 64 KiB arena; a kernel
 * endpoint call; the direct system call; a futex wake with no waiter.
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
    uint32_t value[4];
};

static uint64_t samples[ROUNDS];
static uint8_t arena[MSG_MAX_ARENA] __attribute__((aligned(16)));

static int roundtrips(Handle ch, const char *key, uint32_t arena_bytes, unsigned n)
{
    static struct msg out, in;
    out.hdr.size = sizeof(uint32_t);
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
    bench_report(key, samples, n);
    return 0;
}

int main(void)
{
    Handle ch;
    if (KnChannelLookup("bench", SERVICE_CLIENT, &ch)) {
        printf("bench_client: no channel\n");
        return 1;
    }
    memset(arena, 0x5a, sizeof(arena));
    if (roundtrips(ch, "ipc_roundtrip_instr", 0, ROUNDS) ||
        roundtrips(ch, "ipc_roundtrip_1k_instr", 1024, ROUNDS) ||
        roundtrips(ch, "ipc_roundtrip_64k_instr", 65536, 1000))
        return 1;

    uint64_t tid;
    for (unsigned i = 0; i < ROUNDS; i++) {
        uint64_t t0 = bench_counter();
        KnThreadGetKernelId(&tid);
        samples[i] = bench_counter() - t0;
    }
    bench_report("kernel_endpoint_call_instr", samples, ROUNDS);
    for (unsigned i = 0; i < ROUNDS; i++) {
        uint64_t t0 = bench_counter();
        KnThreadYield();
        samples[i] = bench_counter() - t0;
    }
    bench_report("null_syscall_instr", samples, ROUNDS);
    static uint32_t word;
    for (unsigned i = 0; i < ROUNDS; i++) {
        uint64_t t0 = bench_counter();
        KnFutexWake(&word, 1, NULL);
        samples[i] = bench_counter() - t0;
    }
    bench_report("futex_wake_nowaiter_instr", samples, ROUNDS);
    return 0;
}
