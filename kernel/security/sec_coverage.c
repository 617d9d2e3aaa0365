/*
 * Coverage counters (docs/POLICY.md "Coverage"): in a policy compiled with
 * counters (tools/psl --counters, make POLICY_COUNTERS=1) hits[2k] counts the
 * grants of the rule behind reasons[k] (SEC_OP_COUNT after the rule, in the
 * program) and hits[2k + 1] its denials, counted here when the kernel prints
 * the denial: off the decision path, a linear search by the reason's pointer.
 * Without counters (hits NULL) nothing is counted and no program has a COUNT.
 * Freestanding, total.
 */
#include "sec_engine.h"

void sec_count_denial(const struct sec_tables *t, const char *reason)
{
    if (!sec_tables_valid(t) || !t->hits || !reason || !t->reasons)
        return;
    for (uint32_t k = 0; k < t->nreasons; k++)
        if (t->reasons[k] == reason) {
            t->hits[2u * k + 1u]++;
            return;
        }
}
