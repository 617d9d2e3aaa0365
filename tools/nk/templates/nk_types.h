/*
 * nk_types.h: runtime helpers of the kernel-form dispatchers tools/nk/cgen.py
 * generates (server side only: the kernel's kl.core dispatcher; docs/IDL.md,
 * "Who uses which output"). Copied verbatim into the output directory; every
 * generated *.idl.h includes it. Header-only (static inline); never trusts a
 * received message.
 */
#ifndef NK_TYPES_H
#define NK_TYPES_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* Must declare Handle, SMsgHdr, SMsgHandle, nk_arena_desc, MSG_MAX_*,
 * Retcode and the rc* codes (kernel/uapi/msg.h + retcode.h). */
#ifndef NK_IPC_HEADER
#define NK_IPC_HEADER <kos/ipc.h>
#endif
#include NK_IPC_HEADER

_Static_assert(sizeof(SMsgHdr) == 64, "tools/nk assumes a 64-byte SMsgHdr");
_Static_assert(sizeof(nk_arena_desc) == 8, "tools/nk assumes an 8-byte nk_arena_desc");

/* A response whose hdr.mid is NK_MID_ERROR carries only an int32 Retcode
 * (hdr.size == 4): the server could not (or chose not to) run the method. */
#define NK_MID_ERROR   0xFFFFFFFFu
/* Handle slot index meaning "no handle" (INVALID_HANDLE was passed). */
#define NK_NO_HANDLE   0xFFFFFFFFu
/* Every arena item starts on this boundary. */
#define NK_ARENA_ALIGN 8u

#define NK_MIN(a, b) ((a) < (b) ? (a) : (b))
#define NK_MAX(a, b) ((a) > (b) ? (a) : (b))

/* Variable-size data inside a *_view struct. data/len: elements (string:
 * chars without the NUL). cap: elements at data (a received span: len). */
typedef struct nk_span {
    void *data;
    uint32_t len;
    uint32_t cap;
} nk_span;

/* An arena being written (sender) and one being read (receiver). */
typedef struct nk_arena_w {
    uint8_t *buf;
    uint32_t cap;
    uint32_t used;
} nk_arena_w;

typedef struct nk_arena_r {
    const uint8_t *buf;
    uint32_t size;
} nk_arena_r;

static inline uint32_t nk_strnlen(const char *s, uint32_t max)
{
    uint32_t n = 0;
    while (n < max && s[n] != '\0')
        n++;
    return n;
}

/* Reserve nbytes at the next aligned offset. */
static inline Retcode nk_arena_alloc(nk_arena_w *a, uint64_t nbytes, uint32_t *off)
{
    uint64_t o = ((uint64_t)a->used + NK_ARENA_ALIGN - 1u) & ~(uint64_t)(NK_ARENA_ALIGN - 1u);
    if (o > a->cap || nbytes > a->cap - o)
        return rcBufferTooLarge;
    *off = (uint32_t)o;
    a->used = (uint32_t)(o + nbytes);
    return rcOk;
}

/* Sender: append n elements (string: n chars, a NUL is added). */
static inline Retcode nk_put(nk_arena_w *a, const void *src, uint32_t n, uint32_t elem,
                             uint32_t max, int is_string, nk_arena_desc *d)
{
    uint64_t nbytes = (uint64_t)n * elem + (is_string ? 1u : 0u);
    uint32_t off = 0;
    Retcode rc;
    if ((uint64_t)n + (is_string ? 1u : 0u) > max)
        return rcBufferTooLarge;
    if (n != 0 && src == NULL)
        return rcInvalidArgument;
    if (is_string && n != 0 && memchr(src, 0, n) != NULL)
        return rcInvalidArgument;
    rc = nk_arena_alloc(a, nbytes, &off);
    if (rc != rcOk)
        return rc;
    if (n != 0)
        memcpy(a->buf + off, src, (size_t)n * elem);
    if (is_string)
        a->buf[off + (uint64_t)n * elem] = 0;
    d->offset = off;
    d->size = (uint32_t)nbytes;
    return rcOk;
}

static inline Retcode nk_put_span(nk_arena_w *a, const nk_span *s, uint32_t elem, uint32_t max,
                                  int is_string, nk_arena_desc *d)
{
    return nk_put(a, s->data, s->len, elem, max, is_string, d);
}

/* Receiver: validate a descriptor; *p, *n = the data and its element count
 * (string: length without the NUL, which must be the one and last NUL). */
static inline Retcode nk_get(const nk_arena_r *a, const nk_arena_desc *d, uint32_t elem,
                             uint32_t align, uint32_t max, int is_string,
                             const void **p, uint32_t *n)
{
    uint32_t off = d->offset, size = d->size, count;
    if (off > a->size || size > a->size - off)
        return rcInvalidArgument;
    if (size % elem != 0 || off % align != 0)
        return rcInvalidArgument;
    count = size / elem;
    if (count > max)
        return rcInvalidArgument;
    if (size == 0) {
        if (is_string)
            return rcInvalidArgument;
        *p = NULL;
        *n = 0;
        return rcOk;
    }
    if (((uintptr_t)(a->buf + off)) % align != 0)
        return rcInvalidArgument;
    if (is_string) {
        if (a->buf[off + size - 1u] != 0 || memchr(a->buf + off, 0, size - 1u) != NULL)
            return rcInvalidArgument;
        count = size - 1u;
    }
    *p = a->buf + off;
    *n = count;
    return rcOk;
}

