/*
 * args.c: the fuzzer's hostile argument values (kernel, unmapped, misaligned,
 * read-only and page-straddling pointers; huge, negative and edge sizes;
 * forged, stale and wrong-type handles) and each context's own resources:
 * its scratch memory and the handles and mappings it created.
 */
#include <coresrv/handle/handle_api.h>
#include <coresrv/task/task_api.h>
#include <coresrv/thread/thread_api.h>
#include <coresrv/vmm/vmm_api.h>
#include <string.h>
#include <uapi/handle.h>
#include <uapi/syscall.h>
#include "fuzz.h"

#define PAGE 4096ull
#define USER_END 0x8000000000ull           /* 39-bit user window (docs/ARCHITECTURE.md) */
/* Scratch areas at fixed, otherwise unused addresses, one slot per context, so
 * that the page after each is unmapped (the straddling pointers need it). */
#define SCRATCH_BASE 0x6000000000ull
#define SCRATCH_SLOT 0x100000ull

static const uint64_t kernel_ptrs[] = {
    0xffffff8000000000ull, 0xffffff8040080000ull, 0xffffffffffff0000ull,
    0xfffffffffffff000ull, 0xffffffffffffffc0ull, 0xffff000000000000ull,
};
static const uint64_t unmapped_ptrs[] = {
    0x1000ull, 0x3ff000ull, USER_END - PAGE, USER_END, USER_END - 8, 0x0000800000000000ull,
    0x0001000000000000ull, 0x6ffffff000ull,
};
static const uint64_t sizes[] = {
    0, 1, 7, 8, 63, 64, 511, 512, 513, 4095, 4096, 4097, 8192, 65535, 65536, 65537,
    1ull << 20, (1ull << 20) + 1, 1ull << 31, 0xffffffffull, 1ull << 32, 1ull << 39,
    1ull << 63, ~0ull, ~0ull - 4095, ~0ull - 4096, (uint64_t)-64,
};

uint64_t fz_u64(struct fuzz_ctx *c)
{
    switch (rng_below(&c->rng, 6)) {
    case 0: return 0;
    case 1: return rng_below(&c->rng, 64);
    case 2: return ~0ull - rng_below(&c->rng, 4);
    case 3: return 1ull << rng_below(&c->rng, 64);
    case 4: return sizes[rng_below(&c->rng, sizeof sizes / sizeof sizes[0])];
    default: return rng_next(&c->rng);
    }
}

uint32_t fz_u32(struct fuzz_ctx *c) { return (uint32_t)fz_u64(c); }

uint64_t fz_buf(struct fuzz_ctx *c, uint32_t len)
{
    uint64_t room = FUZZ_SCRATCH_PAGES * PAGE;
    uint64_t at = len < room ? rng_below(&c->rng, (uint32_t)(room - len) / 8 + 1) * 8 : 0;
    return (uint64_t)(uintptr_t)c->scratch + at;
}

/* A pointer into the first page of a plain allocation of this thread, live
 * or freed lately; scratch when there is none. */
static uint64_t own_ptr(struct fuzz_ctx *c, bool freed)
{
    uint64_t off = rng_below(&c->rng, PAGE / 8) * 8;
    if (freed && c->nfreed)
        return c->freed[rng_below(&c->rng, c->nfreed < FUZZ_FREED_MAX ? c->nfreed
                                                                      : FUZZ_FREED_MAX)] + off;
    int live[FUZZ_MEM_MAX], n = 0;
    for (int i = 0; i < c->nmem; i++)
        if (c->mem[i].plain)
            live[n++] = i;
    if (!freed && n)
        return c->mem[live[rng_below(&c->rng, (uint32_t)n)]].addr + off;
    return (uint64_t)(uintptr_t)c->scratch + off;
}

