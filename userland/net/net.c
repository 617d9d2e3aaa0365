/*
 * The network library (net/net.h, docs/NET.md): the virtio-net driver as
 * an lwIP netif, the receive thread, bring-up with DHCP and a static
 * fallback.
 */
#include <net/net.h>

#include "lwip/dhcp.h"
#include "lwip/etharp.h"
#include "lwip/init.h"
#include "lwip/netif.h"
#include "lwip/pbuf.h"
#include "lwip/stats.h"
#include "lwip/tcpip.h"
#include "netif/ethernet.h"
#include "virtio_net.h"

#include <coresrv/time/time_api.h>
#include <kos/semaphore.h>
#include <kos/thread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uapi/syscall.h>

#define RX_THREAD_PRIO   18          /* above the tcpip thread (17) and applications (15) */
#define RX_THREAD_STACK  (32 * 1024)
#define RX_BUDGET        64
#define RX_SAFETY_POLL_NS 100000000ull   /* look at the ring even without an interrupt */

static struct vnet vn;
static struct netif nif;
static int started;
static KosSemaphore addr_sem;
static uint64_t rx_dropped, tx_dropped;
static char hostname[64];

/* ---------------------------------------------------------------- options */

static uint32_t ip4(unsigned a, unsigned b, unsigned c, unsigned d)
{
    return (a << 24) | (b << 16) | (c << 8) | d;
}

void net_options_default(struct net_options *o)
{
    memset(o, 0, sizeof(*o));
    o->dhcp = true;
    o->dhcp_timeout_ms = 5000;
    o->static_fallback = true;
    o->ip = ip4(10, 0, 2, 15);           /* QEMU user networking's guest address */
    o->netmask = ip4(255, 255, 255, 0);
    o->gw = ip4(10, 0, 2, 2);
    o->hostname = "kos";
    o->heap_reserve = 4ul << 20;
}

static int parse_ip(const char *s, uint32_t *out, int *prefix)
{
    unsigned v[4];
    int n = 0;
    for (int i = 0; i < 4; i++) {
        if (*s < '0' || *s > '9')
            return -1;
        unsigned x = 0;
        while (*s >= '0' && *s <= '9') {
            x = x * 10 + (unsigned)(*s++ - '0');
            if (x > 255)
                return -1;
        }
        v[i] = x;
        if (i < 3 && *s++ != '.')
            return -1;
    }
    if (*s == '/' && prefix) {
        s++;
        if (*s < '0' || *s > '9')
            return -1;
        while (*s >= '0' && *s <= '9')
            n = n * 10 + (*s++ - '0');
        if (n > 32)
            return -1;
        *prefix = n;
    }
    if (*s)
        return -1;
    *out = ip4(v[0], v[1], v[2], v[3]);
    return 0;
}

static const char *value(const char *arg, const char *key)
{
    size_t n = strlen(key);
    return strncmp(arg, key, n) == 0 && arg[n] == '=' ? arg + n + 1 : NULL;
}

/* "virt" or "BASE[,SLOTS[,INTID]]": the fallback window. 0 or -1. */
static int parse_window(const char *v, struct net_options *o)
{
    unsigned long long base = 0;
    unsigned long slots = 0, intid = 0;
    char *end;
    if (strcmp(v, "virt") != 0) {
        base = strtoull(v, &end, 0);
        if (end == v || base == 0)
            return -1;
        if (*end == ',') {
            v = end + 1;
            slots = strtoul(v, &end, 0);
            if (end == v || slots == 0 || slots > 256)
                return -1;
            if (*end == ',') {
                v = end + 1;
                intid = strtoul(v, &end, 0);
                if (end == v || intid < 32 || intid + slots > 1020)
                    return -1;
            }
        }
        if (*end)
            return -1;
    }
    o->mmio_window = true;
    o->mmio_base = base;
    o->mmio_slots = (unsigned)slots;
    o->mmio_intid_base = (unsigned)intid;
    return 0;
}

int net_options_parse(struct net_options *o, int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v;
        if ((v = value(a, "ip"))) {
            int prefix = -1;
            if (parse_ip(v, &o->ip, &prefix))
                return NET_EINVAL;
            if (prefix >= 0)
                o->netmask = prefix ? ~0u << (32 - prefix) : 0;
        } else if ((v = value(a, "netmask"))) {
            if (parse_ip(v, &o->netmask, NULL))
                return NET_EINVAL;
        } else if ((v = value(a, "gw"))) {
            if (parse_ip(v, &o->gw, NULL))
                return NET_EINVAL;
        } else if ((v = value(a, "dhcp_timeout"))) {
            char *end;
            unsigned long ms = strtoul(v, &end, 10);
            if (*end || end == v || ms > 600000)
                return NET_EINVAL;
            o->dhcp_timeout_ms = (unsigned)ms;
        } else if ((v = value(a, "mmio"))) {
            if (parse_window(v, o))
                return NET_EINVAL;
        } else if ((v = value(a, "hostname"))) {
            o->hostname = v;
        } else if (!strcmp(a, "dhcp")) {
            o->dhcp = true;
        } else if (!strcmp(a, "nodhcp")) {
            o->dhcp = false;
        } else if (!strcmp(a, "nofallback")) {
            o->static_fallback = false;
        } else if (!strcmp(a, "verbose")) {
            o->verbose = true;
        }
    }
    return NET_OK;
}

