/*
 * Fuzz the generated dispatchers with malformed requests. Valid requests are
 * recorded from the KasperskyOS-form proxies, then mutated (random bytes and
 * words, and boundary values: arena offsets and sizes at and past the
 * arena's end, overflowing sums, misaligned and partial elements,
 * overlapping references, strings without their NUL or with one inside,
 * handle counts and slots, constant-part sizes), and some are purely random.
 * Every request goes, in buffers of exactly its length so the sanitizers see
 * any over-read, to
 *   - test.Rich's KasperskyOS-form entity dispatcher (kos/ headers: the inline
 *     checks of nk/dispatch.h for methods without handles or unions, the
 *     layout record otherwise),
 *   - its kernel-form dispatcher (cgen's, what the kernel's kl.core
 *     dispatcher is made of; fuzz_kform.c),
 * and each must accept (run the implementation) exactly what the kernel's
 * own check accepts: sec_check_layout on the class's layout record plus the
 * receiver's string rule (layout_check.h) -- and, for the KasperskyOS form,
 * exactly what nk_kos_check_req (sec_check_layout + sec_check_strings) says.
 * This is the differential test of the inline checks (docs/IDL.md, "Speed").
 * Usage: fuzz SEED ITERATIONS; prints "OK ..." and exits 0.
 */
#include <coresrv/nk/transport-kos.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test/Rich.edl.h"
#include "test/Rich.layout.h"
#include "kos_loop.h"
#include "fuzz_kform.h"

/* ---- recorded requests */
#define NCORPUS 64
static struct rec {
    _Alignas(8) uint8_t msg[1024];
    uint32_t len;                   /* header + constant part */
    uint8_t arena[2048];
    uint32_t arena_size;
} corpus[NCORPUS];
static int ncorpus;

static nk_err_t record_call(struct nk_transport *t, struct nk_message *req,
                            const struct nk_arena *req_arena, struct nk_message *res,
                            struct nk_arena *res_arena)
{
    size_t used = nk_arena_size(req_arena);
    (void)t; (void)res; (void)res_arena;
    if (ncorpus < NCORPUS && sizeof(SMsgHdr) + req->hdr.size <= sizeof corpus[0].msg &&
        used <= sizeof corpus[0].arena) {
        struct rec *r = &corpus[ncorpus++];
        r->len = (uint32_t)sizeof(SMsgHdr) + req->hdr.size;
        memcpy(r->msg, req, r->len);
        ((SMsgHdr *)(void *)r->msg)->arena_size = (uint32_t)used;
        r->arena_size = (uint32_t)used;
        if (used)
            memcpy(r->arena, req_arena->start, used);
    }
    return rcNotConnected;
}
static const struct nk_transport_ops record_ops = { record_call, NULL, NULL };
static struct nk_transport recorder = { &record_ops };

#define STR(qa, ptr, s) (void)nk_arena_store(nk_char_t, (qa), (ptr), (s), sizeof(s))

