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
 * tables are valid and permissive, or the method's layout is a plain
 * constant part (no arena, handle, union or condition fields) whose size m
 * matches exactly with no handles, and the cell's verdict is SEC_V_GRANT
 * (a binding whose every rule grants unconditionally, with no audit
 * profile). False means "ask the engine": conditions, model rules,
 * audited grants, denials and anything odd all take the full path.
 * ev: SEC_EV_REQUEST or SEC_EV_RESPONSE only.
 */
bool sec_fast_grant(const struct sec_tables *t, enum sec_event ev, uint32_t src, uint32_t dst,
                    const struct sec_message *m);

#endif
