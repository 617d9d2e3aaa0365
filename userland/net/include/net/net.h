/*
 * net/net.h: the network stack as a library (libnet.a + liblwip.a,
 * docs/NET.md). A virtio-net driver over virtio-mmio under lwIP 2.1, with
 * threads on libkos:
 *
 *   struct net_options o;
 *   net_options_default(&o);              DHCP, fallback 10.0.2.15/24 gw 10.0.2.2
 *   net_options_parse(&o, argc, argv);    optional: ip=A.B.C.D/N gw=... nodhcp ...
 *   int err = net_init(&o, &info);        device up, address configured (or err < 0)
 *
 * Then use lwIP's socket API (<lwip/sockets.h>: socket, bind, recv, ...),
 * netconn API, or the raw API under net_lock()/net_unlock() (or from
 * net_call callbacks, which run on the tcpip thread). There is no poll
 * loop to run: a receive thread and lwIP's tcpip thread do the work.
 */
#ifndef NET_NET_H
#define NET_NET_H

#include <stdbool.h>
#include <stdint.h>

enum {
    NET_OK = 0,
    NET_ENODEV = -1,        /* "no virtio-net device" */
    NET_EACCES = -2,        /* device access refused by the kernel / policy */
    NET_EIO = -3,           /* the device refused the setup */
    NET_ENOMEM = -4,
    NET_ENOADDR = -5,       /* DHCP failed and there is no static fallback */
    NET_EINVAL = -6,        /* bad options */
    NET_EBUSY = -7,         /* net_init was already called */
};

struct net_options {
    bool dhcp;                  /* ask for a lease first (default true) */
    unsigned dhcp_timeout_ms;   /* then fall back to the static address (default 5000) */
    bool static_fallback;       /* use ip/netmask/gw when DHCP fails (default true) */
    uint32_t ip, netmask, gw;   /* host byte order; 0 ip: no static address */
    const char *hostname;       /* sent with DHCP (default "kos") */
    bool verbose;               /* progress on stdout */
    /* Heap bytes to grow (malloc + free) before the first kl.core.Io call
     * (default 4 MiB; 0: none). Work-around: the kernel places MMIO and
     * DMA mappings in the first free gap, which is right after .bss, where
     * the heap would grow; malloc cannot grow past them (docs/NET.md). */
    unsigned long heap_reserve;
    /* The device is looked for in the device tree's "virtio,mmio" nodes
     * (kl.core.Io FindDevice). Only when none of them is a virtio-net device
     * and mmio_window is set (or mmio_base is not 0) is a fixed window of
     * mmio_slots 0x200-byte slots at mmio_base probed too, the interrupt of
     * slot i being mmio_intid_base + i (zeroes: QEMU virt's 0x0a000000, 32
     * slots, INTID 48..). Default: no window. */
    bool mmio_window;
    uint64_t mmio_base;
    unsigned mmio_slots, mmio_intid_base;
};

struct net_info {
    uint32_t ip, netmask, gw;   /* host byte order */
    bool from_dhcp;
    uint8_t mac[6];
    unsigned mmio_slot, intid, virtio_version;   /* slot: index of the device-tree node
                                                    (or of the window's slot) */
    uint64_t mmio_pa;
};

struct net_stats {
    uint64_t irqs, rx_packets, rx_bytes, rx_bad, rx_dropped, tx_packets, tx_bytes, tx_full,
        tx_dropped;
    uint64_t vq_bad_id, vq_bad_len, vq_bad_idx;   /* descriptors the device got wrong */
};

void net_options_default(struct net_options *o);
/* Reads "ip=A.B.C.D[/N]", "netmask=A.B.C.D", "gw=A.B.C.D", "dhcp", "nodhcp",
 * "dhcp_timeout=MS", "nofallback", "hostname=NAME", "verbose",
 * "mmio=virt" (fall back to QEMU virt's window), "mmio=BASE[,SLOTS[,INTID]]"
 * (fall back to that window; numbers in C notation) from argv[1..]; other
 * words are left alone. NET_OK or NET_EINVAL (a known key
 * with a bad value). */
int net_options_parse(struct net_options *o, int argc, char **argv);
/* Brings the device and the stack up and waits for an address. Once per
 * task. NET_OK or a NET_E* code; `info` may be NULL. */
int net_init(const struct net_options *o, struct net_info *info);
const char *net_strerror(int err);
/* "A.B.C.D" of a host-order address into buf (16 bytes). */
char *net_ip_str(uint32_t ip, char buf[16]);
/* The stack's core lock, for raw-API calls from the caller's thread. */
void net_lock(void);
void net_unlock(void);
/* Runs fn(arg) on the tcpip thread (with the core lock); 0 or -1. */
int net_call(void (*fn)(void *), void *arg);
/* The lwIP netif (struct netif *) of the device, NULL before net_init. */
void *net_netif(void);
void net_get_stats(struct net_stats *s);
/* The driver's and lwIP's counters on stdout (errors and drops). */
void net_stats_print(void);

#endif