static void record_corpus(void)
{
    test_IAll_proxy all;
    demo_IStore_proxy st;
    demo_IControl_proxy ctl;
    _Alignas(8) char b[512];
    struct nk_arena qa = NK_ARENA_INITIALIZER(b, b + sizeof b);
    test_IAll_proxy_init(&all, &recorder, test_Rich_all_iid);
    demo_IStore_proxy_init(&st, &recorder, test_Rich_sub_store_iid);
    demo_IControl_proxy_init(&ctl, &recorder, test_Rich_other_ping_iid);
    union { test_IAll_req q; test_IAll_res r; demo_IStore_req sq; demo_IStore_res sr; } m, r;
    static const uint32_t v[4] = { 1, 2, 3, 4 };

    memset(&m, 0, sizeof m);
    STR(&qa, &m.q.Echo.text, "hello");
    (void)test_IAll_Echo(&all.base, &m.q.Echo, &qa, &r.r.Echo, NULL);
    nk_arena_reset(&qa);
    STR(&qa, &m.q.Echo.text, "");
    (void)test_IAll_Echo(&all.base, &m.q.Echo, &qa, &r.r.Echo, NULL);
    nk_arena_reset(&qa);
    (void)nk_arena_store(nk_uint8_t, &qa, &m.q.Bytes.data, "abc", 3);
    (void)test_IAll_Bytes(&all.base, &m.q.Bytes, &qa, &r.r.Bytes, NULL);
    nk_arena_reset(&qa);
    (void)nk_arena_store(nk_uint32_t, &qa, &m.q.Sum.values, v, 4);
    (void)test_IAll_Sum(&all.base, &m.q.Sum, &qa, &r.r.Sum, NULL);
    nk_arena_reset(&qa);
    nk_req_reset(&m.q.Pass);
    m.q.Pass.base_.hdr.handles[0] = (SMsgHandle){ 3, 1 };
    m.q.Pass.base_.hdr.nhandles = 1;
    m.q.Pass.h = 0;
    (void)test_IAll_Pass(&all.base, &m.q.Pass, NULL, &r.r.Pass, NULL);
    memset(&m, 0, sizeof m);
    m.q.Mix.p.a = 1;
    m.q.Mix.c.tag = test_IAll_Choice_pair_tag;
    m.q.Mix.t[2] = 3;
    (void)test_IAll_Mix(&all.base, &m.q.Mix, NULL, &r.r.Mix, NULL);
    memset(&m, 0, sizeof m);
    STR(&qa, &m.q.Views.n.name, "nm");
    STR(&qa, &m.q.Views.paths[0], "a");
    STR(&qa, &m.q.Views.paths[1], "");
    STR(&qa, &m.q.Views.paths[2], "ccc");
    (void)test_IAll_Views(&all.base, &m.q.Views, &qa, &r.r.Views, NULL);
    nk_arena_reset(&qa);
    nk_req_reset(&m.q.Wrap);
    m.q.Wrap.base_.hdr.handles[0] = (SMsgHandle){ 4, 1 };
    m.q.Wrap.base_.hdr.nhandles = 1;
    m.q.Wrap.w.flags = 2;
    m.q.Wrap.e.tag = test_IAll_Either_text_tag;
    STR(&qa, &m.q.Wrap.e.u.text, "xy");
    (void)test_IAll_Wrap(&all.base, &m.q.Wrap, &qa, &r.r.Wrap, NULL);
    nk_arena_reset(&qa);
    m.q.Fail.code = 3;
    (void)test_IAll_Fail(&all.base, &m.q.Fail, NULL, &r.r.Fail, NULL);
    (void)test_IAll_Nothing(&all.base, &m.q.Nothing, NULL, &r.r.Nothing, NULL);
    memset(&m, 0, sizeof m);
    m.sq.Put.e.key.tag = demo_IStore_Key_n_tag;
    STR(&qa, &m.sq.Put.e.key.u.n, "key");
    (void)nk_arena_store(nk_uint8_t, &qa, &m.sq.Put.e.blob, "blob", 4);
    (void)demo_IStore_Put(&st.base, &m.sq.Put, &qa, &r.sr.Put, NULL);
    nk_arena_reset(&qa);
    demo_IControl_Stop_req sq = { .code = 5 };
    demo_IControl_Stop_res sr;
    (void)demo_IControl_Stop(&ctl.base, &sq, NULL, &sr, NULL);
}

/* ---- the KasperskyOS-form server: implementations that read everything
 * they are given (ASan sees any read outside the arena) and answer with a
 * well-formed response */
static int op_ran;
static volatile uint32_t sink;
static void touch(const void *p, nk_size_t n)
{
    const uint8_t *b = p;
    for (nk_size_t i = 0; i < n; i++)
        sink += b[i];
}
/* A reference the dispatcher passed: inside the arena; a string ends with its only NUL. */
static void use(const struct nk_arena *a, const nk_ptr_t *p, nk_size_t elem, int is_string)
{
    nk_size_t n = 0;
    const uint8_t *d = nk_arena_get_bytes(a, p, elem, 1, &n);
    if (d == NULL && p->size != 0)
        abort();
    touch(d, n * elem);
    if (is_string && (n == 0 || strlen((const char *)d) != n - 1))
        abort();
}
#define SELF_UNUSED (void)self; (void)wa
#define OP(I, M) static nk_err_t k_##M(struct I *self, const I##_##M##_req *req, \
        const struct nk_arena *ra, I##_##M##_res *res, struct nk_arena *wa)

OP(test_IAll, Echo) { SELF_UNUSED; op_ran = 1; use(ra, &req->text, 1, 1);
    return nk_arena_store(nk_char_t, wa, &res->reply, "e", 2); }
OP(test_IAll, Bytes) { SELF_UNUSED; op_ran = 1; use(ra, &req->data, 1, 0); res->sum = 0;
    res->back.offset = res->back.size = 0;
    return NK_EOK; }
