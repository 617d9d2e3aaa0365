/*
 * Host test of the security engine (kernel/security/sec_engine.c) over
 * hand-built tables: class lookup, execute, layout validation (size, union
 * tag, arena descriptor, handle slot) before rules, verdict rows, condition
 * programs (signed/unsigned loads and compares, && || !), corrupt programs,
 * the error event's per-endpoint verdict, permissive tables,
 * reason codes, sec_check_layout and sec_decide; a Flow object (enter, query,
 * the rollback of a failed decision, SIDs, release, sec_tables_check).
 * tests/tools/test_psl_e2e.py runs it over tables tools/psl generates.
 */
#include <string.h>
#include "security/sec_engine.h"
#include "check.h"

/* class 0 = kl.core.Core (no endpoints), 1 = Client, 2 = Server:
 *   ep 0 "ctl": 0 Put(req: u32 a @0, s16 b @4, desc str @8 (max 16), union tag @16 (2 members),
 *                    handle slot @20 only when tag == 1; size 24)
 *               1 Get(req: size 0; res: u64 v @0, size 8)
 *   ep 1 "aux": 0 Ping(req: u64 big @0, size 8) */
static const struct sec_cond put_conds[] = {{16, SEC_NO_COND, 1}};
static const struct sec_arena_ref put_arena[] = {{8, SEC_NO_COND, 16, 1, 1, SEC_ARENA_STRING}};
static const struct sec_handle_ref put_handles[] = {{20, 0}};
static const struct sec_union_ref put_unions[] = {{16, SEC_NO_COND, 2}};
static const struct sec_method server_methods[] = {
    {"Put",
     {24, 16, 1, 1, 1, 1, put_arena, put_handles, put_unions, put_conds},
     {0, 0, 0, 0, 0, 0, NULL, NULL, NULL, NULL}},
    {"Get", {0, 0, 0, 0, 0, 0, NULL, NULL, NULL, NULL}, {8, 0, 0, 0, 0, 0, NULL, NULL, NULL, NULL}},
    {"Ping",
     {8, 0, 0, 0, 0, 0, NULL, NULL, NULL, NULL},
     {0, 0, 0, 0, 0, 0, NULL, NULL, NULL, NULL}},
};
static const struct sec_endpoint server_eps[] = {
    {"ctl", "demo.ICtl", 2, 0},
    {"aux", "demo.IAux", 1, 2},
};
static const struct sec_method client_security[] = {
    {"Check",
     {4, 0, 0, 0, 0, 0, NULL, NULL, NULL, NULL},
     {0, 0, 0, 0, 0, 0, NULL, NULL, NULL, NULL}},
};
static const struct sec_class classes[] = {
    {"kl.core.Core", 0, NULL, 0, NULL, 0, NULL},
    {"Client", 0, NULL, 0, NULL, 1, client_security},
    {"Server", 2, server_eps, 3, server_methods, 0, NULL},
};

/* programs: 0 = assert(a != 0 && b >= -2); 1 = deny(big > 0x8000000000000000 unsigned);
 * 2 = FAIL; 3 = stack underflow (corrupt); 4 = LOAD past the message (corrupt);
 * 5 = assert(!(a == 7) || false) */
