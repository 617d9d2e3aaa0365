/*
 * lwIP configuration for KOS-A64 (docs/NET.md). Threads (NO_SYS=0) on
 * libkos: the tcpip thread runs timers and API messages, the driver's
 * receive thread feeds frames in under the core lock
 * (LWIP_TCPIP_CORE_LOCKING_INPUT), and socket/netconn calls run in the
 * caller's thread under the same lock (LWIP_TCPIP_CORE_LOCKING).
 * IPv4 only; sockets, netconn and the raw API (hold net_lock()).
 */
#ifndef KOS_LWIPOPTS_H
#define KOS_LWIPOPTS_H

/* ---- system ---- */
#define NO_SYS                          0
#define SYS_LIGHTWEIGHT_PROT            1
#define LWIP_TCPIP_CORE_LOCKING         1
#define LWIP_TCPIP_CORE_LOCKING_INPUT   1
#define LWIP_NETCONN_SEM_PER_THREAD     1
#define LWIP_NETCONN_FULLDUPLEX         1
#define TCPIP_THREAD_NAME               "tcpip"
#define TCPIP_THREAD_STACKSIZE          (64 * 1024)
#define TCPIP_THREAD_PRIO               17          /* libkos priorities: 0..31, default 15 */
#define TCPIP_MBOX_SIZE                 256
#define DEFAULT_THREAD_STACKSIZE        (64 * 1024)
#define DEFAULT_THREAD_PRIO             15
#define DEFAULT_RAW_RECVMBOX_SIZE       64
#define DEFAULT_UDP_RECVMBOX_SIZE       128
#define DEFAULT_TCP_RECVMBOX_SIZE       128
#define DEFAULT_ACCEPTMBOX_SIZE         64
#define LWIP_TCPIP_TIMEOUT              1

/* The core lock knows its holder (a net_mutex, port/netlock.h), so that
 * LWIP_ASSERT_CORE_LOCKED can check raw-API callers, inline: lwIP asserts
 * it several times per frame. net_core_mutex stays NULL (no check) until
 * the tcpip thread runs (sys_arch.c). */
#include "netlock.h"
extern struct net_mutex *net_core_mutex;
void sys_lock_tcpip_core(void);
void sys_unlock_tcpip_core(void);
void sys_core_lock_violation(void) __attribute__((noreturn));
void sys_mark_tcpip_thread(void);
#define LOCK_TCPIP_CORE()               sys_lock_tcpip_core()
#define UNLOCK_TCPIP_CORE()             sys_unlock_tcpip_core()
#define LWIP_ASSERT_CORE_LOCKED()                                              \
    do {                                                                       \
        struct net_mutex *core_ = net_core_mutex;                              \
        if (core_ && !net_mutex_held(core_))                                   \
            sys_core_lock_violation();                                         \
    } while (0)
#define LWIP_MARK_TCPIP_THREAD()        sys_mark_tcpip_thread()

/* ---- memory ---- */
#define MEM_ALIGNMENT                   8
#define MEM_SIZE                        (8 * 1024 * 1024)
#define MEMP_NUM_PBUF                   512
#define MEMP_NUM_RAW_PCB                4
#define MEMP_NUM_UDP_PCB                16
#define MEMP_NUM_TCP_PCB                80
#define MEMP_NUM_TCP_PCB_LISTEN         8
#define MEMP_NUM_TCP_SEG                4096
#define MEMP_NUM_REASSDATA              8
#define MEMP_NUM_FRAG_PBUF              32
#define MEMP_NUM_ARP_QUEUE              32
#define MEMP_NUM_NETBUF                 128
#define MEMP_NUM_NETCONN                60          /* <= picolibc's FD_SETSIZE (64) */
#define MEMP_NUM_SELECT_CB              16
#define MEMP_NUM_TCPIP_MSG_API          128
#define MEMP_NUM_TCPIP_MSG_INPKT        256
#define MEMP_NUM_NETDB                  4
#define MEMP_NUM_SYS_TIMEOUT            (LWIP_NUM_SYS_TIMEOUT_INTERNAL + 8)
#define PBUF_POOL_SIZE                  2048
#define LWIP_SUPPORT_CUSTOM_PBUF        1           /* zero-copy receive (net.c) */
#define LWIP_ALLOW_MEM_FREE_FROM_OTHER_CONTEXT 0

