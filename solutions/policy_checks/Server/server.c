/* policy.Server: serves policy.ICalc on two endpoints (admin, main.calc) through
 * one listener found with ServiceLocatorRegister; counts the requests it saw. */
#include <coresrv/sl/sl_api.h>
#include <coresrv/syscalls.h>
#include <stdio.h>
#include <string.h>
#include "policy/Client.edl.h"
#include "policy/Server.edl.h"

static uint32_t served;                      /* requests that reached an op */

static Retcode add(void *ctx, uint32_t a, uint32_t b, uint32_t *sum)
{
    (void)ctx;
    served++;
    *sum = a + b;
    return rcOk;
}

static Retcode secret(void *ctx, uint32_t key, uint32_t *value)
{
    (void)ctx;
    served++;
    *value = key * 1000u;                    /* >= 1000 for key >= 1: the policy refuses it */
    return rcOk;
}

static Retcode name(void *ctx, const char *s, uint32_t *len)
{
    (void)ctx;
    served++;
    *len = (uint32_t)strlen(s);
    return rcOk;
}

static Retcode count(void *ctx, uint32_t *n)
{
    (void)ctx;
    *n = served;
    return rcOk;
}

static const struct policy_ICalc_ops calc_ops = {
    .Add = add, .Secret = secret, .Name = name, .Count = count,
};

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
    struct policy_IAudit_proxy sp;
    policy_IAudit_proxy_init(&sp, KERNEL_HANDLE, NK_RIID_SECURITY);
    printf("Server: security call without a security interface: rc %d\n",
           policy_IAudit_Check(&sp, 1));

    static union { SMsgHdr hdr; uint8_t raw[policy_Server_req_max]; } req;
    static union { SMsgHdr hdr; uint8_t raw[policy_Server_res_max]; } res;
    static _Alignas(8) uint8_t req_arena[policy_Server_req_arena_max + 8];
    static _Alignas(8) uint8_t res_arena[policy_Server_res_arena_max + 8];
    const struct policy_Server_ops ops = { .admin = &calc_ops, .main_calc = &calc_ops };
    for (;;) {
        req.hdr.size = sizeof(req) - sizeof(SMsgHdr);
        req.hdr.arena = (uintptr_t)req_arena;
        req.hdr.arena_cap = sizeof(req_arena);
        if (Recv(listener, &req.hdr) != rcOk || req.hdr.mid == MSG_MID_DISCONNECT)
            continue;                         /* a client end is gone: nothing to answer */
        policy_Server_dispatch(&ops, &req.hdr, sizeof(req), &res.hdr, sizeof(res), res_arena,
                               sizeof(res_arena));
        Retcode rc = Reply(listener, &res.hdr);
        if (rc != rcOk)
            printf("Server: reply to mid %u refused: rc %d\n", req.hdr.mid, rc);
    }
}
