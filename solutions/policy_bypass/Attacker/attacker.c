/* bypass.Attacker: tries, as a hostile program would, to reach what
 * security.psl does not grant its class: forged badges, a closed channel,
 * wrong riid/mid and the kernel's message markers, forged channel objects,
 * other tasks' channel names, classes it may not start, kernel endpoints it
 * may not call, and the Client's channel handed to it. Every attempt must fail
 * with the documented Retcode (the console test checks the audit lines).
 * Prints CHECK lines (tests/guest/check.h); its failure count goes back to
 * the Client in the answer to Give. */
#include <coresrv/nk/transport-kos.h>
#include <coresrv/channel/channel_api.h>
#include <coresrv/handle/handle_api.h>
#include <coresrv/io/io_api.h>
#include <coresrv/sl/sl_api.h>
#include <coresrv/sys/sys_api.h>
#include <coresrv/task/task_api.h>
#include <coresrv/thread/thread_api.h>
#include <coresrv/syscalls.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <uapi/handle.h>
#include "../../../tests/guest/check.h"
#include "bypass/Attacker.edl.h"
#include "bypass/Server.edl.h"

#define STORE bypass_Server_store_iid
#define ADMIN bypass_Server_admin_iid

static Handle srv, spare, listener;

/* A raw request: header fields as the attacker likes them. *answer gets the
 * first word of the reply (Whoami: the badge the server saw). */
static Retcode raw(Handle h, uint32_t riid, uint32_t mid, uint32_t size, uint32_t badge,
                   Handle attach, uint32_t attach_rights, uint32_t *answer)
{
    static union { SMsgHdr hdr; uint8_t raw[sizeof(SMsgHdr) + 64]; } out, in;
    memset(&out, 0, sizeof(out));
    out.hdr.riid = (uint16_t)riid;
    out.hdr.mid = mid;
    out.hdr.size = size;
    out.hdr.badge = badge;
    if (attach != INVALID_HANDLE) {
        out.hdr.nhandles = 1;
        out.hdr.handles[0] = (SMsgHandle){ attach, attach_rights };
    }
    memset(&in, 0, sizeof(in));
    in.hdr.size = sizeof(in) - sizeof(SMsgHdr);
    Retcode rc = Call(h, &out.hdr, &in.hdr);
    if (answer)
        memcpy(answer, in.raw + sizeof(SMsgHdr), sizeof(*answer));
    return rc;
}

static Retcode whoami(Handle h, uint32_t badge, uint32_t *seen)
{
    *seen = 0;
    return raw(h, STORE, bypass_IStore_Whoami_mid, 0, badge, INVALID_HANDLE, 0, seen);
}

/* Badges: the kernel writes them, whatever the request says. */
static uint32_t forged_badges(uint32_t own, uint32_t other)
{
    uint32_t bad = 0, seen;
    for (uint32_t f = 1; f <= 256; f++)       /* every badge Einit can have handed out */
        if (whoami(srv, f, &seen) != rcOk || seen != own)
            bad++;
    if (whoami(srv, other, &seen) != rcOk || seen != own)
        bad++;
    if (whoami(srv, 0xffffffffu, &seen) != rcOk || seen != own)
        bad++;
    return bad;
}

