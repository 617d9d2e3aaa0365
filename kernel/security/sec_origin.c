/*
 * The decision trace: which binding a denial's rule belongs to. tools/psl
 * emits origins[] next to reasons[] (the same index); the kernel asks only
 * when it prints a denial, so the search stays off the decision path.
 * Freestanding, total: corrupt or missing tables give NULL.
 */
#include "sec_engine.h"

const char *sec_reason_origin(const struct sec_tables *t, const char *reason)
{
    if (!sec_tables_valid(t) || !reason || !t->reasons || !t->origins)
        return NULL;
    for (uint32_t k = 0; k < t->nreasons && k < t->norigins; k++)
        if (t->reasons[k] == reason)
            return t->origins[k];
    return NULL;
}