OP(test_IAll, Sum) { SELF_UNUSED; op_ran = 1; use(ra, &req->values, 4, 0); res->total = 0;
    res->doubled.offset = res->doubled.size = 0;
    return NK_EOK; }
OP(test_IAll, Pass) { SELF_UNUSED; (void)ra; op_ran = 1;
    if (req->h != 0xFFFFFFFFu) {
        if (req->h >= req->base_.hdr.nhandles)
            abort();
        sink += req->base_.hdr.handles[req->h].handle;
    }
    res->back = 0xFFFFFFFFu; return NK_EOK; }
OP(test_IAll, Mix) { SELF_UNUSED; (void)ra; op_ran = 1;
    if (req->c.tag > test_IAll_Choice_pair_tag)
        abort();
    res->co = req->c; res->po = req->p; memcpy(res->to, req->t, sizeof res->to); return NK_EOK; }
OP(test_IAll, Views) { SELF_UNUSED; op_ran = 1; use(ra, &req->n.name, 1, 1);
    for (int i = 0; i < 3; i++)
        use(ra, &req->paths[i], 1, 1);
    nk_err_t rc = nk_arena_store(nk_char_t, wa, &res->no.name, "n", 2);
    if (rc == NK_EOK) rc = nk_arena_store(nk_char_t, wa, &res->po[0], "p", 2);
    if (rc == NK_EOK) rc = nk_arena_store(nk_char_t, wa, &res->po[1], "q", 2);
    return rc; }
OP(test_IAll, Wrap) { SELF_UNUSED; op_ran = 1;
    if (req->w.h != 0xFFFFFFFFu && req->w.h >= req->base_.hdr.nhandles)
        abort();
    if (req->e.tag == test_IAll_Either_text_tag)
        use(ra, &req->e.u.text, 1, 1);
    else if (req->e.tag != test_IAll_Either_num_tag)
        abort();
    res->wo.h = 0xFFFFFFFFu; res->eo.tag = test_IAll_Either_num_tag; return NK_EOK; }
OP(test_IAll, Fail) { SELF_UNUSED; (void)ra; op_ran = 1; res->err = 0;
    return req->code < 0 ? req->code : NK_EOK; }
OP(test_IAll, Nothing) { SELF_UNUSED; (void)ra; (void)req; (void)res; op_ran = 1; return NK_EOK; }
OP(demo_IStore, Put) { SELF_UNUSED; op_ran = 1;
    if (req->e.key.tag == demo_IStore_Key_n_tag)
        use(ra, &req->e.key.u.n, 1, 1);
    else if (req->e.key.tag != demo_IStore_Key_id_tag)
        abort();
    use(ra, &req->e.blob, 1, 0);
    res->id = 1; res->rc = 0; return NK_EOK; }
OP(demo_IStore, Ping) { SELF_UNUSED; (void)ra; (void)req; (void)res; op_ran = 1; return NK_EOK; }
OP(demo_IControl, Stop) { SELF_UNUSED; (void)ra; (void)res; op_ran = 1; sink += req->code;
    return NK_EOK; }
OP(demo_IControl, Status) { SELF_UNUSED; (void)ra; (void)req; op_ran = 1; res->state = 1;
    return nk_arena_store(nk_char_t, wa, &res->text, "s", 2); }

static const struct test_IAll_ops all_ops = { k_Echo, k_Bytes, k_Sum, k_Pass, k_Mix, k_Views,
                                              k_Wrap, k_Fail, k_Nothing };
static const struct demo_IStore_ops store_ops = { k_Put, k_Ping };
static const struct demo_IControl_ops ctl_ops = { k_Stop, k_Status };
static struct test_IAll all_impl = { &all_ops };
static struct demo_IStore store_impl = { &store_ops };
static struct demo_IControl ctl_impl = { &ctl_ops };
static test_Sub_component sub;
static test_Inner_component inner;
static test_Rich_entity rich;

/* ---- randomness */
static uint64_t rng;
static uint32_t rnd(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (uint32_t)(rng >> 11);
}
static uint32_t below(uint32_t n)
{
    return n ? rnd() % n : 0;
}