const char *net_strerror(int err)
{
    switch (err) {
    case NET_OK: return "ok";
    case NET_ENODEV: return "no virtio-net device";
    case NET_EACCES: return "device access refused (kl.core.Io)";
    case NET_EIO: return "virtio-net device setup failed";
    case NET_ENOMEM: return "out of memory";
    case NET_ENOADDR: return "no address (DHCP failed, no static fallback)";
    case NET_EINVAL: return "invalid network options";
    case NET_EBUSY: return "network already initialised";
    default: return "unknown error";
    }
}

char *net_ip_str(uint32_t ip, char buf[16])
{
    snprintf(buf, 16, "%u.%u.%u.%u", (unsigned)(ip >> 24), (unsigned)(ip >> 16) & 255,
             (unsigned)(ip >> 8) & 255, (unsigned)ip & 255);
    return buf;
}

/* ---------------------------------------------------------------- netif */

static void fill_from_pbuf(void *ctx, uint8_t *dst, size_t len)
{
    pbuf_copy_partial((struct pbuf *)ctx, dst, (u16_t)len, 0);
}

static err_t linkoutput(struct netif *netif, struct pbuf *p)
{
    (void)netif;
    if (vnet_tx(&vn, p->tot_len, fill_from_pbuf, p)) {
        tx_dropped++;
        LINK_STATS_INC(link.drop);
        return ERR_MEM;
    }
    LINK_STATS_INC(link.xmit);
    return ERR_OK;
}

/* Zero-copy receive: a frame of at least RX_ZC_MIN bytes goes to lwIP as a
 * custom PBUF_REF pbuf pointing into its RX buffer, which returns to the
 * device when lwIP frees the pbuf (rx_pbuf_free; TCP data is freed once the
 * reader has copied it out). Shorter frames (ACKs) are copied into a pool
 * pbuf, which costs less than holding the buffer; so is every frame while
 * half the ring is held, so a slow reader never starves the device. */
#define RX_ZC_MIN 512u
static struct pbuf_custom rx_pc[VNET_QUEUE_SIZE];     /* one per RX buffer */

static void rx_pbuf_free(struct pbuf *p)
{
    vnet_rx_release(&vn, (unsigned)((struct pbuf_custom *)(void *)p - rx_pc));
}

static bool deliver(void *ctx, const uint8_t *frame, size_t len, unsigned buf)
{
    (void)ctx;
    bool keep = len >= RX_ZC_MIN && buf < VNET_QUEUE_SIZE &&
                __atomic_load_n(&vn.rx_kept, __ATOMIC_RELAXED) < vn.rxq.size / 2;
    struct pbuf *p;
    if (keep) {
        struct pbuf_custom *pc = &rx_pc[buf];
        pc->custom_free_function = rx_pbuf_free;
        p = pbuf_alloced_custom(PBUF_RAW, (u16_t)len, PBUF_REF, pc, (void *)(uintptr_t)frame,
                                (u16_t)len);
    } else {
        p = pbuf_alloc(PBUF_RAW, (u16_t)len, PBUF_POOL);
        if (p)
            pbuf_take(p, frame, (u16_t)len);
    }
    if (!p) {
        rx_dropped++;
        LINK_STATS_INC(link.memerr);
        return false;
    }
    LINK_STATS_INC(link.recv);
    /* tcpip_input: processed under the core lock. A kept frame that lwIP
     * frees at once (or that is refused here) is released before this
     * returns true; vnet_rx_poll's accounting allows for that. */
    if (nif.input(p, &nif) != ERR_OK) {
        pbuf_free(p);
        rx_dropped++;
    }
    return keep;
}

static int rx_thread(void *arg)
{
    (void)arg;
    for (;;) {
        int r = vnet_wait(&vn, RX_SAFETY_POLL_NS);
        if (r < 0) {
            printf("net: waiting for the device interrupt failed; receive thread polls\n");
            KosThreadSleep(10);
        }
        while (vnet_rx_poll(&vn, deliver, NULL, RX_BUDGET) > 0)
            ;
    }
    return 0;
}

