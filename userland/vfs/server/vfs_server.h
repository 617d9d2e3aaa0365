/* VfsFsnet internals shared with its future parts (a network endpoint). */
#ifndef VFS_SERVER_H
#define VFS_SERVER_H

#include <stdint.h>

/* Forget the client process behind `badge`: closes all its descriptors. Called for
 * Release and, once the kernel sends one, for its "client end gone" notice. */
void vfs_server_client_gone(uint32_t badge);
/* Client processes with state in the server. */
int vfs_server_client_count(void);

#endif