/* A value at or near an edge of an arena of asz bytes. */
static uint32_t edge_value(uint32_t asz, uint32_t other)
{
    const uint32_t v[] = { 0, 1, 2, 3, 4, 7, 8, asz, asz - 1, asz + 1, asz - other,
                           asz - other + 1, asz - other - 1, 0xFFFFFFFFu, 0xFFFFFFF8u,
                           0x80000000u, 0xFFFFFFFFu - other + 1, 64, 65, 100, 101, 512, 513 };
    return v[below(sizeof v / sizeof v[0])];
}

/* Boundary mutations of the arena references and handles of message m,
 * driven by its method's layout record. */
static void mutate_edges(struct rec *m, const struct sec_msg_layout *l)
{
    SMsgHdr *h = (SMsgHdr *)(void *)m->msg;
    uint8_t *body = m->msg + sizeof(SMsgHdr);
    uint32_t body_len = m->len - (uint32_t)sizeof(SMsgHdr);
    if (l->narena && below(2)) {
        const struct sec_arena_ref *a = &l->arena[below(l->narena)];
        if (a->offset + 8u > body_len)
            return;
        uint32_t d[2];
        memcpy(d, body + a->offset, 8);
        switch (below(5)) {
        case 0: d[0] = edge_value(m->arena_size, d[1]); break;
        case 1: d[1] = edge_value(m->arena_size, d[0]); break;
        case 2: d[0] = edge_value(m->arena_size, 0); d[1] = edge_value(m->arena_size, d[0]); break;
        case 3: {                       /* the same bytes as another reference: overlap */
            const struct sec_arena_ref *b = &l->arena[below(l->narena)];
            if (b->offset + 8u <= body_len)
                memcpy(d, body + b->offset, 8);
            if (below(2) && d[1] > 1)
                d[1] -= 1 + below(2);
            break;
        }
        case 4:                         /* the string's end: no NUL, or one inside */
            if (d[1] != 0 && d[0] < m->arena_size && d[1] <= m->arena_size - d[0]) {
                uint32_t at = below(2) ? d[0] + d[1] - 1 : d[0] + below(d[1]);
                m->arena[at] = below(2) ? 0 : 'q';
            }
            break;
        }
        memcpy(body + a->offset, d, 8);
    } else if (l->nhandles && below(2)) {
        const struct sec_handle_ref *r = &l->handles[below(l->nhandles)];
        uint32_t slot = below(3) ? below(MSG_MAX_HANDLES + 1) : 0xFFFFFFFFu - below(2);
        if (r->offset + 4u <= body_len)
            memcpy(body + r->offset, &slot, 4);
        h->nhandles = (uint16_t)below(MSG_MAX_HANDLES + 2);
    } else {
        switch (below(3)) {
        case 0: h->nhandles = (uint16_t)below(MSG_MAX_HANDLES + 2); break;
        case 1: h->size = l->size + below(3) - 1; break;
        case 2: m->arena_size = below(m->arena_size + 2); break;
        }
    }
}

static void mutate_random(struct rec *m)
{
    SMsgHdr *h = (SMsgHdr *)(void *)m->msg;
    uint32_t body = m->len - (uint32_t)sizeof(SMsgHdr);
    switch (below(8)) {
    case 0:                             /* any byte of the constant part */
        if (body)
            m->msg[sizeof(SMsgHdr) + below(body)] = (uint8_t)rnd();
        break;
    case 1:                             /* a plausible small word: offsets, sizes, tags, slots */
        if (body >= 4) {
            uint32_t w = below(4) ? below(m->arena_size + 16) : rnd();
            memcpy(m->msg + sizeof(SMsgHdr) + (below(body / 4) * 4), &w, 4);
        }
        break;
    case 2:                             /* arena bytes: move NULs around */
        if (m->arena_size)
            m->arena[below(m->arena_size)] = (uint8_t)(below(2) ? 0 : 'z');
        break;
    case 3:
        m->arena_size = below(m->arena_size + 9);
        if (m->arena_size > sizeof m->arena)
            m->arena_size = sizeof m->arena;
        break;
    case 4:
        h->nhandles = (uint16_t)below(6);
        h->handles[below(4)].handle = rnd();
        break;
    case 5:
        h->size = below(4) ? body + below(9) - 4 : rnd();
        break;
    case 6:
        h->mid = below(4) ? below(10) : rnd();
        break;
    case 7:
        h->riid = (uint16_t)(below(4) ? below(6) : rnd());
        break;
    }
}

static unsigned long stats[2][2];       /* [inline checks?][accepted?] */

