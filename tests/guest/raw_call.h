/*
 * raw_call.h: the raw-Call scaffolding the hostile guest tests share
 * (tests/guest/vfs/test_vfs_hostile.c, tests/guest/netsock/test_netsock_hostile.c):
 * full-size request and reply buffers with their arenas, send_raw (a Call
 * of what the test wrote into `out`, received into room for any reply),
 * what came back (`got`), whether a reply is well formed, and a xorshift
 * generator. The test defines RAW_CALL_SEED before including it and sets
 * `ch` to the server's channel. Header-only: each test is its own program.
 */
#ifndef TESTS_GUEST_RAW_CALL_H
#define TESTS_GUEST_RAW_CALL_H

#include <stdint.h>
#include <string.h>
#include <coresrv/syscalls.h>

#ifndef RAW_CALL_SEED
#error "define RAW_CALL_SEED (a non-zero 32-bit seed) before including raw_call.h"
#endif

static Handle ch;
static union {
    SMsgHdr hdr;
    uint8_t raw[sizeof(SMsgHdr) + MSG_MAX_CONST];
} out, in;
static _Alignas(8) uint8_t out_arena[MSG_MAX_ARENA], in_arena[MSG_MAX_ARENA];

/* What came back for the last raw request. */
static struct {
    int error;                      /* an error reply */
    int32_t rc;                     /* its Retcode */
    int64_t res;                    /* a normal reply's res (last 8 bytes) */
} got;

static uint32_t rng = RAW_CALL_SEED;

static inline uint32_t rnd(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 17;
    rng ^= rng << 5;
    return rng;
}

/* A well-formed start: header and constant part all zero (no handles). */
static inline void clear_out(void)
{
    memset(&out, 0, sizeof out);
}

static inline void put32(uint32_t off, uint32_t v)
{
    memcpy(out.raw + sizeof(SMsgHdr) + off, &v, 4);
}

static inline void put64(uint32_t off, uint64_t v)
{
    memcpy(out.raw + sizeof(SMsgHdr) + off, &v, 8);
}

/* Sends out (constant part and any handles already written) with arena_size
 * bytes of out_arena, and receives into the full-size buffers. */
static inline Retcode send_raw(uint16_t riid, uint32_t mid, uint32_t size, uint32_t arena_size)
{
    out.hdr.riid = riid;
    out.hdr.mid = mid;
    out.hdr.size = size;
    out.hdr.arena = arena_size ? (uintptr_t)out_arena : 0;
    out.hdr.arena_size = arena_size;
    memset(&in.hdr, 0, sizeof in.hdr);
    in.hdr.size = MSG_MAX_CONST;
    in.hdr.arena = (uintptr_t)in_arena;
    in.hdr.arena_cap = sizeof in_arena;
    Retcode rc = Call(ch, &out.hdr, &in.hdr);
    got.error = in.hdr.mid == MSG_MID_ERROR;
    got.rc = 0;
    got.res = 0;
    if (rc == rcOk && got.error && in.hdr.size == 4)
        memcpy(&got.rc, in.raw + sizeof(SMsgHdr), 4);
    else if (rc == rcOk && !got.error && in.hdr.size >= 8)
        memcpy(&got.res, in.raw + sizeof(SMsgHdr) + in.hdr.size - 8, 8);
    return rc;
}

/* The last reply is an error reply with a negative code, or answers method
 * mid with its exact response size (res_size[mid], mid < nmethods) and no handles. */
static inline int reply_well_formed(uint32_t mid, const uint32_t *res_size, uint32_t nmethods)
{
    if (got.error)
        return in.hdr.size == 4 && got.rc < 0;
    return mid < nmethods && in.hdr.mid == mid && in.hdr.size == res_size[mid] &&
           in.hdr.nhandles == 0;
}

#endif