uint64_t fz_ptr(struct fuzz_ctx *c)
{
    uint64_t s = (uint64_t)(uintptr_t)c->scratch, end = s + FUZZ_SCRATCH_PAGES * PAGE;
    switch (rng_below(&c->rng, 12)) {
    case 0: return rng_chance(&c->rng, 50) ? 0 : rng_below(&c->rng, 4096);
    case 1: return s + rng_below(&c->rng, 2 * PAGE / 8) * 8;                 /* valid */
    case 2: return (s + rng_below(&c->rng, 2 * PAGE)) | 1;                   /* misaligned */
    case 3: return end - 1 - rng_below(&c->rng, 600);                        /* straddles */
    case 4: return (uint64_t)(uintptr_t)c->ro + rng_below(&c->rng, PAGE / 8) * 8; /* read-only */
    case 5: return kernel_ptrs[rng_below(&c->rng, sizeof kernel_ptrs / 8)] +
                   rng_below(&c->rng, 4) * 8;
    case 6: return unmapped_ptrs[rng_below(&c->rng, sizeof unmapped_ptrs / 8)];
    case 7: return (uint64_t)(uintptr_t)&fuzz_one;                           /* text */
    case 8: return s + rng_below(&c->rng, 8 * PAGE);                         /* any alignment */
    case 9: return own_ptr(c, false);                 /* a live allocation of ours */
    case 10: return own_ptr(c, true);                 /* one freed lately */
    default: return rng_next(&c->rng);
    }
}

uint64_t fz_size(struct fuzz_ctx *c)
{
    switch (rng_below(&c->rng, 4)) {
    case 0: return rng_below(&c->rng, 600);
    case 1: return PAGE * (1 + rng_below(&c->rng, 16));
    case 2: return sizes[rng_below(&c->rng, sizeof sizes / sizeof sizes[0])];
    default: return fz_u64(c);
    }
}

uint64_t fz_addr(struct fuzz_ctx *c)
{
    switch (rng_below(&c->rng, 6)) {
    case 0:
        if (c->nmem)
            return c->mem[rng_below(&c->rng, (uint32_t)c->nmem)].addr;
        return 0;
    case 1: return (uint64_t)rng_below(&c->rng, 1u << 27) << 12;             /* user pages */
    case 2: return 0x2000000000ull + ((uint64_t)rng_below(&c->rng, 1u << 26) << 12);
    case 3: return 0x5e00000000ull + ((uint64_t)rng_below(&c->rng, 256) << 12);
    default: return fz_ptr(c);
    }
}

uint32_t fz_handle(struct fuzz_ctx *c)
{
    switch (rng_below(&c->rng, 10)) {
    case 0: return KERNEL_HANDLE;
    case 1: return 0;
    case 2:
    case 3:
        if (c->npool)
            return c->pool[rng_below(&c->rng, (uint32_t)c->npool)];
        return KERNEL_HANDLE;
    case 4:
        if (c->nstale)
            return c->stale[rng_below(&c->rng, (uint32_t)c->nstale)];
        return 0xffff;
    case 5:
        if (c->nipc)
            return c->ipc[rng_below(&c->rng, (uint32_t)c->nipc)];
        return (1u << 16) | rng_below(&c->rng, 300);
    case 6: return (rng_below(&c->rng, 4) << 16) | rng_below(&c->rng, 300);  /* forged */
    case 7: return 0xffff0000u | rng_below(&c->rng, 0x10000);
    default: return (uint32_t)rng_next(&c->rng);
    }
}

/* Timeouts of the first task's threads stay short: nothing may block them for
 * long. Children's threads also wait forever: they are killed while waiting. */
uint64_t fz_timeout(struct fuzz_ctx *c)
{
    if (c->role == FUZZ_CHILD && rng_chance(&c->rng, 20))
        return rng_chance(&c->rng, 50) ? INFINITE_TIMEOUT : fz_u64(c);
    switch (rng_below(&c->rng, 20)) {
    case 0: return 1000000ull;          /* one tick: rare, waiting is slow */
    case 1: case 2: return rng_below(&c->rng, 1000);
    default: return 0;
    }
}

