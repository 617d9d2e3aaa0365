/* bypass.Client: the legitimate client. Stores a value, hands its channel to
 * the Attacker (Give), and shows afterwards that nothing the Attacker tried
 * touched it: same channel, same value, no request on a closed channel, every
 * method still works. Its exit status is the solution's (0: all passed). */
#include <coresrv/sl/sl_api.h>
#include <coresrv/sys/sys_api.h>
#include <coresrv/syscalls.h>
#include <string.h>
#include <uapi/handle.h>
#include "../../../tests/guest/check.h"
#include "bypass/Attacker.edl.h"
#include "bypass/Server.edl.h"

#define VALUE 4242u

/* Give, raw: the test reads the reply's header (its badge). */
static Retcode give(Handle drop, Handle vault, struct bypass_IDrop_Give_res *res)
{
    struct bypass_IDrop_Give_req req;
    memset(&req, 0, sizeof(req));
    req.hdr.riid = bypass_Attacker_drop_riid;
    req.hdr.mid = bypass_IDrop_Give_mid;
    req.hdr.size = bypass_IDrop_Give_req_size;
    req.hdr.nhandles = 1;
    req.hdr.handles[0] = (SMsgHandle){ vault, RIGHT_IPC_CALL };  /* call only: no further transfer */
    req.h = 0;
    memset(res, 0, sizeof(*res));
    res->hdr.size = bypass_IDrop_Give_res_size;
    return Call(drop, &req.hdr, &res->hdr);
}

int main(void)
{
    Handle vault = ServiceLocatorConnect("bypass.Vault");
    Handle drop = ServiceLocatorConnect("bypass.Attacker");
    CHECK("client_channels_found", vault != INVALID_HANDLE && drop != INVALID_HANDLE,
          "vault %#x drop %#x", vault, drop);
    struct bypass_IStore_proxy store;
    struct bypass_IAdmin_proxy admin;
    bypass_IStore_proxy_init(&store, vault, bypass_Server_store_riid);
    bypass_IAdmin_proxy_init(&admin, vault, bypass_Server_admin_riid);
    uint32_t badge = 0, v = 0, again = 0;
    CHECK_RC("client_put", bypass_IStore_Put(&store, VALUE), rcOk);
    CHECK_RC("client_whoami", bypass_IStore_Whoami(&store, &badge), rcOk);

    /* The Attacker gets our channel and tries it (bypass.Attacker's give()). */
    struct bypass_IDrop_Give_res res;
    Retcode rc = give(drop, vault, &res);
    CHECK_RC("give_answered", rc, rcOk);
    CHECK("attacker_used_our_channel", res.badge == badge, "it saw badge %u, ours is %u",
          res.badge, badge);
    CHECK("attacker_checks_pass", rc == rcOk && res.failures == 0, "%u failures", res.failures);
    CHECK("reply_badge_cleared", res.hdr.badge == 0, "reply badge %#x", res.hdr.badge);

    /* Afterwards: all as before. */
    CHECK_RC("client_whoami_after", bypass_IStore_Whoami(&store, &again), rcOk);
    CHECK("client_same_channel", again == badge, "badge %u, was %u", again, badge);
    CHECK_RC("client_get_after", bypass_IStore_Get(&store, &v), rcOk);
    CHECK("client_value_intact", v == VALUE, "value %u", v);
    uint32_t notices = 0, reused = 0;
    CHECK_RC("client_stats", bypass_IStore_Stats(&store, &notices, &reused), rcOk);
    CHECK("one_channel_closed", notices == 1, "%u disconnect notices (the Attacker's own channel)",
          notices);
    CHECK("no_request_on_closed_channel", reused == 0, "%u requests on closed channels", reused);
    CHECK_RC("client_admin_granted", bypass_IAdmin_Wipe(&admin, 1), rcOk);
    CHECK_RC("client_get_wiped", bypass_IStore_Get(&store, &v), rcOk);
    CHECK("client_value_wiped", v == 0, "value %u", v);
    KnSysInfo info;
    CHECK_RC("client_kernel_still_answers", KnSysGetInfo(&info), rcOk);
    return check_done("bypass_client");
}
