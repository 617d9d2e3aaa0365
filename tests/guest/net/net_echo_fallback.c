/*
 * net_echo_fallback: net_echo that gives DHCP one second, then falls back
 * to 10.0.2.20/24 (on a network without a DHCP server).
 */
#include "echo_server.h"

int main(int argc, char **argv)
{
    static const char *const defaults[] = { "dhcp_timeout=1000", "ip=10.0.2.20/24", "verbose", 0 };
    return echo_main(argc, argv, defaults);
}
