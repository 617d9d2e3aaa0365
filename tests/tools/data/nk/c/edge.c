/*
 * Edge cases of the KasperskyOS-form code: structs and arrays of handles,
 * arrays of unions, nested unions (an inactive member is not checked),
 * sequences of arrays and of structs, C keywords as IDL names (int_,
 * default_, return_), imported typedefs, extreme constants, an interface
 * without methods. Through the loopback "kernel" of kos_loop.h into
 * test.EdgeServer's entity dispatcher. Prints "OK" on success.
 */
#include <coresrv/nk/transport-kos.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "test/EdgeServer.edl.h"
#include "test/EdgeServer.layout.h"
#include "kos_loop.h"

static nk_err_t op_give(struct test_Edge *self, const test_Edge_Give_req *req,
                        const struct nk_arena *ra, test_Edge_Give_res *res, struct nk_arena *wa)
{
    (void)self; (void)ra; (void)wa;
    for (uint32_t i = 0; i < req->base_.hdr.nhandles; i++)
        res->base_.hdr.handles[i] = req->base_.hdr.handles[i];
    res->base_.hdr.nhandles = req->base_.hdr.nhandles;
    res->back = req->h;
    if (req->h.a != 0xFFFFFFFFu)
        res->base_.hdr.handles[req->h.a].rights = 9;
    return NK_EOK;
}

static nk_err_t op_deeper(struct test_Edge *self, const test_Edge_Deeper_req *req,
                          const struct nk_arena *ra, test_Edge_Deeper_res *res, struct nk_arena *wa)
{
    (void)self; (void)ra; (void)wa;
    res->back = req->d;
    res->back.p.x += (int32_t)req->arr[2].u.w;
    return NK_EOK;
}

static nk_err_t op_seqs(struct test_Edge *self, const test_Edge_Seqs_req *req,
                        const struct nk_arena *ra, test_Edge_Seqs_res *res, struct nk_arena *wa)
{
    typedef uint16_t pair_t[2];
    nk_size_t np = 0, npts = 0;
    const pair_t *pairs = nk_arena_get(pair_t, ra, &req->pairs, &np);
    const struct test_Common_Point *pts = nk_arena_get(struct test_Common_Point, ra, &req->pts, &npts);
    pair_t *po = nk_arena_alloc(pair_t, wa, &res->pairsOut, np);
    struct test_Common_Point *ptso = nk_arena_alloc(struct test_Common_Point, wa, &res->ptsOut, npts);
    (void)self;
    if ((np && (!pairs || !po)) || (npts && (!pts || !ptso)))
        return NK_ENOMEM;
    for (nk_size_t i = 0; i < np; i++) {
        po[i][0] = pairs[i][1];
        po[i][1] = pairs[i][0];
    }
    for (nk_size_t i = 0; i < npts; i++)
        ptso[i] = pts[i];
    return NK_EOK;
}

static nk_err_t op_keys(struct test_Edge *self, const test_Edge_Keys_req *req,
                        const struct nk_arena *ra, test_Edge_Keys_res *res, struct nk_arena *wa)
{
    (void)self; (void)ra; (void)wa;
    res->return_ = (uint8_t)(req->k.int_ + req->k.default_ + req->int_);
    res->base_.hdr.handles[0].handle = 5;
    res->base_.hdr.nhandles = 1;
    res->hp[0] = 0;
    res->hp[1] = 0xFFFFFFFFu;
    return NK_EOK;
}

static nk_err_t op_ids(struct test_Edge *self, const test_Edge_Ids_req *req,
                       const struct nk_arena *ra, test_Edge_Ids_res *res, struct nk_arena *wa)
{
    (void)self; (void)ra; (void)wa;
    test_Common_Id a = req->id;
    res->id3 = a * req->id2;
    return NK_EOK;
}

static const struct test_Edge_ops edge_ops = { op_give, op_deeper, op_seqs, op_keys, op_ids };
static struct test_Edge edge_impl = { &edge_ops };
static const struct test_Empty_ops empty_ops = { 0 };
static struct test_Empty empty_impl = { &empty_ops };
static test_EdgeServer_entity server;

static nk_err_t edge_dispatch(const struct nk_message *req, const struct nk_arena *req_arena,
                              struct nk_message *res, struct nk_arena *res_arena)
{
    return test_EdgeServer_entity_dispatch(&server, req, req_arena, res, res_arena);
}

