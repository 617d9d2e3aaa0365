/* Host test of the KasperskyOS-form code tools/nk generates (kos/ headers):
 * a proxy -> loopback transport -> entity dispatcher -> ops round trip, and
 * malformed requests (constant part size, arena references, strings, union
 * tags, handle slots and count, unknown riid/mid, missing ops) answered with
 * the documented error replies before any op runs. Built with ASan/UBSan by
 * tests/tools/test_nk_kos.py; prints "OK" and exits 0 when every check holds. */
#include <coresrv/nk/transport-kos.h>
#include <stdio.h>
#include <string.h>
#include "demo/Server.edl.h"
#include "test/Rich.edl.h"

static int failures;
#define CHECK(cond) do { if (!(cond)) { printf("FAIL line %d: %s\n", __LINE__, #cond); failures++; } } while (0)

/* Unused stand-ins for the system calls transport-kos.h declares. */
Retcode Call(Handle h, const SMsgHdr *o, SMsgHdr *i) { (void)h; (void)o; (void)i; return rcFail; }
Retcode CallEx(Handle h, const SMsgHdr *o, SMsgHdr *i, uint64_t t) { (void)h; (void)o; (void)i; (void)t; return rcFail; }
Retcode RecvEx(Handle h, SMsgHdr *i, uint64_t t) { (void)h; (void)i; (void)t; return rcFail; }
Retcode Reply(Handle h, const SMsgHdr *o) { (void)h; (void)o; return rcFail; }
/* nk/transport.h inlines calls over NkKosTransport; this test has its own transport */
const struct nk_transport_ops nk_kos_transport_ops;

/* ---- the server: demo.Server (ctl, main.store) */
static int put_calls, stop_calls;
static uint32_t last_badge;
static char last_name[80];
static nk_size_t last_blob;

static nk_err_t put_impl(struct demo_IStore *self, const struct demo_IStore_Put_req *req,
                         const struct nk_arena *req_arena, struct demo_IStore_Put_res *res,
                         struct nk_arena *res_arena)
{
    (void)self; (void)res_arena;
    put_calls++;
    last_badge = nk_msg_badge(req);
    nk_size_t n = 0;
    if (req->e.key.tag == demo_IStore_Key_n_tag) {
        const char *s = nk_arena_get(nk_char_t, req_arena, &req->e.key.u.n, &n);
        if (!s || n == 0 || s[n - 1] != 0)
            return NK_EBADMSG;
        snprintf(last_name, sizeof last_name, "%s", s);
    }
    const uint8_t *b = nk_arena_get(nk_uint8_t, req_arena, &req->e.blob, &last_blob);
    (void)b;
    res->id = 42;
    res->rc = 0;
    return NK_EOK;
}

static nk_err_t ping_impl(struct demo_IStore *self, const struct demo_IStore_Ping_req *req,
                          const struct nk_arena *req_arena, struct demo_IStore_Ping_res *res,
                          struct nk_arena *res_arena)
{
    (void)self; (void)req; (void)req_arena; (void)res; (void)res_arena;
    return rcBusy;                       /* an op's own error goes back as the reply */
}

static nk_err_t status_impl(struct demo_IControl *self, const struct demo_IControl_Status_req *req,
                            const struct nk_arena *req_arena, struct demo_IControl_Status_res *res,
                            struct nk_arena *res_arena)
{
    (void)self; (void)req; (void)req_arena;
    res->state = 7;
    return nk_arena_store(nk_char_t, res_arena, &res->text, "running", 8);
}

static const struct demo_IStore_ops store_ops = { .Put = put_impl, .Ping = ping_impl };
static struct demo_IStore store = { &store_ops };
static const struct demo_IControl_ops ctl_ops = { .Status = status_impl };   /* no Stop */
static struct demo_IControl ctl = { &ctl_ops };
static demo_Storage_component storage;
static demo_Server_entity server;

/* ---- a loopback transport: call = copy to the server's buffers, dispatch,
 * copy back (as the kernel would, without its checks) */
static demo_Server_entity_req sreq;
static demo_Server_entity_res sres;
static _Alignas(8) char sreq_buf[demo_Server_entity_req_arena_size + 8];
static _Alignas(8) char sres_buf[demo_Server_entity_res_arena_size + 8];

