/*
 * bench: the benchmark's first task in an image without a policy. Starts
 * bench_server and bench_client connected by channel "bench" (the IPC figures
 * without the policy, keys "nopolicy_*"; the ipc_bench solution measures them
 * under one), waits for them, then measures
 * a process start (create + start + exit + wait of bench_nop), then file
 * I/O: VfsFsnet and bench_vfs connected on _VFS_CONNECTION_ID. Run by
 * `make bench` under QEMU -icount shift=0 (tools/bench.py).
 */
#include <coresrv/channel/channel_api.h>
#include <coresrv/handle/handle_api.h>
#include <coresrv/task/task_api.h>
#include <coresrv/syscalls.h>
#include <uapi/syscall.h>
#include <vfs/defs.h>
#include "bench.h"

#define STARTS 20

static Handle start(const char *name, const char *arg, uint32_t flags)
{
    const char *argv[] = { name, arg, NULL };
    const char *envp[] = { NULL };
    Handle h = 0;
    Retcode rc = KnTaskCreate(name, name, name, argv, envp, THREAD_PRIORITY_DEFAULT, flags, &h);
    if (rc) {
        printf("bench: cannot start %s: %d\n", name, rc);
        exit(1);
    }
    return h;
}

int main(void)
{
    Handle server = start("bench_server", NULL, TASK_SUSPENDED);
    Handle client = start("bench_client", "nopolicy_", TASK_SUSPENDED);
    int32_t status = -1;
    if (KnChannelCreate(client, server, "bench") || KnTaskStart(server) || KnTaskStart(client) ||
        KnTaskWait(client, INFINITE_TIMEOUT, &status) || status != 0) {
        printf("bench: the client failed (status %d)\n", status);
        return 1;
    }

    uint64_t samples[STARTS];
    for (unsigned i = 0; i < STARTS; i++) {
        uint64_t t0 = bench_counter();
        Handle nop = start("bench_nop", NULL, 0);
        KnTaskWait(nop, INFINITE_TIMEOUT, &status);
        samples[i] = bench_counter() - t0;
        KnHandleClose(nop);
    }
    bench_report("process_start_instr", samples, STARTS);

    Handle vfs = start("VfsFsnet", NULL, TASK_SUSPENDED);
    client = start("bench_vfs", NULL, TASK_SUSPENDED);
    status = -1;
    if (KnChannelCreate(client, vfs, _VFS_CONNECTION_ID) || KnTaskStart(vfs) ||
        KnTaskStart(client) || KnTaskWait(client, INFINITE_TIMEOUT, &status) || status != 0) {
        printf("bench: bench_vfs failed (status %d)\n", status);
        return 1;
    }
    printf("bench: done\n");
    return 0;
}
