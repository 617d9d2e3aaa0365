/*
 * The precomputed verdict (issue 19): whether the full engine would grant a
 * request or a response silently, decided from the tables without running
 * it. Its own header and file so the engine (sec_engine.c) stays untouched.
 */
#ifndef SEC_FAST_H
#define SEC_FAST_H

#include <stdbool.h>
#include "sec_engine.h"

/*
 * True only when sec_decide_ipc(t, ev, src, dst, m) would grant with no
 * reason (nothing for the audit unless the policy audits every grant): the
 * tables are valid and permissive, or the method's layout (of exactly m's
 * size, m with no handles) passes the engine's layout check and the cell's
 * verdict is SEC_V_GRANT (a binding whose every rule grants unconditionally,
 * with no audit profile, so nothing reads the message's contents). False
 * means "ask the engine": conditions, model rules, audited grants, denials,
 * malformed messages and anything odd all take the full path.
 * ev: SEC_EV_REQUEST or SEC_EV_RESPONSE only.
 */
bool sec_fast_grant(const struct sec_tables *t, enum sec_event ev, uint32_t src, uint32_t dst,
                    const struct sec_message *m);

/*
 * sec_fast_grant in two steps, so that a caller can remember the first per
 * method: sec_fast_method(riid, mid, size) true means that every message
 * with those, no handles and its constant part present grants silently
 * when *check is NULL (a plain constant part, or permissive tables), or
 * when it passes sec_fast_layout_ok(*check, m) (a layout with arena
 * descriptors, union tags or handle slots: the engine's own check,
 * sec_check_layout, with a short way for plain arena descriptors).
 */
bool sec_fast_method(const struct sec_tables *t, enum sec_event ev, uint32_t src, uint32_t dst,
                     uint32_t riid, uint32_t mid, uint32_t size,
                     const struct sec_msg_layout **check);

/* A 32-bit little-endian field of the constant part (unaligned). */
static inline uint32_t sec_fast_field32(const uint8_t *p)
{
    uint32_t v;
    __builtin_memcpy(&v, p, 4);
    return v;
}

/*
 * The engine's check_layout (sec_engine.c) for the usual arena-carrying
 * layout, unrolled for one question: well formed or not. Arena descriptors
 * without a union condition, no unions, no handle slots: each descriptor
 * inside the arena, a whole number of aligned elements, at most max, a
 * string not empty. Anything else (conditions, tags, slots) runs the
 * engine's own check: the answer is the same, only slower.
 */
static inline bool sec_fast_layout_ok(const struct sec_msg_layout *l,
                                      const struct sec_message *m)
{
    if (l->nunions || l->nhandles || l->nconds || !l->arena || m->nhandles ||
        m->size != l->size || !m->data)
        return sec_check_layout(l, m, NULL) == 0;
    for (uint32_t i = 0; i < l->narena; i++) {
        const struct sec_arena_ref *a = &l->arena[i];
        if (a->cond != SEC_NO_COND)
            return sec_check_layout(l, m, NULL) == 0;
        if ((uint32_t)a->offset + 8u > m->size || a->elem_size == 0 || a->elem_align == 0)
            return false;                       /* a policy error: the engine says so */
        uint32_t off = sec_fast_field32(m->data + a->offset);
        uint32_t sz = sec_fast_field32(m->data + a->offset + 4);
        uint32_t es = a->elem_size, al = a->elem_align;
        /* bytes and strings: elements of 1, aligned to 1, no division */
        uint32_t n = es == 1 ? sz : sz / es;
        if (off > m->arena_size || sz > m->arena_size - off || (es != 1 && sz % es != 0) ||
            (al != 1 && off % al != 0) || n > a->max || (a->kind == SEC_ARENA_STRING && sz == 0))
            return false;
    }
    return true;
}

#endif
