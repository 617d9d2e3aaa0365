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

/* One handle of a thread's last CallReg (or ReplyRecvReg) as resolved
 * (kernel/ipc_fastpath.c): valid while its task's handle table keeps the
 * generation it was resolved at (struct handle_table's gen), so a hit is
 * the full lookup's answer (same object, type and rights checked). The
 * call cache also keeps the verdict for the last request header word: it
 * depends only on this thread's task, the channel's destination class and
 * the header word (riid, mid, size), all fixed while the entry is. The
 * recv cache keeps the verdict of the last reply, keyed by all it depends
 * on but this thread's task: the method answered, the client's class and
 * the size. */
struct ipc_hcache {
    uint64_t h;                      /* the system call's argument, as passed */
    uint64_t gen;                    /* handles.gen at the lookup (0: empty) */
    void *obj;                       /* struct ipc_client / struct ipc_listener */
    uint64_t hdr;                    /* call cache: the MSG_REG_HDR word verdict is for;
                                        recv cache: the (riid, mid) the reply answers */
    uint64_t peer;                   /* recv cache: the client's class << 32 | reply size */
    const void *verdict;             /* MEMO_NO (general path), MEMO_GRANT or a layout */
    uint64_t hot;                    /* hdr when verdict is MEMO_GRANT and the fast path is
                                        on, else a value hdr never takes: the straight
                                        lines test this one word */
};

struct ipc_thread {
    struct kmsg msg;                 /* this thread's outgoing message (request or reply) */
    /* client side */
    struct thread *served_by;        /* server thread that took our request */
    uint64_t in_uaddr;               /* where the reply goes (Call's msgIn) */
    uint32_t badge;                  /* badge of the channel the request goes by */
    SMsgHdr in_cap;                  /* its capacities as the caller gave them (size, arena,
                                        arena_cap: all the kernel reads of it) */
    bool in_regs;                    /* CallReg (and ipc_regs_on): a short reply goes to its
                                        registers */
    struct list_node served_link;    /* on the listener's served list while served */
    /* server side */
    struct thread *serving;          /* client whose request we hold */
    uint32_t serving_riid, serving_mid;
    uint64_t recv_uaddr;             /* Recv's msgIn */
    SMsgHdr recv_cap;
    bool recv_regs;                  /* RecvReg / ReplyRecvReg (and ipc_regs_on): a short
                                        request goes to its registers */
    /* Deferred arenas (kernel/ipc_pull.c, docs/ABI.md "Deferred arenas"):
     * defer_key, this thread's threshold T (ArenaDefer) as one add and one
     * compare can test it: MSG_MAX_ARENA + 1 - T, 0 when off (a new thread's
     * zeroed state): an arena of asz bytes is deferred when asz + defer_key >
     * MSG_MAX_ARENA, i.e. asz >= T (kernel/ipc_fastpath.c). pull_size != 0: the
     * request held now was delivered so, its arena [pull_arena, +pull_size)
     * in the client's memory (ArenaRead); ipc_bind clears it, the fast path
     * sets it after. */
    uint32_t defer_key;
    uint32_t pull_size;
    uint64_t pull_arena;
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
    /* The last receive room in registers (x10, x11, x12) that passed
     * ipc_regs_capacity's checks, a pure function of the three: the same
     * room passes again without them (kernel/ipc_fastpath.c room_ok). */
    uint64_t room_key[3];
    struct ipc_hcache call_cache;    /* CallReg's client handle */
    struct ipc_hcache recv_cache;    /* ReplyRecvReg's listener handle */
};

#endif
