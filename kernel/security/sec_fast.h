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
bool sec_fast_layout_ok(const struct sec_msg_layout *l, const struct sec_message *m);

#endif
