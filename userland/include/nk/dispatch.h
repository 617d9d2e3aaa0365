/*
 * nk/dispatch.h: helpers of the KasperskyOS-form code tools/nk generates
 * (tools/nk/kosgen.py): filling a request header, checking a request or a
 * response against its method's layout record (the kernel's own check,
 * sec_check_layout, and the receiver's string rule, sec_check_strings: one
 * checker, kernel/security/sec_engine.c, linked into libkos), error replies.
 * Never trusts a received message; never reads outside its arena.
 */
#ifndef NK_DISPATCH_KOS_H
#define NK_DISPATCH_KOS_H

#include <stddef.h>
#include <string.h>
#include <nk/arena.h>
#include <nk/transport.h>
#include <nk/types.h>
#include "security/sec_engine.h"

/* An error reply: mid MSG_MID_ERROR, constant part = the int32 nk_err_t. */
struct nk_kos_err_res {
    struct nk_message base_;
    nk_int32_t rc;
};

/* Service Locator record of a class (endpoint paths -> RIIDs), one per class
 * in the linker section nk_sl_classes (kos/nk_kos_sl.h); userland/lib/sl.c
 * reads them between __start_nk_sl_classes and __stop_nk_sl_classes. */
struct nk_kos_sl_endpoint {
    const char *name;
    nk_uint32_t riid;
};
struct nk_kos_sl_class {
    const char *name;
    const struct nk_kos_sl_endpoint *endpoints;
    nk_uint32_t count;
};

/* Proxy: the header of a request (riid, mid, constant part size). Handle
 * arguments travel in hdr.handles[0 .. nhandles-1]; methods with none send
 * none. */
static inline void nk_kos_prepare_req(struct nk_message *m, nk_iid_t iid, nk_mid_t mid,
                                      nk_uint32_t size, nk_uint32_t max_handles)
{
    m->hdr.riid = (nk_uint16_t)iid;
    m->hdr.mid = mid;
    m->hdr.size = size;
    m->hdr.badge = 0;
    if (max_handles == 0 || m->hdr.nhandles > max_handles)
        m->hdr.nhandles = max_handles == 0 ? 0 : (nk_uint16_t)max_handles;
}

/* The header of a message of a method that carries no handles, before it is
 * filled (a response buffer before a call, a response before the method runs):
 * its first 32 bytes cleared and `size` the room of the object it heads
 * (`total` bytes with the header), as nk_msg_reset leaves it, but without
 * clearing the 32-byte handles[] table: nothing reads a slot at or past
 * nhandles (0 here): not the kernel when it sends, not the checks here, and
 * the kernel rewrites every slot of a header it delivers (docs/ABI.md). A
 * memset call of 64 bytes cost ~22 instructions a side; these are 4 stores. */
static inline void nk_kos_reset_plain(struct nk_message *m, nk_size_t total)
{
    m->hdr.riid = 0;
    m->hdr.nhandles = 0;
    m->hdr.mid = 0;
    m->hdr.size = total > sizeof m->hdr ? (nk_uint32_t)(total - sizeof m->hdr) : 0;
    m->hdr.badge = 0;
    m->hdr.arena = 0;
    m->hdr.arena_size = 0;
    m->hdr.arena_cap = 0;
}

/* Bytes of arena received with `m`: 0 unless inside `a`'s used part. */
static inline int nk_kos_arena_ok(const struct nk_message *m, const struct nk_arena *a)
{
    if (m->hdr.arena_size == 0)
        return 1;
    return a != NK_NULL && m->hdr.arena_size <= (nk_size_t)(a->current - a->start);
}

/* Server: the header fields every dispatcher relies on. */
static inline nk_err_t nk_kos_check_header(const struct nk_message *req,
                                           const struct nk_arena *req_arena)
{
    if (req->hdr.nhandles > MSG_MAX_HANDLES || !nk_kos_arena_ok(req, req_arena))
        return NK_EBADMSG;
    return NK_EOK;
}

/* Server: a request against its method's layout (size, arena references,
 * strings, union tags, handle slots, handle count). */
/* The message against its layout record: the kernel's check, then the
 * strings (the arena is here now). */
static inline nk_err_t nk_kos_check_layout(const struct nk_message *msg, const uint8_t *arena,
                                           const struct sec_msg_layout *l)
{
    struct sec_message m = {msg->hdr.riid, msg->hdr.mid, msg->hdr.size, msg->hdr.arena_size,
                            msg->hdr.nhandles, (const uint8_t *)(&msg->hdr + 1), arena, NK_NULL};
    if (sec_check_layout(l, &m, NK_NULL) != 0 || sec_check_strings(l, &m, arena) != 0)
        return NK_EBADMSG;
    return NK_EOK;
}

static inline nk_err_t nk_kos_check_req(const struct nk_message *req,
                                        const struct nk_arena *req_arena,
                                        const struct sec_msg_layout *l)
{
    if (nk_kos_check_header(req, req_arena) != NK_EOK)
        return NK_EBADMSG;
    const uint8_t *arena = req->hdr.arena_size ? (const uint8_t *)req_arena->start : NK_NULL;
    return nk_kos_check_layout(req, arena, l);
}

/* Server: turn res into an error reply carrying rc (no arena); returns rc. */
static inline nk_err_t nk_kos_reply_error(struct nk_message *res, struct nk_arena *res_arena,
                                          nk_iid_t riid, nk_err_t rc)
{
    memset(&res->hdr, 0, sizeof res->hdr);
    res->hdr.riid = (nk_uint16_t)riid;
    res->hdr.mid = MSG_MID_ERROR;
    res->hdr.size = sizeof(nk_int32_t);
    memcpy(&res->hdr + 1, &rc, sizeof rc);
    nk_arena_reset(res_arena);
    return rc;
}