int main(void)
{
    struct loop_transport lt;
    test_Edge_proxy p;
    test_Empty_proxy e;
    int bad = 0;

    test_EdgeServer_entity_init(&server, &edge_impl, &empty_impl);
    loop_init(&lt, edge_dispatch, &test_EdgeServer_layout, 1);
    test_Edge_proxy_init(&p, &lt.base, test_EdgeServer_edge_iid);
    test_Empty_proxy_init(&e, &lt.base, test_EdgeServer_empty_iid);
    bad |= test_Empty_mid_max != 0 || e.iid != 1;
    {
        test_Edge_Give_req q;
        test_Edge_Give_res r;
        nk_req_reset(&q);
        q.base_.hdr.handles[0] = (SMsgHandle){ 3, 1 };
        q.base_.hdr.handles[1] = (SMsgHandle){ 4, 1 };
        q.base_.hdr.nhandles = 2;
        q.h.a = 0;
        q.h.more[0] = 1;
        q.h.more[1] = 0xFFFFFFFFu;
        bad |= test_Edge_Give(&p.base, &q, NULL, &r, NULL) != NK_EOK ||
               r.base_.hdr.handles[r.back.a].handle != 3 ||
               r.base_.hdr.handles[r.back.a].rights != 9 ||
               r.base_.hdr.handles[r.back.more[0]].handle != 4 || r.back.more[1] != 0xFFFFFFFFu;
        q.h.more[1] = 2;                         /* slot 2 of 2 handles */
        bad |= test_Edge_Give(&p.base, &q, NULL, &r, NULL) != rcSecurityDisallow;
    }
    {
        test_Edge_Deeper_req q;
        test_Edge_Deeper_res r;
        memset(&q, 0, sizeof q);
        q.d.o[1].tag = test_Edge_Outer_in1_tag;
        q.d.o[1].u.in1.tag = test_Edge_Inner_w_tag;
        q.d.o[1].u.in1.u.w = 7;
        q.d.p.x = 1;
        q.arr[2].tag = test_Edge_Inner_w_tag;
        q.arr[2].u.w = 10;
        bad |= test_Edge_Deeper(&p.base, &q, NULL, &r, NULL) != NK_EOK || r.back.p.x != 11 ||
               r.back.o[1].u.in1.u.w != 7;
        q.arr[1].tag = 2;
        bad |= test_Edge_Deeper(&p.base, &q, NULL, &r, NULL) != rcSecurityDisallow;
        q.arr[1].tag = 0;
        q.d.o[0].u.in1.tag = 5;                  /* inactive member: not checked */
        q.d.o[0].tag = test_Edge_Outer_big_tag;
        bad |= test_Edge_Deeper(&p.base, &q, NULL, &r, NULL) != NK_EOK;
        q.d.o[0].tag = test_Edge_Outer_in1_tag;  /* now active: refused */
        bad |= test_Edge_Deeper(&p.base, &q, NULL, &r, NULL) != rcSecurityDisallow;
    }
    {
        _Alignas(8) char qb[test_Edge_Seqs_req_arena_size], rb[test_Edge_Seqs_res_arena_size];
        struct nk_arena qa = NK_ARENA_INITIALIZER(qb, qb + sizeof qb);
        struct nk_arena ra = NK_ARENA_INITIALIZER(rb, rb + sizeof rb);
        const uint16_t pairs[2][2] = { { 1, 2 }, { 3, 4 } };
        const struct test_Common_Point pts[1] = { { 5, 6 } };
        test_Edge_Seqs_req q;
        test_Edge_Seqs_res r;
        nk_size_t pn = 0, ptn = 0;
        bad |= nk_arena_store(uint16_t, &qa, &q.pairs, pairs, 4) != NK_EOK;
        bad |= nk_arena_store(struct test_Common_Point, &qa, &q.pts, pts, 1) != NK_EOK;
        bad |= test_Edge_Seqs(&p.base, &q, &qa, &r, &ra) != NK_EOK;
        typedef uint16_t pair_t[2];
        const pair_t *po = nk_arena_get(pair_t, &ra, &r.pairsOut, &pn);
        const struct test_Common_Point *pto = nk_arena_get(struct test_Common_Point, &ra, &r.ptsOut, &ptn);
        bad |= !po || pn != 2 || po[1][0] != 4 || !pto || ptn != 1 || pto[0].y != 6;
        q.pairs.size = 6;                        /* not a whole number of array<UInt16, 2> */
        bad |= test_Edge_Seqs(&p.base, &q, &qa, &r, &ra) != rcSecurityDisallow;
    }
    {
        test_Edge_Keys_req q;
        test_Edge_Keys_res r;
        q.k.int_ = 1;
        q.k.default_ = 2;
        q.int_ = 3;
        bad |= test_Edge_Keys(&p.base, &q, NULL, &r, NULL) != NK_EOK || r.return_ != 6 ||
               r.base_.hdr.handles[r.hp[0]].handle != 5 || r.hp[1] != 0xFFFFFFFFu;
    }
    {
        test_Edge_Ids_req q = { .id = 6, .id2 = 7 };
        test_Edge_Ids_res r;
        bad |= test_Edge_Ids(&p.base, &q, NULL, &r, NULL) != NK_EOK || r.id3 != 42;
    }
    bad |= test_Edge_Min64 != INT64_MIN || test_Edge_Max64 != UINT64_MAX ||
           test_Edge_Min32 != INT32_MIN || test_Edge_Small != -128;
    bad |= lt.layout_failures != 4;
    printf(bad ? "FAIL\n" : "OK\n");
    return bad;
}