static nk_err_t loop_call(struct nk_transport *t, struct nk_message *req,
                          const struct nk_arena *req_arena, struct nk_message *res,
                          struct nk_arena *res_arena)
{
    (void)t;
    struct nk_arena qa = NK_ARENA_INITIALIZER(sreq_buf, sreq_buf + sizeof sreq_buf);
    struct nk_arena ra = NK_ARENA_INITIALIZER(sres_buf, sres_buf + sizeof sres_buf);
    size_t used = req_arena ? (size_t)(req_arena->current - req_arena->start) : 0;
    if (req->hdr.size > sizeof sreq - sizeof(SMsgHdr) || used > sizeof sreq_buf)
        return rcBufferTooSmall;
    memcpy(&sreq, req, sizeof(SMsgHdr) + req->hdr.size);
    sreq.base_.hdr.arena_size = (uint32_t)used;
    sreq.base_.hdr.badge = 99;
    if (used)
        memcpy(sreq_buf, req_arena->start, used);
    qa.current = qa.start + used;
    demo_Server_entity_dispatch(&server, &sreq.base_, &qa, &sres.base_, &ra);
    size_t rused = (size_t)(ra.current - ra.start);
    if (sres.base_.hdr.size > res->hdr.size ||
        rused > (res_arena ? (size_t)(res_arena->end - res_arena->start) : 0))
        return rcBufferTooSmall;
    uint32_t cap = res->hdr.size;
    memcpy(res, &sres, sizeof(SMsgHdr) + sres.base_.hdr.size);
    (void)cap;
    res->hdr.arena_size = (uint32_t)rused;
    if (rused) {
        memcpy(res_arena->start, sres_buf, rused);
        res_arena->current = res_arena->start + rused;
    }
    return NK_EOK;
}

static const struct nk_transport_ops loop_ops = { loop_call, NULL, NULL };
static struct nk_transport loop = { &loop_ops };

/* ---- raw requests straight into the dispatcher: the error code of the reply
 * (0 for a normal response) */
static int32_t raw(struct nk_message *q, const void *arena, uint32_t arena_size)
{
    static _Alignas(8) char abuf[1024];
    struct nk_arena qa = NK_ARENA_INITIALIZER(abuf, abuf + sizeof abuf);
    struct nk_arena ra = NK_ARENA_INITIALIZER(sres_buf, sres_buf + sizeof sres_buf);
    memcpy(abuf, arena, arena_size);
    qa.current = qa.start + arena_size;
    q->hdr.arena_size = arena_size;
    memset(&sres, 0xa5, sizeof sres);
    demo_Server_entity_dispatch(&server, q, &qa, &sres.base_, &ra);
    if (sres.base_.hdr.mid != MSG_MID_ERROR)
        return 0;
    int32_t rc;
    CHECK(sres.base_.hdr.size == 4 && ra.current == ra.start);
    memcpy(&rc, &sres.base_.hdr + 1, 4);
    return rc;
}

