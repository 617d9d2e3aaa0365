/*
 * VfsFsnet: the VFS process. Two services on one listener, wired here:
 *
 *   files/    the file service, kl.VfsFilesystem: the VFS core (userland/vfs/core)
 *             behind IPC (docs/VFS.md, "Server and client")
 *   sockets/  the socket service, kl.VfsNetwork: BSD sockets on lwIP
 *             (docs/NET.md, "Sockets over IPC"; sockets/none/ when NET=0)
 *   clients.c the one table of client processes both use (by badge)
 *   pool.c    the worker threads that receive and answer
 *
 *   VfsFsnet [-l "<fstab entry>"]... [-f <fstab in the romfs image>]...
 *            [-n <network option>]...   (ip=A.B.C.D/N, gw=, nodhcp, off: docs/NET.md)
 *   env _VFS_FILESYSTEM_BACKEND / VFS_FILESYSTEM_BACKEND = server:<channel>
 *
 * Clients are told apart by the badge the kernel puts in every request: one
 * per client channel end, so each client process gets its own descriptors,
 * cwd and sockets without trusting anything it sends. A malformed request gets
 * an error reply, a well-formed one a normal reply whose `res` is >= 0 or
 * -errno. The server never exits.
 *
 * The file service runs one request at a time under its lock; the socket
 * service runs outside it, so a socket call that blocks holds only its worker.
 */
#include <coresrv/nk/transport-kos.h>   /* first: the KasperskyOS-form names */
#define NK_NO_SL_TABLE 1                  /* a server: its clients hold the records */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <coresrv/channel/channel_api.h>
#include <coresrv/handle/handle_api.h>
#include <coresrv/syscalls.h>
#include <coresrv/thread/thread_api.h>
#include <vfs/defs.h>
#include <VfsFsnet.edl.h>
#include "clients.h"
#include "files/files.h"
#include "pool.h"
#include "sockets/sockets.h"

/* Every answer fits the pool's buffers (the error reply, 4 bytes, included). */
_Static_assert(sizeof(VfsFsnet_entity_res) <= POOL_MSG_MAX && sizeof(SMsgHdr) + 4 <= POOL_MSG_MAX,
               "VfsFsnet's answers fit a worker's buffer");
_Static_assert(VfsFsnet_entity_req_arena_size <= MSG_MAX_ARENA, "request arena fits");
_Static_assert(VfsFsnet_entity_res_arena_size <= MSG_MAX_ARENA, "response arena fits");

/* The kernel's notice that the client behind `badge` is gone: both services drop
 * its state; its slot is free once its last request has returned. */
static void disconnect(uint32_t badge)
{
    int slot = client_disconnect(badge);
    if (slot < 0)
        return;
    files_client_gone(slot);
    sockets_client_gone(slot);
    client_leave(slot);
}

/* Answers the request in m->req in m->res; runs in any worker thread. */
static void serve(void *ctx, struct pool_msg *m)
{
    (void)ctx;
    SMsgHdr *rq = &m->req.hdr;
    if (rq->mid == MSG_MID_DISCONNECT) {    /* from the kernel only (riid 0) */
        disconnect(rq->badge);              /* a notice: ReplyRecv sends no answer */
        return;
    }
    uint32_t nh = rq->nhandles;             /* (serving leaves the request as it came) */
    if (rq->riid == VfsFsnet_vfs_net_iid) {
        /* A deferred arena (pool.h) copied here first, as the kernel would have
         * (files_serve does so for the file requests that do not take it). */
        if (!__builtin_expect(KnArenaDeferred(rq), 0) || pool_arena_pull(m) == rcOk)
            sockets_serve(m);               /* may block: this worker only */
    } else if (nh == 0) {
        files_serve(m);                     /* a tail call: the common case, no frame here */
        return;
    } else
        files_serve(m);                     /* any other riid gets its error reply there */
    /* Drop every handle a request brought (ReadDirect/WriteDirect windows, or any
     * a client sent anyway): nothing of a client is kept past its call. */
    for (uint32_t i = 0; i < nh && i < MSG_MAX_HANDLES; i++)
        KnHandleClose(rq->handles[i].handle);
}

/* The backend variable: "server:<channel>" names our channel. */
static const char *channel_name(void)
{
    const char *v = getenv("_VFS_FILESYSTEM_BACKEND");
    if (!v)
        v = getenv("VFS_FILESYSTEM_BACKEND");
    if (v && strncmp(v, "server:", 7) == 0 && v[7])
        return v + 7;
    return _VFS_CONNECTION_ID;
}

/* _VFS_NETWORK_BACKEND = server:<channel>: the name a network-only VFS is found by. */
static const char *net_channel_name(void)
{
    const char *v = getenv("_VFS_NETWORK_BACKEND");
    if (!v)
        v = getenv("VFS_NETWORK_BACKEND");
    if (v && strncmp(v, "server:", 7) == 0 && v[7])
        return v + 7;
    return _VFS_CONNECTION_ID;
}

static Handle find_listener(void)
{
    /* The kernel gives a task one listener for all its channels; any of its names finds
     * it. Try the configured name, then the class names init.yaml may have used. */
    const char *names[] = { channel_name(), net_channel_name(), _VFS_CONNECTION_ID, "VfsFsnet",
                            "kl.VfsNet", "kl.VfsEntity", "kl.VfsRamFs" };
    for (int attempt = 0; attempt < 100; attempt++) {
        for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
            Handle h;
            if (KnChannelLookup(names[i], SERVICE_SERVER, &h) == rcOk)
                return h;
        }
        KnSleepNs(10 * 1000 * 1000);        /* a parent may still be connecting us */
    }
    return INVALID_HANDLE;
}

int main(int argc, char *argv[])
{
    /* "-n <option>" words are the socket service's; the rest are the file service's. */
    char *vargv[64], *nargv[16];
    int vargc = 0, nargc = 0;
    for (int i = 0; i < argc && vargc < 63; i++) {
        if (i > 0 && argv[i] && strcmp(argv[i], "-n") == 0 && i + 1 < argc && argv[i + 1]) {
            if (nargc < 16)
                nargv[nargc++] = argv[i + 1];
            i++;
        } else {
            vargv[vargc++] = argv[i];
        }
    }
    vargv[vargc] = NULL;
    int rc = files_start(vargc, vargv);
    if (rc != 0)
        return rc;
    Handle listener = find_listener();
    if (listener == INVALID_HANDLE) {
        fprintf(stderr, "VfsFsnet: no channel '%s'\n", channel_name());
        return 3;
    }
    printf("VfsFsnet: serving files on '%s'\n", channel_name());

    sockets_start(nargc, nargv);
    pool_run(listener, serve, NULL);
}
