/*
 * fuzz.h: what the kernel fuzzer's files share (docs/TESTING.md, "Fuzzing").
 * One fuzz context per thread: its seeded PRNG, its scratch memory (the
 * targets of hostile pointers), the handles and memory it created itself
 * (the only ones a thread of the first task may close or free), and the
 * call in flight, printed when something breaks so that it can be replayed.
 */
#ifndef FUZZ_H
#define FUZZ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <uapi/msg.h>

/* splitmix64: tiny, full period, and every seed is a good one. */
struct rng {
    uint64_t s;
};

static inline uint64_t rng_next(struct rng *r)
{
    uint64_t z = (r->s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static inline uint32_t rng_below(struct rng *r, uint32_t n)
{
    return n ? (uint32_t)(rng_next(r) % n) : 0;
}

static inline bool rng_chance(struct rng *r, unsigned percent)
{
    return rng_below(r, 100) < percent;
}

/* The seed of one thread of one round: rounds and threads replay alone. */
static inline uint64_t fuzz_seed_of(uint64_t seed, uint32_t round, uint32_t who)
{
    struct rng r = { seed ^ ((uint64_t)round << 32) ^ ((uint64_t)who << 16) };
    rng_next(&r);
    return rng_next(&r);
}

/* Who runs the context: threads of the first task must not end it (no
 * TaskExit, no PowerOff, no closing or freeing what is not theirs, bounded
 * waits); threads of a child task may do anything, and are killed. */
enum fuzz_role { FUZZ_PARENT, FUZZ_CHILD };

#define FUZZ_SCRATCH_PAGES 20      /* rw; an unmapped page follows it */
#define FUZZ_POOL_MAX 12           /* handles a context created and still holds */
#define FUZZ_STALE_MAX 8
#define FUZZ_MEM_MAX 6
#define FUZZ_FREED_MAX 4

/* The call being issued (what a failure report prints). */
struct fuzz_call {
    uint64_t nr;               /* system-call number */
    uint64_t a[6];
    uint16_t riid;             /* for Call/CallEx: the message's header */
    uint16_t nhandles;
    uint32_t mid, size;
};

struct fuzz_ctx {
    struct rng rng;
    enum fuzz_role role;
    uint64_t seed;
    uint32_t round, who;       /* who: thread number (children: 100 * child + thread) */
    uint64_t calls;            /* issued so far */
    bool trace;                /* print every call before issuing it */
    uint8_t *scratch;          /* FUZZ_SCRATCH_PAGES pages, rw */
    uint8_t *ro;               /* one read-only page */
    Handle pool[FUZZ_POOL_MAX];
    int npool;
    Handle stale[FUZZ_STALE_MAX];
    int nstale;
    struct { uint64_t addr, size; bool plain; } mem[FUZZ_MEM_MAX];   /* plain: Vmm.Allocate */
    int nmem;
    /* Plain allocations freed lately: pointers into them name memory the
     * kernel may have cached translations of (kernel/vm.c), now unmapped or
     * another thread's (docs/TESTING.md "Fuzzing"). */
    uint64_t freed[FUZZ_FREED_MAX];
    uint32_t nfreed;
    Handle ipc[4];             /* children: client ends (VfsFsnet, the fuzz server) */
    int nipc;
    struct fuzz_call cur;
};

/* args.c: hostile values of each kind. */
uint64_t fz_ptr(struct fuzz_ctx *c);            /* any pointer class */
uint64_t fz_buf(struct fuzz_ctx *c, uint32_t len);  /* a scratch buffer with room for len */
uint64_t fz_size(struct fuzz_ctx *c);
uint64_t fz_addr(struct fuzz_ctx *c);           /* a user address as a number (Vmm) */
uint32_t fz_handle(struct fuzz_ctx *c);
uint64_t fz_timeout(struct fuzz_ctx *c);
uint32_t fz_u32(struct fuzz_ctx *c);
uint64_t fz_u64(struct fuzz_ctx *c);
int fuzz_ctx_init(struct fuzz_ctx *c, enum fuzz_role role, uint64_t seed, uint32_t round,
                  uint32_t who);
void fuzz_ctx_release(struct fuzz_ctx *c);     /* closes and frees what it created */
void fuzz_pool_add(struct fuzz_ctx *c, Handle h);
bool fuzz_pool_has(const struct fuzz_ctx *c, Handle h);
void fuzz_pool_drop(struct fuzz_ctx *c, Handle h);  /* closed: keep it as a stale value */
void fuzz_close_received(const SMsgHdr *in);   /* the handles a message brought */
void fuzz_mem_add(struct fuzz_ctx *c, uint64_t addr, uint64_t size);
void fuzz_mem_add_plain(struct fuzz_ctx *c, uint64_t addr, uint64_t size);
void fuzz_mem_drop(struct fuzz_ctx *c, int i);   /* mem[i] is unmapped now */

/* calls.c: one random direct system call or kernel-endpoint call. */
void fuzz_one(struct fuzz_ctx *c);
extern int fuzz_only;          /* >= 0: only methods of this kernel endpoint (riid) */
void fuzz_print_call(const struct fuzz_ctx *c, const char *why);
/* The thread entry Thread.Create gets in the first task: ends at once,
 * needs no stack and no TLS (any stackTop and tls are harmless). */
void fuzz_exit_stub(void *arg);

/* ipc.c: malformed IPC on the context's client ends; the server role. */
void fuzz_ipc_one(struct fuzz_ctx *c);
int fuzz_server_main(uint64_t seed, int clients);

#endif
