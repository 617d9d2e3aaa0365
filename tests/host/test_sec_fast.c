/*
 * Host test of the precomputed verdict (kernel/security/sec_fast.c, issue
 * 19) over the engine test's hand-built tables (included below, its main
 * renamed and run last): for every event, class pair, endpoint, method,
 * size, handle count and arena size around the tables' edges, a fast "yes"
 * must be a grant of the engine with no reason (nothing audited), and the
 * unconditional grants on plain layouts must be found.
 */
#define main test_sec_engine_main
#include "test_sec_engine.c"
#undef main
#include "security/sec_fast.h"

static uint8_t zeros[600];

static unsigned sweep(const struct sec_tables *t)
{
    static const uint32_t sizes[] = {0, 4, 8, 24, 513};
    static const enum sec_event evs[] = {SEC_EV_REQUEST, SEC_EV_RESPONSE, SEC_EV_ERROR,
                                         SEC_EV_SECURITY, SEC_EV_EXECUTE};
    unsigned yes = 0;
    for (unsigned e = 0; e < sizeof evs / sizeof evs[0]; e++)
        for (uint32_t src = 0; src < 4; src++)
            for (uint32_t dst = 0; dst < 4; dst++)
                for (uint32_t riid = 0; riid < 3; riid++)
                    for (uint32_t mid = 0; mid < 4; mid++)
                        for (unsigned s = 0; s < sizeof sizes / sizeof sizes[0]; s++)
                            for (uint32_t nh = 0; nh < 2; nh++)
                                for (uint32_t arena = 0; arena <= 16; arena += 16) {
                                    struct sec_message m = {.riid = riid, .mid = mid, .size = sizes[s], .arena_size = arena, .nhandles = nh, .data = zeros};
                                    if (!sec_fast_grant(t, evs[e], src, dst, &m))
                                        continue;
                                    yes++;
                                    struct sec_result r;
                                    bool granted = sec_decide(t, evs[e], src, dst, &m, &r);
                                    CHECK(granted && r.reason == NULL);
                                }
    return yes;
}

int main(void)
{
    struct sec_message get_req = {.riid = 0, .mid = 1, .size = 0, .arena_size = 0, .nhandles = 0, .data = zeros}, get_res = {.riid = 0, .mid = 1, .size = 8, .arena_size = 0, .nhandles = 0, .data = zeros};
    struct sec_message put = {.riid = 0, .mid = 0, .size = 24, .arena_size = 0, .nhandles = 0, .data = zeros}, ping = {.riid = 1, .mid = 0, .size = 8, .arena_size = 0, .nhandles = 0, .data = zeros};
    CHECK(sec_fast_grant(&tables, SEC_EV_REQUEST, 1, 2, &get_req));     /* V_GRANT, plain */
    CHECK(sec_fast_grant(&tables, SEC_EV_RESPONSE, 2, 1, &get_res));
    get_req.size = 4;
    CHECK(!sec_fast_grant(&tables, SEC_EV_REQUEST, 1, 2, &get_req));    /* malformed: engine */
    get_req.size = 0;
    get_req.nhandles = 1;
    CHECK(!sec_fast_grant(&tables, SEC_EV_REQUEST, 1, 2, &get_req));
    CHECK(!sec_fast_grant(&tables, SEC_EV_REQUEST, 1, 2, &put));         /* arena, union: engine */
    CHECK(!sec_fast_grant(&tables, SEC_EV_REQUEST, 1, 2, &ping));        /* a condition program */
    CHECK(!sec_fast_grant(&tables, SEC_EV_ERROR, 2, 1, &get_res));       /* errors: engine */
    CHECK(!sec_fast_grant(&tables, SEC_EV_REQUEST, 2, 1, &get_req));     /* no row */
    CHECK(sweep(&tables) > 0);
    tables.request_rows = request_rows_corrupt;                           /* corrupt programs */
    sweep(&tables);
    tables.request_rows = request_rows;
    tables.flags |= SEC_F_PERMISSIVE;
    CHECK(sweep(&tables) > 0);
    tables.flags &= ~SEC_F_PERMISSIVE;
    tables.magic = 0;
    CHECK(sweep(&tables) == 0);                                            /* invalid tables */
    tables.magic = SEC_TABLES_MAGIC;
    return test_sec_engine_main();
}
