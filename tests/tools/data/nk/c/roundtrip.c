/*
 * Round trip of every IDL type through the KasperskyOS-form code: proxy ->
 * loopback "kernel" (kos_loop.h: layout check of request and response) ->
 * test.Rich's entity dispatcher -> the implementation -> response -> proxy.
 * Strings, bytes, sequences, handles, fixed structs, unions, arrays, structs
 * with strings and handles inside, arrays of strings, error parameters and
 * error replies, nested components reached by their RIIDs, the caller's
 * badge and the implementation object (self) handed to the server code.
 * Exit status 0 and "OK" on success; every failed expectation is printed.
 */
#include <coresrv/nk/transport-kos.h>
#include <stdio.h>
#include <string.h>

#include "test/Rich.edl.h"
#include "test/Rich.layout.h"
#include "kos_loop.h"

static int failures;
#define EXPECT(cond)                                                          \
    do {                                                                      \
        if (!(cond)) {                                                        \
            fprintf(stderr, "%s:%d: expected %s\n", __FILE__, __LINE__, #cond); \
            failures++;                                                       \
        }                                                                     \
    } while (0)

/* ---- server side: test.IAll */
static uint32_t seen_badge;

static nk_err_t op_echo(struct test_IAll *self, const test_IAll_Echo_req *req,
                        const struct nk_arena *ra, test_IAll_Echo_res *res, struct nk_arena *wa)
{
    nk_size_t n = 0;
    const char *text = nk_arena_get(nk_char_t, ra, &req->text, &n);
    char buf[64];
    (void)self;
    seen_badge = nk_msg_badge(req);
    if (text == NULL)
        return NK_EBADMSG;
    int k = snprintf(buf, sizeof buf, "echo:%s", text);
    if (k < 0 || (size_t)k >= sizeof buf)
        return rcBufferTooSmall;
    return nk_arena_store(nk_char_t, wa, &res->reply, buf, (nk_size_t)k + 1);
}

static nk_err_t op_bytes(struct test_IAll *self, const test_IAll_Bytes_req *req,
                         const struct nk_arena *ra, test_IAll_Bytes_res *res, struct nk_arena *wa)
{
    nk_size_t n = 0;
    const uint8_t *d = nk_arena_get(nk_uint8_t, ra, &req->data, &n);
    uint8_t *b = nk_arena_alloc(nk_uint8_t, wa, &res->back, n);
    (void)self;
    if (n != 0 && (d == NULL || b == NULL))
        return NK_ENOMEM;
    res->sum = 0;
    for (nk_size_t i = 0; i < n; i++) {
        b[i] = d[n - 1 - i];
        res->sum += d[i];
    }
    return NK_EOK;
}

static nk_err_t op_sum(struct test_IAll *self, const test_IAll_Sum_req *req,
                       const struct nk_arena *ra, test_IAll_Sum_res *res, struct nk_arena *wa)
{
    nk_size_t n = 0;
    const uint32_t *v = nk_arena_get(nk_uint32_t, ra, &req->values, &n);
    uint32_t *d = nk_arena_alloc(nk_uint32_t, wa, &res->doubled, n);
    (void)self;
    if (n != 0 && (v == NULL || d == NULL))
        return NK_ENOMEM;
    res->total = 0;
    for (nk_size_t i = 0; i < n; i++) {
        res->total += v[i];
        d[i] = v[i] * 2;
    }
    return NK_EOK;
}

static nk_err_t op_pass(struct test_IAll *self, const test_IAll_Pass_req *req,
                        const struct nk_arena *ra, test_IAll_Pass_res *res, struct nk_arena *wa)
{
    (void)self; (void)ra; (void)wa;
    if (req->h == 0xFFFFFFFFu) {                 /* "no handle" */
        res->back = 0xFFFFFFFFu;
        return NK_EOK;
    }
    res->base_.hdr.handles[0].handle = req->base_.hdr.handles[req->h].handle + 100;
    res->base_.hdr.handles[0].rights = 3;
    res->base_.hdr.nhandles = 1;
    res->back = 0;
    return NK_EOK;
}

static nk_err_t op_mix(struct test_IAll *self, const test_IAll_Mix_req *req,
                       const struct nk_arena *ra, test_IAll_Mix_res *res, struct nk_arena *wa)
{
    (void)self; (void)ra; (void)wa;
    res->po = req->p;
    res->po.b += 1;
    res->co = req->c;
    if (req->c.tag == test_IAll_Choice_pair_tag)
        res->co.u.pair.a = (uint8_t)(req->c.u.pair.a + 1);
    for (int i = 0; i < 3; i++)
        res->to[i] = req->t[2 - i];
    return NK_EOK;
}

static nk_err_t op_views(struct test_IAll *self, const test_IAll_Views_req *req,
                         const struct nk_arena *ra, test_IAll_Views_res *res, struct nk_arena *wa)
{
    nk_size_t n = 0, n0 = 0, n2 = 0;
    const char *name = nk_arena_get(nk_char_t, ra, &req->n.name, &n);
    const char *p0 = nk_arena_get(nk_char_t, ra, &req->paths[0], &n0);
    const char *p2 = nk_arena_get(nk_char_t, ra, &req->paths[2], &n2);
    char buf[32];
    (void)self;
    if (!name || !p0 || !p2 || strlen(name) + 1 != n)
        return NK_EBADMSG;
    int k = snprintf(buf, sizeof buf, "%s!", name);
    nk_err_t rc = nk_arena_store(nk_char_t, wa, &res->no.name, buf, (nk_size_t)k + 1);
    if (rc == NK_EOK)
        rc = nk_arena_store(nk_char_t, wa, &res->po[0], p2, n2);
    if (rc == NK_EOK)
        rc = nk_arena_store(nk_char_t, wa, &res->po[1], p0, n0);
    res->no.enabled = (uint8_t)!req->n.enabled;
    res->no.at.x = req->n.at.y;
    res->no.at.y = req->n.at.x;
    return rc;
}

static nk_err_t op_wrap(struct test_IAll *self, const test_IAll_Wrap_req *req,
                        const struct nk_arena *ra, test_IAll_Wrap_res *res, struct nk_arena *wa)
{
    (void)self;
    res->base_.hdr.handles[0] = req->base_.hdr.handles[req->w.h];
    res->base_.hdr.handles[0].rights = 1;
    res->base_.hdr.nhandles = 1;
    res->wo.h = 0;
    res->wo.flags = req->w.flags + 1;
    res->eo.tag = req->e.tag;
    if (req->e.tag == test_IAll_Either_num_tag) {
        res->eo.u.num = req->e.u.num;
        return NK_EOK;
    }
    nk_size_t n = 0;
    const char *t = nk_arena_get(nk_char_t, ra, &req->e.u.text, &n);
    return t ? nk_arena_store(nk_char_t, wa, &res->eo.u.text, t, n) : NK_EBADMSG;
}

static nk_err_t op_fail(struct test_IAll *self, const test_IAll_Fail_req *req,
                        const struct nk_arena *ra, test_IAll_Fail_res *res, struct nk_arena *wa)
{
    (void)self; (void)ra; (void)wa;
    if (req->code != 0)
        return req->code;                        /* an error reply with the server's code */
    res->err = 7;
    return NK_EOK;
}

static int nothing_calls;
static nk_err_t op_nothing(struct test_IAll *self, const test_IAll_Nothing_req *req,
                           const struct nk_arena *ra, test_IAll_Nothing_res *res,
                           struct nk_arena *wa)
{
    (void)self; (void)req; (void)ra; (void)res; (void)wa;
    nothing_calls++;
    return NK_EOK;
}

static const struct test_IAll_ops all_ops = {
    .Echo = op_echo, .Bytes = op_bytes, .Sum = op_sum, .Pass = op_pass, .Mix = op_mix,
    .Views = op_views, .Wrap = op_wrap, .Fail = op_fail, .Nothing = op_nothing,
};
static struct test_IAll all_impl = { &all_ops };

/* ---- demo.IStore (sub.store) */
static uint32_t stored_id;
static nk_err_t op_put(struct demo_IStore *self, const demo_IStore_Put_req *req,
                       const struct nk_arena *ra, demo_IStore_Put_res *res, struct nk_arena *wa)
{
    nk_size_t blob = 0;
    (void)self; (void)wa;
    (void)nk_arena_get(nk_uint8_t, ra, &req->e.blob, &blob);
    if (req->e.key.tag == demo_IStore_Key_n_tag) {
        nk_size_t n = 0;
        const char *s = nk_arena_get(nk_char_t, ra, &req->e.key.u.n, &n);
        res->id = (uint32_t)(n - 1) * 1000 + (uint32_t)blob + req->e.tags[3];
        res->rc = s && strcmp(s, "alpha") == 0 ? 0 : -1;
    } else {
        res->id = req->e.key.u.id;
        res->rc = 1;
    }
    stored_id = res->id;
    return NK_EOK;
}
static const struct demo_IStore_ops store_ops = { .Put = op_put, .Ping = NULL };
static struct demo_IStore store_impl = { &store_ops };

/* ---- demo.IControl, twice (sub.inner.ping, other.ping): the server code
 * tells them apart by the object it is called on */
struct ctl_impl {
    struct demo_IControl base;
    uint32_t state;
};
static nk_err_t op_status(struct demo_IControl *self, const demo_IControl_Status_req *req,
                          const struct nk_arena *ra, demo_IControl_Status_res *res,
                          struct nk_arena *wa)
{
    const struct ctl_impl *c = (const struct ctl_impl *)self;
    char text[32];
    (void)req; (void)ra;
    res->state = c->state;
    int k = snprintf(text, sizeof text, "state %u", (unsigned)c->state);
    return nk_arena_store(nk_char_t, wa, &res->text, text, (nk_size_t)k + 1);
}
static const struct demo_IControl_ops ctl_ops = { .Stop = NULL, .Status = op_status };
static struct ctl_impl inner_impl = { { &ctl_ops }, 33 }, other_impl = { { &ctl_ops }, 44 };

static test_Sub_component sub;
static test_Inner_component inner, other;
static test_Rich_entity rich;

static nk_err_t rich_dispatch(const struct nk_message *req, const struct nk_arena *req_arena,
                              struct nk_message *res, struct nk_arena *res_arena)
{
    return test_Rich_entity_dispatch(&rich, req, req_arena, res, res_arena);
}

#define ARENA(name, size) \
    _Alignas(8) char name##_buf[size]; \
    struct nk_arena name = NK_ARENA_INITIALIZER(name##_buf, name##_buf + sizeof name##_buf)

int main(void)
{
    struct loop_transport lt;
    test_IAll_proxy all;
    demo_IStore_proxy store;
    demo_IControl_proxy pinner, pother, pctl;
    nk_err_t rc;

    test_Inner_component_init(&inner, &inner_impl.base);
    test_Inner_component_init(&other, &other_impl.base);
    test_Sub_component_init(&sub, &store_impl, &inner);
    test_Rich_entity_init(&rich, &all_impl, NULL, &sub, &other);
    loop_init(&lt, rich_dispatch, &test_Rich_layout, 0x5eed);
    test_IAll_proxy_init(&all, &lt.base, test_Rich_all_iid);
    demo_IStore_proxy_init(&store, &lt.base, test_Rich_sub_store_iid);
    demo_IControl_proxy_init(&pinner, &lt.base, test_Rich_sub_inner_ping_iid);
    demo_IControl_proxy_init(&pother, &lt.base, test_Rich_other_ping_iid);
    demo_IControl_proxy_init(&pctl, &lt.base, test_Rich_ctl_iid);

    EXPECT(test_Rich_all_iid == 0 && test_Rich_ctl_iid == 1 && test_Rich_sub_store_iid == 2 &&
           test_Rich_sub_inner_ping_iid == 3 && test_Rich_other_ping_iid == 4);
    EXPECT(test_IAll_Twice == 64 && test_IAll_Neg == -14 && test_IAll_Oct == 15);
    EXPECT(test_IAll_Big == (1ull << 40) && test_IAll_FromImport == 11);
    EXPECT(test_IAll_Qualified == 29 && test_IAll_BareImport == 0x10a && test_IAll_Bits == 14);
    EXPECT(test_IAll_Mod == -1 && test_Common_Limit == 10);

    /* strings, and the caller's badge as the server sees it */
    {
        ARENA(qa, test_IAll_Echo_req_arena_size);
        ARENA(ra, test_IAll_Echo_res_arena_size);
        test_IAll_Echo_req q;
        test_IAll_Echo_res r;
        nk_size_t n = 0;
        EXPECT(nk_arena_store(nk_char_t, &qa, &q.text, "hello", 6) == NK_EOK);
        rc = test_IAll_Echo(&all.base, &q, &qa, &r, &ra);
        const char *reply = nk_arena_get(nk_char_t, &ra, &r.reply, &n);
        EXPECT(rc == NK_EOK && reply && n == 11 && strcmp(reply, "echo:hello") == 0);
        EXPECT(seen_badge == 0x5eed);
        /* a response that does not fit the caller's arena */
        struct nk_arena small = NK_ARENA_INITIALIZER(ra_buf, ra_buf + 5);
        EXPECT(test_IAll_Echo(&all.base, &q, &qa, &r, &small) == rcBufferTooSmall);
        /* a string longer than string<64>: the check refuses it on the way in */
        char big[100];
        memset(big, 'x', sizeof big);
        big[99] = 0;
        nk_arena_reset(&qa);
        EXPECT(nk_arena_store(nk_char_t, &qa, &q.text, big, 64) == NK_EOK);   /* no NUL */
        EXPECT(test_IAll_Echo(&all.base, &q, &qa, &r, &ra) == rcSecurityDisallow);
        /* 63 chars + NUL = string<64> exactly: "echo:" + 63 does not fit the server's 64 */
        nk_arena_reset(&qa);
        big[63] = 0;
        EXPECT(nk_arena_store(nk_char_t, &qa, &q.text, big, 64) == NK_EOK);
        EXPECT(test_IAll_Echo(&all.base, &q, &qa, &r, &ra) == rcBufferTooSmall);
        nk_arena_reset(&qa);
        big[50] = 0;
        EXPECT(nk_arena_store(nk_char_t, &qa, &q.text, big, 51) == NK_EOK);
        rc = test_IAll_Echo(&all.base, &q, &qa, &r, &ra);
        reply = nk_arena_get(nk_char_t, &ra, &r.reply, &n);
        EXPECT(rc == NK_EOK && reply && strlen(reply) == 55);
    }
    /* bytes */
    {
        ARENA(qa, test_IAll_Bytes_req_arena_size + 8);
        ARENA(ra, test_IAll_Bytes_res_arena_size);
        test_IAll_Bytes_req q;
        test_IAll_Bytes_res r;
        const uint8_t in[5] = { 1, 2, 3, 4, 250 };
        nk_size_t n = 0;
        EXPECT(nk_arena_store(nk_uint8_t, &qa, &q.data, in, 5) == NK_EOK);
        rc = test_IAll_Bytes(&all.base, &q, &qa, &r, &ra);
        const uint8_t *out = nk_arena_get(nk_uint8_t, &ra, &r.back, &n);
        EXPECT(rc == NK_EOK && out && n == 5 && r.sum == 260 && out[0] == 250 && out[4] == 1);
        nk_arena_reset(&qa);
        EXPECT(nk_arena_store(nk_uint8_t, &qa, &q.data, in, 0) == NK_EOK);
        EXPECT(test_IAll_Bytes(&all.base, &q, &qa, &r, &ra) == NK_EOK && r.sum == 0 &&
               r.back.size == 0);
        nk_arena_reset(&qa);                     /* more than bytes<100> */
        EXPECT(nk_arena_alloc(nk_uint8_t, &qa, &q.data, 101) != NULL);
        EXPECT(test_IAll_Bytes(&all.base, &q, &qa, &r, &ra) == rcSecurityDisallow);
    }
    /* sequences */
    {
        ARENA(qa, test_IAll_Sum_req_arena_size + 8);
        ARENA(ra, test_IAll_Sum_res_arena_size);
        test_IAll_Sum_req q;
        test_IAll_Sum_res r;
        uint32_t v[17];
        nk_size_t n = 0;
        for (int i = 0; i < 17; i++)
            v[i] = (uint32_t)i + 1;
        EXPECT(nk_arena_store(nk_uint32_t, &qa, &q.values, v, 16) == NK_EOK);
        rc = test_IAll_Sum(&all.base, &q, &qa, &r, &ra);
        const uint32_t *d = nk_arena_get(nk_uint32_t, &ra, &r.doubled, &n);
        EXPECT(rc == NK_EOK && r.total == 136 && d && n == 16 && d[15] == 32);
        nk_arena_reset(&qa);
        EXPECT(nk_arena_store(nk_uint32_t, &qa, &q.values, v, 17) == NK_EOK);
        EXPECT(test_IAll_Sum(&all.base, &q, &qa, &r, &ra) == rcSecurityDisallow);
    }
    /* handles: slot index in the constant part, the handle in hdr.handles[] */
    {
        test_IAll_Pass_req q;
        test_IAll_Pass_res r;
        nk_req_reset(&q);
        q.base_.hdr.handles[0].handle = 7;
        q.base_.hdr.handles[0].rights = 1;
        q.base_.hdr.nhandles = 1;
        q.h = 0;
        rc = test_IAll_Pass(&all.base, &q, NULL, &r, NULL);
        EXPECT(rc == NK_EOK && r.back == 0 && r.base_.hdr.nhandles == 1 &&
               r.base_.hdr.handles[r.back].handle == 107);
        nk_req_reset(&q);
        q.h = 0xFFFFFFFFu;
        rc = test_IAll_Pass(&all.base, &q, NULL, &r, NULL);
        EXPECT(rc == NK_EOK && r.back == 0xFFFFFFFFu);
        nk_req_reset(&q);                        /* a slot with no handle behind it */
        q.h = 1;
        q.base_.hdr.nhandles = 1;
        EXPECT(test_IAll_Pass(&all.base, &q, NULL, &r, NULL) == rcSecurityDisallow);
    }
    /* fixed-size structs, unions, arrays */
    {
        test_IAll_Mix_req q;
        test_IAll_Mix_res r;
        memset(&q, 0, sizeof q);
        q.p.a = 9;
        q.p.b = 1ull << 50;
        q.c.tag = test_IAll_Choice_pair_tag;
        q.c.u.pair.a = 41;
        q.c.u.pair.b = 5;
        q.t[0] = 1; q.t[1] = 2; q.t[2] = 3;
        rc = test_IAll_Mix(&all.base, &q, NULL, &r, NULL);
        EXPECT(rc == NK_EOK && r.po.a == 9 && r.po.b == (1ull << 50) + 1);
        EXPECT(r.co.tag == test_IAll_Choice_pair_tag && r.co.u.pair.a == 42 && r.co.u.pair.b == 5);
        EXPECT(r.to[0] == 3 && r.to[2] == 1);
        q.c.tag = 3;                             /* no such member: the "security module" refuses */
        EXPECT(test_IAll_Mix(&all.base, &q, NULL, &r, NULL) == rcSecurityDisallow);
    }
    /* structs with strings, arrays of strings */
    {
        ARENA(qa, test_IAll_Views_req_arena_size);
        ARENA(ra, test_IAll_Views_res_arena_size);
        test_IAll_Views_req q;
        test_IAll_Views_res r;
        nk_size_t n = 0;
        memset(&q, 0, sizeof q);
        EXPECT(nk_arena_store(nk_char_t, &qa, &q.n.name, "name", 5) == NK_EOK);
        EXPECT(nk_arena_store(nk_char_t, &qa, &q.paths[0], "/a", 3) == NK_EOK);
        EXPECT(nk_arena_store(nk_char_t, &qa, &q.paths[1], "/bb", 4) == NK_EOK);
        EXPECT(nk_arena_store(nk_char_t, &qa, &q.paths[2], "/ccc", 5) == NK_EOK);
        q.n.enabled = 1;
        q.n.at.x = -5;
        q.n.at.y = 6;
        rc = test_IAll_Views(&all.base, &q, &qa, &r, &ra);
        const char *nm = nk_arena_get(nk_char_t, &ra, &r.no.name, &n);
        EXPECT(rc == NK_EOK && nm && strcmp(nm, "name!") == 0 && r.no.enabled == 0);
        EXPECT(r.no.at.x == 6 && r.no.at.y == -5);
        const char *p0 = nk_arena_get(nk_char_t, &ra, &r.po[0], &n);
        const char *p1 = nk_arena_get(nk_char_t, &ra, &r.po[1], &n);
        EXPECT(p0 && strcmp(p0, "/ccc") == 0 && p1 && strcmp(p1, "/a") == 0);
        /* an element longer than string<32> */
        static const char long40[41] = "0123456789012345678901234567890123456789";
        EXPECT(nk_arena_store(nk_char_t, &qa, &q.paths[1], long40, 41) == NK_EOK);
        EXPECT(test_IAll_Views(&all.base, &q, &qa, &r, &ra) == rcSecurityDisallow);
    }
    /* a struct with a handle, a union holding a string */
    {
        ARENA(qa, test_IAll_Wrap_req_arena_size);
        ARENA(ra, test_IAll_Wrap_res_arena_size);
        test_IAll_Wrap_req q;
        test_IAll_Wrap_res r;
        nk_size_t n = 0;
        nk_req_reset(&q);
        q.base_.hdr.handles[0].handle = 9;
        q.base_.hdr.handles[0].rights = 5;
        q.base_.hdr.nhandles = 1;
        q.w.h = 0;
        q.w.flags = 41;
        q.e.tag = test_IAll_Either_text_tag;
        EXPECT(nk_arena_store(nk_char_t, &qa, &q.e.u.text, "txt", 4) == NK_EOK);
        rc = test_IAll_Wrap(&all.base, &q, &qa, &r, &ra);
        const char *t = nk_arena_get(nk_char_t, &ra, &r.eo.u.text, &n);
        EXPECT(rc == NK_EOK && r.base_.hdr.handles[r.wo.h].handle == 9 &&
               r.base_.hdr.handles[r.wo.h].rights == 1 && r.wo.flags == 42);
        EXPECT(r.eo.tag == test_IAll_Either_text_tag && t && strcmp(t, "txt") == 0 && n == 4);
        q.e.tag = test_IAll_Either_num_tag;
        q.e.u.num = 77;
        nk_arena_reset(&qa);
        rc = test_IAll_Wrap(&all.base, &q, &qa, &r, &ra);
        EXPECT(rc == NK_EOK && r.eo.tag == test_IAll_Either_num_tag && r.eo.u.num == 77);
    }
    /* error parameters, error replies, a method without parameters */
    {
        test_IAll_Fail_req q;
        test_IAll_Fail_res r;
        test_IAll_Nothing_req nq;
        test_IAll_Nothing_res nr;
        q.code = 0;
        EXPECT(test_IAll_Fail(&all.base, &q, NULL, &r, NULL) == NK_EOK && r.err == 7);
        q.code = rcNotReady;
        EXPECT(test_IAll_Fail(&all.base, &q, NULL, &r, NULL) == rcNotReady);
        EXPECT(test_IAll_Nothing(&all.base, &nq, NULL, &nr, NULL) == NK_EOK && nothing_calls == 1);
    }
    /* components: a nested struct with a union holding a string, a sequence */
    {
        ARENA(qa, demo_IStore_Put_req_arena_size);
        demo_IStore_Put_req q;
        demo_IStore_Put_res r;
        uint8_t blob[300];
        memset(&q, 0, sizeof q);
        memset(blob, 0xab, sizeof blob);
        q.e.key.tag = demo_IStore_Key_n_tag;
        EXPECT(nk_arena_store(nk_char_t, &qa, &q.e.key.u.n, "alpha", 6) == NK_EOK);
        EXPECT(nk_arena_store(nk_uint8_t, &qa, &q.e.blob, blob, sizeof blob) == NK_EOK);
        q.e.tags[3] = 4;
        rc = demo_IStore_Put(&store.base, &q, &qa, &r, NULL);
        EXPECT(rc == NK_EOK && r.id == 5304 && r.rc == 0 && stored_id == 5304);
        q.e.key.tag = demo_IStore_Key_id_tag;
        q.e.key.u.id = 12;
        rc = demo_IStore_Put(&store.base, &q, &qa, &r, NULL);
        EXPECT(rc == NK_EOK && r.id == 12 && r.rc == 1);
        demo_IStore_Ping_req pq;
        demo_IStore_Ping_res pr;
        EXPECT(demo_IStore_Ping(&store.base, &pq, NULL, &pr, NULL) == NK_ENOSYS);   /* NULL op */
    }
    {
        ARENA(ra, demo_IControl_Status_res_arena_size);
        demo_IControl_Status_req q;
        demo_IControl_Status_res r;
        demo_IControl_Stop_req sq;
        demo_IControl_Stop_res sr;
        nk_size_t n = 0;
        rc = demo_IControl_Status(&pinner.base, &q, NULL, &r, &ra);
        const char *t = nk_arena_get(nk_char_t, &ra, &r.text, &n);
        EXPECT(rc == NK_EOK && r.state == 33 && t && strcmp(t, "state 33") == 0);
        rc = demo_IControl_Status(&pother.base, &q, NULL, &r, &ra);
        EXPECT(rc == NK_EOK && r.state == 44);
        sq.code = 1;
        EXPECT(demo_IControl_Stop(&pother.base, &sq, NULL, &sr, NULL) == NK_ENOSYS);
        /* riid 1 (ctl) has no implementation in this server */
        EXPECT(demo_IControl_Status(&pctl.base, &q, NULL, &r, &ra) == NK_ENOSYS);
    }
    EXPECT(lt.layout_failures == 6);   /* the six malformed requests above, none answered */
    if (failures == 0)
        printf("OK %d calls\n", lt.calls);
    return failures != 0;
}