static const struct sec_insn insns[] = {
    {SEC_OP_LOAD, 4, 0, 0, 0, 0},
    {SEC_OP_CONST, 0, 0, 0, 0, 0},
    {SEC_OP_NE, 0, 0, 0, 0, 0},
    {SEC_OP_LOAD, 2, SEC_INSN_SIGNED, 0, 4, 0},
    {SEC_OP_CONST, 0, 0, 0, 0, -2},
    {SEC_OP_GE, 0, 0, 0, 0, 0},
    {SEC_OP_AND, 0, 0, 0, 0, 0},
    {SEC_OP_ASSERT, 0, 0, 0, 0, 0},
    /* 8 */
    {SEC_OP_LOAD, 8, 0, 0, 0, 0},
    {SEC_OP_CONST, 0, 0, 0, 0, INT64_MIN},
    {SEC_OP_GT, 0, SEC_INSN_UNSIGNED, 0, 0, 0},
    {SEC_OP_REFUTE, 0, 0, 0, 1, 0},
    /* 12 */
    {SEC_OP_FAIL, 0, 0, 0, 2, 0},
    /* 13 */
    {SEC_OP_AND, 0, 0, 0, 0, 0},
    /* 14 */
    {SEC_OP_LOAD, 4, 0, 0, 400, 0},
    {SEC_OP_ASSERT, 0, 0, 0, 0, 0},
    /* 16 */
    {SEC_OP_LOAD, 4, 0, 0, 0, 0},
    {SEC_OP_CONST, 0, 0, 0, 0, 7},
    {SEC_OP_EQ, 0, 0, 0, 0, 0},
    {SEC_OP_NOT, 0, 0, 0, 0, 0},
    {SEC_OP_CONST, 0, 0, 0, 0, 0},
    {SEC_OP_OR, 0, 0, 0, 0, 0},
    {SEC_OP_ASSERT, 0, 0, 0, 3, 0},
};
static const struct sec_program programs[] = {
    {0, 8}, {8, 4}, {12, 1}, {13, 1}, {14, 2}, {16, 7},
};
static const char *const reasons[] = {"assert A", "deny B", "deny C", "assert D"};
/* the decision trace: the binding of each reason (none for the last) */
static const char *const origins[] = {"request binding at t.psl:1:1", "request binding at t.psl:2:1",
                                      "security binding at t.psl:3:1", NULL};

#define P(k) (SEC_V_PROGRAM + (k))
/* execute [src*3+dst]: the kernel may start Client and Server (and, wrongly,
 * its own class: the engine refuses that anyway); Client nothing. */
static const uint16_t execute[] = {
    1, 1, 1, 0, 0, 0, 0, 0, 0,
};
/* verdict rows: Server has 3 slots (+ 2 endpoint cells for errors) */
static const uint16_t verdicts[] = {
    /* 0: Client -> Server requests */ P(0),
    SEC_V_GRANT,
    P(1),
    /* 3: Client -> Server, corrupt programs */ P(3),
    P(4),
    P(5),
    /* 6: Server -> Client responses */ SEC_V_NO_BINDING,
    SEC_V_GRANT,
    P(2),
    /* 9: errors Server -> Client: slots then endpoints ctl, aux */
    SEC_V_GRANT,
    SEC_V_GRANT,
    P(2),
    SEC_V_GRANT,
    P(2),
    /* 14: security of Client */ SEC_V_GRANT,
};
static const int32_t request_rows[] = {
    -1, -1, -1, -1, -1, 0, -1, -1, -1,
};
static const int32_t request_rows_corrupt[] = {
    -1, -1, -1, -1, -1, 3, -1, -1, -1,
};
static const int32_t response_rows[] = {
    -1, -1, -1, -1, -1, -1, -1, 6, -1,
};
static const int32_t error_rows[] = {
    -1, -1, -1, -1, -1, -1, -1, 9, -1,
};
static const int32_t security_rows[] = {-1, 14, -1};

static struct sec_tables tables = {
    SEC_TABLES_MAGIC,
    SEC_TABLES_VERSION,
    SEC_F_AUDIT_DENIED,
    "test",
    3,
    classes,
    0,
    execute,
    request_rows,
    response_rows,
    error_rows,
    security_rows,
    sizeof verdicts / sizeof verdicts[0],
    verdicts,
    sizeof programs / sizeof programs[0],
    programs,
    sizeof insns / sizeof insns[0],
    insns,
    sizeof reasons / sizeof reasons[0],
    reasons,
    sizeof origins / sizeof origins[0],
    origins,
    0,
    NULL,
    0,
    NULL,
    0,
    NULL,
    0,
    NULL,
};

static void put32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static uint8_t buf[512];

/* A well-formed Put: a, b, string "hi\0" at arena 0 (3 bytes), tag 0. */
static struct sec_message put(uint32_t a, int16_t b)
{
    memset(buf, 0, sizeof buf);
    put32(buf, a);
    buf[4] = (uint8_t)b;
    buf[5] = (uint8_t)((uint16_t)b >> 8);
    put32(buf + 8, 0);
    put32(buf + 12, 3);
    put32(buf + 16, 0);
    put32(buf + 20, 0xFFFFFFFFu);
    struct sec_message m = {0, 0, 24, 3, 0, buf};
    return m;
}