/* Server: the header of a successful response. */
static inline void nk_kos_finish_res(struct nk_message *res, nk_iid_t riid, nk_mid_t mid,
                                     nk_uint32_t size)
{
    res->hdr.riid = (nk_uint16_t)riid;
    res->hdr.mid = mid;
    res->hdr.size = size;
    if (res->hdr.nhandles > MSG_MAX_HANDLES)
        res->hdr.nhandles = 0;
}

/* Client: the server's nk_err_t carried by an error reply. */
static inline nk_err_t nk_kos_error_of(const struct nk_message *res)
{
    nk_int32_t v = 0;
    if (res->hdr.size != sizeof v)
        return NK_EBADMSG;
    memcpy(&v, &res->hdr + 1, sizeof v);
    return v < 0 ? v : rcFail;
}

/* A message of a method whose layout has no handles nor unions ("simple":
 * most kernel-endpoint calls, the VFS's): the layout check (sec_check_layout,
 * sec_check_strings) reduces to the exact size, no handles (here) and each
 * arena reference inside the arena (nk_kos_ref_ok; a string also not empty,
 * its one NUL last: nk_kos_str_ok), checked inline instead of through the
 * layout record. */
static inline nk_err_t nk_kos_check_req_plain(const struct nk_message *req,
                                              const struct nk_arena *req_arena, nk_uint32_t size)
{
    if (req->hdr.size != size || req->hdr.nhandles != 0 || !nk_kos_arena_ok(req, req_arena))
        return NK_EBADMSG;
    return NK_EOK;
}

/* An arena reference of a simple layout at constant-part offset `at`, as
 * sec_check_layout checks it: inside the arena, whole aligned elements, at
 * most `max` of them. */
static inline int nk_kos_ref_ok(const struct nk_message *m, nk_uint32_t at, nk_uint32_t elem,
                                nk_uint32_t align, nk_uint32_t max)
{
    nk_arena_desc d;
    memcpy(&d, (const nk_uint8_t *)(&m->hdr + 1) + at, sizeof d);
    nk_uint32_t asz = m->hdr.arena_size;
    return d.offset <= asz && d.size <= asz - d.offset && d.size % elem == 0 &&
           d.offset % align == 0 && d.size / elem <= max;
}

/* The string a reference at `at` refers to (nk_kos_ref_ok passed): not
 * empty, its one NUL last, as sec_check_layout and sec_check_strings say. */
static inline int nk_kos_str_ok(const struct nk_message *m, const struct nk_arena *a,
                                nk_uint32_t at)
{
    nk_arena_desc d;
    memcpy(&d, (const nk_uint8_t *)(&m->hdr + 1) + at, sizeof d);
    if (d.size == 0 || a == NK_NULL)
        return 0;
    const nk_char_t *s = a->start + d.offset;
    if (s[d.size - 1] != 0)
        return 0;
    /* Short strings (paths, names) eight bytes at a time: the C library's memchr
     * costs ~70 instructions of set-up and alignment for a 10-byte path. A word
     * holds a zero byte when (x - 0x01..01) & ~x & 0x80..80 is not 0 (exact: no
     * false hit, no miss). A tail of 1..7 bytes is checked with the word ending
     * at the string's last byte before the NUL: it overlaps bytes already found
     * non-zero and reads nothing outside the string; only a string shorter than
     * a word goes byte by byte. */
    if (d.size <= 256) {
        nk_uint32_t n = d.size - 1, i = 0;
        nk_uint64_t x;
        if (n < 8) {
            for (; i < n; i++)
                if (s[i] == 0)
                    return 0;
            return 1;
        }
        for (; i + 8 <= n; i += 8) {
            memcpy(&x, s + i, sizeof x);        /* an unaligned load, inline */
            if ((x - 0x0101010101010101ull) & ~x & 0x8080808080808080ull)
                return 0;
        }
        if (i < n) {
            memcpy(&x, s + n - 8, sizeof x);
            if ((x - 0x0101010101010101ull) & ~x & 0x8080808080808080ull)
                return 0;
        }
        return 1;
    }
    return memchr(s, 0, d.size - 1) == NK_NULL;
}

static inline nk_err_t nk_kos_check_res_plain(const struct nk_message *res,
                                              const struct nk_arena *res_arena, nk_mid_t mid,
                                              nk_uint32_t size)
{
    if (__builtin_expect(res->hdr.mid != mid, 0))
        return res->hdr.mid == MSG_MID_ERROR ? nk_kos_error_of(res) : NK_EBADMSG;
    if (res->hdr.size != size || res->hdr.nhandles != 0 || !nk_kos_arena_ok(res, res_arena))
        return NK_EBADMSG;
    return NK_EOK;
}

/* Client: check a response; an error reply gives the server's nk_err_t. */
static inline nk_err_t nk_kos_check_res(const struct nk_message *res,
                                        const struct nk_arena *res_arena, nk_mid_t mid,
                                        const struct sec_msg_layout *l)
{
    if (res->hdr.mid == MSG_MID_ERROR)
        return nk_kos_error_of(res);
    if (res->hdr.mid != mid || res->hdr.nhandles > MSG_MAX_HANDLES ||
        !nk_kos_arena_ok(res, res_arena))
        return NK_EBADMSG;
    const uint8_t *arena = res->hdr.arena_size ? (const uint8_t *)res_arena->start : NK_NULL;
    return nk_kos_check_layout(res, arena, l);
}

#endif
