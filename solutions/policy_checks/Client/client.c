/* policy.Client: the console checks of the security module under
 * solutions/policy_checks/security.psl (tests/test_policy.py): the Service
 * Locator, granted and denied requests and responses, malformed messages
 * (rcInvalidArgument), and security calls through the class's security
 * interface policy.IAudit. Prints CHECK lines (tests/guest/check.h).
 * KasperskyOS form: NkKosTransport, NkKosSecurityTransport (docs/IDL.md). */
#include <coresrv/nk/transport-kos-security.h>
#include <coresrv/handle/handle_api.h>
#include <coresrv/sl/sl_api.h>
#include <coresrv/syscalls.h>
#include <stdio.h>
#include <string.h>
#include "../../../tests/guest/check.h"
#include "kl/core/Core.edl.h"
#include "policy/Client.edl.h"
#include "policy/Server.edl.h"

static Handle server;
static Handle token = KERNEL_HANDLE;      /* a transferable handle (main) */

/* A raw request to the server: riid, mid, constant part, arena. */
static Retcode raw_call(Handle h, uint32_t riid, uint32_t mid, const void *data, uint32_t size,
                        const void *arena, uint32_t arena_size, uint16_t nhandles)
{
    static union { SMsgHdr hdr; uint8_t raw[sizeof(SMsgHdr) + 64]; } out, in;
    memset(&out, 0, sizeof(out));
    out.hdr.riid = (uint16_t)riid;
    out.hdr.mid = mid;
    out.hdr.size = size;
    out.hdr.arena = (uintptr_t)arena;
    out.hdr.arena_size = arena_size;
    out.hdr.nhandles = nhandles;
    for (uint16_t i = 0; i < nhandles && i < MSG_MAX_HANDLES; i++)
        out.hdr.handles[i] = (SMsgHandle){ token, 0 };
    if (size)
        memcpy(out.raw + sizeof(SMsgHdr), data, size);
    memset(&in.hdr, 0, sizeof(in.hdr));
    in.hdr.size = sizeof(in) - sizeof(SMsgHdr);
    return Call(h, &out.hdr, &in.hdr);
}

static void service_locator(void)
{
    server = ServiceLocatorConnect("policy.Server");
    CHECK("sl_connect", server != INVALID_HANDLE, "no client handle for policy.Server");
    CHECK("sl_connect_unknown", ServiceLocatorConnect("no.Such") == INVALID_HANDLE,
          "a handle for an unknown channel");
    CHECK("sl_connect_null", ServiceLocatorConnect(NULL) == INVALID_HANDLE, "a handle for NULL");
    nk_iid_t r = ServiceLocatorGetRiid(server, "main.calc");
    CHECK("sl_riid_component", r == policy_Server_main_calc_iid, "main.calc: %u", r);
    r = ServiceLocatorGetRiid(server, "admin");
    CHECK("sl_riid_endpoint", r == policy_Server_admin_iid, "admin: %u", r);
    r = ServiceLocatorGetRiid(server, "calc");
    CHECK("sl_riid_unknown", r == INVALID_RIID, "calc: %u", r);
    r = ServiceLocatorGetRiid(INVALID_HANDLE, "admin");
    CHECK("sl_riid_bad_handle", r == INVALID_RIID, "INVALID_HANDLE: %u", r);
    /* The kernel handle was not connected by name: a path known in one class only. */
    r = ServiceLocatorGetRiid(KERNEL_HANDLE, "task");
    CHECK("sl_riid_kernel", r == kl_core_Core_task_iid, "task: %u", r);
    CHECK("sl_register_client_side", ServiceLocatorRegister("policy.Server", NULL, 0, NULL) ==
          INVALID_HANDLE, "a client has no listener");
}

/* ICalc's methods through a proxy, with plain C arguments. */
static Retcode add(struct policy_ICalc_proxy *p, uint32_t a, uint32_t b, uint32_t *sum)
{
    policy_ICalc_Add_req req = { .a = a, .b = b };
    policy_ICalc_Add_res res;
    Retcode rc = policy_ICalc_Add(&p->base, &req, NK_NULL, &res, NK_NULL);
    if (rc == rcOk)
        *sum = res.sum;
    return rc;
}

