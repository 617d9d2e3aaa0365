/*
 * Binding a client thread to the server thread that holds its request:
 * shared by the rendezvous (kernel/ipc_rendezvous.c) and the fast path
 * (kernel/ipc_fastpath.c). Inline: both are on the path `make bench` counts.
 */
#ifndef KERNEL_IPC_BIND_H
#define KERNEL_IPC_BIND_H

#include <kernel/ipc.h>
#include <kernel/list.h>
#include <kernel/panic.h>
#include <kernel/sched.h>

/* Pairs a client with the server thread that now holds its request, whose
 * method (riid, mid) the server's reply answers. The fast path passes them
 * from its registers; the rendezvous, from the client's kmsg (ipc_bind). */
static inline void ipc_bind_method(struct thread *client, struct thread *server,
                                   struct ipc_listener *s, uint16_t riid, uint32_t mid)
{
    DEBUG_ASSERT(!client->ipc.served_by && !list_linked(&client->ipc.served_link));
    DEBUG_ASSERT(!server->ipc.serving);       /* one request held at a time */
    client->ipc.served_by = server;
    list_add_tail(&s->served, &client->ipc.served_link);
    server->ipc.serving = client;
    server->ipc.serving_riid = riid;
    server->ipc.serving_mid = mid;
    server->ipc.pull_size = 0;               /* copied, unless the fast path defers it */
}

/* ipc_bind_method for the request in the client's kmsg. */
static inline void ipc_bind(struct thread *client, struct thread *server, struct ipc_listener *s)
{
    ipc_bind_method(client, server, s, client->ipc.msg.hdr.riid, client->ipc.msg.hdr.mid);
}

static inline void ipc_unbind(struct thread *client)
{
    if (client->ipc.served_by)
        client->ipc.served_by->ipc.serving = NULL;
    client->ipc.served_by = NULL;
    list_del(&client->ipc.served_link);
}

#endif
