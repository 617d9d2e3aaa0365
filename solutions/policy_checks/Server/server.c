/* policy.Server: serves policy.ICalc on two endpoints (admin, main.calc) through
 * one listener found with ServiceLocatorRegister; counts the requests it saw.
 * KasperskyOS form: NkKosTransport, policy_Server_entity_dispatch (docs/IDL.md). */
#include <coresrv/nk/transport-kos-security.h>
#include <coresrv/sl/sl_api.h>
#include <coresrv/syscalls.h>
#include <stdio.h>
#include <string.h>
#include "policy/Client.edl.h"
#include "policy/Server.edl.h"

/* The implementation of policy.ICalc: the interface object, then its state. */
typedef struct CalcImpl {
    struct policy_ICalc base;
    uint32_t served;                         /* requests that reached an op */
} CalcImpl;

static nk_err_t add(struct policy_ICalc *self, const policy_ICalc_Add_req *req,
                    const struct nk_arena *req_arena, policy_ICalc_Add_res *res,
                    struct nk_arena *res_arena)
{
    (void)req_arena, (void)res_arena;
    ((CalcImpl *)self)->served++;
    res->sum = req->a + req->b;
    return NK_EOK;
}

static nk_err_t secret(struct policy_ICalc *self, const policy_ICalc_Secret_req *req,
                       const struct nk_arena *req_arena, policy_ICalc_Secret_res *res,
                       struct nk_arena *res_arena)
{
    (void)req_arena, (void)res_arena;
    ((CalcImpl *)self)->served++;
    res->value = req->key * 1000u;           /* >= 1000 for key >= 1: the policy refuses it */
    return NK_EOK;
}

static nk_err_t name(struct policy_ICalc *self, const policy_ICalc_Name_req *req,
                     const struct nk_arena *req_arena, policy_ICalc_Name_res *res,
                     struct nk_arena *res_arena)
{
    (void)res_arena;
    nk_size_t n = 0;
    /* the dispatcher checked it: inside the arena, ending with its only NUL */
    const char *s = nk_arena_get(char, req_arena, &req->name, &n);
    if (s == NK_NULL || n == 0)
        return NK_EBADMSG;
    ((CalcImpl *)self)->served++;
    res->len = (nk_uint32_t)(n - 1);
    return NK_EOK;
}

static nk_err_t count(struct policy_ICalc *self, const policy_ICalc_Count_req *req,
                      const struct nk_arena *req_arena, policy_ICalc_Count_res *res,
                      struct nk_arena *res_arena)
{
    (void)req, (void)req_arena, (void)res_arena;
    res->served = ((CalcImpl *)self)->served;
    return NK_EOK;
}

int main(void)
{
    rtl_uint32_t id = 7;
    Handle listener = ServiceLocatorRegister("policy.Server", NULL, 0, &id);
    if (listener == INVALID_HANDLE) {
        printf("Server: no listener\n");
        return 1;
    }
    printf("Server: listener found (id %u)\n", id);
    /* A class without a security interface cannot ask the security module:
     * any method is malformed for it. */
    NkKosSecurityTransport security;
    NkKosSecurityTransport_Init(&security, NK_NULL, 0);
    struct policy_IAudit_proxy sp;
    policy_IAudit_proxy_init(&sp, &security.base, MSG_RIID_SECURITY);
    policy_IAudit_Check_req sreq = { .level = 1 };
    policy_IAudit_Check_res sres;
    printf("Server: security call without a security interface: rc %d\n",
           policy_IAudit_Check(&sp.base, &sreq, NK_NULL, &sres, NK_NULL));

    static const struct policy_ICalc_ops calc_ops = {
        .Add = add, .Secret = secret, .Name = name, .Count = count,
    };
    static CalcImpl calc = { .base = { &calc_ops } };
    policy_Calc_component main_calc;
    policy_Calc_component_init(&main_calc, &calc.base);
    policy_Server_entity entity;
    policy_Server_entity_init(&entity, &calc.base, &main_calc);   /* admin, main */

    NkKosTransport transport;
    NkKosTransport_Init(&transport, listener, NK_NULL, 0);
    static policy_Server_entity_req req;
    static policy_Server_entity_res res;
    static _Alignas(8) char req_buf[policy_Server_entity_req_arena_size + 8];
    static _Alignas(8) char res_buf[policy_Server_entity_res_arena_size + 8];
    struct nk_arena req_arena = NK_ARENA_INITIALIZER(req_buf, req_buf + sizeof(req_buf));
    struct nk_arena res_arena = NK_ARENA_INITIALIZER(res_buf, res_buf + sizeof(res_buf));
    for (;;) {
        nk_req_reset(&req);
        nk_arena_reset(&req_arena);
        nk_arena_reset(&res_arena);
        if (nk_transport_recv(&transport.base, &req.base_, &req_arena) != NK_EOK)
            continue;
        policy_Server_entity_dispatch(&entity, &req.base_, &req_arena, &res.base_, &res_arena);
        nk_err_t rc = nk_transport_reply(&transport.base, &res.base_, &res_arena);
        if (rc != NK_EOK)
            printf("Server: reply to mid %u refused: rc %d\n", req.base_.hdr.mid, rc);
    }
}
