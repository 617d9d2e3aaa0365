/* Host test of userland/lib/sl.c (the Service Locator) over the nk_sl_classes
 * records tools/nk generates (kos/nk_kos_sl.h), and of a class's security
 * interface called through NkKosSecurityTransport (the request it sends on
 * the kernel handle). KnChannelLookup, KosMutex* and the system calls are
 * mocks; userland/lib/nk_kos_transport.c is linked. */
#include <coresrv/nk/transport-kos.h>
#include <coresrv/nk/transport-kos-security.h>
#include <coresrv/channel/channel_api.h>
#include <coresrv/sl/sl_api.h>
#include <kos/mutex.h>
#include <uapi/handle.h>
#include <stdio.h>
#include <string.h>
#include "demo/Server.edl.h"
#include "test/Rich.edl.h"
#include "test/EdgeServer.edl.h"
#include "test/Dup.edl.h"

static int failures;
#define EXPECT(c) do { if (!(c)) { printf("FAIL %s:%d: %s\n", __FILE__, __LINE__, #c); failures++; } } while (0)

/* Channels: "demo.Server" -> 0x101, "test.Rich" -> 0x102, "other" -> 0x103; server side 0x201. */
Retcode KnChannelLookup(const char *name, rtl_uint32_t role, Handle *handle)
{
    static const char *const names[] = { "demo.Server", "test.Rich", "other" };
    for (unsigned i = 0; i < 3; i++)
        if (strcmp(name, names[i]) == 0) {
            *handle = role == SERVICE_SERVER ? 0x201u + i : 0x101u + i;
            return rcOk;
        }
    return rcResourceNotFound;
}
Retcode KosMutexLock(KosMutex *m) { (void)m; return rcOk; }
Retcode KosMutexUnlock(KosMutex *m) { (void)m; return rcOk; }

static SMsgHdr last;
static uint8_t last_data[64];
static Handle last_handle;
Retcode Call(Handle handle, const SMsgHdr *out, SMsgHdr *in)
{
    last_handle = handle;
    last = *out;
    memcpy(last_data, out + 1, out->size < sizeof(last_data) ? out->size : sizeof(last_data));
    in->riid = out->riid;                     /* the kernel's empty answer */
    in->mid = out->mid;
    in->size = 0;
    in->nhandles = 0;
    in->arena_size = 0;
    return out->mid == 0 && ((const uint32_t *)(const void *)(out + 1))[0] > 3 ? rcSecurityDisallow
                                                                                 : rcOk;
}
Retcode CallEx(Handle h, const SMsgHdr *o, SMsgHdr *i, uint64_t t) { (void)t; return Call(h, o, i); }
Retcode RecvEx(Handle h, SMsgHdr *i, uint64_t t) { (void)h; (void)i; (void)t; return rcFail; }
Retcode Reply(Handle h, const SMsgHdr *o) { (void)h; (void)o; return rcFail; }

int main(void)
{
    /* Connect and Register */
    Handle d = ServiceLocatorConnect("demo.Server");
    Handle r = ServiceLocatorConnect("test.Rich");
    Handle o = ServiceLocatorConnect("other");
    EXPECT(d == 0x101u && r == 0x102u && o == 0x103u);
    EXPECT(ServiceLocatorConnect("nope") == INVALID_HANDLE);
    EXPECT(ServiceLocatorConnect(NULL) == INVALID_HANDLE);
    rtl_uint32_t id = 9;
    EXPECT(ServiceLocatorRegister("demo.Server", NULL, 0, &id) == 0x201u && id == 0);
    EXPECT(ServiceLocatorRegister("nope", NULL, 0, NULL) == INVALID_HANDLE);

    /* RIIDs by the class the channel is named after */
    EXPECT(ServiceLocatorGetRiid(d, "ctl") == demo_Server_ctl_iid);
    EXPECT(ServiceLocatorGetRiid(d, "main.store") == demo_Server_main_store_iid);
    EXPECT(ServiceLocatorGetRiid(d, "main") == INVALID_RIID);
    EXPECT(ServiceLocatorGetRiid(d, "all") == INVALID_RIID);      /* test.Rich's, not demo.Server's */
    EXPECT(ServiceLocatorGetRiid(r, "sub.inner.ping") == test_Rich_sub_inner_ping_iid);
    EXPECT(ServiceLocatorGetRiid(r, "ctl") == test_Rich_ctl_iid);
    /* a channel not named after a class: unique paths only */
    EXPECT(ServiceLocatorGetRiid(o, "edge") == test_EdgeServer_edge_iid);
    EXPECT(ServiceLocatorGetRiid(o, "sub.inner.ping") == test_Rich_sub_inner_ping_iid);
    EXPECT(ServiceLocatorGetRiid(o, "main.store") == demo_Server_main_store_iid); /* also test.Dup's, same RIID */
    EXPECT(ServiceLocatorGetRiid(o, "ctl") == INVALID_RIID);      /* 0 in demo.Server, 1 in test.Rich */
    EXPECT(ServiceLocatorGetRiid(0x999u, "edge") == test_EdgeServer_edge_iid);
    EXPECT(ServiceLocatorGetRiid(INVALID_HANDLE, "edge") == INVALID_RIID);
    EXPECT(ServiceLocatorGetRiid(o, NULL) == INVALID_RIID);

    /* The security interface: a proxy over NkKosSecurityTransport calls the
     * kernel handle with riid <Class>_securityIid (MSG_RIID_SECURITY) */
    NkKosSecurityTransport security;
    test_ISec_proxy sp;
    EXPECT(NkKosSecurityTransport_Init(&security, NK_NULL, 0) == NK_EOK);
    test_ISec_proxy_init(&sp, &security.base, test_EdgeServer_securityIid);
    EXPECT(test_EdgeServer_securityIid == 0xFFFFu);
    test_ISec_Check_req cq = { .level = 2, .delta = -5 };
    test_ISec_Check_res cr;
    EXPECT(test_ISec_Check(&sp.base, &cq, NK_NULL, &cr, NK_NULL) == NK_EOK);
    EXPECT(last_handle == KERNEL_HANDLE && last.riid == 0xFFFFu && last.mid == test_ISec_Check_mid);
    EXPECT(last.size == test_ISec_Check_req_size && last.nhandles == 0);
    EXPECT(((uint32_t *)(void *)last_data)[0] == 2);
    cq.level = 4;
    EXPECT(test_ISec_Check(&sp.base, &cq, NK_NULL, &cr, NK_NULL) == rcSecurityDisallow);
    _Alignas(8) char nb[test_ISec_Note_req_arena_size];
    struct nk_arena na = NK_ARENA_INITIALIZER(nb, nb + sizeof nb);
    test_ISec_Note_req nq;
    test_ISec_Note_res nr;
    EXPECT(nk_arena_store(nk_char_t, &na, &nq.text, "hello", 6) == NK_EOK);
    EXPECT(test_ISec_Note(&sp.base, &nq, &na, &nr, NK_NULL) == NK_EOK);
    EXPECT(last.mid == test_ISec_Note_mid && last.arena_size == 6);
    printf(failures ? "FAILED (%d)\n" : "OK\n", failures);
    return failures != 0;
}