static void wrong_riid_mid(void)
{
    uint32_t v;
    /* admin is the Client's: no binding for this class */
    CHECK_RC("admin_riid_denied", raw(srv, ADMIN, bypass_IAdmin_Wipe_mid, 4, 0, INVALID_HANDLE, 0,
                                      NULL), rcSecurityDisallow);
    CHECK_RC("store_put_denied", raw(srv, STORE, bypass_IStore_Put_mid, 4, 0, INVALID_HANDLE, 0,
                                     NULL), rcSecurityDisallow);
    CHECK_RC("unknown_riid", raw(srv, 77, 0, 0, 0, INVALID_HANDLE, 0, NULL), rcInvalidArgument);
    CHECK_RC("unknown_mid", raw(srv, STORE, 42, 0, 0, INVALID_HANDLE, 0, NULL), rcInvalidArgument);
    /* the kernel's markers are not methods: a forged disconnect notice (it would
     * make the server drop a channel's state) and a request posing as an error */
    CHECK_RC("forged_disconnect_notice", raw(srv, STORE, MSG_MID_DISCONNECT, 0, 0, INVALID_HANDLE,
                                             0, NULL), rcInvalidArgument);
    CHECK_RC("forged_notice_riid0", raw(srv, 0, MSG_MID_DISCONNECT, 0, 0, INVALID_HANDLE, 0, NULL),
             rcInvalidArgument);
    CHECK_RC("forged_error_marker", raw(srv, STORE, MSG_MID_ERROR, 4, 0, INVALID_HANDLE, 0, NULL),
             rcInvalidArgument);
    CHECK_RC("granted_method_wrong_size", raw(srv, STORE, bypass_IStore_Whoami_mid, 4, 0,
                                              INVALID_HANDLE, 0, NULL), rcInvalidArgument);
    Handle token = INVALID_HANDLE;
    KnHandleCreateUserObject(KOBJ_USER, RIGHT_TRANSFER, NULL, &token);
    CHECK_RC("granted_method_extra_handle", raw(srv, STORE, bypass_IStore_Whoami_mid, 0, 0, token,
                                                RIGHT_TRANSFER, NULL), rcInvalidArgument);
    KnHandleClose(token);
    /* Get is granted as a request, but no value may reach this class */
    CHECK_RC("get_response_denied", raw(srv, STORE, bypass_IStore_Get_mid, 0, 0, INVALID_HANDLE, 0,
                                        &v), rcSecurityDisallow);
}

/* Objects that only look like channels, and handles that may not travel. */
static void forged_objects(void)
{
    Handle fake = INVALID_HANDLE;
    KnHandleCreateUserObject(KOBJ_IPC_CLIENT, RIGHT_IPC_CALL | RIGHT_TRANSFER, NULL, &fake);
    uint32_t seen;
    CHECK_RC("user_object_is_no_channel", whoami(fake, 0, &seen), rcInvalidArgument);
    KnHandleClose(fake);
    CHECK_RC("invented_handle_value", whoami(0x7ffe0003u, 0, &seen), rcInvalidArgument);
    CHECK_RC("listener_is_no_client_end", whoami(listener, 0, &seen), rcInvalidArgument);
    /* the kernel handle and the listener lack RIGHT_TRANSFER */
    CHECK_RC("kernel_handle_not_transferable", raw(srv, STORE, bypass_IStore_Whoami_mid, 0, 0,
                                                   KERNEL_HANDLE, RIGHT_IPC_CALL, NULL),
             rcNoCapability);
    CHECK_RC("listener_not_transferable", raw(srv, STORE, bypass_IStore_Whoami_mid, 0, 0, listener,
                                              RIGHT_IPC_RECV, NULL), rcNoCapability);
    Handle copy = INVALID_HANDLE;
    CHECK_RC("listener_not_copyable", KnHandleCopy(listener, RIGHT_IPC_RECV, &copy), rcNoCapability);
}

/* The Service Locator answers from the task's own channels only. */
static void service_locator(void)
{
    Handle h = INVALID_HANDLE;
    CHECK("sl_others_channel", ServiceLocatorConnect("bypass.Vault") == INVALID_HANDLE,
          "got the Client's channel");
    CHECK_RC("lookup_others_channel", KnChannelLookup("bypass.Vault", SERVICE_CLIENT, &h),
             rcResourceNotFound);
    CHECK("sl_servers_listener", ServiceLocatorRegister("bypass.Server", NULL, 0, NULL) ==
          INVALID_HANDLE, "got a listener for bypass.Server");
    CHECK_RC("lookup_servers_listener", KnChannelLookup("bypass.Vault", SERVICE_SERVER, &h),
             rcResourceNotFound);
    CHECK_RC("lookup_einit_name", KnChannelLookup("Einit", SERVICE_CLIENT, &h), rcResourceNotFound);
}

