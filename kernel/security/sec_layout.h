/*
 * Message layout records: what the constant part of a request or a response
 * of one IDL method looks like (exact size, arena descriptors, handle slots,
 * union tags and the union conditions they hang on), and the method, endpoint
 * and class records that hold them. One definition for every checker: the
 * kernel's sec_check_layout (sec_engine.c) reads them from the tables
 * tools/psl generates into policy.c; tools/nk emits the same records into
 * <Class>.layout.h (one emitter, tools/nk/cgen.py LayoutEmitter), and the
 * generated C message structs _Static_assert their size against them.
 * Offsets count from the first byte after SMsgHdr; values are little-endian.
 * Freestanding: only <stdint.h>.
 */
#ifndef SEC_LAYOUT_H
#define SEC_LAYOUT_H

#include <stdint.h>

#define SEC_NO_COND   0xFFFFu
#define SEC_NO_HANDLE 0xFFFFFFFFu

enum sec_arena_kind { SEC_ARENA_BYTES = 0, SEC_ARENA_STRING = 1, SEC_ARENA_SEQUENCE = 2 };

/* "the uint32 union tag at tag_offset == value", and its parent (nested unions). */
struct sec_cond {
    uint16_t tag_offset;
    uint16_t parent; /* index into the message's conds[] or SEC_NO_COND */
    uint32_t value;
};

/* An {offset, size} arena descriptor at `offset` in the constant part. */
struct sec_arena_ref {
    uint16_t offset;
    uint16_t cond;
    uint32_t max; /* elements; string: bytes including the NUL */
    uint16_t elem_size;
    uint8_t elem_align;
    uint8_t kind; /* enum sec_arena_kind */
};

/* A uint32 handle slot index at `offset` (SEC_NO_HANDLE = none). */
struct sec_handle_ref {
    uint16_t offset;
    uint16_t cond;
};

/* A union tag at `offset`: 0 .. nmembers-1. */
struct sec_union_ref {
    uint16_t offset;
    uint16_t cond;
    uint32_t nmembers;
};

/* The constant part of a request or a response. */
struct sec_msg_layout {
    uint32_t size;      /* exact */
    uint32_t arena_max; /* bytes it can need (items rounded up to 8) */
    uint16_t narena, nhandles, nunions, nconds;
    const struct sec_arena_ref *arena;
    const struct sec_handle_ref *handles;
    const struct sec_union_ref *unions;
    const struct sec_cond *conds;
};

struct sec_method {
    const char *name;
    struct sec_msg_layout req, res;
};

struct sec_endpoint {
    const char *path;      /* "main.store", "ctl" */
    const char *interface; /* "demo.IStore" */
    uint32_t nmethods;     /* mid < nmethods */
    uint32_t slot_base;    /* its methods are methods[slot_base + mid] */
};

struct sec_class {
    const char *name;
    uint32_t nendpoints; /* riid < nendpoints */
    const struct sec_endpoint *endpoints;
    uint32_t nslots; /* methods of all endpoints */
    const struct sec_method *methods;
    uint32_t nsecurity; /* methods of its `security` interface */
    const struct sec_method *security;
};

/* sizeof a generated message struct (SMsgHdr, 64 bytes, + the constant part,
 * rounded up to the struct's alignment): what the generated headers assert
 * against a record's size. */
#define SEC_LAYOUT_STRUCT_SIZE(size, align) ((64u + (size) + (align)-1u) / (align) * (align))

#endif
