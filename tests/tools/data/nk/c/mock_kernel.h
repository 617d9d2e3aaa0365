/*
 * A stand-in for the kernel in host tests of tools/nk output: Call() copies
 * the request into the "server" like the kernel would, checks it against the
 * class layout table (as the security module would), runs the class
 * dispatcher and copies the response back within the client's capacities.
 * Like the kernel it honours the receive buffer's `size` as room; unlike
 * today's kernel it lets an error reply keep mid == NK_MID_ERROR (the
 * requirement in docs/IDL.md).
 */
#ifndef MOCK_KERNEL_H
#define MOCK_KERNEL_H

#include <stdio.h>
#include <string.h>

#include "test/Rich.edl.h"
#include "test/Rich.layout.h"
#include "layout_check.h"

static struct test_Rich_ops mock_server_ops;
static _Alignas(8) uint8_t mock_req[4096];
static _Alignas(8) uint8_t mock_res[4096];
static _Alignas(8) uint8_t mock_req_arena[MSG_MAX_ARENA];
static _Alignas(8) uint8_t mock_res_arena[MSG_MAX_ARENA];
static int mock_layout_failures;
static int mock_calls;

static const struct sec_method *mock_method(uint32_t riid, uint32_t mid)
{
    return lay_method(&test_Rich_layout, riid, mid);
}

Retcode Call(Handle handle, const SMsgHdr *out, SMsgHdr *in)
{
    SMsgHdr *r = (SMsgHdr *)(void *)mock_req;
    SMsgHdr *s = (SMsgHdr *)(void *)mock_res;
    const struct sec_method *ml;
    uint64_t arena;
    uint32_t cap;

    (void)handle;
    mock_calls++;
    if (out->size > MSG_MAX_CONST || out->nhandles > MSG_MAX_HANDLES ||
        out->arena_size > MSG_MAX_ARENA)
        return rcInvalidArgument;
    memcpy(r, out, sizeof(SMsgHdr) + out->size);
    if (out->arena_size != 0)
        memcpy(mock_req_arena, (const void *)(uintptr_t)out->arena, out->arena_size);
    r->arena = (uint64_t)(uintptr_t)mock_req_arena;
    r->arena_cap = sizeof(mock_req_arena);

    ml = mock_method(r->riid, r->mid);
    if (ml == NULL || !lay_ok(&ml->req, (const uint8_t *)(r + 1), r->size, mock_req_arena,
                             r->arena_size, r->nhandles)) {
        fprintf(stderr, "mock: request riid %u mid %u fails its layout\n", r->riid, r->mid);
        mock_layout_failures++;
        return rcSecurityDisallow;
    }
    (void)test_Rich_dispatch(&mock_server_ops, r, sizeof(SMsgHdr) + r->size, s, sizeof(mock_res),
                             mock_res_arena, sizeof(mock_res_arena));
    if (s->mid != NK_MID_ERROR &&
        !lay_ok(&ml->res, (const uint8_t *)(s + 1), s->size,
                (const uint8_t *)(uintptr_t)s->arena, s->arena_size, s->nhandles)) {
        fprintf(stderr, "mock: response riid %u mid %u fails its layout\n", r->riid, r->mid);
        mock_layout_failures++;
        return rcSecurityDisallow;
    }
    if (s->size > in->size || s->arena_size > in->arena_cap)
        return rcBufferTooSmall;
    arena = in->arena;
    cap = in->arena_cap;
    memcpy(in, s, sizeof(SMsgHdr) + s->size);
    if (s->arena_size != 0)
        memcpy((void *)(uintptr_t)arena, (const void *)(uintptr_t)s->arena, s->arena_size);
    in->arena = arena;
    in->arena_cap = cap;
    return rcOk;
}

#endif
