/* limit.Client: sets, commits and rolls back its limit and calls Use, printing
 * each result; the policy (security.psl) grants Use(amount) only up to the
 * committed limit. Exits 0 when exactly the expected calls were refused. */
#include <coresrv/channel/channel_api.h>
#include <stdio.h>
#include <uapi/syscall.h>
#include "limit/Server.edl.h"

static struct limit_ILimit_proxy proxy;
static int wrong;

static void check(const char *what, Retcode rc, int expect_ok)
{
    printf("Client: %s %s\n", what, rc == rcOk ? "granted"
                                    : rc == rcSecurityDisallow ? "refused (rcSecurityDisallow)"
                                                               : "failed");
    if (expect_ok ? rc != rcOk : rc != rcSecurityDisallow)
        wrong++;
}

static void use(uint32_t amount, int expect_ok)
{
    char what[24];
    uint32_t result = 0;
    snprintf(what, sizeof what, "Use(%u)", amount);
    check(what, limit_ILimit_Use(&proxy, amount, &result), expect_ok);
}

int main(void)
{
    Handle ch;
    if (KnChannelLookup("limit.Server", SERVICE_CLIENT, &ch)) {
        printf("Client: no channel to limit.Server\n");
        return 1;
    }
    limit_ILimit_proxy_init(&proxy, ch, limit_Server_limit_riid);
    use(3, 1);                                          /* the default limit: 3 */
    use(5, 0);
    check("Set(5)", limit_ILimit_Set(&proxy, 5), 1);    /* working instance only */
    use(5, 0);
    check("Commit", limit_ILimit_Commit(&proxy), 1);
    use(5, 1);
    check("Set(9)", limit_ILimit_Set(&proxy, 9), 1);
    check("Rollback", limit_ILimit_Rollback(&proxy), 1);
    check("Commit", limit_ILimit_Commit(&proxy), 1);    /* commits the rolled-back 5 */
    use(9, 0);
    use(5, 1);
    printf("Client: %s\n", wrong ? "FAILED" : "limits as committed");
    return wrong ? 1 : 0;
}
