/*
 * VfsFsnet's worker pool (userland/vfs/server/pool.c) on the host: its
 * worker numbers. A worker's number picks its message headers (the first
 * POOL_STATIC ones in bss) and its pin slot, so two live workers must never
 * share one. grow() runs in any worker, several at once on several cores;
 * here a second grow() is run from inside the first one's KosThreadCreate
 * (what another core may do at that moment), and that first start fails
 * (no memory for a thread: a client that filled the server's memory).
 *
 * The kernel calls pool.c makes are stubbed; no thread really starts.
 * Built and run by tests/host/test_vfs_host.py (ASan/UBSan).
 */
#include "../../../userland/vfs/server/pool.c"

#include <stdlib.h>
#include <string.h>

/* ---- stubs --------------------------------------------------------------------- */

#define MAX_LIVE 128
static struct pool_msg *live[MAX_LIVE];   /* the workers started, by start order */
static int nlive;
static int fail_next_create;              /* the next KosThreadCreate fails */
static int nest_in_create;                /* ...after running one grow() inside it */

Retcode KnVmAllocate(void *hint, rtl_size_t size, rtl_uint32_t prot, rtl_uint32_t flags,
                     void **addr)
{
    (void)hint, (void)prot, (void)flags;
    *addr = aligned_alloc(4096, (size + 4095) & ~(rtl_size_t)4095);
    return *addr ? rcOk : rcOutOfMemory;
}

Retcode KnVmFree(void *addr, rtl_size_t size)
{
    (void)size;
    free(addr);
    return rcOk;
}

Retcode KosThreadCreate(Tid *tid, rtl_uint32_t priority, rtl_uint32_t stackSize,
                        ThreadRoutine routine, void *context, int suspended)
{
    (void)priority, (void)stackSize, (void)routine, (void)suspended;
    *tid = 0;
    int fail = fail_next_create;           /* this start fails, not the nested one */
    fail_next_create = 0;
    if (nest_in_create) {
        nest_in_create = 0;
        grow();                                /* another worker, on another core */
    }
    if (fail)
        return rcOutOfMemory;
    if (nlive < MAX_LIVE)
        live[nlive++] = context;
    return rcOk;
}

Retcode Recv(Handle h, SMsgHdr *in) { (void)h, (void)in; return rcInvalidArgument; }
Retcode Reply(Handle h, const SMsgHdr *out) { (void)h, (void)out; return rcInvalidArgument; }
Retcode ReplyRecv(Handle h, const SMsgHdr *out, SMsgHdr *in, rtl_uint64_t t)
{
    (void)h, (void)out, (void)in, (void)t;
    return rcInvalidArgument;
}
Retcode ReplyRecvRelease(Handle h, const SMsgHdr *out, SMsgHdr *in, rtl_uint64_t t,
                         rtl_uint32_t *release)
{
    (void)h, (void)out, (void)in, (void)t, (void)release;
    return rcInvalidArgument;
}
Retcode KnArenaDefer(rtl_uint32_t threshold) { (void)threshold; return rcOk; }
Retcode KnArenaRead(void *dst, rtl_uint32_t offset, rtl_uint32_t size)
{
    (void)dst, (void)offset, (void)size;
    return rcNotConnected;
}
void KnTaskExit(int status) { exit(status); }

/* ---- the test ------------------------------------------------------------------ */

static int failures;

/* Every live worker (and the main one, number 0) has its own number and headers. */
static void check_distinct(const char *what)
{
    for (int i = 0; i < nlive; i++) {
        if (live[i]->id == 0 || live[i]->id >= POOL_MAX) {
            printf("FAIL %s: worker %d has number %u\n", what, i, live[i]->id);
            failures++;
        }
        for (int j = 0; j < i; j++) {
            if (live[i]->id == live[j]->id || &live[i]->req == &live[j]->req) {
                printf("FAIL %s: workers %d and %d share number %u (headers %p, %p)\n", what,
                       j, i, live[i]->id, (void *)&live[j]->req, (void *)&live[i]->req);
                failures++;
            }
        }
    }
}

int main(void)
{
    /* As pool_run leaves it: the calling thread is worker 0. */
    struct pool_msg *first = msg_new(0);
    if (!first)
        return 2;
    workers = 1;
    idle = 1;

    /* A grow whose thread cannot start while another grow (on another core) starts one. */
    fail_next_create = 1;
    nest_in_create = 1;
    grow();
    /* Then more workers, as requests keep every one busy. */
    for (int i = 0; i < 12; i++)
        grow();
    check_distinct("a failed start beside a concurrent one");
    if (nlive != 13) {
        printf("FAIL started %d workers, expected 13\n", nlive);
        failures++;
    }
    if (pool_workers() != nlive + 1) {
        printf("FAIL pool_workers() %d with %d started and the main one\n", pool_workers(), nlive);
        failures++;
    }

    /* Up to POOL_MAX, never more, every number still distinct. */
    for (int i = 0; i < 2 * POOL_MAX; i++)
        grow();
    check_distinct("up to POOL_MAX");
    if (nlive != POOL_MAX - 1) {
        printf("FAIL started %d workers in all, expected %d\n", nlive, POOL_MAX - 1);
        failures++;
    }
    printf("pool: %d workers started, %s\n", nlive, failures ? "FAILED" : "ok");
    return failures ? 1 : 0;
}
