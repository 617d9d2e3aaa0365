/*
 * Per-thread IPC state, embedded in struct thread so that the Call path
 * never allocates: the checked copy of the outgoing message lives here.
 */
#ifndef KERNEL_IPC_TYPES_H
#define KERNEL_IPC_TYPES_H

#include <stdbool.h>
#include <stdint.h>
#include <kernel/list.h>
#include <uapi/msg.h>

struct thread;

/* A message as the kernel holds it between the sender's check and delivery. */
struct kmsg {
    SMsgHdr hdr;
    uint8_t data[MSG_MAX_CONST];
};

/* The sender's hdr.arena_cap means nothing to the kernel (a receive-side
 * capacity): when hdr.arena_size != 0 it holds 0, or the event (enum
 * sec_event) whose decision reads the arena's contents and so is made at
 * delivery (security_deliver, kernel/security_hook.c). */
#define kmsg_sec_defer(m) ((m)->hdr.arena_cap)

/* Verdicts of struct ipc_verdict_memo that are no layout. */
#define MEMO_NO    ((const void *)0)
#define MEMO_GRANT ((const void *)1)
#define IPC_MEMO_WAYS 4

struct ipc_thread {
    struct kmsg msg;                 /* this thread's outgoing message (request or reply) */
    /* client side */
    struct thread *served_by;        /* server thread that took our request */
    uint64_t in_uaddr;               /* where the reply goes (Call's msgIn) */
    uint32_t badge;                  /* badge of the channel the request goes by */
    SMsgHdr in_cap;                  /* its capacities as the caller gave them (size, arena,
                                        arena_cap: all the kernel reads of it) */
    bool in_regs;                    /* CallReg: a short reply goes to its registers */
    struct list_node served_link;    /* on the listener's served list while served */
    /* server side */
    struct thread *serving;          /* client whose request we hold */
    uint32_t serving_riid, serving_mid;
    uint64_t recv_uaddr;             /* Recv's msgIn */
    SMsgHdr recv_cap;
    bool recv_regs;                  /* RecvReg / ReplyRecvReg: a short request goes to its registers */
    /* The fast path's last verdicts (kernel/ipc_fastpath.c): of this
     * thread's requests (as a client) and of its replies (as a server),
     * one per (riid + mid) % IPC_MEMO_WAYS, so that a client alternating
     * a few methods (open, close) keeps them all. verdict: MEMO_NO,
     * MEMO_GRANT, or the method's layout that each message must pass for a
     * grant (security_ipc_fast's check). */
    struct ipc_verdict_memo {
        uint64_t key[2];
        const void *verdict;
    } req_memo[IPC_MEMO_WAYS], rep_memo[IPC_MEMO_WAYS];
};

#endif
