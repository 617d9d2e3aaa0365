/* Host test of userland/lib/sl.c (the Service Locator) over the nk_sl_classes
 * records tools/nk generates, and of a class's security proxy (the request it
 * sends on the kernel handle). KnChannelLookup, KosMutex* and Call are mocks. */
#include <coresrv/channel/channel_api.h>
#include <coresrv/sl/sl_api.h>
#include <kos/mutex.h>
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
    EXPECT(ServiceLocatorGetRiid(d, "ctl") == demo_Server_ctl_riid);
    EXPECT(ServiceLocatorGetRiid(d, "main.store") == demo_Server_main_store_riid);
    EXPECT(ServiceLocatorGetRiid(d, "main") == INVALID_RIID);
    EXPECT(ServiceLocatorGetRiid(d, "all") == INVALID_RIID);      /* test.Rich's, not demo.Server's */
    EXPECT(ServiceLocatorGetRiid(r, "sub.inner.ping") == test_Rich_sub_inner_ping_riid);
    EXPECT(ServiceLocatorGetRiid(r, "ctl") == test_Rich_ctl_riid);
    /* a channel not named after a class: unique paths only */
    EXPECT(ServiceLocatorGetRiid(o, "edge") == test_EdgeServer_edge_riid);
    EXPECT(ServiceLocatorGetRiid(o, "sub.inner.ping") == test_Rich_sub_inner_ping_riid);
    EXPECT(ServiceLocatorGetRiid(o, "main.store") == demo_Server_main_store_riid); /* also test.Dup's, same RIID */
    EXPECT(ServiceLocatorGetRiid(o, "ctl") == INVALID_RIID);      /* 0 in demo.Server, 1 in test.Rich */
    EXPECT(ServiceLocatorGetRiid(0x999u, "edge") == test_EdgeServer_edge_riid);
    EXPECT(ServiceLocatorGetRiid(INVALID_HANDLE, "edge") == INVALID_RIID);
    EXPECT(ServiceLocatorGetRiid(o, NULL) == INVALID_RIID);

    /* The security proxy: Call on the kernel handle, riid NK_RIID_SECURITY */
    struct test_ISec_proxy sp;
    test_EdgeServer_security_proxy_init(&sp, 0x10001u);
    EXPECT(test_EdgeServer_securityIid == 0xFFFFu && test_EdgeServer_security_riid == 0xFFFFu);
    EXPECT(test_ISec_Check(&sp, 2, -5) == rcOk);
    EXPECT(last_handle == 0x10001u && last.riid == 0xFFFFu && last.mid == test_ISec_Check_mid);
    EXPECT(last.size == test_ISec_Check_req_size && last.nhandles == 0);
    EXPECT(((uint32_t *)(void *)last_data)[0] == 2);
    EXPECT(test_ISec_Check(&sp, 4, 0) == rcSecurityDisallow);
    EXPECT(test_ISec_Note(&sp, "hello") == rcOk);
    EXPECT(last.mid == test_ISec_Note_mid && last.arena_size == 6);
    printf(failures ? "FAILED (%d)\n" : "OK\n", failures);
    return failures != 0;
}
