/*
 * pool.c: the worker threads of a server (pool.h), VfsFsnet's. The kernel
 * lets several threads of a task wait in Recv on one listener (a request goes to any waiting one)
 * and each thread holds at most one unanswered request, so a blocking
 * socket call needs a thread of its own. Every worker runs Recv, serve,
 * ReplyRecv; when a worker takes a request and no other is left waiting,
 * it starts one more (up to POOL_MAX), so a client blocked in recv or
 * accept never keeps others waiting. Workers are never stopped. Buffers
 * (two 64 KiB arenas each) come from KnVmAllocate, not the heap; the headers
 * of the first POOL_STATIC workers are in bss (pool.h: short answers travel in
 * registers).
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
    m->req.hdr.arena_cap = POOL_ARENA_SIZE;
}

/* The headers of workers 0 .. POOL_STATIC-1: in bss, where libkos may use registers.
 * 2 KiB apart, so that no header buffer (576 bytes each, 1.2 KiB in all) crosses a
 * page: the kernel's fast path reads and writes a header only within one page. */
static struct pool_slot {
    _Alignas(2048) struct pool_msg m;
} static_msgs[POOL_STATIC];
_Static_assert(sizeof(struct pool_msg) <= 2048, "a worker's headers fit their 2 KiB");

/* Worker n's buffers from one KnVmAllocate: its two arenas first (page-aligned, as the
 * kernel's arena copy prefers), then its headers, unless they are in bss (the first
 * POOL_STATIC workers). NULL without memory. */
static size_t msg_bytes(unsigned n)
{
    return 2 * (size_t)POOL_ARENA_SIZE + (n < POOL_STATIC ? 0 : sizeof(struct pool_msg));
}

static struct pool_msg *msg_new(unsigned n)
{
    void *mem = NULL;
    if (KnVmAllocate(NULL, msg_bytes(n), VM_READ | VM_WRITE, 0, &mem) != rcOk)
        return NULL;
    uint8_t *b = mem;
    struct pool_msg *m = n < POOL_STATIC ? &static_msgs[n].m
                                         : (struct pool_msg *)(void *)(b + 2 * POOL_ARENA_SIZE);
    m->req_arena = b;
    m->res_arena = b + POOL_ARENA_SIZE;
    m->id = n;
    m->release = NULL;
    return m;
}

static void msg_free(struct pool_msg *m)
{
    KnVmFree(m->req_arena, msg_bytes(m->id));
}

static int worker_main(void *arg);

/* The worker numbers in use (bit n: worker n; 0 is the main thread's). A number picks
 * a worker's headers (static_msgs) and its pin slot, so no two live workers may share
 * one. Not the count `workers` before a start: a start that fails gives its count back
 * while another grow, on another core, has counted past it and runs with the next
 * number, which the following start would then take again. */
static uint64_t ids_used = 1;
_Static_assert(POOL_MAX <= 64, "one bit of ids_used per worker");

/* The lowest free worker number, now taken (grow has counted one more worker, so one
 * of POOL_MAX is free); -1 if none. */
static int id_take(void)
{
    uint64_t u = __atomic_load_n(&ids_used, __ATOMIC_RELAXED);
    int n;
    do {
        if (u == ~0ull)
            return -1;
        n = __builtin_ctzll(~u);
        if (n >= POOL_MAX)
            return -1;
    } while (!__atomic_compare_exchange_n(&ids_used, &u, u | 1ull << n, false, __ATOMIC_ACQ_REL,
                                          __ATOMIC_RELAXED));
    return n;
}

/* Starts one more worker unless there are POOL_MAX already. */
static void grow(void)
{
    int n = __atomic_load_n(&workers, __ATOMIC_RELAXED);
    do {
        if (n >= POOL_MAX)
            return;
    } while (!__atomic_compare_exchange_n(&workers, &n, n + 1, false, __ATOMIC_ACQ_REL,
                                          __ATOMIC_RELAXED));
    int id = id_take();                            /* 1 .. POOL_MAX-1 */
    struct pool_msg *m = id > 0 ? msg_new((unsigned)id) : NULL;
    if (!m) {
        if (id > 0)
            __atomic_and_fetch(&ids_used, ~(1ull << id), __ATOMIC_ACQ_REL);
        __atomic_sub_fetch(&workers, 1, __ATOMIC_ACQ_REL);
        return;
    }
    /* Counted idle before it exists, so concurrent takers do not all start one. */
    __atomic_add_fetch(&idle, 1, __ATOMIC_ACQ_REL);
    Tid tid;
    if (KosThreadCreate(&tid, ThreadPriorityNormal, 64 * 1024, worker_main, m, 0) != rcOk) {
        __atomic_sub_fetch(&idle, 1, __ATOMIC_ACQ_REL);
        msg_free(m);
        __atomic_and_fetch(&ids_used, ~(1ull << id), __ATOMIC_ACQ_REL);   /* then the count */
        __atomic_sub_fetch(&workers, 1, __ATOMIC_ACQ_REL);
    }
}

static __attribute__((noreturn)) void work(struct pool_msg *m)
{
    KnArenaDefer(POOL_DEFER_MIN);                   /* (a kernel without it: copied, as before) */
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
         * one: ReplyRecv, in registers when the answer is short and has no arena and
         * the headers are in bss (the first POOL_STATIC workers); the others'
         * headers never qualify, so they skip libkos's register-path checks. */
        uint32_t *w = m->release;
        m->release = NULL;
        if (w || m->id >= POOL_STATIC)
            r = ReplyRecvRelease(the_listener, &m->res.hdr, &m->req.hdr, INFINITE_TIMEOUT, w);
        else
            r = ReplyRecv(the_listener, &m->res.hdr, &m->req.hdr, INFINITE_TIMEOUT);
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
    struct pool_msg *mem = msg_new(0);
    if (!mem) {
        fprintf(stderr, "pool: no memory for the worker buffers\n");
        KnTaskExit(4);
    }
    __atomic_store_n(&workers, 1, __ATOMIC_RELEASE);
    __atomic_store_n(&idle, 1, __ATOMIC_RELEASE);
    for (int i = 1; i < POOL_START; i++)
        grow();
    work(mem);
}
