/*
 * Fuzz the generated dispatchers: valid requests recorded from the proxies,
 * then mutated (and some purely random ones), each in a buffer of exactly
 * its length so the sanitizers see any over-read. Checks that the dispatcher
 * never crashes and that it refuses as malformed exactly what the kernel
 * layout check (the kernel's sec_check_layout, layout_check.h) refuses. Usage: fuzz SEED ITERATIONS
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test/Rich.edl.h"
#include "test/Rich.layout.h"
#include "layout_check.h"

/* ---- recorded requests */
#define NCORPUS 64
static struct rec {
    uint8_t msg[1024];
    uint32_t len;
    uint8_t arena[2048];
    uint32_t arena_size;
} corpus[NCORPUS];
static int ncorpus;

Retcode Call(Handle h, const SMsgHdr *out, SMsgHdr *in)
{
    (void)h;
    (void)in;
    if (ncorpus < NCORPUS && sizeof(SMsgHdr) + out->size <= sizeof corpus[0].msg &&
        out->arena_size <= sizeof corpus[0].arena) {
        struct rec *r = &corpus[ncorpus++];
        r->len = (uint32_t)sizeof(SMsgHdr) + out->size;
        memcpy(r->msg, out, r->len);
        r->arena_size = out->arena_size;
        if (out->arena_size)
            memcpy(r->arena, (const void *)(uintptr_t)out->arena, out->arena_size);
    }
    return rcNotConnected;
}

/* ---- server ops that read everything they are given */
static volatile uint32_t sink;
static void touch(const void *p, uint64_t n)
{
    const uint8_t *b = p;
    for (uint64_t i = 0; i < n; i++)
        sink += b[i];
}
static void touch_str(const char *s, uint32_t len)
{
    if (strlen(s) != len)
        abort();
    touch(s, len + 1);
}

static Retcode f_echo(void *c, const char *t, char *r, uint32_t cap)
{
    (void)c;
    touch_str(t, (uint32_t)strlen(t));
    if (cap)
        r[0] = 0;
    return rcOk;
}
static Retcode f_bytes(void *c, const void *d, uint32_t n, void *b, uint32_t cap, uint32_t *bn,
                       uint32_t *sum)
{
    (void)c;
    touch(d, n);
    *bn = n < cap ? n : cap;
    if (*bn)
        memcpy(b, d, *bn);
    *sum = n;
    return rcOk;
}
static Retcode f_sum(void *c, const uint32_t *v, uint32_t n, uint64_t *t, uint32_t *d, uint32_t cap,
                     uint32_t *dn)
{
    (void)c;
    *t = 0;
    for (uint32_t i = 0; i < n; i++)
        *t += v[i];
    *dn = n < cap ? n : cap;
    for (uint32_t i = 0; i < *dn; i++)
        d[i] = v[i];
    return rcOk;
}
static Retcode f_pass(void *c, Handle h, SMsgHandle *b)
{
    (void)c;
    b->handle = h;
    return rcOk;
}
static Retcode f_mix(void *c, const struct test_IAll_Pair *p, const struct test_IAll_Choice *ch,
                     const uint16_t t[3], struct test_IAll_Choice *co, struct test_IAll_Pair *po,
                     uint16_t to[3])
{
    (void)c;
    if (ch->tag > 2)
        abort();   /* the dispatcher must have refused it */
    *po = *p;
    *co = *ch;
    memcpy(to, t, 6);
    return rcOk;
}
static Retcode f_views(void *c, const struct test_IAll_Named_view *n, const nk_span paths[3],
                       struct test_IAll_Named_view *no, nk_span po[2])
{
    (void)c;
    touch_str(n->name.data, n->name.len);
    for (int i = 0; i < 3; i++)
        touch_str(paths[i].data, paths[i].len);
    no->name = n->name;
    po[0] = paths[0];
    po[1] = paths[1];
    return rcOk;
}
static Retcode f_wrap(void *c, const struct test_IAll_WithHandle_view *w,
                      const struct test_IAll_Either_view *e, struct test_IAll_WithHandle_view *wo,
                      struct test_IAll_Either_view *eo)
{
    (void)c;
    if (e->tag == test_IAll_Either_text_tag)
        touch_str(e->u.text.data, e->u.text.len);
    else if (e->tag != test_IAll_Either_num_tag)
        abort();
    *wo = *w;
    *eo = *e;
    return rcOk;
}
static Retcode f_fail(void *c, int32_t code, int32_t *err)
{
    (void)c;
    *err = code;
    return rcOk;
}
static Retcode f_nothing(void *c)
{
    (void)c;
    return rcOk;
}
static Retcode f_put(void *c, const struct demo_IStore_Entry_view *e, uint32_t *id, int32_t *rc)
{
    (void)c;
    if (e->key.tag == demo_IStore_Key_n_tag)
        touch_str(e->key.u.n.data, e->key.u.n.len);
    touch(e->blob.data, e->blob.len);
    *id = e->blob.len;
    *rc = 0;
    return rcOk;
}
static Retcode f_ping(void *c)
{
    (void)c;
    return rcOk;
}
static Retcode f_stop(void *c, uint32_t code)
{
    (void)c;
    sink += code;
    return rcOk;
}
static Retcode f_status(void *c, uint32_t *state, char *text, uint32_t cap)
{
    (void)c;
    *state = 1;
    if (cap >= 3)
        memcpy(text, "ok", 3);
    return rcOk;
}