static err_t netif_setup(struct netif *n)
{
    n->name[0] = 'v';
    n->name[1] = 'n';
    n->mtu = VNET_MTU;
    n->hwaddr_len = ETH_HWADDR_LEN;
    memcpy(n->hwaddr, vn.mac, ETH_HWADDR_LEN);
    n->flags = NETIF_FLAG_BROADCAST | NETIF_FLAG_ETHARP | NETIF_FLAG_ETHERNET | NETIF_FLAG_IGMP;
    n->output = etharp_output;
    n->linkoutput = linkoutput;
    return ERR_OK;
}

static void status_changed(struct netif *n)
{
    if (!ip4_addr_isany_val(*netif_ip4_addr(n)))
        KosSemaphoreSignal(&addr_sem);
}

static void tcpip_ready(void *arg)
{
    KosSemaphoreSignal((KosSemaphore *)arg);
}

/* ---------------------------------------------------------------- bring-up */

static void set_static(const struct net_options *o)
{
    ip4_addr_t ip, mask, gw;
    ip4_addr_set_u32(&ip, lwip_htonl(o->ip));
    ip4_addr_set_u32(&mask, lwip_htonl(o->netmask));
    ip4_addr_set_u32(&gw, lwip_htonl(o->gw));
    netif_set_addr(&nif, &ip, &mask, &gw);
}

int net_init(const struct net_options *opts, struct net_info *info)
{
    struct net_options defaults;
    if (!opts) {
        net_options_default(&defaults);
        opts = &defaults;
    }
    if (__atomic_exchange_n(&started, 1, __ATOMIC_ACQ_REL))
        return NET_EBUSY;
    if (!opts->dhcp && !opts->ip)
        return NET_EINVAL;

    if (opts->heap_reserve) {
        void *volatile p = malloc(opts->heap_reserve);  /* volatile: not elided */
        free(p);                                         /* see heap_reserve in net/net.h */
    }

    struct virtio_mmio_window win = { opts->mmio_base, opts->mmio_slots, opts->mmio_intid_base };
    bool window = opts->mmio_window || opts->mmio_base;
    int err = vnet_open(&vn, window ? &win : NULL);
    if (err != VNET_OK) {
        if (opts->verbose && err == VNET_EACCES)
            printf("net: kl.core.Io refused: rc %d\n", vn.last_retcode);
        if (opts->verbose && err == VNET_ENODEV)
            printf("net: no virtio-net device among %u virtio,mmio device-tree node(s)%s\n",
                   vn.dt_nodes, vn.window_scanned ? " and the fallback window" : "");
        __atomic_store_n(&started, 0, __ATOMIC_RELEASE);
        return err == VNET_ENODEV ? NET_ENODEV : err == VNET_EACCES ? NET_EACCES
               : err == VNET_ENOMEM ? NET_ENOMEM : NET_EIO;
    }
    if (opts->verbose)
        printf("net: virtio-net at %#llx (slot %u, INTID %u, virtio-mmio v%u), "
               "mac %02x:%02x:%02x:%02x:%02x:%02x\n",
               (unsigned long long)vn.dev.pa, vn.dev.slot, vn.dev.intid, vn.dev.version,
               vn.mac[0], vn.mac[1], vn.mac[2], vn.mac[3], vn.mac[4], vn.mac[5]);

    KosSemaphore ready;
    KosSemaphoreInit(&ready, 0);
    KosSemaphoreInit(&addr_sem, 0);
    tcpip_init(tcpip_ready, &ready);
    KosSemaphoreWait(&ready);

    net_lock();
    netif_add(&nif, NULL, NULL, NULL, NULL, netif_setup, tcpip_input);
#if LWIP_NETIF_HOSTNAME
    snprintf(hostname, sizeof(hostname), "%s", opts->hostname ? opts->hostname : "kos");
    netif_set_hostname(&nif, hostname);
#endif
    netif_set_status_callback(&nif, status_changed);
    netif_set_default(&nif);
    netif_set_up(&nif);
    netif_set_link_up(&nif);              /* carrier changes are not followed (docs/NET.md) */
    net_unlock();

    Tid tid;
    if (KosThreadCreate(&tid, RX_THREAD_PRIO, RX_THREAD_STACK, rx_thread, NULL, 0) != rcOk)
        return NET_ENOMEM;

    bool from_dhcp = false;
    if (opts->dhcp) {
        net_lock();
        err_t e = dhcp_start(&nif);
        net_unlock();
        if (e == ERR_OK) {
            uint64_t deadline = KnGetMSecSinceStart() + opts->dhcp_timeout_ms;
            for (;;) {
                net_lock();
                from_dhcp = dhcp_supplied_address(&nif);
                net_unlock();
                uint64_t now = KnGetMSecSinceStart();
                if (from_dhcp || now >= deadline)
                    break;
                KosSemaphoreWaitTimeout(&addr_sem, (rtl_uint32_t)(deadline - now));
            }
        }
        if (!from_dhcp) {
            net_lock();
            dhcp_release_and_stop(&nif);
            net_unlock();
            if (!opts->static_fallback || !opts->ip)
                return NET_ENOADDR;
            if (opts->verbose)
                printf("net: no DHCP lease in %u ms: static address\n", opts->dhcp_timeout_ms);
        }
    }
    if (!from_dhcp) {
        net_lock();
        set_static(opts);
        net_unlock();
    }

    if (info) {
        memset(info, 0, sizeof(*info));
        net_lock();
        info->ip = lwip_ntohl(ip4_addr_get_u32(netif_ip4_addr(&nif)));
        info->netmask = lwip_ntohl(ip4_addr_get_u32(netif_ip4_netmask(&nif)));
        info->gw = lwip_ntohl(ip4_addr_get_u32(netif_ip4_gw(&nif)));
        net_unlock();
        info->from_dhcp = from_dhcp;
        memcpy(info->mac, vn.mac, 6);
        info->mmio_slot = vn.dev.slot;
        info->mmio_pa = vn.dev.pa;
        info->intid = vn.dev.intid;
        info->virtio_version = vn.dev.version;
    }
    return NET_OK;
}

