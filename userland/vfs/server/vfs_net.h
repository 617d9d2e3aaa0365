/*
 * vfs_net.h: VfsFsnet's network endpoint (kl.VfsNetwork, vfs_net.c): BSD
 * sockets for clients over IPC, served on lwIP. docs/NET.md, "Sockets over
 * IPC".
 */
#ifndef VFS_NET_H
#define VFS_NET_H

#include <stdint.h>
#include <VfsFsnet.edl.h>

/* The ops of the kl.VfsNetwork endpoint (ctx unused). */
extern const struct kl_VfsNetwork_ops vfs_net_ops;

/* Starts the network in the background from the "-n <option>" words of
 * VfsFsnet's command line (net_options_parse syntax: ip=, gw=, nodhcp, ...).
 * Without a device it prints one line and every socket call answers
 * -ENETDOWN; files are served either way. */
void vfs_net_start(int argc, char **argv);

/* The client of the request the calling worker thread serves (its badge);
 * set before each dispatch. */
void vfs_net_set_caller(uint32_t badge);

/* Closes every socket of the client behind `badge` (Release, client gone). */
void vfs_net_client_gone(uint32_t badge);

/* Sockets open for all clients (tests, statistics). */
int vfs_net_socket_count(void);

#endif