static bool req(const struct sec_message *m, struct sec_result *r)
{
    return sec_decide_ipc(&tables, SEC_EV_REQUEST, 1, 2, m, r);
}

/* ---- security models: one Flow object (idle=0, busy=1) over the tables above.
 * Client -> Server: Put enters "busy" (journaled) then asserts a != 5;
 * Get asserts query == "busy". */
static uint8_t flow_state[SEC_SID_MAX];
static const uint64_t flow_transitions[] = {0x2, 0x3}; /* idle -> busy; busy -> idle, busy */
static struct sec_flow flows[] = {{"f", 2, 0, flow_transitions, flow_state}};
static const struct sec_insn model_insns[] = {
    {SEC_OP_FLOW_ENTER, 0, SEC_INSN_SID_DST, 0, 0, INT64_C(1) << 16},
    {SEC_OP_LOAD, 4, 0, 0, 0, 0},
    {SEC_OP_CONST, 0, 0, 0, 0, 5},
    {SEC_OP_NE, 0, 0, 0, 0, 0},
    {SEC_OP_ASSERT, 0, 0, 0, 1, 0},
    {SEC_OP_SID, 1, 0, 0, 0, 0},
    {SEC_OP_FLOW_QUERY, 0, 0, 0, 2, 0},
    {SEC_OP_CONST, 0, 0, 0, 0, 1},
    {SEC_OP_EQ, 0, 0, 0, 0, 0},
    {SEC_OP_ASSERT, 0, 0, 0, 3, 0},
};
static const struct sec_program model_programs[] = {{0, 5}, {5, 5}};
static const uint16_t model_verdicts[] = {SEC_V_PROGRAM, SEC_V_PROGRAM + 1, SEC_V_GRANT};
static const char *const model_reasons[] = {"f.enter", "assert a", "f.query", "assert busy"};

static void models(void)
{
    struct sec_result r;
    struct sec_message m;
    struct sec_tables t = tables;
    t.request_rows = request_rows; /* row of (Client, Server) starts at verdicts[0] */
    t.nverdicts = 3;
    t.verdicts = model_verdicts;
    t.nprograms = 2;
    t.programs = model_programs;
    t.ninsns = sizeof model_insns / sizeof model_insns[0];
    t.insns = model_insns;
    t.nreasons = 4;
    t.reasons = model_reasons;
    t.nflows = 1;
    t.flows = flows;
    CHECK(sec_tables_check(&t));
    sec_subject_t client = SEC_SUBJECT(1, 2), server = SEC_SUBJECT(2, 3);
    struct sec_message get = {0, 1, 0, 0, 0, buf};

    /* no state machine for SID 3 yet: the query and the enter deny */
    CHECK(!sec_decide_ipc(&t, SEC_EV_REQUEST, client, server, &get, &r) &&
          strcmp(r.reason, "f.query") == 0 && r.code == SEC_R_DENIED_BY_RULE);
    m = put(6, 0);
    CHECK(!sec_decide_ipc(&t, SEC_EV_REQUEST, client, server, &m, &r) &&
          strcmp(r.reason, "f.enter") == 0);
    flow_state[3] = 1; /* "idle", as f.init would */
    /* enter "busy" succeeds, then a != 5 fails: the write is undone */
    m = put(5, 0);
    CHECK(!sec_decide_ipc(&t, SEC_EV_REQUEST, client, server, &m, &r) &&
          strcmp(r.reason, "assert a") == 0);
    CHECK_EQ(flow_state[3], 1);
    CHECK(!sec_decide_ipc(&t, SEC_EV_REQUEST, client, server, &get, &r));
    m = put(6, 0);
    CHECK(sec_decide_ipc(&t, SEC_EV_REQUEST, client, server, &m, &r));
    CHECK_EQ(flow_state[3], 2);
    CHECK(sec_decide_ipc(&t, SEC_EV_REQUEST, client, server, &get, &r));
    /* the subjects ride in the result; another SID has its own state */
    CHECK(r.src == client && r.dst == server);
    CHECK(!sec_decide_ipc(&t, SEC_EV_REQUEST, client, SEC_SUBJECT(2, 4), &get, &r));
    CHECK(!sec_decide_ipc(&t, SEC_EV_REQUEST, client, SEC_SUBJECT(2, 200), &m, &r) &&
          strcmp(r.reason, "f.enter") == 0);
    /* the task died: its state goes */
    sec_release_sid(&t, 3);
    CHECK_EQ(flow_state[3], 0);
    CHECK(!sec_decide_ipc(&t, SEC_EV_REQUEST, client, server, &get, &r));

    /* corrupt model objects are caught once, by sec_tables_check */
    flows[0].state = NULL;
    CHECK(!sec_tables_check(&t));
    flows[0].state = flow_state;
    flows[0].initial = 2;
    CHECK(!sec_tables_check(&t));
    flows[0].initial = 0;
    static const uint64_t past_last[] = {0x4, 0x1}; /* a transition to state 2 of 2 */
    flows[0].transitions = past_last;
    CHECK(!sec_tables_check(&t));
    flows[0].transitions = flow_transitions;
    flows[0].nstates = SEC_FLOW_STATES_MAX + 1;
    CHECK(!sec_tables_check(&t));
    flows[0].nstates = 2;
    t.flows = NULL;
    CHECK(!sec_tables_check(&t));
    t.flows = flows;
    /* programs outside insns[] or empty are refused at load */
    static const struct sec_program outside[] = {{0, 5}, {5, 6}};
    static const struct sec_program empty[] = {{0, 5}, {5, 0}};
    t.programs = outside;
    CHECK(!sec_tables_check(&t));
    t.programs = empty;
    CHECK(!sec_tables_check(&t));
    t.programs = model_programs;
    CHECK(sec_tables_check(&t) && sec_tables_check(&tables));
    /* a Flow rule on an object or a state past the tables is refused at load */
    static const struct sec_insn bad_index[] = {
        {SEC_OP_FLOW_ENTER, 0, SEC_INSN_SID_DST, 0, 0, 7 | (INT64_C(1) << 16)}};
    static const struct sec_insn bad_state[] = {
        {SEC_OP_FLOW_ENTER, 0, SEC_INSN_SID_DST, 0, 0, INT64_C(2) << 16}};
    static const struct sec_program one[] = {{0, 1}, {0, 1}};
    t.programs = one;
    t.ninsns = 1;
    t.insns = bad_index;
    CHECK(!sec_tables_check(&t));
    t.insns = bad_state;
    CHECK(!sec_tables_check(&t));
}

