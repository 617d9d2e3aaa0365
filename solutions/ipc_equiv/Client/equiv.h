/* The messages of equiv.IEquiv as equiv.Client and equiv.Server send them
 * raw (constant part sizes of idl/equiv/IEquiv.idl). */
#ifndef EQUIV_H
#define EQUIV_H

#include <stdint.h>
#include <uapi/msg.h>

#define EQ_ROUNDS 800
#define EQ_FINISH 0x7fffffffu   /* a Plain request with this value: the server reports */

enum { EQ_PLAIN, EQ_COND, EQ_AUDITED, EQ_DATA, EQ_WIDE, EQ_STEP, EQ_REST, EQ_CLOSED, EQ_TEXT,
       EQ_FETCH, EQ_NMETHODS };

struct eq_msg {
    SMsgHdr hdr;
    uint8_t data[96];
};

static inline uint32_t eq_size(uint32_t mid)
{
    return mid == EQ_DATA || mid == EQ_TEXT ? 12 : mid == EQ_WIDE ? 72 : 4;
}

/* Fetch's reply: an arena of eq_fetch_size(value) bytes (some over the
 * client's room), its descriptor one byte too long when eq_fetch_bad. */
static inline uint32_t eq_fetch_size(uint32_t value) { return value % 5003; }
static inline int eq_fetch_bad(uint32_t value) { return value % 11 == 4; }

/* The server's answer to a request carrying `value`. */
static inline int eq_error_reply(uint32_t value) { return value % 13 == 5; }
static inline int eq_bad_reply(uint32_t value) { return value % 17 == 3; }
static inline int eq_pauses(uint32_t value) { return value % 19 == 2; }

#endif