static const struct test_IAll_ops all_ops = { f_echo, f_bytes, f_sum, f_pass, f_mix,
                                              f_views, f_wrap, f_fail, f_nothing };
static const struct demo_IStore_ops store_ops = { f_put, f_ping };
static const struct demo_IControl_ops ctl_ops = { f_stop, f_status };

/* ---- randomness */
static uint64_t rng;
static uint32_t rnd(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (uint32_t)(rng >> 11);
}
static uint32_t below(uint32_t n)
{
    return n ? rnd() % n : 0;
}

static void record_corpus(void)
{
    struct test_IAll_proxy all;
    struct demo_IStore_proxy st;
    test_IAll_proxy_init(&all, 1, test_Rich_all_riid);
    demo_IStore_proxy_init(&st, 1, test_Rich_sub_store_riid);
    uint32_t v[4] = { 1, 2, 3, 4 }, u32;
    uint64_t u64;
    char buf[8];
    (void)test_IAll_Echo(&all, "hello", buf, sizeof buf);
    (void)test_IAll_Echo(&all, "", buf, sizeof buf);
    (void)test_IAll_Bytes(&all, "abc", 3, buf, sizeof buf, &u32, &u32);
    (void)test_IAll_Sum(&all, v, 4, &u64, NULL, 0, NULL);
    (void)test_IAll_Pass(&all, (SMsgHandle){ 3, 1 }, NULL);
    {
        struct test_IAll_Pair p = { 1, 2 };
        struct test_IAll_Choice c;
        uint16_t t[3] = { 1, 2, 3 };
        memset(&c, 0, sizeof c);
        c.tag = test_IAll_Choice_pair_tag;
        (void)test_IAll_Mix(&all, &p, &c, t, NULL, NULL, NULL);
    }
    {
        struct test_IAll_Named_view n;
        nk_span paths[3] = { { "a", 1, 0 }, { "", 0, 0 }, { "ccc", 3, 0 } };
        memset(&n, 0, sizeof n);
        n.name.data = "nm";
        n.name.len = 2;
        (void)test_IAll_Views(&all, &n, paths, NULL, NULL);
    }
    {
        struct test_IAll_WithHandle_view w = { { 4, 1 }, 2 };
        struct test_IAll_Either_view e;
        memset(&e, 0, sizeof e);
        e.tag = test_IAll_Either_text_tag;
        e.u.text.data = "xy";
        e.u.text.len = 2;
        (void)test_IAll_Wrap(&all, &w, &e, NULL, NULL);
    }
    (void)test_IAll_Fail(&all, 3, NULL);
    (void)test_IAll_Nothing(&all);
    {
        struct demo_IStore_Entry_view e;
        memset(&e, 0, sizeof e);
        e.key.tag = demo_IStore_Key_n_tag;
        e.key.u.n.data = "key";
        e.key.u.n.len = 3;
        e.blob.data = "blob";
        e.blob.len = 4;
        (void)demo_IStore_Put(&st, &e, NULL, NULL);
    }
}

static const struct sec_method *method(uint32_t riid, uint32_t mid)
{
    return lay_method(&test_Rich_layout, riid, mid);
}

