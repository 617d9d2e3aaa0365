/* The echo service shared by the net_echo programs (echo_server.c). */
#ifndef NET_TESTS_ECHO_SERVER_H
#define NET_TESTS_ECHO_SERVER_H

/* Brings the network up with `defaults` (net_options_parse words, NULL
 * ended) then argv, prints "net: <ip>", serves TCP and UDP echo on port 7.
 * Returns only on failure: 1 (e.g. "no virtio-net device"), 2 bad options. */
int echo_main(int argc, char **argv, const char *const *defaults);

#endif
