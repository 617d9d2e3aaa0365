/*
 * vfs_pool.h: VfsFsnet's worker threads (vfs_pool.c). Each worker receives on
 * the one listener and answers what it received, so a request that blocks
 * (a socket's recv, accept, poll) holds only its worker.
 */
#ifndef VFS_POOL_H
#define VFS_POOL_H

#include <stdint.h>
#include <coresrv/syscalls.h>
#include <VfsFsnet.edl.h>

#define VFS_RES_MAX                                                            \
    (VfsFsnet_res_max > sizeof(SMsgHdr) + 4 ? VfsFsnet_res_max : sizeof(SMsgHdr) + 4)

/* One worker's message buffers: any request the kernel can deliver, the largest answer. */
struct vfs_msgbuf {
    _Alignas(8) uint8_t req_arena[MSG_MAX_ARENA];
    _Alignas(8) uint8_t res_arena[MSG_MAX_ARENA];
    union {
        SMsgHdr hdr;
        uint8_t raw[sizeof(SMsgHdr) + MSG_MAX_CONST];
    } req;
    union {
        SMsgHdr hdr;
        uint8_t raw[VFS_RES_MAX];
    } res;
};

_Static_assert(VfsFsnet_req_arena_max <= MSG_MAX_ARENA, "request arena fits");
_Static_assert(VfsFsnet_res_arena_max <= MSG_MAX_ARENA, "response arena fits");

/* Builds the answer to m->req in m->res (always: a reply or an error reply). */
typedef void (*vfs_serve_fn)(struct vfs_msgbuf *m);

#define VFS_POOL_START 4            /* workers at start (the main thread is one) */
#define VFS_POOL_MAX 64             /* at most: requests in service at once */

/* Serves `listener` forever: the calling thread is the first worker; another
 * is started whenever none is left waiting, up to VFS_POOL_MAX. */
__attribute__((noreturn)) void vfs_pool_run(Handle listener, vfs_serve_fn serve);

/* Workers running now (statistics). */
int vfs_pool_workers(void);

#endif
