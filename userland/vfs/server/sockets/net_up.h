/* net_up.h: the network's state for the socket service's handlers (net_up.c). */
#ifndef NET_UP_H
#define NET_UP_H

/* 0 once the network is up (waits for the bring-up, DHCP included), else -errno
 * (-ENETDOWN without a device, -EACCES when the policy refused it). */
int net_ready(void);

#endif
