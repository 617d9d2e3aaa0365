/* equiv.Client: a fixed pseudo-random sequence of raw requests to
 * equiv.Server across every boundary of the IPC fast path (issue 19):
 * method (each one a kind of decision in security.psl), constant part size
 * (right, short, long, over the fast path's 64 bytes), an arena, a handle,
 * a bad endpoint, a reply buffer too small, the server's error and malformed
 * replies, and calls while the server is not receiving (CallEx with timeout
 * 0, then a Call that waits). Arenas of many sizes (0, 1, around a page,
 * over the receiver's room), at offsets that cross pages, with descriptors
 * that do not fit, at unmapped and kernel addresses, read by a Regex rule
 * (Text), and in replies (Fetch) into a receive arena of varied room. One line per call: what was sent and every
 * field that came back. tests/test_ipc_fastpath.py runs it with the fast
 * path on and off and requires the same console. */
#include <coresrv/channel/channel_api.h>
#include <coresrv/handle/handle_api.h>
#include <coresrv/syscalls.h>
#include <stdio.h>
#include <string.h>
#include <uapi/syscall.h>
#include "equiv.h"

static uint32_t seed = 0x2545f491u;

static uint32_t rnd(void)
{
    seed ^= seed << 13;
    seed ^= seed >> 17;
    seed ^= seed << 5;
    return seed;
}

/* the request's arena: three pages of lower-case letters but one 'Z' (a
 * Text that covers it is denied); the reply's arena: one page */
static uint8_t arena[3 * 4096] __attribute__((aligned(4096)));
static uint8_t rarena[4096] __attribute__((aligned(4096)));

static uint64_t hash(const void *p, size_t n)
{
    uint64_t h = 1469598103934665603ull;
    for (size_t k = 0; k < n; k++)
        h = (h ^ ((const uint8_t *)p)[k]) * 1099511628211ull;
    return h;
}