int main(void)
{
    struct sec_result r;
    struct sec_message m;

    CHECK(sec_tables_valid(&tables));
    CHECK_EQ(sec_class_find(&tables, "Server"), 2);
    CHECK_EQ(sec_class_find(&tables, "Nobody"), SEC_CLASS_NONE);
    CHECK(strcmp(sec_class_name(&tables, 1), "Client") == 0);
    CHECK(strcmp(sec_event_name(SEC_EV_ERROR), "error") == 0);

    /* execute */
    CHECK(sec_decide_execute(&tables, 0, 1, &r) && r.reason == NULL);
    CHECK(!sec_decide_execute(&tables, 1, 2, &r) && strcmp(r.reason, "no_binding") == 0);
    CHECK(!sec_decide_execute(&tables, 0, SEC_CLASS_NONE, &r) &&
          strcmp(r.reason, "unknown_class") == 0);
    /* no task may have the kernel's class, even where the table grants it */
    CHECK(!sec_decide_execute(&tables, 0, tables.core_class, &r) && r.code == SEC_R_UNKNOWN_CLASS &&
          strcmp(r.reason, "unknown_class") == 0);

    /* request: condition program on a (u32) and b (s16) */
    m = put(5, -2);
    CHECK(req(&m, &r));
    CHECK(strcmp(r.endpoint, "ctl") == 0 && strcmp(r.method, "Put") == 0);
    m = put(0, 1);
    CHECK(!req(&m, &r) && strcmp(r.reason, "assert A") == 0 && !r.malformed);
    m = put(5, -3);
    CHECK(!req(&m, &r) && strcmp(r.reason, "assert A") == 0);

    /* malformed: denied before the rules, whatever they say */
    m = put(5, 1);
    m.size = 20;
    CHECK(!req(&m, &r) && r.malformed && strstr(r.reason, "malformed") == r.reason);
    m = put(5, 1);
    put32(buf + 12, 4); /* string past the arena */
    CHECK(!req(&m, &r) && r.malformed);
    m = put(5, 1);
    put32(buf + 12, 17);
    m.arena_size = 17; /* longer than string<16> */
    CHECK(!req(&m, &r) && r.malformed);
    m = put(5, 1);
    put32(buf + 8, 0xFFFFFFF0u); /* offset overflow */
    CHECK(!req(&m, &r) && r.malformed);
    m = put(5, 1);
    put32(buf + 12, 0); /* empty string: no NUL */
    CHECK(!req(&m, &r) && r.malformed);
    m = put(5, 1);
    put32(buf + 16, 2); /* union tag out of range */
    CHECK(!req(&m, &r) && r.malformed && strstr(r.reason, "tag"));
    m = put(5, 1);
    put32(buf + 16, 1); /* tag 1: handle slot 0 with no handle */
    put32(buf + 20, 0);
    CHECK(!req(&m, &r) && r.malformed && strstr(r.reason, "handle"));
    m.nhandles = 1;
    CHECK(req(&m, &r));
    m = put(5, 1);
    put32(buf + 20, 0); /* tag 0: the slot field is not used */
    CHECK(req(&m, &r));
    m = put(5, 1);
    m.riid = 2;
    CHECK(!req(&m, &r) && r.malformed && strstr(r.reason, "endpoint"));
    m.riid = 0;
    m.mid = 2;
    CHECK(!req(&m, &r) && r.malformed && strstr(r.reason, "method"));

    /* Get: unconditional grant; Ping: unsigned 64-bit deny condition */
    struct sec_message g = {0, 1, 0, 0, 0, buf};
    CHECK(req(&g, &r));
    memset(buf, 0xFF, 8);
    struct sec_message p = {1, 0, 8, 0, 0, buf};
    CHECK(!req(&p, &r) && strcmp(r.reason, "deny B") == 0);
    memset(buf, 0, 8);
    buf[7] = 0x80; /* == 0x8000000000000000: not greater */
    CHECK(req(&p, &r));

    /* no row for the pair / the reverse direction */
    m = put(5, 1);
    CHECK(!sec_decide_ipc(&tables, SEC_EV_REQUEST, 0, 2, &m, &r) &&
          strcmp(r.reason, "no_binding") == 0);
    CHECK(!sec_decide_ipc(&tables, SEC_EV_REQUEST, 1, SEC_CLASS_NONE, &m, &r) &&
          strcmp(r.reason, "unknown_class") == 0);

    /* responses (src = server) */
    struct sec_message res = {0, 1, 8, 0, 0, buf};
    CHECK(sec_decide_ipc(&tables, SEC_EV_RESPONSE, 2, 1, &res, &r));
    res.size = 4;
    CHECK(!sec_decide_ipc(&tables, SEC_EV_RESPONSE, 2, 1, &res, &r) && r.malformed);
    struct sec_message res0 = {0, 0, 0, 0, 0, buf};
    CHECK(!sec_decide_ipc(&tables, SEC_EV_RESPONSE, 2, 1, &res0, &r) &&
          strcmp(r.reason, "no_binding") == 0);
    struct sec_message res2 = {1, 0, 0, 0, 0, buf};
    CHECK(!sec_decide_ipc(&tables, SEC_EV_RESPONSE, 2, 1, &res2, &r) &&
          strcmp(r.reason, "deny C") == 0);

    /* errors: by method, or per endpoint when the method is unknown */
    struct sec_message err = {0, 1, 4, 0, 0, buf};
    CHECK(sec_decide_ipc(&tables, SEC_EV_ERROR, 2, 1, &err, &r));
    err.riid = 1;
    err.mid = 0;
    CHECK(!sec_decide_ipc(&tables, SEC_EV_ERROR, 2, 1, &err, &r));
    err.mid = SEC_MID_UNKNOWN;
    CHECK(!sec_decide_ipc(&tables, SEC_EV_ERROR, 2, 1, &err, &r) && r.method == NULL);
    err.riid = 0;
    CHECK(sec_decide_ipc(&tables, SEC_EV_ERROR, 2, 1, &err, &r));
    err.size = 8;
    CHECK(!sec_decide_ipc(&tables, SEC_EV_ERROR, 2, 1, &err, &r) && r.malformed);

    /* security event: the src class's security interface */
    struct sec_message sq = {0, 0, 4, 0, 0, buf};
    CHECK(sec_decide_ipc(&tables, SEC_EV_SECURITY, 1, SEC_CLASS_NONE, &sq, &r));
    sq.mid = 1;
    CHECK(!sec_decide_ipc(&tables, SEC_EV_SECURITY, 1, SEC_CLASS_NONE, &sq, &r) && r.malformed);
    sq.mid = 0;
    CHECK(!sec_decide_ipc(&tables, SEC_EV_SECURITY, 2, SEC_CLASS_NONE, &sq, &r));

    /* reason codes: one per kind of decision */
    m = put(5, -2);
    CHECK(req(&m, &r) && r.code == SEC_R_GRANTED && r.reason == NULL);
    m = put(0, 1);
    CHECK(!req(&m, &r) && r.code == SEC_R_DENIED_BY_RULE);
    CHECK(!sec_decide_ipc(&tables, SEC_EV_REQUEST, 0, 2, &m, &r) && r.code == SEC_R_NO_BINDING);
    CHECK(!sec_decide_ipc(&tables, SEC_EV_REQUEST, 9, 2, &m, &r) && r.code == SEC_R_UNKNOWN_CLASS);
    m.size = 23;
    CHECK(!req(&m, &r) && r.code == SEC_R_MALFORMED && r.malformed);
    CHECK(!sec_decide_ipc(&tables, SEC_EV_RESPONSE, 2, 1, &res2, &r) &&
          r.code == SEC_R_DENIED_BY_RULE);
    CHECK(strcmp(sec_reason_name(SEC_R_DENIED_BY_RULE), "denied_by_rule") == 0);
    CHECK(strcmp(sec_reason_name(SEC_R_MALFORMED), "malformed") == 0);

    /* handle count: at most the method's handle fields; an error carries none */
    m = put(5, 1);
    m.nhandles = 2;
    CHECK(!req(&m, &r) && r.malformed && strcmp(r.reason, "malformed: handle count") == 0);
    m.nhandles = 1;
    CHECK(req(&m, &r));
    g.nhandles = 1; /* Get has no handle fields */
    CHECK(!req(&g, &r) && r.malformed);
    g.nhandles = 0;
    err.nhandles = 1;
    CHECK(!sec_decide_ipc(&tables, SEC_EV_ERROR, 2, 1, &err, &r) && r.malformed);
    err.nhandles = 0;

    /* the structure check alone */
    const char *why = "x";
    m = put(5, 1);
    CHECK(sec_check_layout(&server_methods[0].req, &m, &why) == 0 && why == NULL);
    m.arena_size = 2;
    CHECK(sec_check_layout(&server_methods[0].req, &m, &why) == -1 && strstr(why, "arena"));
    CHECK(sec_check_layout(&server_methods[0].req, NULL, &why) == -1 && strstr(why, "malformed"));
    CHECK(sec_check_layout(NULL, &m, NULL) == -1);
    m = put(5, 1);
    m.data = NULL; /* size 24 but no bytes */
    CHECK(sec_check_layout(&server_methods[0].req, &m, &why) == -1);
    CHECK(!req(&m, &r) && r.malformed);
    CHECK(!sec_decide_ipc(&tables, SEC_EV_REQUEST, 1, 2, NULL, &r) && r.malformed);

    /* a layout whose offsets lie outside its own size is a policy error, not malformed */
    static const struct sec_union_ref bad_union[] = {{30, SEC_NO_COND, 2}};
    static const struct sec_method bad_methods[] = {
        {"Bad",
         {8, 0, 0, 0, 1, 0, NULL, NULL, bad_union, NULL},
         {0, 0, 0, 0, 0, 0, NULL, NULL, NULL, NULL}},
    };
    static const struct sec_endpoint bad_eps[] = {{"ctl", "demo.IBad", 1, 0}};
    static const struct sec_class bad_classes[] = {
        {"kl.core.Core", 1, bad_eps, 1, bad_methods, 0, NULL},
    };
    static const int32_t bad_rows[] = {0};
    static const uint16_t bad_verdicts[] = {SEC_V_GRANT};
    static const uint16_t bad_execute[] = {SEC_V_GRANT};
    static const struct sec_tables bad = {SEC_TABLES_MAGIC,
                                          SEC_TABLES_VERSION,
                                          0,
                                          "bad",
                                          1,
                                          bad_classes,
                                          0,
                                          bad_execute,
                                          bad_rows,
                                          bad_rows,
                                          bad_rows,
                                          bad_rows,
                                          1,
                                          bad_verdicts,
                                          0,
                                          NULL,
                                          0,
                                          NULL,
                                          0,
                                          NULL,
                                          0,
                                          NULL,
                                          0,
                                          NULL,
                                          0,
                                          NULL,
                                          0,
                                          NULL,
                                          0,
                                          NULL};
    struct sec_message bm = {0, 0, 8, 0, 0, buf};
    CHECK(!sec_decide_ipc(&bad, SEC_EV_REQUEST, 0, 0, &bm, &r) && r.code == SEC_R_POLICY_ERROR &&
          !r.malformed);

    /* sec_decide: one entry for every event */
    m = put(5, -2);
    CHECK(sec_decide(&tables, SEC_EV_EXECUTE, 0, 1, NULL, &r) && r.code == SEC_R_GRANTED);
    CHECK(!sec_decide(&tables, SEC_EV_EXECUTE, 1, 2, &m, &r) && r.code == SEC_R_NO_BINDING);
    CHECK(sec_decide(&tables, SEC_EV_REQUEST, 1, 2, &m, &r));
    CHECK(sec_decide(&tables, SEC_EV_SECURITY, 1, SEC_CLASS_NONE, &sq, &r));
    CHECK(!sec_decide(&tables, (enum sec_event)77, 1, 2, &m, &r) && r.code == SEC_R_POLICY_ERROR);

    /* corrupt programs deny, they never crash */
    tables.request_rows = request_rows_corrupt;
    m = put(5, 1);
    CHECK(!req(&m, &r) && strcmp(r.reason, "policy_error") == 0 && r.code == SEC_R_POLICY_ERROR);
    CHECK(!req(&g, &r) && strcmp(r.reason, "policy_error") == 0);
    memset(buf, 0, 8);
    CHECK(req(&p, &r)); /* P(5): a = 0 -> !(0 == 7) */
    put32(buf, 7);
    CHECK(!req(&p, &r) && strcmp(r.reason, "assert D") == 0);
    tables.request_rows = request_rows;

    /* bad tables */
    tables.magic = 0;
    CHECK(!sec_decide_execute(&tables, 0, 1, &r));
    CHECK(!sec_tables_valid(&tables));
    tables.magic = SEC_TABLES_MAGIC;

    /* permissive: anything goes, even unknown classes */
    static const struct sec_tables open = {SEC_TABLES_MAGIC,
                                           SEC_TABLES_VERSION,
                                           SEC_F_PERMISSIVE,
                                           "none",
                                           0,
                                           NULL,
                                           0,
                                           NULL,
                                           NULL,
                                           NULL,
                                           NULL,
                                           NULL,
                                           0,
                                           NULL,
                                           0,
                                           NULL,
                                           0,
                                           NULL,
                                           0,
                                           NULL,
                                           0,
                                           NULL,
                                           0,
                                           NULL,
                                           0,
                                           NULL,
                                           0,
                                           NULL,
                                           0,
                                           NULL};
    CHECK(sec_decide_execute(&open, SEC_CLASS_NONE, SEC_CLASS_NONE, &r));
    CHECK(sec_decide_ipc(&open, SEC_EV_REQUEST, 7, 9, &m, &r));

    /* the decision trace: by the reason's pointer, never by its text */
    CHECK(sec_reason_origin(&tables, reasons[1]) == origins[1]);
    CHECK(sec_reason_origin(&tables, reasons[3]) == NULL);
    static const char copy[] = "deny B";
    CHECK(sec_reason_origin(&tables, copy) == NULL);
    CHECK(sec_reason_origin(&tables, NULL) == NULL);
    CHECK(sec_reason_origin(&open, reasons[1]) == NULL);
    CHECK(sec_reason_origin(NULL, reasons[1]) == NULL);

    models();
    CHECK_DONE();
}