static int fail(unsigned long it, const char *what, const SMsgHdr *h)
{
    fprintf(stderr, "iteration %lu: riid %u mid %u size %u nhandles %u arena %u: %s\n", it,
            (unsigned)h->riid, (unsigned)h->mid, (unsigned)h->size, (unsigned)h->nhandles,
            (unsigned)h->arena_size, what);
    return 1;
}

/* The KasperskyOS form: 0, or 1 after printing what went wrong. */
static int run_kos(unsigned long it, const struct rec *m)
{
    const SMsgHdr *h = (const SMsgHdr *)(const void *)m->msg;
    uint32_t body = m->len - (uint32_t)sizeof(SMsgHdr);
    if (h->size > body || h->size > MSG_MAX_CONST)
        return 0;                       /* the kernel never delivers more than was sent */
    struct nk_message *req = malloc(sizeof(SMsgHdr) + h->size);
    memcpy(req, m->msg, sizeof(SMsgHdr) + h->size);
    /* the arena that arrived: usually what the header says, sometimes less */
    uint32_t arrived = below(16) ? m->arena_size : below(m->arena_size + 1);
    uint8_t *abuf = malloc(arrived ? arrived : 1);
    memcpy(abuf, m->arena, arrived);
    struct nk_arena qa = NK_ARENA_INITIALIZER(abuf, abuf + arrived);
    qa.current = qa.end;
    req->hdr.arena_size = m->arena_size;
    int small = below(10) == 0;
    uint32_t rcap = small ? below(16) : 256;
    uint8_t *rbuf = malloc(rcap ? rcap : 1);
    struct nk_arena ra = NK_ARENA_INITIALIZER(rbuf, rbuf + rcap);
    test_Rich_entity_res *res = malloc(sizeof *res);

    const struct sec_method *ml = lay_method(&test_Rich_layout, h->riid, h->mid);
    int expected = 0, record = 0;
    if (ml != NULL && arrived == m->arena_size && h->nhandles <= MSG_MAX_HANDLES) {
        expected = lay_ok(&ml->req, m->msg + sizeof(SMsgHdr), h->size, m->arena, m->arena_size,
                          h->nhandles);
        record = nk_kos_check_req(req, &qa, &ml->req) == NK_EOK;
    }
    op_ran = 0;
    test_Rich_entity_dispatch(&rich, req, &qa, &res->base_, &ra);
    int bad = 0;
    if (op_ran != expected)
        bad = fail(it, op_ran ? "KOS dispatcher accepts what the layout check refuses"
                              : "KOS dispatcher refuses what the layout check accepts", h);
    else if (ml != NULL && arrived == m->arena_size && record != expected)
        bad = fail(it, "nk_kos_check_req disagrees with the layout check", h);
    else if (!op_ran && res->base_.hdr.mid != MSG_MID_ERROR)
        bad = fail(it, "KOS refusal without an error reply", h);
    else if (op_ran && res->base_.hdr.mid != MSG_MID_ERROR &&
             !lay_ok(&ml->res, (const uint8_t *)(&res->base_.hdr + 1), res->base_.hdr.size,
                     rbuf, (uint32_t)nk_arena_size(&ra), res->base_.hdr.nhandles))
        bad = fail(it, "KOS response fails its layout", h);
    if (ml != NULL && arrived == m->arena_size) {
        /* which check ran: the inline one for layouts without handles or unions */
        int plain = ml->req.nhandles == 0 && ml->req.nunions == 0 && ml->req.nconds == 0;
        stats[plain][op_ran]++;
    }
    free(req);
    free(abuf);
    free(rbuf);
    free(res);
    return bad;
}