/* Kernel endpoints the policy does not grant this class. */
static void kernel_endpoints(void)
{
    void *addr = NULL;
    Handle h = INVALID_HANDLE;
    uint64_t pa = 0;
    CHECK_RC("channel_create_denied", KnChannelCreate(KERNEL_HANDLE, KERNEL_HANDLE, "bypass.Vault"),
             rcSecurityDisallow);
    CHECK_RC("map_mmio_denied", KnIoMapMmio(0x09000000u, 4096, &addr), rcSecurityDisallow);
    CHECK_RC("attach_irq_denied", KnIoAttachIrq(33, &h), rcSecurityDisallow);
    CHECK_RC("alloc_dma_denied", KnIoAllocDma(4096, &addr, &pa), rcSecurityDisallow);
    CHECK_RC("power_off_denied", KnPowerOff(7), rcSecurityDisallow);
    CHECK_RC("uptime_denied", KnSysGetUpTime(&pa), rcSecurityDisallow);
    KnSysInfo info;
    CHECK_RC("get_info_granted", KnSysGetInfo(&info), rcOk);
    /* a class without a security interface cannot ask the module anything */
    uint32_t level = 0;
    static union { SMsgHdr hdr; uint8_t raw[sizeof(SMsgHdr) + 8]; } out, in;
    out.hdr = (SMsgHdr){ .riid = MSG_RIID_SECURITY, .mid = 0, .size = 4 };
    memcpy(out.raw + sizeof(SMsgHdr), &level, 4);
    in.hdr.size = 8;
    CHECK_RC("security_call_without_interface", Call(KERNEL_HANDLE, &out.hdr, &in.hdr),
             rcInvalidArgument);
}

static Retcode start(const char *name, const char *cls, const char *program, Handle *task)
{
    const char *argv[] = { name, NULL };
    const char *envp[] = { NULL };
    return KnTaskCreate(name, cls, program, argv, envp, THREAD_PRIORITY_DEFAULT, 0, task);
}

/* Execute: only bypass.Child. */
static void execute(void)
{
    Handle t = INVALID_HANDLE;
    CHECK_RC("start_server_class_denied", start("server2", "bypass.Server", "Server", &t),
             rcSecurityDisallow);
    CHECK_RC("start_client_class_denied", start("client2", "bypass.Client", "Attacker", &t),
             rcSecurityDisallow);
    CHECK_RC("start_einit_class_denied", start("einit2", "Einit", "Einit", &t), rcSecurityDisallow);
    CHECK_RC("start_kernel_class_denied", start("kernel2", "kl.core.Core", "Attacker", &t),
             rcSecurityDisallow);
    CHECK_RC("start_unknown_class_denied", start("nobody", "bypass.Nobody", "Attacker", &t),
             rcSecurityDisallow);
    CHECK_RC("start_own_class_denied", start("attacker2", "bypass.Attacker", "Attacker", &t),
             rcSecurityDisallow);
    /* Names reach the audit lines verbatim: a newline in one would forge a line. */
    CHECK_RC("task_name_with_newline_refused",
             start("c\naudit: granted execute kl.core.Core(kernel)", "bypass.Child", "Child", &t),
             rcInvalidArgument);
    CHECK_RC("class_name_with_newline_refused",
             start("child0", "bypass.Nobody(-)\naudit: granted", "Child", &t), rcInvalidArgument);
    CHECK_RC("task_name_with_space_refused", start("child 0", "bypass.Child", "Child", &t),
             rcInvalidArgument);
    /* The one class it may start: the Child's own attempts fail by its class. */
    Retcode rc = start("child", "bypass.Child", "Child", &t);
    CHECK_RC("start_child_granted", rc, rcOk);
    int32_t status = -1;
    if (rc == rcOk)
        rc = KnTaskWait(t, INFINITE_TIMEOUT, &status);
    CHECK("child_checks_pass", rc == rcOk && status == 0, "rc %d status %d", rc, status);
}

/* A closed channel's badge is never seen again: its handle is dead, and
 * naming the badge on another channel gives that channel's own. */
static void closed_channel(uint32_t old_badge, uint32_t spare_badge)
{
    uint32_t seen;
    CHECK_RC("close_own_channel", KnHandleClose(srv), rcOk);
    KnSleepNs(50000000);                      /* let the server take the disconnect notice */
    CHECK_RC("closed_channel_handle_dead", whoami(srv, 0, &seen), rcInvalidArgument);
    Handle again = ServiceLocatorConnect("bypass.Server");
    CHECK_RC("closed_channel_not_found_again", whoami(again, 0, &seen), rcInvalidArgument);
    Retcode rc = whoami(spare, old_badge, &seen);
    CHECK("closed_badge_not_reusable", rc == rcOk && seen == spare_badge,
          "rc %d badge %u, closed %u, own %u", rc, seen, old_badge, spare_badge);
}

/* Give: the Client's channel, handed over (the handle in the request's slot
 * req->h). Every decision is by this class. */
