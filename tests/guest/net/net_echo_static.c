/*
 * net_echo_static: net_echo with a static address and no DHCP
 * (10.0.2.20/24, gateway 10.0.2.2: inside QEMU's user network).
 */
#include "echo_server.h"

int main(int argc, char **argv)
{
    static const char *const defaults[] = { "nodhcp", "ip=10.0.2.20/24", "gw=10.0.2.2", 0 };
    return echo_main(argc, argv, defaults);
}