/* The kernel form (cgen's dispatcher), as the old test did. */
static int run_kform(unsigned long it, const struct rec *base)
{
    uint32_t req_len = base->len;
    if (below(8) == 0)
        req_len = below(base->len + 1);
    SMsgHdr *req = malloc(req_len ? req_len : 1);
    memcpy(req, base->msg, req_len);
    uint8_t *arena = base->arena_size ? malloc(base->arena_size) : NULL;
    if (arena)
        memcpy(arena, base->arena, base->arena_size);
    if (req_len >= sizeof(SMsgHdr)) {
        req->arena = (uint64_t)(uintptr_t)arena;
        req->arena_size = base->arena_size;
    }
    int small = below(10) == 0;
    size_t res_cap = small ? below(sizeof(SMsgHdr) + 40) : 512;
    uint32_t res_arena_cap = small ? below(64) : 4096;
    SMsgHdr *res = malloc(res_cap ? res_cap : 1);
    uint8_t *res_arena = malloc(res_arena_cap ? res_arena_cap : 1);
    Retcode rc = kform_dispatch(req, req_len, res, res_cap, res_arena, res_arena_cap);
    int bad = 0;
    if (!small && req_len >= sizeof(SMsgHdr) && req->size <= req_len - sizeof(SMsgHdr) &&
        req->nhandles <= MSG_MAX_HANDLES) {
        const struct sec_method *ml = lay_method(&test_Rich_layout, req->riid, req->mid);
        if (ml != NULL) {
            int ok = lay_ok(&ml->req, (const uint8_t *)(req + 1), req->size, arena,
                            req->arena_size, req->nhandles);
            /* More handles than the method's Handle fields: the kernel refuses
             * before any dispatcher sees it (lay_ok says so); nothing to compare. */
            if (req->nhandles <= ml->req.nhandles && ok != (rc == rcOk))
                bad = fail(it, ok ? "kernel form refuses a good request"
                                  : "kernel form accepts a bad request", req);
            else if (rc == rcOk &&
                     !lay_ok(&ml->res, (const uint8_t *)(res + 1), res->size, res_arena,
                             res->arena_size, res->nhandles))
                bad = fail(it, "kernel-form response fails its layout", req);
        } else if (rc != rcUnimplemented) {
            bad = fail(it, "kernel form: unknown riid/mid not rcUnimplemented", req);
        }
    }
    if (!bad && res_cap >= sizeof(SMsgHdr) && rc != rcOk && res->mid != KFORM_MID_ERROR)
        bad = fail(it, "kernel form: failure without an error reply", res);
    free(req);
    free(arena);
    free(res);
    free(res_arena);
    return bad;
}

int main(int argc, char **argv)
{
    unsigned long iters = argc > 2 ? strtoul(argv[2], NULL, 0) : 20000;
    rng = (argc > 1 ? strtoull(argv[1], NULL, 0) : 1) * 0x9E3779B97F4A7C15ull | 1;

    test_Inner_component_init(&inner, &ctl_impl);
    test_Sub_component_init(&sub, &store_impl, &inner);
    test_Rich_entity_init(&rich, &all_impl, &ctl_impl, &sub, &inner);
    record_corpus();
    if (ncorpus < 12) {
        fprintf(stderr, "corpus too small: %d\n", ncorpus);
        return 1;
    }
    for (unsigned long it = 0; it < iters; it++) {
        static struct rec m;
        int pure = below(10) == 0;
        if (pure) {
            m.len = (uint32_t)sizeof(SMsgHdr) + below(96);
            for (uint32_t i = 0; i < m.len; i++)
                m.msg[i] = (uint8_t)rnd();
            m.arena_size = below(64);
            for (uint32_t i = 0; i < m.arena_size; i++)
                m.arena[i] = (uint8_t)(below(4) ? 'a' + below(3) : 0);
            SMsgHdr *h = (SMsgHdr *)(void *)m.msg;
            h->riid = (uint16_t)below(6);
            h->mid = below(10);
            h->nhandles = (uint16_t)below(6);
            h->size = m.len - (uint32_t)sizeof(SMsgHdr);
        } else {
            m = corpus[below((uint32_t)ncorpus)];
            SMsgHdr *h = (SMsgHdr *)(void *)m.msg;
            const struct sec_method *ml = lay_method(&test_Rich_layout, h->riid, h->mid);
            for (uint32_t k = 0, n = 1 + below(4); k < n; k++) {
                if (ml != NULL && below(2))
                    mutate_edges(&m, &ml->req);
                else
                    mutate_random(&m);
            }
        }
        ((SMsgHdr *)(void *)m.msg)->arena_size = m.arena_size;
        if (run_kos(it, &m) || run_kform(it, &m))
            return 1;
    }
    /* the test must have seen both answers on both check paths */
    for (int p = 0; p < 2; p++)
        for (int a = 0; a < 2; a++)
            if (stats[p][a] < iters / 100) {
                fprintf(stderr, "too few %s requests %s by the %s check: %lu\n",
                        a ? "accepted" : "refused", a ? "" : "", p ? "inline" : "record",
                        stats[p][a]);
                return 1;
            }
    printf("OK inline: %lu accepted %lu refused; record: %lu accepted %lu refused\n",
           stats[1][1], stats[1][0], stats[0][1], stats[0][0]);
    return 0;
}
