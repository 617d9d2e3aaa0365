/*
 * pool.c: the worker threads of a server (pool.h), VfsFsnet's. The kernel
 * lets several threads of a task wait in Recv on one listener (a request goes to any waiting one)
 * and each thread holds at most one unanswered request, so a blocking
 * socket call needs a thread of its own. Every worker runs Recv, serve,
 * ReplyRecv; when a worker takes a request and no other is left waiting,
 * it starts one more (up to POOL_MAX), so a client blocked in recv or
 * accept never keeps others waiting. Workers are never stopped. Buffers
 * (two 64 KiB arenas each) come from KnVmAllocate, not the heap.
 */
#include <stdbool.h>
#include <stdio.h>
#include <coresrv/vmm/vmm_api.h>
#include <kos/thread.h>
#include <nk_types.h>
#include "pool.h"

static Handle the_listener;
static pool_serve_fn the_serve;
static void *the_ctx;
static int idle;                    /* workers in Recv (or about to be) */
static int workers;                 /* workers started */

int pool_workers(void)
{
    return __atomic_load_n(&workers, __ATOMIC_RELAXED);
}

static void arm_receive(struct pool_msg *m)
{
    m->req.hdr.size = MSG_MAX_CONST;
    m->req.hdr.nhandles = 0;
    m->req.hdr.arena = (uintptr_t)m->req_arena;
    m->req.hdr.arena_size = 0;
    m->req.hdr.arena_cap = sizeof m->req_arena;
}

static int worker_main(void *arg);

/* Starts one more worker unless there are POOL_MAX already. */
static void grow(void)
{
    int n = __atomic_load_n(&workers, __ATOMIC_RELAXED);
    do {
        if (n >= POOL_MAX)
            return;
    } while (!__atomic_compare_exchange_n(&workers, &n, n + 1, false, __ATOMIC_ACQ_REL,
                                          __ATOMIC_RELAXED));
    void *mem = NULL;
    if (KnVmAllocate(NULL, sizeof(struct pool_msg), VM_READ | VM_WRITE, 0, &mem) != rcOk) {
        __atomic_sub_fetch(&workers, 1, __ATOMIC_ACQ_REL);
        return;
    }
    /* Counted idle before it exists, so concurrent takers do not all start one. */
    __atomic_add_fetch(&idle, 1, __ATOMIC_ACQ_REL);
    ((struct pool_msg *)mem)->id = (unsigned)n;   /* 1 .. POOL_MAX-1: the main thread is 0 */
    Tid tid;
    if (KosThreadCreate(&tid, ThreadPriorityNormal, 64 * 1024, worker_main, mem, 0) != rcOk) {
        __atomic_sub_fetch(&idle, 1, __ATOMIC_ACQ_REL);
        __atomic_sub_fetch(&workers, 1, __ATOMIC_ACQ_REL);
        KnVmFree(mem, sizeof(struct pool_msg));
    }
}

static __attribute__((noreturn)) void work(struct pool_msg *m)
{
    arm_receive(m);
    Retcode r = Recv(the_listener, &m->req.hdr);
    for (;;) {
        if (__atomic_sub_fetch(&idle, 1, __ATOMIC_ACQ_REL) <= 0)
            grow();
        if (r != rcOk) {
            if (r == rcInvalidThreadState) {        /* still holding a request: answer it */
                nk_reply_error(&m->res.hdr, sizeof m->res, 0, rcInternalError);
                Reply(the_listener, &m->res.hdr);
            }
            __atomic_add_fetch(&idle, 1, __ATOMIC_ACQ_REL);
            arm_receive(m);
            r = Recv(the_listener, &m->req.hdr);
            continue;
        }
        the_serve(the_ctx, m);
        __atomic_add_fetch(&idle, 1, __ATOMIC_ACQ_REL);
        arm_receive(m);
        /* A reply that cannot be delivered (the client died or gave a short buffer) is
         * the client's problem; ReplyRecv goes on receiving either way. */
        /* With a pin (m->release), the kernel ends it once the answer is copied (or
         * fails), before this thread waits: on every outcome (docs/ABI.md). Without
         * one (NULL) the call is ReplyRecv through memory, which is what ReplyRecv
         * does with these buffers anyway (they are not in data or bss, so never in
         * registers), without its ~15 instructions of register-path checks. */
        uint32_t *w = m->release;
        m->release = NULL;
        r = ReplyRecvRelease(the_listener, &m->res.hdr, &m->req.hdr, INFINITE_TIMEOUT, w);
    }
}

static int worker_main(void *arg)
{
    work(arg);
}

void pool_run(Handle listener, pool_serve_fn serve, void *ctx)
{
    the_listener = listener;
    the_serve = serve;
    the_ctx = ctx;
    void *mem = NULL;
    if (KnVmAllocate(NULL, sizeof(struct pool_msg), VM_READ | VM_WRITE, 0, &mem) != rcOk) {
        fprintf(stderr, "pool: no memory for the worker buffers\n");
        KnTaskExit(4);
    }
    __atomic_store_n(&workers, 1, __ATOMIC_RELEASE);
    __atomic_store_n(&idle, 1, __ATOMIC_RELEASE);
    for (int i = 1; i < POOL_START; i++)
        grow();
    work(mem);
}
