/*
 * The precomputed verdict of sec_fast.h: the same walk as sec_decide_ipc
 * (class, endpoint, method, layout, cell) reduced to the one case it can
 * answer without the engine, an unconditional grant. Every test that fails
 * sends the decision to the engine, which then gives the real answer (and
 * its audit line): these functions can only skip work, never change a result.
 */
#include "sec_fast.h"

/* A layout with nothing but its exact size to check. */
static bool plain_layout(const struct sec_msg_layout *l)
{
    return l->narena == 0 && l->nhandles == 0 && l->nunions == 0 && l->nconds == 0;
}

bool sec_fast_method(const struct sec_tables *t, enum sec_event ev, uint32_t src, uint32_t dst,
                     uint32_t riid, uint32_t mid, uint32_t size,
                     const struct sec_msg_layout **check)
{
    *check = NULL;
    if (!sec_tables_valid(t))
        return false;
    if (t->flags & SEC_F_PERMISSIVE)
        return true;                            /* the engine grants before any check */
    if (ev != SEC_EV_REQUEST && ev != SEC_EV_RESPONSE)
        return false;
    if (src >= t->nclasses || dst >= t->nclasses || !t->classes)
        return false;
    const struct sec_class *server = &t->classes[ev == SEC_EV_REQUEST ? dst : src];
    if (riid >= server->nendpoints)
        return false;
    const struct sec_endpoint *ep = &server->endpoints[riid];
    if (mid >= ep->nmethods)
        return false;
    uint32_t slot = ep->slot_base + mid;
    if (slot >= server->nslots)
        return false;
    const struct sec_method *meth = &server->methods[slot];
    const struct sec_msg_layout *l = ev == SEC_EV_REQUEST ? &meth->req : &meth->res;
    if (size != l->size)
        return false;
    const int32_t *rows = ev == SEC_EV_REQUEST ? t->request_rows : t->response_rows;
    int32_t base = rows ? rows[src * t->nclasses + dst] : SEC_NO_ROW;
    if (base < 0 || (uint32_t)base > t->nverdicts || slot >= t->nverdicts - (uint32_t)base)
        return false;
    if (t->verdicts[(uint32_t)base + slot] != SEC_V_GRANT)
        return false;
    if (!plain_layout(l))
        *check = l;                             /* descriptors, tags, slots: per message */
    return true;
}

bool sec_fast_grant(const struct sec_tables *t, enum sec_event ev, uint32_t src, uint32_t dst,
                    const struct sec_message *m)
{
    const struct sec_msg_layout *check;
    if (!m || m->nhandles != 0 || (m->size != 0 && !m->data))
        return false;
    return sec_fast_method(t, ev, src, dst, m->riid, m->mid, m->size, &check) &&
           (!check || sec_fast_layout_ok(check, m));
}