void fuzz_pool_add(struct fuzz_ctx *c, Handle h)
{
    if (!h)
        return;
    if (c->npool == FUZZ_POOL_MAX) {      /* full: give up the oldest for good */
        KnHandleClose(c->pool[0]);
        fuzz_pool_drop(c, c->pool[0]);
    }
    c->pool[c->npool++] = h;
}

bool fuzz_pool_has(const struct fuzz_ctx *c, Handle h)
{
    for (int i = 0; i < c->npool; i++)
        if (c->pool[i] == h)
            return true;
    return false;
}

void fuzz_pool_drop(struct fuzz_ctx *c, Handle h)
{
    for (int i = 0; i < c->npool; i++)
        if (c->pool[i] == h) {
            c->pool[i] = c->pool[--c->npool];
            if (c->nstale < FUZZ_STALE_MAX)
                c->stale[c->nstale++] = h;
            else
                c->stale[rng_below(&c->rng, FUZZ_STALE_MAX)] = h;
            return;
        }
}

void fuzz_mem_drop(struct fuzz_ctx *c, int i)
{
    if (c->mem[i].plain)
        c->freed[c->nfreed++ % FUZZ_FREED_MAX] = c->mem[i].addr;
    c->mem[i] = c->mem[--c->nmem];
}

void fuzz_mem_add(struct fuzz_ctx *c, uint64_t addr, uint64_t size)
{
    if (c->nmem == FUZZ_MEM_MAX) {
        KnVmFree((void *)(uintptr_t)c->mem[0].addr, c->mem[0].size);
        fuzz_mem_drop(c, 0);
    }
    c->mem[c->nmem].addr = addr;
    c->mem[c->nmem].size = size;
    c->mem[c->nmem].plain = false;
    c->nmem++;
}

void fuzz_mem_add_plain(struct fuzz_ctx *c, uint64_t addr, uint64_t size)
{
    fuzz_mem_add(c, addr, size);
    c->mem[c->nmem - 1].plain = true;
}


int fuzz_ctx_init(struct fuzz_ctx *c, enum fuzz_role role, uint64_t seed, uint32_t round,
                  uint32_t who)
{
    memset(c, 0, sizeof *c);
    c->role = role;
    c->seed = seed;
    c->round = round;
    c->who = who;
    c->rng.s = fuzz_seed_of(seed, round, who);
    void *s = (void *)(uintptr_t)(SCRATCH_BASE + (uint64_t)(who % 1024) * SCRATCH_SLOT);
    void *ro = (uint8_t *)s + (FUZZ_SCRATCH_PAGES + 4) * PAGE;
    if (KnVmAllocate(s, FUZZ_SCRATCH_PAGES * PAGE, VM_READ | VM_WRITE, VM_FIXED, &s) ||
        KnVmAllocate(ro, PAGE, VM_READ, VM_FIXED, &ro))
        return -1;
    c->scratch = s;
    c->ro = ro;
    return 0;
}

/* Closes every handle the context created (a thread or task it started is
 * waited for first, so that the counts come back) and frees its mappings. */
void fuzz_ctx_release(struct fuzz_ctx *c)
{
    for (int i = 0; i < c->npool; i++) {
        uint32_t type = 0, rights = 0;
        if (KnHandleInfo(c->pool[i], &type, &rights) == rcOk) {
            int64_t v;
            int32_t st;
            if (type == KOBJ_THREAD)
                KnThreadWait(c->pool[i], 1000000000ull, &v);
            if (type == KOBJ_TASK && (KnTaskStart(c->pool[i]), 1))
                KnTaskWait(c->pool[i], 1000000000ull, &st);
        }
        KnHandleClose(c->pool[i]);
    }
    c->npool = 0;
    for (int i = 0; i < c->nmem; i++)
        KnVmFree((void *)(uintptr_t)c->mem[i].addr, c->mem[i].size);
    c->nmem = 0;
    if (c->scratch)
        KnVmFree(c->scratch, FUZZ_SCRATCH_PAGES * PAGE);
    if (c->ro)
        KnVmFree(c->ro, PAGE);
    c->scratch = c->ro = NULL;
}
