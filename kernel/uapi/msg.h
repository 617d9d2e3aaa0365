/*
 * IPC message layout shared by the kernel, the security module, the IDL
 * code generator (tools/nk) and user space. docs/ABI.md describes it.
 *
 * A message is an SMsgHdr immediately followed by its constant part
 * (`size` bytes: the fixed-size arguments of the method), plus an optional
 * arena (variable-size data) in a separate user buffer. Variable-size
 * arguments (string, bytes, sequence) sit in the constant part as an
 * nk_arena_desc {offset, size} into the arena. Handles travel in the
 * header's `handles[]` slots; a Handle argument in the constant part holds
 * the slot index.
 */
#ifndef UAPI_MSG_H
#define UAPI_MSG_H

#include <stdint.h>

typedef uint32_t Handle;
#define INVALID_HANDLE 0u

#define MSG_MAX_CONST    512u      /* bytes of constant part after the header */
#define MSG_MAX_ARENA    65536u    /* bytes of arena in one message */
#define MSG_MAX_HANDLES  4u        /* handles carried by one message */

/* A reply with this method id is an error reply: its constant part is one
 * int32 Retcode (the server's dispatcher or method failed). The kernel keeps
 * it and the security module sees it as an `error` event. */
#define MSG_MID_ERROR    0xffffffffu

/* What Recv returns when a channel's client end is gone (its last handle
 * closed: the client closed it or its task ended): riid 0, size 0, no arena,
 * no handles, `badge` = the channel's badge. A notice from the kernel, not a
 * request: nothing waits for a reply (Reply answers rcNotConnected; ReplyRecv
 * just receives) and the policy does not see it. Servers that keep state per
 * badge free it here; others ignore it. */
#define MSG_MID_DISCONNECT 0xfffffffeu

/* A Call on the kernel handle (KERNEL_HANDLE) with this riid is a security
 * call: the task asks the security module through its class's `security`
 * interface (PSL event `security`); mid = the method of that interface, the
 * constant part its `in` parameters. The answer is an empty reply (rcOk) or
 * rcSecurityDisallow; a malformed query gives rcInvalidArgument. */
#define MSG_RIID_SECURITY 0xffffu

typedef struct SMsgHandle {
    Handle   handle;   /* sender: its handle; receiver: the new handle */
    uint32_t rights;   /* rights for the receiver's copy (subset of sender's) */
} SMsgHandle;

typedef struct SMsgHdr {
    uint16_t riid;        /* endpoint id (runtime interface id) in the server class */
    uint16_t nhandles;    /* used entries of handles[] */
    uint32_t mid;         /* method id within the endpoint's interface */
    uint32_t size;        /* bytes of constant part following this header */
    uint32_t badge;       /* received request: the badge of the caller's channel,
                             unique per client end (0 in replies); ignored when sent */
    uint64_t arena;       /* user address of the arena buffer, 0 when none */
    uint32_t arena_size;  /* bytes of arena used (send) / received (receive) */
    uint32_t arena_cap;   /* capacity of the arena buffer (receive side) */
    SMsgHandle handles[MSG_MAX_HANDLES];
    /* uint8_t data[size] follows: the constant part */
} SMsgHdr;

_Static_assert(sizeof(SMsgHdr) == 64, "SMsgHdr is 64 bytes (docs/ABI.md)");

/*
 * Short messages in registers (docs/ABI.md, "Short messages in registers"):
 * CallReg, RecvReg and ReplyRecvReg carry a message with no arena and no
 * handles and at most MSG_REG_CONST bytes of constant part in registers, and
 * receive one that way when it qualifies. libkos's Call / Recv / ReplyRecv
 * use them on their own; programs see the same SMsgHdr buffers.
 *
 *   in:  x0 handle, x1 MSG_REG_HDR word, x2..x7 the constant part (bytes
 *        0..47, little-endian, zero past `size`), x9 = 0, x10 the receive
 *        buffer, x11 MSG_REG_CAP word of its room, x12 its arena, x13 the
 *        timeout (RecvReg, ReplyRecvReg)
 *   out: x0 the Retcode; when x9 != 0 (rcOk only) the message is in x1
 *        (MSG_REG_HDR word) and x2..x7, x9 = MSG_REG_IN | badge, and the
 *        buffer is untouched: the library stores them; x9 == 0: the message
 *        is in the buffer, as with Call / Recv / ReplyRecv.
 */
#define MSG_REG_CONST 48u
#define MSG_REG_HDR(riid, mid, size)                                   \
    ((uint64_t)(uint16_t)(riid) | (uint64_t)(uint16_t)(size) << 16 | \
     (uint64_t)(uint32_t)(mid) << 32)
#define MSG_REG_RIID(w) ((uint16_t)(w))
#define MSG_REG_SIZE(w) ((uint32_t)(uint16_t)((w) >> 16))
#define MSG_REG_MID(w)  ((uint32_t)((w) >> 32))
#define MSG_REG_CAP(size, arena_cap) \
    ((uint64_t)(uint32_t)(size) | (uint64_t)(uint32_t)(arena_cap) << 32)
#define MSG_REG_IN (1ull << 32)

/* Reference to variable-size data in the arena, stored in the constant part. */
typedef struct nk_arena_desc {
    uint32_t offset;
    uint32_t size;
} nk_arena_desc;

#endif
