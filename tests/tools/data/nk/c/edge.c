/*
 * Edge cases of generated code: handle-only views, arrays of unions, nested
 * unions, sequences of arrays and structs, C keywords as IDL names, extreme
 * constants, an interface without methods. Prints "OK" on success.
 */
#include <stdio.h>
#include <string.h>

#include "test/EdgeServer.edl.h"
#include "test/EdgeServer.layout.h"
#include "layout_check.h"

static _Alignas(8) uint8_t sreq[1024], sres[1024], sra[4096], srs[4096];

static Retcode op_give(void *c, const struct test_Edge_Handles_view *h,
                       struct test_Edge_Handles_view *b)
{
    (void)c;
    *b = *h;
    b->a.rights = 9;
    return rcOk;
}

static Retcode op_deeper(void *c, const struct test_Edge_Deep *d, const struct test_Edge_Inner arr[3],
                         struct test_Edge_Deep *b)
{
    (void)c;
    *b = *d;
    b->p.x += (int32_t)arr[2].u.w;
    return rcOk;
}

static Retcode op_seqs(void *c, uint16_t (*pairs)[2], uint32_t np,
                       const struct test_Common_Point *pts, uint32_t npts, uint16_t (*po)[2],
                       uint32_t pocap, uint32_t *pon, struct test_Common_Point *ptso, uint32_t ptcap,
                       uint32_t *ptn)
{
    (void)c;
    for (uint32_t i = 0; i < np && i < pocap; i++) {
        po[i][0] = pairs[i][1];
        po[i][1] = pairs[i][0];
    }
    *pon = np;
    for (uint32_t i = 0; i < npts && i < ptcap; i++)
        ptso[i] = pts[i];
    *ptn = npts;
    return rcOk;
}

static Retcode op_keys(void *c, const struct test_Edge_Keywords *k, uint32_t int_, uint8_t *return_,
                       SMsgHandle hp[2])
{
    (void)c;
    *return_ = (uint8_t)(k->int_ + k->default_ + int_);
    hp[0].handle = 5;
    hp[1].handle = INVALID_HANDLE;
    return rcOk;
}

static Retcode op_ids(void *c, uint32_t a, uint32_t b, uint32_t *o)
{
    (void)c;
    *o = a * b;
    return rcOk;
}

static const struct test_Edge_ops edge_ops = { op_give, op_deeper, op_seqs, op_keys, op_ids };
static const struct test_Empty_ops empty_ops = { 0 };

Retcode Call(Handle h, const SMsgHdr *out, SMsgHdr *in)
{
    SMsgHdr *r = (SMsgHdr *)(void *)sreq, *s = (SMsgHdr *)(void *)sres;
    struct test_EdgeServer_ops o = { &edge_ops, NULL, &empty_ops, NULL };
    const struct sec_method *ml;
    uint64_t a = in->arena;

    (void)h;
    memcpy(r, out, sizeof(SMsgHdr) + out->size);
    if (out->arena_size)
        memcpy(sra, (const void *)(uintptr_t)out->arena, out->arena_size);
    r->arena = (uint64_t)(uintptr_t)sra;
    ml = lay_method(&test_EdgeServer_layout, r->riid, r->mid);
    if (!ml || !lay_ok(&ml->req, (const uint8_t *)(r + 1), r->size, sra, r->arena_size, r->nhandles))
        return rcSecurityDisallow;
    (void)test_EdgeServer_dispatch(&o, r, sizeof(SMsgHdr) + r->size, s, sizeof sres, srs, sizeof srs);
    memcpy(in, s, sizeof(SMsgHdr) + s->size);
    if (s->arena_size)
        memcpy((void *)(uintptr_t)a, srs, s->arena_size);
    in->arena = a;
    return rcOk;
}

int main(void)
{
    struct test_Edge_proxy p;
    struct test_Empty_proxy e;
    int bad = 0;

    test_Edge_proxy_init(&p, 1, test_EdgeServer_edge_riid);
    test_Empty_proxy_init(&e, 1, test_EdgeServer_empty_riid);
    (void)e;
    {
        struct test_Edge_Handles_view h = { { 3, 1 }, { { 4, 1 }, { INVALID_HANDLE, 0 } } }, hb;
        bad |= test_Edge_Give(&p, &h, &hb) != rcOk || hb.a.handle != 3 || hb.more[0].handle != 4 ||
               hb.more[1].handle != INVALID_HANDLE;
    }
    {
        struct test_Edge_Deep d, db;
        struct test_Edge_Inner arr[3];
        memset(&d, 0, sizeof d);
        d.o[1].tag = test_Edge_Outer_in1_tag;
        d.o[1].u.in1.tag = test_Edge_Inner_w_tag;
        d.o[1].u.in1.u.w = 7;
        d.p.x = 1;
        memset(arr, 0, sizeof arr);
        arr[2].tag = test_Edge_Inner_w_tag;
        arr[2].u.w = 10;
        bad |= test_Edge_Deeper(&p, &d, arr, &db) != rcOk || db.p.x != 11 || db.o[1].u.in1.u.w != 7;
        arr[1].tag = 2;
        bad |= test_Edge_Deeper(&p, &d, arr, &db) != rcSecurityDisallow;
        arr[1].tag = 0;
        d.o[0].u.in1.tag = 5;   /* inactive member: not checked */
        d.o[0].tag = test_Edge_Outer_big_tag;
        bad |= test_Edge_Deeper(&p, &d, arr, &db) != rcOk;
    }
    {
        uint16_t pairs[2][2] = { { 1, 2 }, { 3, 4 } }, po[4][2];
        uint32_t pn = 0, ptn = 0;
        struct test_Common_Point pts[1] = { { 5, 6 } }, pto[3];
        bad |= test_Edge_Seqs(&p, pairs, 2, pts, 1, po, 4, &pn, pto, 3, &ptn) != rcOk || pn != 2 ||
               po[1][0] != 4 || ptn != 1 || pto[0].y != 6;
    }
    {
        struct test_Edge_Keywords k = { 1, 2 };
        uint8_t ret = 0;
        SMsgHandle hp[2];   /* handles inside arrays and structs travel as SMsgHandle */
        bad |= test_Edge_Keys(&p, &k, 3, &ret, hp) != rcOk || ret != 6 || hp[0].handle != 5 ||
               hp[1].handle != INVALID_HANDLE;
    }
    {
        uint32_t id3 = 0;
        bad |= test_Edge_Ids(&p, 6, 7, &id3) != rcOk || id3 != 42;
    }
    bad |= test_Edge_Min64 != INT64_MIN || test_Edge_Max64 != UINT64_MAX ||
           test_Edge_Min32 != INT32_MIN || test_Edge_Small != -128;
    printf(bad ? "FAIL\n" : "OK\n");
    return bad;
}