static Retcode secret(struct policy_ICalc_proxy *p, uint32_t key, uint32_t *value)
{
    policy_ICalc_Secret_req req = { .key = key };
    policy_ICalc_Secret_res res;
    Retcode rc = policy_ICalc_Secret(&p->base, &req, NK_NULL, &res, NK_NULL);
    if (rc == rcOk)
        *value = res.value;
    return rc;
}

static Retcode name(struct policy_ICalc_proxy *p, const char *s, uint32_t *len)
{
    char buf[policy_ICalc_Name_req_arena_size];
    struct nk_arena arena = NK_ARENA_INITIALIZER(buf, buf + sizeof(buf));
    policy_ICalc_Name_req req;
    policy_ICalc_Name_res res;
    if (nk_arena_store(char, &arena, &req.name, s, strlen(s) + 1) != NK_EOK)
        return rcBufferTooLarge;
    Retcode rc = policy_ICalc_Name(&p->base, &req, &arena, &res, NK_NULL);
    if (rc == rcOk)
        *len = res.len;
    return rc;
}

static void requests_and_responses(struct policy_ICalc_proxy *p, NkKosTransport *t)
{
    uint32_t v = 0;
    CHECK_RC("add_granted", add(p, 2, 3, &v), rcOk);
    CHECK("add_result", v == 5, "2 + 3 = %u", v);
    v = 7;
    CHECK_RC("secret_small_granted", secret(p, 0, &v), rcOk);
    CHECK("secret_small_result", v == 0, "secret(0) = %u", v);
    v = 7;
    CHECK_RC("response_denied", secret(p, 2, &v), rcSecurityDisallow);
    CHECK("response_denied_nothing_delivered", v == 7, "value changed to %u", v);
    CHECK_RC("after_denied_response", add(p, 40, 2, &v), rcOk);
    CHECK("after_denied_response_result", v == 42, "40 + 2 = %u", v);

    struct policy_ICalc_proxy admin;
    policy_ICalc_proxy_init(&admin, &t->base, policy_Server_admin_iid);
    CHECK_RC("request_no_binding", add(&admin, 1, 1, &v), rcSecurityDisallow);
    uint32_t len = 0;
    CHECK_RC("name_granted", name(p, "policy", &len), rcOk);
    CHECK("name_result", len == 6, "len %u", len);
}

static void malformed(void)
{
    uint32_t args[4] = { 1, 2, 0, 0 };
    uint32_t calc = policy_Server_main_calc_iid;
    CHECK_RC("bad_riid", raw_call(server, 9, policy_ICalc_Add_mid, args, 8, NULL, 0, 0),
             rcInvalidArgument);
    CHECK_RC("bad_mid", raw_call(server, calc, 42, args, 8, NULL, 0, 0), rcInvalidArgument);
    CHECK_RC("bad_mid_error_marker", raw_call(server, calc, MSG_MID_ERROR, args, 4, NULL, 0, 0),
             rcInvalidArgument);
    CHECK_RC("bad_size_long", raw_call(server, calc, policy_ICalc_Add_mid, args, 12, NULL, 0, 0),
             rcInvalidArgument);
    CHECK_RC("bad_size_short", raw_call(server, calc, policy_ICalc_Add_mid, args, 4, NULL, 0, 0),
             rcInvalidArgument);
    /* Name's string descriptor {offset, size} outside the arena */
    static _Alignas(8) char arena[16] = "abc";
    nk_arena_desc d = { 8, 4 };
    CHECK_RC("bad_arena_offset", raw_call(server, calc, policy_ICalc_Name_mid, &d, sizeof(d), arena,
                                          8, 0), rcInvalidArgument);
    d = (nk_arena_desc){ 0, 32 };              /* over string<16> */
    CHECK_RC("bad_arena_size", raw_call(server, calc, policy_ICalc_Name_mid, &d, sizeof(d), arena,
                                        16, 0), rcInvalidArgument);
    d = (nk_arena_desc){ 0, 0 };               /* an empty string lacks its NUL */
    CHECK_RC("bad_arena_empty_string", raw_call(server, calc, policy_ICalc_Name_mid, &d,
                                                sizeof(d), arena, 16, 0), rcInvalidArgument);
    CHECK_RC("bad_handle_count", raw_call(server, calc, policy_ICalc_Add_mid, args, 8, NULL, 0, 1),
             rcInvalidArgument);
    /* to the kernel too */
    CHECK_RC("bad_kernel_riid", raw_call(KERNEL_HANDLE, 77, 0, args, 8, NULL, 0, 0),
             rcInvalidArgument);
    CHECK_RC("bad_kernel_mid", raw_call(KERNEL_HANDLE, kl_core_Core_sys_iid, 99, NULL, 0, NULL, 0,
                                        0), rcInvalidArgument);
}