static void test_server(void)
{
    demo_Storage_component_init(&storage, &store);
    demo_Server_entity_init(&server, &ctl, &storage);

    /* proxy round trip: string in a union, a sequence, the caller's badge */
    struct demo_IStore_proxy px;
    demo_IStore_proxy_init(&px, &loop, demo_Server_main_store_iid);
    _Alignas(8) char qbuf[demo_IStore_Put_req_arena_size];
    struct nk_arena qa = NK_ARENA_INITIALIZER(qbuf, qbuf + sizeof qbuf);
    demo_IStore_Put_req req;
    demo_IStore_Put_res res;
    memset(&req, 0, sizeof req);
    req.e.key.tag = demo_IStore_Key_n_tag;
    CHECK(nk_arena_store(nk_char_t, &qa, &req.e.key.u.n, "alpha", 6) == NK_EOK);
    CHECK(nk_arena_store(nk_uint8_t, &qa, &req.e.blob, "xyz", 3) == NK_EOK);
    CHECK(demo_IStore_Put(&px.base, &req, &qa, &res, NULL) == NK_EOK);
    CHECK(res.id == 42 && put_calls == 1 && strcmp(last_name, "alpha") == 0 && last_blob == 3);
    CHECK(last_badge == 99);

    /* an op's own error comes back to the proxy */
    demo_IStore_Ping_req preq;
    demo_IStore_Ping_res pres;
    CHECK(demo_IStore_Ping(&px.base, &preq, NULL, &pres, NULL) == rcBusy);

    /* out string through the response arena */
    struct demo_IControl_proxy cx;
    demo_IControl_proxy_init(&cx, &loop, demo_Server_ctl_iid);
    _Alignas(8) char rbuf[demo_IControl_Status_res_arena_size];
    struct nk_arena ra = NK_ARENA_INITIALIZER(rbuf, rbuf + sizeof rbuf);
    demo_IControl_Status_req sq;
    demo_IControl_Status_res sr;
    CHECK(demo_IControl_Status(&cx.base, &sq, NULL, &sr, &ra) == NK_EOK);
    nk_size_t n = 0;
    const char *text = nk_arena_get(nk_char_t, &ra, &sr.text, &n);
    CHECK(sr.state == 7 && text && n == 8 && strcmp(text, "running") == 0);
    /* the same into the caller's own buffer (P_M_into): in place, at offset 0 */
    char mine[32];
    nk_size_t len = 99;
    memset(mine, 'x', sizeof mine);
    CHECK(demo_IControl_Status_into(&cx.base, &sq, NULL, &sr, mine, sizeof mine, &len) == NK_EOK);
    CHECK(sr.state == 7 && len == 8 && strcmp(mine, "running") == 0);
    /* a buffer too small for the answer: the call fails, *len is 0 */
    CHECK(demo_IControl_Status_into(&cx.base, &sq, NULL, &sr, mine, 4, &len) == rcBufferTooSmall &&
          len == 0);
    /* a missing op: NK_ENOSYS */
    demo_IControl_Stop_req stq;
    demo_IControl_Stop_res str;
    stq.code = 1;
    CHECK(demo_IControl_Stop(&cx.base, &stq, NULL, &str, NULL) == NK_ENOSYS && stop_calls == 0);

    /* malformed requests, raw: none reaches put_impl */
    int before = put_calls;
    demo_IStore_Put_req q;
    const char good_arena[16] = "beta";           /* "beta\0" at 0, blob at 8 */
    #define FRESH() do { memset(&q, 0, sizeof q); q.base_.hdr.riid = demo_Server_main_store_iid; \
        q.base_.hdr.mid = demo_IStore_Put_mid; q.base_.hdr.size = 28; q.e.key.tag = 1; \
        q.e.key.u.n.offset = 0; q.e.key.u.n.size = 5; q.e.blob.offset = 8; q.e.blob.size = 2; } while (0)
    FRESH();
    CHECK(raw(&q.base_, good_arena, 16) == 0 && put_calls == before + 1);
    before = put_calls;
    FRESH(); q.base_.hdr.size = 24;                  CHECK(raw(&q.base_, good_arena, 16) == NK_EBADMSG);
    FRESH(); q.e.key.tag = 2;                        CHECK(raw(&q.base_, good_arena, 16) == NK_EBADMSG);
    FRESH(); q.e.key.u.n.size = 4;                   CHECK(raw(&q.base_, good_arena, 16) == NK_EBADMSG);
    FRESH(); q.e.key.u.n.size = 0;                   CHECK(raw(&q.base_, good_arena, 16) == NK_EBADMSG);
    FRESH(); q.e.blob.offset = 12; q.e.blob.size = 8; CHECK(raw(&q.base_, good_arena, 16) == NK_EBADMSG);
    FRESH(); q.e.blob.offset = 0xfffffff0u;           CHECK(raw(&q.base_, good_arena, 16) == NK_EBADMSG);
    FRESH(); q.e.blob.size = 513;                    CHECK(raw(&q.base_, good_arena, 16) == NK_EBADMSG);
    FRESH(); q.base_.hdr.nhandles = 1;               CHECK(raw(&q.base_, good_arena, 16) == NK_EBADMSG);
    FRESH(); q.base_.hdr.nhandles = 9;               CHECK(raw(&q.base_, good_arena, 16) == NK_EBADMSG);
    FRESH(); q.base_.hdr.mid = 7;                    CHECK(raw(&q.base_, good_arena, 16) == NK_ENOENT);
    FRESH(); q.base_.hdr.riid = 9;                   CHECK(raw(&q.base_, good_arena, 16) == NK_ENOENT);
    CHECK(put_calls == before);
    /* the header claims more arena than arrived */
    FRESH();
    {
        static _Alignas(8) char abuf[16];
        struct nk_arena qa2 = NK_ARENA_INITIALIZER(abuf, abuf + sizeof abuf);
        struct nk_arena ra2 = NK_ARENA_INITIALIZER(sres_buf, sres_buf + sizeof sres_buf);
        memcpy(abuf, good_arena, 16);
        qa2.current = qa2.start + 8;
        q.base_.hdr.arena_size = 16;
        demo_Server_entity_dispatch(&server, &q.base_, &qa2, &sres.base_, &ra2);
        CHECK(sres.base_.hdr.mid == MSG_MID_ERROR && put_calls == before);
    }
}

/* ---- handles: test.Rich all.Pass(in Handle h, out Handle back) */
static int pass_calls;

