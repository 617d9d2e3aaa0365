/*
 * nk/arena.h: struct nk_arena (KasperskyOS NK API), the variable-size part
 * of a message: a buffer [start, end) filled up to `current`. Items are
 * placed at 8-byte boundaries and referenced from the constant part by an
 * nk_ptr_t {offset, size}. nk_arena_get never returns memory outside the
 * arena's used part [start, current).
 */
#ifndef NK_ARENA_KOS_H
#define NK_ARENA_KOS_H

#include <string.h>
#include <nk/types.h>

struct nk_arena {
    nk_char_t *start;
    nk_char_t *current;     /* end of the used part */
    nk_char_t *end;
};

#define NK_ARENA_INITIALIZER(start_, end_) \
    { (nk_char_t *)(start_), (nk_char_t *)(start_), (nk_char_t *)(end_) }
#define NK_ARENA_ALIGN_ 8u

static inline void nk_arena_init(struct nk_arena *a, void *start, void *end)
{
    a->start = a->current = (nk_char_t *)start;
    a->end = (nk_char_t *)end;
}

static inline void nk_arena_reset(struct nk_arena *a)
{
    if (a != NK_NULL)
        a->current = a->start;
}

/* Bytes in use / capacity. */
static inline nk_size_t nk_arena_size(const struct nk_arena *a)
{
    return a ? (nk_size_t)(a->current - a->start) : 0;
}
static inline nk_size_t nk_arena_capacity(const struct nk_arena *a)
{
    return a ? (nk_size_t)(a->end - a->start) : 0;
}

/* Reserve n bytes (8-byte aligned) and describe them in *ptr; NULL when the
 * arena is full (NK_ENOMEM for the macros below). */
static inline void *nk_arena_alloc_bytes(struct nk_arena *a, nk_ptr_t *ptr, nk_size_t n)
{
    if (a == NK_NULL || ptr == NK_NULL)
        return NK_NULL;
    nk_size_t used = (nk_size_t)(a->current - a->start);
    nk_size_t off = (used + NK_ARENA_ALIGN_ - 1) & ~(nk_size_t)(NK_ARENA_ALIGN_ - 1);
    nk_size_t cap = (nk_size_t)(a->end - a->start);
    if (off > cap || n > cap - off || off > UINT32_MAX || n > UINT32_MAX)
        return NK_NULL;
    memset(a->current, 0, off - used);          /* no stale bytes between items */
    a->current = a->start + off + n;
    ptr->offset = (nk_uint32_t)off;
    ptr->size = (nk_uint32_t)n;
    return a->start + off;
}

/* Copy n bytes from src into the arena; NK_EOK or NK_ENOMEM. */
static inline nk_err_t nk_arena_store_bytes(struct nk_arena *a, nk_ptr_t *ptr,
                                            const void *src, nk_size_t n)
{
    void *dst = nk_arena_alloc_bytes(a, ptr, n);
    if (dst == NK_NULL)
        return NK_ENOMEM;
    if (n)
        memcpy(dst, src, n);
    return NK_EOK;
}

/* The data *ptr refers to, checked: inside [start, current), a whole number
 * of `elem`-byte items aligned to `align`; *count gets the number of items.
 * NULL (and *count = 0) when the reference is bad. */
static inline void *nk_arena_get_bytes(const struct nk_arena *a, const nk_ptr_t *ptr,
                                       nk_size_t elem, nk_size_t align, nk_size_t *count)
{
    if (count)
        *count = 0;
    if (a == NK_NULL || ptr == NK_NULL || elem == 0)
        return NK_NULL;
    nk_size_t used = (nk_size_t)(a->current - a->start);
    if (ptr->offset > used || ptr->size > used - ptr->offset || ptr->size % elem != 0 ||
        (align > 1 && ptr->offset % align != 0))
        return NK_NULL;
    if (count)
        *count = ptr->size / elem;
    return a->start + ptr->offset;
}

/* Typed helpers (KasperskyOS names): T is the element type. */
#define nk_arena_alloc(T, arena, ptr, count) \
    ((T *)nk_arena_alloc_bytes((arena), (ptr), sizeof(T) * (nk_size_t)(count)))
#define nk_arena_store(T, arena, ptr, src, count) \
    nk_arena_store_bytes((arena), (ptr), (src), sizeof(T) * (nk_size_t)(count))
#define nk_arena_get(T, arena, ptr, count) \
    ((T *)nk_arena_get_bytes((arena), (ptr), sizeof(T), _Alignof(T), (count)))

#endif
