/*
 * libFuzzer target: the security engine (kernel/security/sec_engine.c) over
 * real policies compiled by tools/psl (fuzz_host.py builds each solution's
 * policy.c with its sec_policy renamed sec_policy_<n>). One input is one
 * decision:
 *   [0] policy  [1] event  [2] src class  [3] dst class  [4] riid  [5] mid
 *   [6..7] arena_size (LE)  [8] nhandles  [9..] the constant part
 * Classes past the policy's count become SEC_CLASS_NONE, mid 0xff
 * SEC_MID_UNKNOWN. The constant part sits in an exactly sized buffer, so ASan
 * catches any read past it. Also checked: the result's fields agree with each
 * other, and a granted message fits its method's layout.
 *
 * FUZZ_SEC_SEEDS=<dir>: write one well-formed message per method of every
 * policy into <dir> (the generated part of the seed corpus) and exit.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "security/sec_engine.h"

#include "fuzz_check.h"

#ifndef FUZZ_SEC_POLICIES
#error "build with -DFUZZ_SEC_POLICIES=N and policy tables sec_policy_0 .. sec_policy_<N-1>"
#endif
extern const struct sec_tables sec_policy_0, sec_policy_1, sec_policy_2, sec_policy_3;
static const struct sec_tables *const policies[] = {
    &sec_policy_0,
#if FUZZ_SEC_POLICIES > 1
    &sec_policy_1,
#endif
#if FUZZ_SEC_POLICIES > 2
    &sec_policy_2,
#endif
#if FUZZ_SEC_POLICIES > 3
    &sec_policy_3,
#endif
};
_Static_assert(FUZZ_SEC_POLICIES >= 1 && FUZZ_SEC_POLICIES <= 4, "1 to 4 policies");

#define HDR 9

/* The layout the engine checks m against, or NULL when it never gets that far. */
static const struct sec_msg_layout *layout_of(const struct sec_tables *t, enum sec_event ev,
                                              uint32_t src, uint32_t dst,
                                              const struct sec_message *m)
{
    if (ev == SEC_EV_SECURITY) {
        const struct sec_class *c = &t->classes[src];
        return m->mid < c->nsecurity ? &c->security[m->mid].req : NULL;
    }
    const struct sec_class *c = &t->classes[ev == SEC_EV_REQUEST ? dst : src];
    if (m->riid >= c->nendpoints || m->mid >= c->endpoints[m->riid].nmethods)
        return NULL;
    const struct sec_method *me = &c->methods[c->endpoints[m->riid].slot_base + m->mid];
    return ev == SEC_EV_REQUEST ? &me->req : &me->res;
}