/* Receiver, into a span: s points into the arena (valid while the message
 * buffer is). */
static inline Retcode nk_get_span(const nk_arena_r *a, const nk_arena_desc *d, uint32_t elem,
                                  uint32_t align, uint32_t max, int is_string, nk_span *s)
{
    const void *p = NULL;
    uint32_t n = 0;
    Retcode rc = nk_get(a, d, elem, align, max, is_string, &p, &n);
    if (rc != rcOk)
        return rc;
    s->data = (void *)(uintptr_t)p;
    s->cap = n;
    s->len = n;
    return rcOk;
}

/* Server: room for an out parameter of up to max elements, cut to what is
 * left in the response arena; nk_commit then moves it to its final place. */
static inline void nk_reserve(nk_arena_w *a, uint32_t elem, uint32_t max, uint32_t *off,
                              uint32_t *cap)
{
    uint32_t o = (a->used + NK_ARENA_ALIGN - 1u) & ~(NK_ARENA_ALIGN - 1u);
    uint32_t room;
    if (o < a->used || o > a->cap)
        o = a->cap;
    room = (a->cap - o) / elem;
    *cap = NK_MIN(room, max);
    *off = o;
    a->used = o + *cap * elem;
}

static inline void *nk_arena_at(nk_arena_w *a, uint32_t off)
{
    return a->buf == NULL ? NULL : a->buf + off;
}

/* n: elements written (string: ignored, found from the NUL). Commits must
 * run in reservation order after a->used was reset to 0. */
static inline Retcode nk_commit(nk_arena_w *a, uint32_t off, uint32_t cap, uint32_t n,
                                uint32_t elem, int is_string, nk_arena_desc *d)
{
    uint32_t nbytes, o = 0;
    Retcode rc;
    if (is_string) {
        if (cap == 0)
            return rcBufferTooSmall;
        n = nk_strnlen((const char *)a->buf + off, cap);
        if (n >= cap)
            return rcBufferTooLarge;
        nbytes = n + 1u;
    } else {
        if (n > cap)
            return rcBufferTooLarge;
        nbytes = n * elem;
    }
    rc = nk_arena_alloc(a, nbytes, &o);
    if (rc != rcOk)
        return rc;
    if (nbytes != 0 && o != off)
        memmove(a->buf + o, a->buf + off, nbytes);
    d->offset = o;
    d->size = nbytes;
    return rcOk;
}

/* Handles: the constant part holds an index into hdr.handles[]. */
static inline Retcode nk_handle_put(SMsgHdr *h, const SMsgHandle *x, uint32_t *slot)
{
    if (x->handle == INVALID_HANDLE) {
        *slot = NK_NO_HANDLE;
        return rcOk;
    }
    if (h->nhandles >= MSG_MAX_HANDLES)
        return rcBufferTooLarge;
    h->handles[h->nhandles] = *x;
    *slot = h->nhandles++;
    return rcOk;
}

static inline Retcode nk_handle_get(const SMsgHdr *h, uint32_t slot, SMsgHandle *x)
{
    if (slot == NK_NO_HANDLE) {
        x->handle = INVALID_HANDLE;
        x->rights = 0;
        return rcOk;
    }
    if (slot >= h->nhandles || slot >= MSG_MAX_HANDLES)
        return rcInvalidArgument;
    *x = h->handles[slot];
    return rcOk;
}

/* Server: the header fields a dispatcher may rely on. */
static inline Retcode nk_check_request(const SMsgHdr *req, size_t req_len)
{
    if (req == NULL || ((uintptr_t)req & 7u) != 0 || req_len < sizeof(SMsgHdr))
        return rcInvalidArgument;
    if (req->size > req_len - sizeof(SMsgHdr) || req->nhandles > MSG_MAX_HANDLES)
        return rcInvalidArgument;
    if (req->arena_size != 0 && req->arena == 0)
        return rcInvalidArgument;
    return rcOk;
}

/* Server: the riid of a request, read without trusting its alignment. */
static inline uint32_t nk_request_riid(const SMsgHdr *req, size_t req_len)
{
    uint32_t riid = 0;
    if (req != NULL && req_len >= sizeof(SMsgHdr))
        memcpy(&riid, req, sizeof riid);
    return riid;
}

/* Server: turn *res into an error response; returns rc. */
static inline Retcode nk_reply_error(SMsgHdr *res, size_t res_cap, uint32_t riid, Retcode rc)
{
    if (res != NULL && res_cap >= sizeof(SMsgHdr)) {
        memset(res, 0, sizeof(SMsgHdr));
        res->riid = riid;
        res->mid = NK_MID_ERROR;
        if (res_cap >= sizeof(SMsgHdr) + sizeof(int32_t)) {
            int32_t v = (int32_t)rc;
            memcpy(res + 1, &v, sizeof v);
            res->size = sizeof v;
        }
    }
    return rc;
}

#endif
