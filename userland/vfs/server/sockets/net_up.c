/*
 * net_up.c: the socket service's glue to the network stack: brings lwIP up
 * (userland/net, net_init) in a background thread so files are served at
 * once, and tells the request handlers when it is up (net_ready). No device
 * is not an error: every socket call then answers -ENETDOWN.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <kos/thread.h>
#include <net/net.h>
#include "net_up.h"
#include "sockets.h"

enum { NET_STARTING, NET_UP, NET_DOWN };
static int net_state = NET_STARTING;
static int net_down_err = ENETDOWN;

#define NET_ARGS_MAX 16
static char *net_argv[NET_ARGS_MAX + 1];
static int net_argc;

static int net_thread(void *arg)
{
    (void)arg;
    struct net_options o;
    net_options_default(&o);
    int state = NET_DOWN;
    if (net_options_parse(&o, net_argc, net_argv) != NET_OK) {
        fprintf(stderr, "VfsFsnet: bad network option, sockets unavailable\n");
    } else {
        struct net_info info;
        int rc = net_init(&o, &info);
        if (rc == NET_OK) {
            char ip[16];
            printf("VfsFsnet: network %s (%s), sockets served\n", net_ip_str(info.ip, ip),
                   info.from_dhcp ? "dhcp" : "static");
            state = NET_UP;
        } else if (rc == NET_ENODEV) {
            printf("VfsFsnet: no network device, sockets unavailable\n");
        } else {
            printf("VfsFsnet: network down (%s), sockets unavailable\n", net_strerror(rc));
            if (rc == NET_EACCES)
                net_down_err = EACCES;
        }
    }
    __atomic_store_n(&net_state, state, __ATOMIC_RELEASE);
    return 0;
}

void sockets_start(int argc, char **argv)
{
    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "off") == 0) {       /* "-n off": a files-only VFS */
            printf("VfsFsnet: network off, sockets unavailable\n");
            __atomic_store_n(&net_state, NET_DOWN, __ATOMIC_RELEASE);
            return;
        }
    }
    net_argv[0] = "VfsFsnet";
    net_argc = 1;
    for (int i = 0; i < argc && net_argc < NET_ARGS_MAX; i++)
        net_argv[net_argc++] = argv[i];
    net_argv[net_argc] = NULL;
    Tid tid;
    if (KosThreadCreate(&tid, ThreadPriorityNormal, 64 * 1024, net_thread, NULL, 0) != rcOk) {
        printf("VfsFsnet: cannot start the network thread, sockets unavailable\n");
        __atomic_store_n(&net_state, NET_DOWN, __ATOMIC_RELEASE);
    }
}

/* 0 once the network is up (waits for the bring-up, DHCP included), else -errno. */
int net_ready(void)
{
    for (;;) {
        int s = __atomic_load_n(&net_state, __ATOMIC_ACQUIRE);
        if (s == NET_UP)
            return 0;
        if (s == NET_DOWN)
            return -net_down_err;
        KosThreadSleep(10);
    }
}
