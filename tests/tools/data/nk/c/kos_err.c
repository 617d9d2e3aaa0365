/*
 * IDL `error` parameters in the KasperskyOS form, as the SDK's errors_via_ipc
 * example uses them: the server's op calls nk_err_reset(res) and sets
 * res->err_.<name>; the client reads res.err_.<name> (0 when the op set
 * none); err_ is the same bytes as the parameters by their own names. Through
 * the loopback "kernel" of kos_loop.h (layout checks) into errs.Server's
 * entity dispatcher. Prints "OK" on success.
 */
#include <coresrv/nk/transport-kos.h>
#include <stddef.h>
#include <stdio.h>

#include "errs/Server.edl.h"
#include "errs/Server.layout.h"
#include "kos_loop.h"

static int failures;
#define CHECK(cond) do { if (!(cond)) { printf("FAIL line %d: %s\n", __LINE__, #cond); failures++; } } while (0)

/* err_ overlays the parameters: same offsets, same size as without it */
_Static_assert(offsetof(errs_ISum_Sum_res, err_.status) == offsetof(errs_ISum_Sum_res, status), "err_");
_Static_assert(offsetof(errs_ISum_Two_res, err_.code) == offsetof(errs_ISum_Two_res, code), "err_");
_Static_assert(offsetof(errs_ISum_Two_res, err_.detail) == offsetof(errs_ISum_Two_res, detail), "err_");
_Static_assert(sizeof(errs_ISum_Sum_res) == 64 + 16, "size");

static int calls;

static nk_err_t sum_impl(struct errs_ISum *self, const errs_ISum_Sum_req *req,
                         const struct nk_arena *ra, errs_ISum_Sum_res *res, struct nk_arena *wa)
{
    (void)self; (void)ra; (void)wa;
    if (++calls % 2) {
        res->result = (uint64_t)req->request.num1 + req->request.num2;
    } else {
        nk_err_reset(res);
        res->err_.status = rcBusy;
    }
    return NK_EOK;
}

static nk_err_t two_impl(struct errs_ISum *self, const errs_ISum_Two_req *req,
                         const struct nk_arena *ra, errs_ISum_Two_res *res, struct nk_arena *wa)
{
    (void)self; (void)ra; (void)wa;
    res->y = req->x + 1;
    if (req->x == 7) {
        nk_err_reset(res);
        res->err_.code = 3;
        res->detail = 0x1122334455667788ull;     /* the same field by its own name */
    }
    return NK_EOK;
}

static nk_err_t odd_impl(struct errs_ISum *self, const errs_ISum_Odd_req *req,
                         const struct nk_arena *ra, errs_ISum_Odd_res *res, struct nk_arena *wa)
{
    (void)self; (void)ra; (void)wa;
    res->y = req->x;
    res->small = 1;          /* no err_ here: the parameters by their names only */
    res->wide = 2;
    return NK_EOK;
}

static const struct errs_ISum_ops ops = { .Sum = sum_impl, .Two = two_impl, .Odd = odd_impl };
static struct errs_ISum impl = { &ops };
static errs_Server_entity server;

static nk_err_t dispatch(const struct nk_message *req, const struct nk_arena *req_arena,
                         struct nk_message *res, struct nk_arena *res_arena)
{
    return errs_Server_entity_dispatch(&server, req, req_arena, res, res_arena);
}

int main(void)
{
    struct loop_transport lt;
    errs_ISum_proxy p;
    errs_Server_entity_init(&server, &impl);
    loop_init(&lt, dispatch, &errs_Server_layout, 1);
    errs_ISum_proxy_init(&p, &lt.base, errs_Server_log_iid);

    errs_ISum_Sum_req q;
    errs_ISum_Sum_res r;
    q.request.repeats = 0;
    q.request.num1 = 40;
    q.request.num2 = 2;
    memset(&r, 0x5a, sizeof r);                  /* whatever the client's buffer held */
    CHECK(errs_ISum_Sum(&p.base, &q, NULL, &r, NULL) == NK_EOK);
    CHECK(r.err_.status == 0 && r.result == 42);
    CHECK(errs_ISum_Sum(&p.base, &q, NULL, &r, NULL) == NK_EOK);
    CHECK(r.err_.status == rcBusy && r.status == rcBusy);
    CHECK(errs_ISum_Sum(&p.base, &q, NULL, &r, NULL) == NK_EOK);
    CHECK(r.err_.status == 0 && r.result == 42);  /* the server's last error is not kept */

    errs_ISum_Two_req tq;
    errs_ISum_Two_res tr;
    tq.x = 7;
    CHECK(errs_ISum_Two(&p.base, &tq, NULL, &tr, NULL) == NK_EOK);
    CHECK(tr.y == 8 && tr.err_.code == 3 && tr.err_.detail == 0x1122334455667788ull);
    tq.x = 1;
    CHECK(errs_ISum_Two(&p.base, &tq, NULL, &tr, NULL) == NK_EOK);
    CHECK(tr.y == 2 && tr.code == 0 && tr.detail == 0);

    errs_ISum_Odd_req oq;
    errs_ISum_Odd_res orr;
    oq.x = 5;
    CHECK(errs_ISum_Odd(&p.base, &oq, NULL, &orr, NULL) == NK_EOK);
    CHECK(orr.y == 5 && orr.small == 1 && orr.wide == 2);
    CHECK(lt.layout_failures == 0);
    if (failures)
        return 1;
    printf("OK\n");
    return 0;
}