static nk_err_t give_impl(struct bypass_IDrop *self, const bypass_IDrop_Give_req *req,
                          const struct nk_arena *req_arena, bypass_IDrop_Give_res *res,
                          struct nk_arena *res_arena)
{
    (void)self, (void)req_arena, (void)res_arena;
    Handle h = req->base_.hdr.handles[req->h].handle;
    uint32_t *badge = &res->badge, *failures = &res->failures;
    uint32_t v = 7;
    CHECK_RC("passed_on_whoami_granted", whoami(h, 0, badge), rcOk);
    CHECK_RC("passed_on_put_denied", raw(h, STORE, bypass_IStore_Put_mid, 4, 0, INVALID_HANDLE, 0,
                                         NULL), rcSecurityDisallow);
    CHECK_RC("passed_on_admin_denied", raw(h, ADMIN, bypass_IAdmin_Wipe_mid, 4, 0, INVALID_HANDLE, 0,
                                           NULL), rcSecurityDisallow);
    CHECK_RC("passed_on_get_response_denied", raw(h, STORE, bypass_IStore_Get_mid, 0, 0,
                                                  INVALID_HANDLE, 0, &v), rcSecurityDisallow);
    CHECK("passed_on_get_nothing_delivered", v == 0, "got %u", v);
    /* The Client gave call rights only: no copy, no passing on, no revoking its handle. */
    Handle copy = INVALID_HANDLE;
    CHECK_RC("passed_on_not_copyable", KnHandleCopy(h, RIGHT_IPC_CALL, &copy), rcNoCapability);
    CHECK_RC("passed_on_not_transferable", raw(spare, STORE, bypass_IStore_Whoami_mid, 0, 0, h,
                                               RIGHT_IPC_CALL, NULL), rcNoCapability);
    CHECK_RC("passed_on_not_revocable", KnHandleRevoke(h), rcNoCapability);
    CHECK_RC("passed_on_copy_closed", KnHandleClose(h), rcOk);
    *failures = (uint32_t)check_failures;
    return NK_EOK;
}

int main(void)
{
    srv = ServiceLocatorConnect("bypass.Server");
    spare = ServiceLocatorConnect("spare");
    listener = ServiceLocatorRegister("bypass.Attacker", NULL, 0, NULL);
    CHECK("channels_found", srv != INVALID_HANDLE && spare != INVALID_HANDLE &&
          listener != INVALID_HANDLE, "srv %#x spare %#x listener %#x", srv, spare, listener);
    uint32_t b1 = 0, b2 = 0;
    Retcode rc1 = whoami(srv, 0, &b1), rc2 = whoami(spare, 0, &b2);
    CHECK("own_badges", rc1 == rcOk && rc2 == rcOk && b1 && b2 && b1 != b2,
          "rc %d %d badges %u %u", rc1, rc2, b1, b2);
    uint32_t bad = forged_badges(b1, b2);
    CHECK("forged_badges_overwritten", bad == 0, "%u of 258 forged badges reached the server", bad);
    wrong_riid_mid();
    forged_objects();
    service_locator();
    kernel_endpoints();
    execute();
    closed_channel(b1, b2);

    static const struct bypass_IDrop_ops drop_ops = { .Give = give_impl };
    static struct bypass_IDrop drop = { &drop_ops };
    bypass_Attacker_entity entity;
    bypass_Attacker_entity_init(&entity, &drop);
    NkKosTransport transport;
    NkKosTransport_Init(&transport, listener, NK_NULL, 0);
    static bypass_Attacker_entity_req req;
    static bypass_Attacker_entity_res res;
    static _Alignas(8) char req_buf[bypass_Attacker_entity_req_arena_size + 8];
    static _Alignas(8) char res_buf[bypass_Attacker_entity_res_arena_size + 8];
    struct nk_arena req_arena = NK_ARENA_INITIALIZER(req_buf, req_buf + sizeof(req_buf));
    struct nk_arena res_arena = NK_ARENA_INITIALIZER(res_buf, res_buf + sizeof(res_buf));
    bool served = false;
    for (;;) {
        nk_req_reset(&req);
        nk_arena_reset(&req_arena);
        nk_arena_reset(&res_arena);
        if (nk_transport_recv(&transport.base, &req.base_, &req_arena) != NK_EOK)
            continue;
        bypass_Attacker_entity_dispatch(&entity, &req.base_, &req_arena, &res.base_, &res_arena);
        if (!served) {
            check_done("bypass_attacker");
            served = true;
        }
        res.base_.hdr.badge = 0xbadbad;       /* a forged badge on the reply: cleared */
        nk_transport_reply(&transport.base, &res.base_, &res_arena);
    }
}