/* ---------------------------------------------------------------- the rest */

void net_lock(void)
{
    LOCK_TCPIP_CORE();
}

void net_unlock(void)
{
    UNLOCK_TCPIP_CORE();
}

int net_call(void (*fn)(void *), void *arg)
{
    return tcpip_callback(fn, arg) == ERR_OK ? 0 : -1;
}

void *net_netif(void)
{
    return started ? &nif : NULL;
}

static void proto_line(const char *name, const struct stats_proto *p)
{
    printf("net: %-5s xmit %u recv %u drop %u chkerr %u lenerr %u memerr %u rterr %u "
           "proterr %u err %u\n", name, (unsigned)p->xmit, (unsigned)p->recv, (unsigned)p->drop,
           (unsigned)p->chkerr, (unsigned)p->lenerr, (unsigned)p->memerr, (unsigned)p->rterr,
           (unsigned)p->proterr, (unsigned)p->err);
}

void net_stats_print(void)
{
    struct net_stats s;
    net_get_stats(&s);
    printf("net: driver irqs %llu rx %llu (%llu B, bad %llu, dropped %llu) tx %llu (%llu B, "
           "ring full %llu, dropped %llu) bad used entries: id %llu len %llu idx %llu\n",
           (unsigned long long)s.irqs, (unsigned long long)s.rx_packets,
           (unsigned long long)s.rx_bytes, (unsigned long long)s.rx_bad,
           (unsigned long long)s.rx_dropped, (unsigned long long)s.tx_packets,
           (unsigned long long)s.tx_bytes, (unsigned long long)s.tx_full,
           (unsigned long long)s.tx_dropped, (unsigned long long)s.vq_bad_id,
           (unsigned long long)s.vq_bad_len, (unsigned long long)s.vq_bad_idx);
#if LWIP_STATS
    proto_line("link", &lwip_stats.link);
    proto_line("ip", &lwip_stats.ip);
    proto_line("tcp", &lwip_stats.tcp);
    proto_line("udp", &lwip_stats.udp);
    printf("net: heap used %u max %u of %u, errors %u\n", (unsigned)lwip_stats.mem.used,
           (unsigned)lwip_stats.mem.max, (unsigned)lwip_stats.mem.avail,
           (unsigned)lwip_stats.mem.err);
    for (int i = 0; i < MEMP_MAX; i++) {
        const struct stats_mem *m = lwip_stats.memp[i];
        if (m && m->err)
            printf("net: pool %d: used %u max %u of %u, errors %u\n", i, (unsigned)m->used,
                   (unsigned)m->max, (unsigned)m->avail, (unsigned)m->err);
    }
#endif
}

void net_get_stats(struct net_stats *s)
{
    memset(s, 0, sizeof(*s));
    s->irqs = vn.stats.irqs;
    s->rx_packets = vn.stats.rx_packets;
    s->rx_bytes = vn.stats.rx_bytes;
    s->rx_bad = vn.stats.rx_bad;
    s->rx_dropped = rx_dropped;
    s->tx_packets = vn.stats.tx_packets;
    s->tx_bytes = vn.stats.tx_bytes;
    s->tx_full = vn.stats.tx_full;
    s->tx_dropped = tx_dropped;
    s->vq_bad_id = vn.rxq.stats.bad_id + vn.txq.stats.bad_id;
    s->vq_bad_len = vn.rxq.stats.bad_len + vn.txq.stats.bad_len;
    s->vq_bad_idx = vn.rxq.stats.bad_idx + vn.txq.stats.bad_idx;
}