int main(int argc, char **argv)
{
    struct test_Rich_ops ops = { &all_ops, NULL, &ctl_ops, NULL, &store_ops, NULL,
                                 &ctl_ops, NULL, &ctl_ops, NULL };
    unsigned long iters = argc > 2 ? strtoul(argv[2], NULL, 0) : 20000;
    unsigned long accepted = 0, refused = 0;
    rng = (argc > 1 ? strtoull(argv[1], NULL, 0) : 1) * 0x9E3779B97F4A7C15ull | 1;

    record_corpus();
    if (ncorpus < 11) {
        fprintf(stderr, "corpus too small: %d\n", ncorpus);
        return 1;
    }
    for (unsigned long it = 0; it < iters; it++) {
        struct rec base;
        int pure = below(10) == 0;
        if (pure) {
            base.len = (uint32_t)sizeof(SMsgHdr) + below(96);
            for (uint32_t i = 0; i < base.len; i++)
                base.msg[i] = (uint8_t)rnd();
            base.arena_size = below(64);
            for (uint32_t i = 0; i < base.arena_size; i++)
                base.arena[i] = (uint8_t)(below(4) ? 'a' + below(3) : 0);
            SMsgHdr *h = (SMsgHdr *)(void *)base.msg;
            h->riid = below(6);
            h->mid = below(10);
            h->nhandles = below(6);
            h->size = base.len - (uint32_t)sizeof(SMsgHdr);
        } else {
            base = corpus[below((uint32_t)ncorpus)];
        }
        uint32_t nmut = 1 + below(4);
        for (uint32_t k = 0; k < nmut && !pure; k++) {
            SMsgHdr *h = (SMsgHdr *)(void *)base.msg;
            uint32_t body = base.len - (uint32_t)sizeof(SMsgHdr);
            switch (below(8)) {
            case 0: /* any byte of the constant part */
                if (body)
                    base.msg[sizeof(SMsgHdr) + below(body)] = (uint8_t)rnd();
                break;
            case 1: /* a plausible small word: offsets, sizes, tags, slots */
                if (body >= 4) {
                    uint32_t w = below(4) ? below(base.arena_size + 16) : rnd();
                    memcpy(base.msg + sizeof(SMsgHdr) + (below(body / 4) * 4), &w, 4);
                }
                break;
            case 2: /* arena bytes: move NULs around */
                if (base.arena_size)
                    base.arena[below(base.arena_size)] = (uint8_t)(below(2) ? 0 : 'z');
                break;
            case 3:
                base.arena_size = below(base.arena_size + 9);
                if (base.arena_size > sizeof base.arena)
                    base.arena_size = sizeof base.arena;
                break;
            case 4:
                h->nhandles = below(6);
                h->handles[below(4)].handle = rnd();
                break;
            case 5:
                h->size = below(4) ? body + below(9) - 4 : rnd();
                break;
            case 6:
                h->mid = below(4) ? below(10) : rnd();
                break;
            case 7:
                h->riid = below(4) ? below(6) : rnd();
                break;
            }
        }
        /* exact-size heap copies so ASan sees any over-read */
        uint32_t req_len = base.len;
        if (below(8) == 0)
            req_len = below(base.len + 1);
        SMsgHdr *req = malloc(req_len ? req_len : 1);
        memcpy(req, base.msg, req_len);
        uint8_t *arena = base.arena_size ? malloc(base.arena_size) : NULL;
        if (arena)
            memcpy(arena, base.arena, base.arena_size);
        if (req_len >= sizeof(SMsgHdr)) {
            req->arena = (uint64_t)(uintptr_t)arena;
            req->arena_size = base.arena_size;
        }
        int small = below(10) == 0;
        size_t res_cap = small ? below(sizeof(SMsgHdr) + 40) : 512;
        uint32_t res_arena_cap = small ? below(64) : 4096;
        SMsgHdr *res = malloc(res_cap ? res_cap : 1);
        uint8_t *res_arena = malloc(res_arena_cap ? res_arena_cap : 1);

        Retcode rc = test_Rich_dispatch(&ops, req, req_len, res, res_cap, res_arena, res_arena_cap);
        rc == rcOk ? accepted++ : refused++;

        if (!small && req_len >= sizeof(SMsgHdr) && req->size <= req_len - sizeof(SMsgHdr) &&
            req->nhandles <= MSG_MAX_HANDLES) {
            const struct sec_method *ml = method(req->riid, req->mid);
            /* More handles than the method's Handle fields: the kernel refuses
             * (handle count) before any dispatcher sees it; nothing to compare. */
            if (ml != NULL && req->nhandles > ml->req.nhandles) {
                if (lay_ok(&ml->req, (const uint8_t *)(req + 1), req->size, arena,
                           req->arena_size, req->nhandles)) {
                    fprintf(stderr, "iteration %lu: handle count not refused\n", it);
                    return 1;
                }
            } else if (ml != NULL) {
                int ok = lay_ok(&ml->req, (const uint8_t *)(req + 1), req->size, arena,
                                req->arena_size, req->nhandles);
                if (ok != (rc == rcOk)) {
                    fprintf(stderr, "iteration %lu: riid %u mid %u layout %s but dispatch rc %d\n",
                            it, req->riid, req->mid, ok ? "ok" : "bad", rc);
                    return 1;
                }
                if (rc == rcOk && !lay_ok(&ml->res, (const uint8_t *)(res + 1), res->size,
                                          res_arena, res->arena_size, res->nhandles)) {
                    fprintf(stderr, "iteration %lu: response fails its layout\n", it);
                    return 1;
                }
            } else if (rc != rcUnimplemented) {
                fprintf(stderr, "iteration %lu: unknown riid/mid gave %d\n", it, rc);
                return 1;
            }
        }
        if (res_cap >= sizeof(SMsgHdr) && rc != rcOk && res->mid != NK_MID_ERROR) {
            fprintf(stderr, "iteration %lu: failure without an error reply\n", it);
            return 1;
        }
        free(req);
        free(arena);
        free(res);
        free(res_arena);
    }
    printf("OK %lu accepted %lu refused\n", accepted, refused);
    return 0;
}
