/*
 * Synchronous IPC: Call / Recv / Reply over channels.
 *
 * A server end (listener) is one receive point shared by every channel to
 * it; a client end names one listener. Both are kernel objects behind
 * handles. Every request and response passes the security module
 * (kernel/security_hook.c) with the kernel's own checked copy of the
 * message, so what was checked is what is delivered.
 *
 * Three files, along seL4's line: kernel/ipc_rendezvous.c (the Call / Recv /
 * Reply state machine), kernel/ipc_transfer.c (fetch, capacity check, copy,
 * deliver: kernel/include/kernel/ipc_transfer.h) and kernel/ipc_channel.c
 * (the listener and client objects' lifecycle).
 */
#ifndef KERNEL_IPC_H
#define KERNEL_IPC_H

#include <stdint.h>
#include <stdbool.h>
#include <kernel/list.h>
#include <kernel/object.h>
#include <kernel/sched.h>

struct task;

struct ipc_listener {
    struct kobject obj;              /* KOBJ_IPC_LISTENER */
    struct task *class_owner;        /* referenced: whose class the policy sees as dst */
    struct wait_queue receivers;     /* server threads blocked in Recv */
    struct wait_queue callers;       /* client threads waiting to be received */
    struct list_node served;         /* client threads whose request is being handled */
    struct list_node gone;           /* client ends gone, their notices not yet received */
    bool connected;
};

struct ipc_client {
    struct kobject obj;              /* KOBJ_IPC_CLIENT */
    struct ipc_listener *listener;
    uint32_t badge;                  /* tells the server which channel a request came by */
    struct list_node gone_link;      /* on listener->gone (holding a reference) until noticed */
};

/* Every listener starts here, the kernel's included; owner (referenced, or
 * NULL for the kernel) is the class the policy sees as the destination. */
void ipc_listener_init(struct ipc_listener *l, struct task *owner,
                       void (*destroy)(struct kobject *));
struct ipc_listener *ipc_listener_create(struct task *owner);
struct ipc_client *ipc_client_create(struct ipc_listener *l);

/* Delivers the kernel's reply built in self->ipc.msg to the caller's Call buffer. */
Retcode ipc_deliver_kernel_reply(struct thread *self);

/* Cleans up IPC state of a thread that exits or is killed (either side). */
void ipc_thread_gone(struct thread *t);

/* Wakes every thread waiting on, or served through, listener s (disconnected)
 * with rcNotConnected: its clients' Calls and its receivers end. */
void ipc_listener_end(struct ipc_listener *s);

#endif