int main(void)
{
    Handle ch;
    if (KnChannelLookup("eq", SERVICE_CLIENT, &ch)) {
        printf("EQ client: no channel\n");
        return 1;
    }
    for (unsigned i = 0; i < sizeof(arena); i++)
        arena[i] = (uint8_t)('a' + i % 26);
    arena[4100] = 'Z';
    static const uint32_t arena_sizes[] = { 0, 1, 16, 63, 1024, 4095, 4096, 4097, 5000 };
    static const uint32_t arena_offsets[] = { 0, 8, 4000, 4095 };
    /* around the register limit (MSG_REG_CONST = 48) and the fast path's (64) */
    static const uint32_t odd_sizes[] = { 0, 8, 40, 47, 48, 49, 56, 64, 72, 80 };
    static struct eq_msg out, in;
    for (unsigned i = 0; i < EQ_ROUNDS; i++) {
        uint32_t mid = rnd() % (EQ_NMETHODS + 1);     /* EQ_NMETHODS: no such method */
        uint32_t size = rnd() % 10 < 7 ? eq_size(mid) : odd_sizes[rnd() % 10];
        uint32_t value = rnd() % 4 == 0 ? (uint32_t[]){ 6, 999, 1000, 1u << 20 }[rnd() % 4]
                                        : rnd() % 2000;
        memset(&out, 0, sizeof(out));
        out.hdr.riid = rnd() % 20 == 0 ? 1 : 0;
        out.hdr.mid = mid;
        out.hdr.size = size;
        for (uint32_t k = 0; k < sizeof(out.data); k++)
            out.data[k] = (uint8_t)(i + k);
        memcpy(out.data, &value, sizeof(value));
        if (mid == EQ_DATA || mid == EQ_TEXT || rnd() % 10 == 0) {
            uint32_t n = arena_sizes[rnd() % 9], at = arena_offsets[rnd() % 4];
            uint32_t desc[2] = { 0, n };
            uint32_t bad = rnd() % 8;
            if (bad == 0)
                desc[0] = n ? n : 1;              /* starts past the arena's end */
            else if (bad == 1)
                desc[1] = n + 1;                  /* one byte longer than the arena */
            memcpy(out.data + 4, desc, sizeof(desc));
            uint32_t where = rnd() % 30;
            out.hdr.arena = where == 0   ? 0x1000u                 /* not mapped */
                            : where == 1 ? 0xffff000000001000ull   /* the kernel's */
                                         : (uint64_t)(uintptr_t)(arena + at);
            out.hdr.arena_size = n;
        }
        if (rnd() % 12 == 0) {
            out.hdr.nhandles = 1;
            out.hdr.handles[0] = (SMsgHandle){ KERNEL_HANDLE, 0 };
        }
        /* A reply buffer on the stack now and then: libkos passes only data
         * and bss buffers in registers, so both ways run. */
        struct eq_msg on_stack;
        struct eq_msg *inp = rnd() % 4 == 0 ? &on_stack : &in;
        memset(inp, 0xee, sizeof(*inp));
        uint32_t cap = rnd() % 10 == 0 ? (uint32_t[]){ 0, 3, 4 }[rnd() % 3] : sizeof(in.data);
        inp->hdr.size = cap;
        inp->hdr.arena = 0;
        inp->hdr.arena_cap = 0;
        inp->hdr.nhandles = 0;
        memset(rarena, 0xee, sizeof(rarena));
        uint32_t room = rnd() % 4;
        if (room) {                               /* a receive arena: 16 bytes, a page, or unmapped */
            inp->hdr.arena = room == 3 && rnd() % 4 == 0 ? 0x1000u : (uint64_t)(uintptr_t)rarena;
            inp->hdr.arena_cap = room == 1 ? 16 : sizeof(rarena);
        }
        Retcode rc = Call(ch, &out.hdr, &inp->hdr);
        uint32_t result;
        memcpy(&result, inp->data, sizeof(result));
        /* every byte of the reply buffer, written or not (handle slots too;
         * the arena address is the same either way), and of the reply arena */
        uint64_t whole = hash(inp, sizeof(*inp)), reply_arena = hash(rarena, sizeof(rarena));
        printf("EQ %u riid=%u mid=%u size=%u arena=%u nh=%u cap=%u room=%u value=%u: rc=%d riid=%u "
               "mid=%u size=%u badge=%u arena_size=%u nh=%u result=%u buffer=%016llx "
               "arena=%016llx\n",
               i, out.hdr.riid, mid, size, out.hdr.arena_size, out.hdr.nhandles, cap,
               inp->hdr.arena_cap, value, rc, inp->hdr.riid, inp->hdr.mid, inp->hdr.size,
               inp->hdr.badge, inp->hdr.arena_size, inp->hdr.nhandles, result,
               (unsigned long long)whole, (unsigned long long)reply_arena);
        if (rc == rcOk && out.hdr.riid == 0 && mid == EQ_PLAIN && eq_pauses(value)) {
            /* The server replied with Reply and sleeps before its next Recv:
             * no receiver now. */
            out.hdr.mid = EQ_PLAIN;
            out.hdr.size = 4;
            out.hdr.arena_size = 0;
            out.hdr.nhandles = 0;
            in.hdr.size = sizeof(in.data);
            rc = CallEx(ch, &out.hdr, &in.hdr, 0);
            printf("EQ %u no receiver, timeout 0: rc=%d\n", i, rc);
        }
    }
    memset(&out, 0, sizeof(out));
    out.hdr.mid = EQ_PLAIN;
    out.hdr.size = 4;
    uint32_t finish = EQ_FINISH;
    memcpy(out.data, &finish, sizeof(finish));
    in.hdr.size = sizeof(in.data);
    Retcode rc = Call(ch, &out.hdr, &in.hdr);
    printf("EQ client: done (finish: rc %d)\n", rc);
    return 0;
}
