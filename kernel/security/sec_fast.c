/*
 * The precomputed verdict of sec_fast.h: the same walk as sec_decide_ipc
 * (class, endpoint, method, layout, cell) reduced to the one case it can
 * answer without the engine, an unconditional grant. Every test that fails
 * sends the decision to the engine, which then gives the real answer (and
 * its audit line): this function can only skip work, never change a result.
 */
#include "sec_fast.h"

static bool plain_layout(const struct sec_msg_layout *l, const struct sec_message *m)
{
    return m->size == l->size && m->nhandles == 0 && l->narena == 0 && l->nhandles == 0 &&
           l->nunions == 0 && l->nconds == 0 && (m->size == 0 || m->data);
}

bool sec_fast_grant(const struct sec_tables *t, enum sec_event ev, uint32_t src, uint32_t dst,
                    const struct sec_message *m)
{
    if (!sec_tables_valid(t) || !m)
        return false;
    if (t->flags & SEC_F_PERMISSIVE)
        return true;                            /* the engine grants before any check */
    if (ev != SEC_EV_REQUEST && ev != SEC_EV_RESPONSE)
        return false;
    if (src >= t->nclasses || dst >= t->nclasses || !t->classes)
        return false;
    const struct sec_class *server = &t->classes[ev == SEC_EV_REQUEST ? dst : src];
    if (m->riid >= server->nendpoints)
        return false;
    const struct sec_endpoint *ep = &server->endpoints[m->riid];
    if (m->mid >= ep->nmethods)
        return false;
    uint32_t slot = ep->slot_base + m->mid;
    if (slot >= server->nslots)
        return false;
    const struct sec_method *meth = &server->methods[slot];
    if (!plain_layout(ev == SEC_EV_REQUEST ? &meth->req : &meth->res, m))
        return false;
    const int32_t *rows = ev == SEC_EV_REQUEST ? t->request_rows : t->response_rows;
    int32_t base = rows ? rows[src * t->nclasses + dst] : SEC_NO_ROW;
    if (base < 0 || (uint32_t)base > t->nverdicts || slot >= t->nverdicts - (uint32_t)base)
        return false;
    return t->verdicts[(uint32_t)base + slot] == SEC_V_GRANT;
}