static void decide(const struct sec_tables *t, enum sec_event ev, uint32_t src, uint32_t dst,
                   const struct sec_message *m)
{
    struct sec_result r;
    bool ok = sec_decide(t, ev, src, dst, m, &r);
    check(ok == r.granted);
    check(r.granted == (r.code == SEC_R_GRANTED));
    check(r.malformed == (r.code == SEC_R_MALFORMED));
    check(r.granted ? r.reason == NULL : r.reason != NULL && strlen(r.reason) > 0);
    check(sec_reason_name(r.code) != NULL);
    if (r.endpoint)
        check(strlen(r.endpoint) < 256);
    if (r.method)
        check(strlen(r.method) < 256);
    if (ev == SEC_EV_EXECUTE || !sec_tables_valid(t) || (t->flags & SEC_F_PERMISSIVE) ||
        src >= t->nclasses || (ev != SEC_EV_SECURITY && dst >= t->nclasses))
        return;
    /* The structure check alone, on every method layout of the server class. */
    const struct sec_class *srv = &t->classes[ev == SEC_EV_REQUEST ? dst : src];
    for (uint32_t i = 0; i < srv->nslots; i++) {
        const char *why;
        int bad = sec_check_layout(&srv->methods[i].req, m, &why);
        check((bad != 0) == (why != NULL));
        bad = sec_check_layout(&srv->methods[i].res, m, &why);
        check((bad != 0) == (why != NULL));
    }
    if (r.granted && ev != SEC_EV_ERROR) {
        const struct sec_msg_layout *l = layout_of(t, ev, src, dst, m);
        check(l != NULL && sec_check_layout(l, m, NULL) == 0);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t size)
{
    if (size < HDR || size - HDR > 4096)
        return 0;
    const struct sec_tables *t = policies[d[0] % FUZZ_SEC_POLICIES];
    enum sec_event ev = (enum sec_event)(d[1] % 5);
    uint32_t src = d[2] < t->nclasses ? d[2] : SEC_CLASS_NONE;
    uint32_t dst = d[3] < t->nclasses ? d[3] : SEC_CLASS_NONE;
    struct sec_message m = {
        .riid = d[4], .mid = d[5] == 0xff ? SEC_MID_UNKNOWN : d[5],
        .size = (uint32_t)(size - HDR), .arena_size = d[6] | (uint32_t)d[7] << 8,
        .nhandles = d[8], .data = NULL,
    };
    uint8_t *body = malloc(m.size ? m.size : 1);    /* exactly sized: over-reads are caught */
    memcpy(body, d + HDR, m.size);
    m.data = body;
    decide(t, ev, src, dst, &m);

    /* The same decision with a NULL message, and the class names round-trip. */
    struct sec_result r;
    if (ev != SEC_EV_EXECUTE)
        check(!sec_decide_ipc(t, ev, src, dst, NULL, &r) || (t->flags & SEC_F_PERMISSIVE));
    const char *name = sec_class_name(t, src);
    if (name)
        check(sec_class_find(t, name) == src);
    free(body);
    return 0;
}

/* ---- the generated seeds ----------------------------------------------------------- */

/* A message that fits layout l: arena descriptors of one element each, in order. */
static size_t well_formed(const struct sec_msg_layout *l, uint8_t *msg, uint16_t *arena_size)
{
    memset(msg, 0, l->size);
    uint32_t off = 0;
    for (uint32_t i = 0; i < l->narena; i++) {
        const struct sec_arena_ref *a = &l->arena[i];
        uint32_t len = a->kind == SEC_ARENA_STRING ? 2 : a->elem_size;
        uint32_t at = (off + a->elem_align - 1) / a->elem_align * a->elem_align;
        memcpy(msg + a->offset, &at, 4);
        memcpy(msg + a->offset + 4, &len, 4);
        off = at + len;
    }
    for (uint32_t i = 0; i < l->nhandles; i++)
        memset(msg + l->handles[i].offset, 0xff, 4);       /* SEC_NO_HANDLE */
    *arena_size = (uint16_t)off;
    return l->size;
}

static void write_seed(const char *dir, int *n, int p, int ev, uint32_t src, uint32_t dst,
                       uint32_t riid, uint32_t mid, const struct sec_msg_layout *l)
{
    static uint8_t buf[HDR + 4096];
    if (l->size > 4096 || src > 0xfe || dst > 0xfe || riid > 0xff || mid > 0xfe)
        return;
    uint16_t arena = 0;
    size_t len = well_formed(l, buf + HDR, &arena);
    uint8_t hdr[HDR] = { (uint8_t)p, (uint8_t)ev, (uint8_t)src, (uint8_t)dst, (uint8_t)riid,
                         (uint8_t)mid, (uint8_t)arena, (uint8_t)(arena >> 8), 0 };
    memcpy(buf, hdr, HDR);
    char path[4096];
    snprintf(path, sizeof path, "%s/gen-%d-%05d", dir, p, (*n)++);
    FILE *f = fopen(path, "wb");
    check(f && fwrite(buf, 1, HDR + len, f) == HDR + len && fclose(f) == 0);
}

/* One request and one response per method between every pair of classes that the
 * policy grants something (else the first client class), one message per security
 * method. */
static void write_seeds(const char *dir)
{
    int n = 0;
    for (int p = 0; p < FUZZ_SEC_POLICIES; p++) {
        const struct sec_tables *t = policies[p];
        for (uint32_t s = 0; s < t->nclasses; s++) {
            const struct sec_class *c = &t->classes[s];
            for (uint32_t k = 0; k < c->nsecurity; k++)
                write_seed(dir, &n, p, SEC_EV_SECURITY, s, 0, 0, k, &c->security[k].req);
            for (uint32_t e = 0; e < c->nendpoints; e++)
                for (uint32_t k = 0; k < c->endpoints[e].nmethods; k++) {
                    const struct sec_method *me = &c->methods[c->endpoints[e].slot_base + k];
                    for (uint32_t cl = 0; cl < t->nclasses; cl++) {
                        if (cl != s && t->request_rows[cl * t->nclasses + s] == SEC_NO_ROW)
                            continue;
                        write_seed(dir, &n, p, SEC_EV_REQUEST, cl, s, e, k, &me->req);
                        write_seed(dir, &n, p, SEC_EV_RESPONSE, s, cl, e, k, &me->res);
                    }
                }
        }
    }
    printf("fuzz_sec: %d seeds in %s\n", n, dir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    const char *dir = getenv("FUZZ_SEC_SEEDS");
    if (dir) {
        write_seeds(dir);
        exit(0);
    }
    return 0;
}
