/*
 * The message check host tests of tools/nk apply: the kernel's own layout
 * check (sec_check_layout in kernel/security/sec_engine.c, linked into the
 * test) over the generated layout records, plus the rule the kernel leaves
 * to the receiving dispatcher (a string ends with its only NUL: the arena
 * is not copied yet when the kernel decides). A message this accepts is
 * never refused as malformed by the generated dispatcher.
 */
#ifndef LAYOUT_CHECK_H
#define LAYOUT_CHECK_H

#include <stdint.h>

#include "security/sec_engine.h"

static inline const struct sec_method *lay_method(const struct sec_class *c, uint32_t riid,
                                                  uint32_t mid)
{
    if (riid >= c->nendpoints || mid >= c->endpoints[riid].nmethods)
        return 0;
    return &c->methods[c->endpoints[riid].slot_base + mid];
}

static inline uint32_t lay_u32(const uint8_t *p)
{
    return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) |
           ((uint32_t)p[3] << 24);
}

static inline int lay_cond(const struct sec_msg_layout *l, const uint8_t *data, uint16_t c)
{
    for (uint32_t steps = 0; c != SEC_NO_COND; c = l->conds[c].parent)
        if (c >= l->nconds || ++steps > l->nconds ||
            lay_u32(data + l->conds[c].tag_offset) != l->conds[c].value)
            return 0;
    return 1;
}

/* 1 when the message fits l (data: constant part, arena: arena_size bytes). */
static inline int lay_ok(const struct sec_msg_layout *l, const uint8_t *data, uint32_t size,
                         const uint8_t *arena, uint32_t arena_size, uint32_t nhandles)
{
    struct sec_message m = { 0, 0, size, arena_size, nhandles, data };
    if (sec_check_layout(l, &m, 0) != 0)
        return 0;
    for (uint32_t i = 0; i < l->narena; i++) {
        const struct sec_arena_ref *a = &l->arena[i];
        if (a->kind != SEC_ARENA_STRING || !lay_cond(l, data, a->cond))
            continue;
        uint32_t off = lay_u32(data + a->offset), sz = lay_u32(data + a->offset + 4);
        if (arena[off + sz - 1u] != 0)
            return 0;
        for (uint32_t k = 0; k + 1u < sz; k++)
            if (arena[off + k] == 0)
                return 0;
    }
    return 1;
}

#endif
