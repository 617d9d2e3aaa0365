/*
 * The Service Locator (coresrv/sl/sl_api.h): channel names to handles via
 * kl.core.Channel.Lookup, endpoint paths to RIIDs via the nk_kos_sl_class
 * records tools/nk puts in the section nk_sl_classes of every program that
 * includes a generated header (kos/nk_kos_sl.h). ServiceLocatorConnect remembers which channel
 * name each handle came from, so ServiceLocatorGetRiid can pick the class.
 */
#include <coresrv/channel/channel_api.h>
#include <coresrv/sl/sl_api.h>
#include <kos/mutex.h>
#include <string.h>
#include <nk/dispatch.h>

/* The records, gathered by the linker; both NULL when none is linked in. */
extern const struct nk_kos_sl_class __start_nk_sl_classes[] __attribute__((weak));
extern const struct nk_kos_sl_class __stop_nk_sl_classes[] __attribute__((weak));

#define SL_MAX_CONNECTIONS 32

static struct {
    Handle handle;
    char channel[SERVICE_NAME_MAX + 1];
} connections[SL_MAX_CONNECTIONS];
static KosMutex lock = KOS_MUTEX_INITIALIZER;

static void remember(Handle h, const char *channel)
{
    size_t n = strlen(channel);
    if (n > SERVICE_NAME_MAX)
        return;
    KosMutexLock(&lock);
    int free_slot = -1;
    for (int i = 0; i < SL_MAX_CONNECTIONS; i++) {
        if (connections[i].handle == h) {
            free_slot = i;                    /* the same handle again: refresh */
            break;
        }
        if (free_slot < 0 && connections[i].handle == INVALID_HANDLE)
            free_slot = i;
    }
    if (free_slot >= 0) {
        connections[free_slot].handle = h;
        memcpy(connections[free_slot].channel, channel, n + 1);
    }
    KosMutexUnlock(&lock);
}

/* Copies the channel name of h into out (SERVICE_NAME_MAX + 1); false if unknown. */
static int channel_of(Handle h, char *out)
{
    int found = 0;
    KosMutexLock(&lock);
    for (int i = 0; i < SL_MAX_CONNECTIONS && !found; i++) {
        if (connections[i].handle == h && h != INVALID_HANDLE) {
            memcpy(out, connections[i].channel, sizeof(connections[i].channel));
            found = 1;
        }
    }
    KosMutexUnlock(&lock);
    return found;
}

Handle ServiceLocatorConnect(const char *channelName)
{
    Handle h = INVALID_HANDLE;
    if (!channelName || KnChannelLookup(channelName, SERVICE_CLIENT, &h) != rcOk)
        return INVALID_HANDLE;
    remember(h, channelName);
    return h;
}

Handle ServiceLocatorRegister(const char *channelName, const void *endpoints,
                              rtl_size_t endpointsSize, rtl_uint32_t *id)
{
    (void)endpoints;
    (void)endpointsSize;
    Handle h = INVALID_HANDLE;
    if (id)
        *id = 0;
    if (!channelName || KnChannelLookup(channelName, SERVICE_SERVER, &h) != rcOk)
        return INVALID_HANDLE;
    return h;
}

static nk_iid_t riid_in(const struct nk_kos_sl_class *c, const char *endpoint)
{
    for (uint32_t i = 0; i < c->count; i++)
        if (c->endpoints && strcmp(c->endpoints[i].name, endpoint) == 0)
            return c->endpoints[i].riid;
    return INVALID_RIID;
}

nk_iid_t ServiceLocatorGetRiid(Handle handle, const char *endpointName)
{
    if (handle == INVALID_HANDLE || !endpointName)
        return INVALID_RIID;
    const struct nk_kos_sl_class *begin = __start_nk_sl_classes, *end = __stop_nk_sl_classes;
    if (!begin || !end || end <= begin)
        return INVALID_RIID;
    char channel[SERVICE_NAME_MAX + 1];
    if (channel_of(handle, channel)) {
        for (const struct nk_kos_sl_class *c = begin; c < end; c++)
            if (strcmp(c->name, channel) == 0)
                return riid_in(c, endpointName);
    }
    /* Channel not named after a class: the path must mean one RIID everywhere. */
    nk_iid_t found = INVALID_RIID;
    for (const struct nk_kos_sl_class *c = begin; c < end; c++) {
        nk_iid_t r = riid_in(c, endpointName);
        if (r == INVALID_RIID)
            continue;
        if (found != INVALID_RIID && found != r)
            return INVALID_RIID;              /* ambiguous */
        found = r;
    }
    return found;
}