/* A method of the security interface through NkKosSecurityTransport. */
#define AUDIT(sp, m, ...)                                                         \
    ({                                                                            \
        policy_IAudit_##m##_req r_ = { __VA_ARGS__ };                             \
        policy_IAudit_##m##_res s_;                                               \
        policy_IAudit_##m(&(sp)->base, &r_, NK_NULL, &s_, NK_NULL);               \
    })

static void security_calls(void)
{
    NkKosSecurityTransport security;
    CHECK_RC("security_transport", NkKosSecurityTransport_Init(&security, NK_NULL, 0), NK_EOK);
    struct policy_IAudit_proxy sp;
    policy_IAudit_proxy_init(&sp, &security.base, policy_Client_securityIid);
    CHECK("security_riid", policy_Client_securityIid == MSG_RIID_SECURITY, "riid %u",
          (unsigned)policy_Client_securityIid);
    CHECK_RC("security_granted", AUDIT(&sp, Check, .level = 3), rcOk);
    CHECK_RC("security_denied", AUDIT(&sp, Check, .level = 4), rcSecurityDisallow);
    CHECK_RC("security_deny_rule", AUDIT(&sp, Report, .code = -1, .flags = 0), rcSecurityDisallow);
    CHECK_RC("security_assert_rule", AUDIT(&sp, Report, .code = 5, .flags = 2), rcSecurityDisallow);
    CHECK_RC("security_report_granted", AUDIT(&sp, Report, .code = 5, .flags = 1), rcOk);
    uint32_t level = 1;
    CHECK_RC("security_bad_mid", raw_call(KERNEL_HANDLE, MSG_RIID_SECURITY, 5, &level, 4, NULL, 0,
                                          0), rcInvalidArgument);
    CHECK_RC("security_bad_size", raw_call(KERNEL_HANDLE, MSG_RIID_SECURITY,
                                           policy_IAudit_Check_mid, &level, 0, NULL, 0, 0),
             rcInvalidArgument);
    CHECK_RC("security_handles", raw_call(KERNEL_HANDLE, MSG_RIID_SECURITY,
                                          policy_IAudit_Check_mid, &level, 4, NULL, 0, 1),
             rcInvalidArgument);
    CHECK_RC("security_raw_granted", raw_call(KERNEL_HANDLE, MSG_RIID_SECURITY,
                                              policy_IAudit_Check_mid, &level, 4, NULL, 0, 0),
             rcOk);
    /* The security riid on a server channel is just a wrong RIID. */
    CHECK_RC("security_riid_to_server", raw_call(server, MSG_RIID_SECURITY,
                                                 policy_IAudit_Check_mid, &level, 4, NULL, 0, 0),
             rcInvalidArgument);
}

int main(void)
{
    CHECK_RC("token", KnHandleCreateUserObject(KOBJ_USER, RIGHT_TRANSFER, NULL, &token), rcOk);
    service_locator();
    if (server == INVALID_HANDLE)
        return check_done("policy_client");
    NkKosTransport transport;
    NkKosTransport_Init(&transport, server, NK_NULL, 0);
    struct policy_ICalc_proxy p;
    policy_ICalc_proxy_init(&p, &transport.base, ServiceLocatorGetRiid(server, "main.calc"));
    requests_and_responses(&p, &transport);
    malformed();
    security_calls();
    /* the server saw only the valid, granted requests: Add x2, Secret x2, Name */
    policy_ICalc_Count_req creq = { 0 };
    policy_ICalc_Count_res cres = { 0 };
    CHECK_RC("count_call", policy_ICalc_Count(&p.base, &creq, NK_NULL, &cres, NK_NULL), rcOk);
    CHECK("server_saw_only_valid_requests", cres.served == 5, "served %u, expected 5",
          cres.served);
    return check_done("policy_client");
}
