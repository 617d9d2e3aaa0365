/*
 * Host test of the precomputed verdict (kernel/security/sec_fast.c, issue
 * 19) over the engine test's hand-built tables (included below, its main
 * renamed and run last): for every event, class pair, endpoint, method,
 * size, handle count and arena size around the tables' edges, a fast "yes"
 * must be a grant of the engine with no reason (nothing audited), and the
 * unconditional grants on plain layouts must be found. Then methods with
 * arena descriptors under unconditional grants: for descriptors and arena
 * sizes around every edge, the fast answer must be exactly the engine's
 * (the per-message layout check, sec_fast_layout_ok, is the engine's
 * check_layout), and sec_fast_layout_ok must agree with sec_check_layout
 * on every layout, the union/condition/handle one included.
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

/* Server methods with arenas under SEC_V_GRANT: Blob (u32 @0, bytes<64>
 * @4, aligned 4 in elements of 4; size 12), Name (string<16> @0; size 8),
 * Opt (bytes<8> @4 only when the tag @0 == 1; size 12: the engine's way). */
static const struct sec_arena_ref blob_arena[] = {{4, SEC_NO_COND, 16, 4, 4, SEC_ARENA_SEQUENCE}};
static const struct sec_arena_ref name_arena[] = {{0, SEC_NO_COND, 16, 1, 1, SEC_ARENA_STRING}};
static const struct sec_cond opt_conds[] = {{0, SEC_NO_COND, 1}};
static const struct sec_arena_ref opt_arena[] = {{4, 0, 8, 1, 1, SEC_ARENA_BYTES}};
static const struct sec_method arena_methods[] = {
    {"Blob", {12, 64, 1, 0, 0, 0, blob_arena, NULL, NULL, NULL}, {0, 0, 0, 0, 0, 0, NULL, NULL, NULL, NULL}},
    {"Name", {8, 16, 1, 0, 0, 0, name_arena, NULL, NULL, NULL}, {8, 16, 1, 0, 0, 0, name_arena, NULL, NULL, NULL}},
    {"Opt", {12, 8, 1, 0, 0, 1, opt_arena, NULL, NULL, opt_conds}, {0, 0, 0, 0, 0, 0, NULL, NULL, NULL, NULL}},
};
static const struct sec_endpoint arena_eps[] = {{"data", "demo.IData", 3, 0}};
static const struct sec_class arena_classes[] = {
    {"kl.core.Core", 0, NULL, 0, NULL, 0, NULL},
    {"Client", 0, NULL, 0, NULL, 0, NULL},
    {"Server", 1, arena_eps, 3, arena_methods, 0, NULL},
};
static const uint16_t arena_verdicts[] = {SEC_V_GRANT, SEC_V_GRANT, SEC_V_GRANT};
static const int32_t arena_rows[] = {-1, -1, -1, -1, -1, 0, -1, 0, -1};

static unsigned arena_sweep(void)
{
    struct sec_tables t = tables;
    t.classes = arena_classes;
    t.request_rows = arena_rows;
    t.response_rows = arena_rows;
    t.nverdicts = 3;
    t.verdicts = arena_verdicts;
    static const uint32_t vals[] = {0, 1, 3, 4, 7, 8, 15, 16, 17, 60, 63, 64, 65, 68, 0xfffffffcu, 0xffffffffu};
    static const uint32_t arenas[] = {0, 1, 4, 16, 17, 64, 68, 4096};
    unsigned yes = 0;
    uint8_t buf[12];
    for (unsigned e = 0; e < 2; e++)
        for (uint32_t mid = 0; mid < 3; mid++)
            for (unsigned a = 0; a < 16; a++)
                for (unsigned b = 0; b < 16; b++)
                    for (unsigned z = 0; z < 8; z++)
                        for (uint32_t tag = 0; tag < 2; tag++) {
                            enum sec_event ev = e ? SEC_EV_RESPONSE : SEC_EV_REQUEST;
                            uint32_t at = mid == 1 ? 0 : 4;
                            memset(buf, 0, sizeof buf);
                            put32(buf + at, vals[a]);
                            put32(buf + at + 4, vals[b]);
                            if (mid == 2)
                                put32(buf, tag);
                            struct sec_message m = {.riid = 0, .mid = mid, .size = ev == SEC_EV_REQUEST ? arena_methods[mid].req.size : arena_methods[mid].res.size,
                                                    .arena_size = arenas[z], .nhandles = 0, .data = buf};
                            bool fast = sec_fast_grant(&t, ev, ev == SEC_EV_REQUEST ? 1 : 2, ev == SEC_EV_REQUEST ? 2 : 1, &m);
                            struct sec_result r;
                            bool granted = sec_decide(&t, ev, ev == SEC_EV_REQUEST ? 1 : 2, ev == SEC_EV_REQUEST ? 2 : 1, &m, &r);
                            CHECK(fast == (granted && r.reason == NULL));
                            yes += fast;
                            const struct sec_msg_layout *l = ev == SEC_EV_REQUEST ? &arena_methods[mid].req : &arena_methods[mid].res;
                            CHECK(sec_fast_layout_ok(l, &m) == (sec_check_layout(l, &m, NULL) == 0));
                            /* the union, condition and handle layout of Put, on the same bytes */
                            uint8_t pbuf[24];
                            memset(pbuf, 0, sizeof pbuf);
                            put32(pbuf + 8, vals[a]);
                            put32(pbuf + 12, vals[b]);
                            put32(pbuf + 16, tag + (z == 7));
                            put32(pbuf + 20, z & 1 ? 0 : 0xFFFFFFFFu);
                            struct sec_message pm = {.riid = 0, .mid = 0, .size = 24, .arena_size = arenas[z], .nhandles = z & 2 ? 1 : 0, .data = pbuf};
                            CHECK(sec_fast_layout_ok(&server_methods[0].req, &pm) ==
                                  (sec_check_layout(&server_methods[0].req, &pm, NULL) == 0));
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
    CHECK(arena_sweep() > 100);
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
