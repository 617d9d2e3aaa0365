/*
 * net_echo [net options]: TCP and UDP echo server on port 7 (RFC 862).
 * DHCP first, QEMU's 10.0.2.15/24 as the static fallback. docs/NET.md.
 */
#include "echo_server.h"

int main(int argc, char **argv)
{
    return echo_main(argc, argv, 0);
}
