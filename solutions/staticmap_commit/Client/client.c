/* limit.Client: sets, commits and rolls back its limit and calls Use, printing
 * each result; the policy (security.psl) grants Use(amount) only up to the
 * committed limit. Exits 0 when exactly the expected calls were refused. */
#include <coresrv/nk/transport-kos.h>   /* first: the KasperskyOS-form headers */
#include <coresrv/sl/sl_api.h>
#include <stdio.h>
#include "limit/Server.edl.h"

static struct limit_ILimit_proxy proxy;
static int wrong;

static void check(const char *what, nk_err_t rc, int expect_ok)
{
    printf("Client: %s %s\n", what, rc == NK_EOK ? "granted"
                                    : rc == rcSecurityDisallow ? "refused (rcSecurityDisallow)"
                                                               : "failed");
    if (expect_ok ? rc != NK_EOK : rc != rcSecurityDisallow)
        wrong++;
}

static void use(uint32_t amount, int expect_ok)
{
    char what[24];
    limit_ILimit_Use_req req = { .amount = amount };
    limit_ILimit_Use_res res;
    snprintf(what, sizeof what, "Use(%u)", amount);
    check(what, limit_ILimit_Use(&proxy.base, &req, NK_NULL, &res, NK_NULL), expect_ok);
}

static nk_err_t set(uint32_t value)
{
    limit_ILimit_Set_req req = { .value = value };
    limit_ILimit_Set_res res;
    return limit_ILimit_Set(&proxy.base, &req, NK_NULL, &res, NK_NULL);
}

static nk_err_t commit(void)
{
    limit_ILimit_Commit_req req;
    limit_ILimit_Commit_res res;
    nk_req_reset(&req);
    return limit_ILimit_Commit(&proxy.base, &req, NK_NULL, &res, NK_NULL);
}

static nk_err_t rollback(void)
{
    limit_ILimit_Rollback_req req;
    limit_ILimit_Rollback_res res;
    nk_req_reset(&req);
    return limit_ILimit_Rollback(&proxy.base, &req, NK_NULL, &res, NK_NULL);
}

int main(void)
{
    Handle ch = ServiceLocatorConnect("limit.Server");
    if (ch == INVALID_HANDLE) {
        printf("Client: no channel to limit.Server\n");
        return 1;
    }
    static NkKosTransport transport;
    NkKosTransport_Init(&transport, ch, NK_NULL, 0);
    limit_ILimit_proxy_init(&proxy, &transport.base, ServiceLocatorGetRiid(ch, "limit"));
    use(3, 1);                                          /* the default limit: 3 */
    use(5, 0);
    check("Set(5)", set(5), 1);                         /* working instance only */
    use(5, 0);
    check("Commit", commit(), 1);
    use(5, 1);
    check("Set(9)", set(9), 1);
    check("Rollback", rollback(), 1);
    check("Commit", commit(), 1);                       /* commits the rolled-back 5 */
    use(9, 0);
    use(5, 1);
    printf("Client: %s\n", wrong ? "FAILED" : "limits as committed");
    return wrong ? 1 : 0;
}
