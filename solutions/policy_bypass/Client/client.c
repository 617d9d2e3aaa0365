/* bypass.Client: the legitimate client. Stores a value, hands its channel to
 * the Attacker (Give), and shows afterwards that nothing the Attacker tried
 * touched it: same channel, same value, no request on a closed channel, every
 * method still works. Its exit status is the solution's (0: all passed).
 * Written in the KasperskyOS form (NkKosTransport, proxies, docs/IDL.md). */
#include <coresrv/nk/transport-kos.h>
#include <coresrv/sl/sl_api.h>
#include <coresrv/sys/sys_api.h>
#include <coresrv/syscalls.h>
#include <string.h>
#include <uapi/handle.h>
#include "../../../tests/guest/check.h"
#include "bypass/Attacker.edl.h"
#include "bypass/Server.edl.h"

#define VALUE 4242u

static struct bypass_IStore_proxy store;
static struct bypass_IAdmin_proxy admin;

static Retcode put(uint32_t value)
{
    bypass_IStore_Put_req req = { .value = value };
    bypass_IStore_Put_res res;
    return bypass_IStore_Put(&store.base, &req, NK_NULL, &res, NK_NULL);
}

static Retcode get(uint32_t *value)
{
    bypass_IStore_Get_req req = { 0 };
    bypass_IStore_Get_res res;
    Retcode rc = bypass_IStore_Get(&store.base, &req, NK_NULL, &res, NK_NULL);
    *value = rc == rcOk ? res.value : 0;
    return rc;
}

static Retcode whoami(uint32_t *badge)
{
    bypass_IStore_Whoami_req req = { 0 };
    bypass_IStore_Whoami_res res;
    Retcode rc = bypass_IStore_Whoami(&store.base, &req, NK_NULL, &res, NK_NULL);
    *badge = rc == rcOk ? res.badge : 0;
    return rc;
}

/* Give: our channel to the Vault, call rights only (no further transfer).
 * The test reads the reply's header (its badge) too. */
static Retcode give(struct bypass_IDrop_proxy *drop, Handle vault, bypass_IDrop_Give_res *res)
{
    bypass_IDrop_Give_req req;
    memset(&req, 0, sizeof(req));
    req.base_.hdr.nhandles = 1;
    req.base_.hdr.handles[0] = (SMsgHandle){ vault, RIGHT_IPC_CALL };
    req.h = 0;                                  /* the slot of the handle */
    memset(res, 0, sizeof(*res));
    return bypass_IDrop_Give(&drop->base, &req, NK_NULL, res, NK_NULL);
}

int main(void)
{
    Handle vault = ServiceLocatorConnect("bypass.Vault");
    Handle drop_h = ServiceLocatorConnect("bypass.Attacker");
    CHECK("client_channels_found", vault != INVALID_HANDLE && drop_h != INVALID_HANDLE,
          "vault %#x drop %#x", vault, drop_h);
    NkKosTransport vault_tr, drop_tr;
    NkKosTransport_Init(&vault_tr, vault, NK_NULL, 0);
    NkKosTransport_Init(&drop_tr, drop_h, NK_NULL, 0);
    struct bypass_IDrop_proxy drop;
    bypass_IStore_proxy_init(&store, &vault_tr.base, bypass_Server_store_iid);
    bypass_IAdmin_proxy_init(&admin, &vault_tr.base, bypass_Server_admin_iid);
    bypass_IDrop_proxy_init(&drop, &drop_tr.base, bypass_Attacker_drop_iid);
    uint32_t badge = 0, v = 0, again = 0;
    CHECK_RC("client_put", put(VALUE), rcOk);
    CHECK_RC("client_whoami", whoami(&badge), rcOk);

    /* The Attacker gets our channel and tries it (bypass.Attacker's give()). */
    bypass_IDrop_Give_res res;
    Retcode rc = give(&drop, vault, &res);
    CHECK_RC("give_answered", rc, rcOk);
    CHECK("attacker_used_our_channel", res.badge == badge, "it saw badge %u, ours is %u",
          res.badge, badge);
    CHECK("attacker_checks_pass", rc == rcOk && res.failures == 0, "%u failures", res.failures);
    CHECK("reply_badge_cleared", res.base_.hdr.badge == 0, "reply badge %#x", res.base_.hdr.badge);

    /* Afterwards: all as before. */
    CHECK_RC("client_whoami_after", whoami(&again), rcOk);
    CHECK("client_same_channel", again == badge, "badge %u, was %u", again, badge);
    CHECK_RC("client_get_after", get(&v), rcOk);
    CHECK("client_value_intact", v == VALUE, "value %u", v);
    bypass_IStore_Stats_req sreq = { 0 };
    bypass_IStore_Stats_res sres;
    CHECK_RC("client_stats", bypass_IStore_Stats(&store.base, &sreq, NK_NULL, &sres, NK_NULL), rcOk);
    CHECK("one_channel_closed", sres.notices == 1,
          "%u disconnect notices (the Attacker's own channel)", sres.notices);
    CHECK("no_request_on_closed_channel", sres.reused == 0, "%u requests on closed channels",
          sres.reused);
    bypass_IAdmin_Wipe_req wreq = { .all = 1 };
    bypass_IAdmin_Wipe_res wres;
    CHECK_RC("client_admin_granted", bypass_IAdmin_Wipe(&admin.base, &wreq, NK_NULL, &wres, NK_NULL),
             rcOk);
    CHECK_RC("client_get_wiped", get(&v), rcOk);
    CHECK("client_value_wiped", v == 0, "value %u", v);
    KnSysInfo info;
    CHECK_RC("client_kernel_still_answers", KnSysGetInfo(&info), rcOk);
    return check_done("bypass_client");
}