static nk_err_t pass_impl(struct test_IAll *self, const struct test_IAll_Pass_req *req,
                          const struct nk_arena *req_arena, struct test_IAll_Pass_res *res,
                          struct nk_arena *res_arena)
{
    (void)self; (void)req_arena; (void)res_arena;
    pass_calls++;
    res->back = req->h;
    return NK_EOK;
}

static void test_handles(void)
{
    static const struct test_IAll_ops all_ops = { .Pass = pass_impl };
    static struct test_IAll all = { &all_ops };
    static test_Rich_entity rich;
    static test_Rich_entity_res rres;
    test_Rich_entity_init(&rich, &all, NULL, NULL, NULL);
    _Alignas(8) char b[8];
    struct nk_arena qa = NK_ARENA_INITIALIZER(b, b), ra = NK_ARENA_INITIALIZER(b, b + sizeof b);
    test_IAll_Pass_req q;
    #define PASS(slot, nh) do { memset(&q, 0, sizeof q); q.base_.hdr.riid = test_Rich_all_iid; \
        q.base_.hdr.mid = test_IAll_Pass_mid; q.base_.hdr.size = 4; q.h = (slot); \
        q.base_.hdr.nhandles = (nh); \
        test_Rich_entity_dispatch(&rich, &q.base_, &qa, &rres.base_, &ra); } while (0)
    PASS(0, 1);
    CHECK(rres.base_.hdr.mid == test_IAll_Pass_mid && pass_calls == 1);
    PASS(0xffffffffu, 0);                           /* "no handle" */
    CHECK(rres.base_.hdr.mid == test_IAll_Pass_mid && pass_calls == 2);
    PASS(1, 1);                                     /* slot past nhandles */
    CHECK(rres.base_.hdr.mid == MSG_MID_ERROR && pass_calls == 2);
    PASS(0, 2);                                     /* more handles than Pass takes */
    CHECK(rres.base_.hdr.mid == MSG_MID_ERROR && pass_calls == 2);
    /* a NULL component: NK_ENOSYS for its RIIDs */
    memset(&q, 0, sizeof q);
    q.base_.hdr.riid = test_Rich_sub_store_iid;
    q.base_.hdr.mid = demo_IStore_Ping_mid;
    test_Rich_entity_dispatch(&rich, &q.base_, &qa, &rres.base_, &ra);
    int32_t rc = 0;
    memcpy(&rc, &rres.base_.hdr + 1, 4);
    CHECK(rres.base_.hdr.mid == MSG_MID_ERROR && rc == NK_ENOSYS);
}

/* ---- nk_arena helpers never hand out memory outside [start, current) */
static void test_arena(void)
{
    _Alignas(8) char buf[32];
    struct nk_arena a = NK_ARENA_INITIALIZER(buf, buf + sizeof buf);
    nk_ptr_t p, bad;
    nk_size_t n = 99;
    static const uint32_t three[3] = { 1, 2, 3 };
    CHECK(nk_arena_store(nk_uint32_t, &a, &p, three, 3) == NK_EOK);
    CHECK(p.offset == 0 && p.size == 12 && nk_arena_size(&a) == 12);
    const uint32_t *v = nk_arena_get(nk_uint32_t, &a, &p, &n);
    CHECK(v && n == 3 && v[2] == 3);
    CHECK((char *)nk_arena_alloc(nk_uint8_t, &a, &bad, 1) == buf + 16);  /* 8-byte aligned */
    CHECK(nk_arena_store(nk_uint8_t, &a, &bad, buf, 20) == NK_ENOMEM);
    bad.offset = 28; bad.size = 8;
    CHECK(nk_arena_get(nk_uint8_t, &a, &bad, &n) == NULL && n == 0);
    bad.offset = 0; bad.size = 6;
    CHECK(nk_arena_get(nk_uint32_t, &a, &bad, &n) == NULL);          /* not whole elements */
    bad.offset = 2; bad.size = 4;
    CHECK(nk_arena_get(nk_uint32_t, &a, &bad, &n) == NULL);          /* misaligned */
    bad.offset = 0xffffffffu; bad.size = 2;
    CHECK(nk_arena_get(nk_uint8_t, &a, &bad, &n) == NULL);
    nk_arena_reset(&a);
    CHECK(nk_arena_get(nk_uint32_t, &a, &p, &n) == NULL);            /* nothing in use */
}

int main(void)
{
    test_server();
    test_handles();
    test_arena();
    printf("%s (%d failures)\n", failures ? "FAILED" : "OK", failures);
    return failures != 0;
}