/* ---- protocols ---- */
#define LWIP_IPV4                       1
#define LWIP_IPV6                       0
#define LWIP_ARP                        1
#define ARP_TABLE_SIZE                  16
#define ARP_QUEUEING                    1
#define LWIP_ETHERNET                   1
#define ETH_PAD_SIZE                    0
#define IP_REASSEMBLY                   1
#define IP_FRAG                         1
#define LWIP_ICMP                       1
#define LWIP_RAW                        1
#define LWIP_DHCP                       1
#define DHCP_DOES_ARP_CHECK             0           /* no 1 s wait for an ARP probe */
#define LWIP_AUTOIP                     0
#define LWIP_IGMP                       1
#define LWIP_DNS                        1
#define LWIP_UDP                        1
#define LWIP_TCP                        1
#define LWIP_SINGLE_NETIF               0
#define LWIP_NETIF_STATUS_CALLBACK      1
#define LWIP_NETIF_LINK_CALLBACK        1
#define LWIP_NETIF_HOSTNAME             1
#define LWIP_NETIF_API                  1
#define LWIP_HAVE_LOOPIF                0
#define LWIP_NETIF_LOOPBACK             0

/* ---- TCP ---- */
#define TCP_MSS                         1460
#define TCP_WND                         (44 * TCP_MSS)      /* 64240 */
#define TCP_SND_BUF                     (44 * TCP_MSS)
#define TCP_SND_QUEUELEN                (4 * TCP_SND_BUF / TCP_MSS)
#define TCP_QUEUE_OOSEQ                 1
#define TCP_OOSEQ_MAX_PBUFS             64
#define TCP_LISTEN_BACKLOG              1
#define TCP_DEFAULT_LISTEN_BACKLOG      64
#define LWIP_TCP_KEEPALIVE              1
#define LWIP_WND_SCALE                  0
#define TCP_OVERSIZE                    TCP_MSS

/* ---- API ---- */
#define LWIP_NETCONN                    1
#define LWIP_SOCKET                     1
#define LWIP_COMPAT_SOCKETS             1            /* socket(), bind(), ... as macros */
#define LWIP_POSIX_SOCKETS_IO_NAMES     0            /* read/write/close stay the C library's */
#define LWIP_SOCKET_OFFSET              0
#define LWIP_SO_RCVTIMEO                1
#define LWIP_SO_SNDTIMEO                1
#define LWIP_SO_RCVBUF                  1
#define LWIP_SO_LINGER                  1
#define SO_REUSE                        1
#define LWIP_SOCKET_SELECT              1
#define LWIP_SOCKET_POLL                1
#define LWIP_TIMEVAL_PRIVATE            0            /* picolibc's struct timeval */
#define LWIP_FIONREAD_LINUXMODE         1
#define RECV_BUFSIZE_DEFAULT            0x7fffffff

/* ---- checksums (no offload negotiated: QEMU's user network has none) ----
 * lwIP sums with port/chksum.c's 64-byte ADCS loop instead of its C loops. */
#include <stdint.h>
uint16_t net_chksum(const void *data, int len);
#define LWIP_CHKSUM                     net_chksum
#define LWIP_CHECKSUM_ON_COPY           0

/* ---- statistics and debugging ---- */
#define LWIP_STATS                      1
#define LWIP_STATS_DISPLAY              0
#define LINK_STATS                      1
#define MEM_STATS                       1
#define MEMP_STATS                      1
#define TCP_STATS                       1
#ifndef LWIP_DBG_TYPES_ON
#define LWIP_DBG_TYPES_ON               LWIP_DBG_ON
#endif

/* ---- randomness (ports, ISNs, DHCP xid): sys_arch.c ---- */
#include <stdint.h>
uint32_t net_rand(void);
#define LWIP_RAND()                     net_rand()

#endif
