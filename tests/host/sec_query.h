/*
 * The query-line pieces both host drivers of the security engine share:
 * tests/host/pal_runner.c (PAL tests, tools/psl/pal_run.py) and
 * tests/tools/data/psl/driver.c (tests/tools/test_psl_*.py). Each reads one
 * query per stdin line; this header turns the event word and the hex fields
 * into engine arguments and asks the engine the way the kernel does:
 * the constant part in a buffer of exactly its size (ASan sees an overread),
 * and a decision that needs the arena's contents asked again with a copy of it.
 */
#ifndef TESTS_HOST_SEC_QUERY_H
#define TESTS_HOST_SEC_QUERY_H

#include <stdlib.h>
#include <string.h>
#include "security/sec_engine.h"

extern const struct sec_tables sec_policy;

static inline enum sec_event sec_query_event(const char *s)
{
    if (!strcmp(s, "request"))
        return SEC_EV_REQUEST;
    if (!strcmp(s, "response"))
        return SEC_EV_RESPONSE;
    if (!strcmp(s, "error"))
        return SEC_EV_ERROR;
    if (!strcmp(s, "security"))
        return SEC_EV_SECURITY;
    return SEC_EV_EXECUTE;
}

static inline int sec_query_hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Hex digits (or "-" for none) -> bytes; stops at the first non-hex pair or at cap. */
static inline size_t sec_query_unhex(const char *hex, uint8_t *out, size_t cap)
{
    size_t n = 0;
    if (!strcmp(hex, "-"))
        return 0;
    for (; hex[2 * n] && hex[2 * n + 1] && n < cap; n++) {
        int hi = sec_query_hexval(hex[2 * n]), lo = sec_query_hexval(hex[2 * n + 1]);
        if (hi < 0 || lo < 0)
            break;
        out[n] = (uint8_t)(hi * 16 + lo);
    }
    return n;
}

/* Decides one IPC query: m->data is read from `data` (m->size bytes), the
 * arena (when a rule needs its contents) from `arena` (`an` bytes, which must be
 * m->arena_size). Returns 0, or -1 when the query cannot be asked (no memory,
 * arena bytes missing). */
static inline int sec_query_decide(enum sec_event ev, sec_subject_t src, sec_subject_t dst,
                                   struct sec_message *m, const uint8_t *data,
                                   const uint8_t *arena, size_t an, struct sec_result *r)
{
    uint8_t *copy = malloc(m->size ? m->size : 1);
    if (!copy)
        return -1;
    memcpy(copy, data, m->size);
    m->data = copy;
    sec_decide_ipc(&sec_policy, ev, src, dst, m, r);
    if (!r->granted && r->code == SEC_R_NEEDS_ARENA) {
        /* the kernel's second step: the same decision on its copy of the arena */
        uint8_t *acopy = an == m->arena_size ? malloc(an ? an : 1) : NULL;
        if (!acopy) {
            free(copy);
            return -1;
        }
        memcpy(acopy, arena, an);
        m->arena = acopy;
        sec_decide_ipc(&sec_policy, ev, src, dst, m, r);
        free(acopy);
        m->arena = NULL;
    }
    free(copy);
    m->data = NULL;
    return 0;
}

#endif
