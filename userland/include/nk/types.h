/*
 * nk/types.h: the basic types of the KasperskyOS NK API (the C API tools/nk
 * generates when a program includes <coresrv/nk/transport-kos.h>; docs/IDL.md,
 * "KasperskyOS API"): nk_err_t and its codes, the fixed-width nk_* integers,
 * struct nk_message (the message header every request/response starts with,
 * member `base_`) and nk_ptr_t (an arena reference in a constant part).
 */
#ifndef NK_TYPES_KOS_H
#define NK_TYPES_KOS_H

#include <stddef.h>
#include <stdint.h>
#include <uapi/msg.h>
#include <uapi/retcode.h>

typedef int8_t nk_sint8_t;
typedef int16_t nk_sint16_t;
typedef int32_t nk_sint32_t;
typedef int64_t nk_sint64_t;
typedef uint8_t nk_uint8_t;
typedef uint16_t nk_uint16_t;
typedef uint32_t nk_uint32_t;
typedef uint64_t nk_uint64_t;
typedef int8_t nk_int8_t;
typedef int16_t nk_int16_t;
typedef int32_t nk_int32_t;
typedef int64_t nk_int64_t;
typedef char nk_char_t;
typedef uint8_t nk_bool_t;
typedef size_t nk_size_t;
typedef uint32_t nk_iid_t;     /* runtime interface id (RIID) */
typedef uint32_t nk_mid_t;     /* method id */
typedef Handle nk_handle_t;

#define NK_NULL ((void *)0)
#define NK_TRUE 1
#define NK_FALSE 0

/* nk_err_t is a Retcode: NK_EOK == rcOk, so `proxy call == rcOk` works as in
 * KasperskyOS; the other codes are the Retcodes the generated code returns. */
typedef int32_t nk_err_t;
#define NK_EOK      rcOk
#define NK_EINVAL   rcInvalidArgument    /* malformed request or response */
#define NK_EBADMSG  rcInvalidArgument    /* same: a message that does not match the IDL */
#define NK_ENOENT   rcUnimplemented      /* no such interface (riid) or method (mid) */
#define NK_ENOSYS   rcUnimplemented      /* the method has no implementation */
#define NK_ENOMEM   rcBufferTooSmall     /* an arena or buffer is too small */
#define NK_EPERM    rcSecurityDisallow   /* denied by the security module */
#define NK_ETIMEDOUT rcTimeout
#define NK_ENOTCONN rcNotConnected

/* The message header (docs/ABI.md): hdr.riid, hdr.mid, hdr.size (constant
 * part bytes after the header), hdr.badge (in a received request: the badge
 * of the caller's channel, i.e. who called), hdr.handles[]. */
struct nk_message {
    SMsgHdr hdr;
};
_Static_assert(sizeof(struct nk_message) == 64, "nk_message is the 64-byte SMsgHdr");

/* An arena reference {offset, size in bytes} in a constant part. */
typedef nk_arena_desc nk_ptr_t;

/* The caller's badge of a received request (the same for all requests over
 * one client channel end; Einit gives every channel its own). */
#define nk_msg_badge(msg) ((msg)->base_.hdr.badge)

#endif
