/*
 * The kernel form of the generated dispatcher (tools/nk/cgen.py: the lean
 * server side the kernel's kl.core dispatcher is made of), for test.Rich,
 * with ops that read everything they are given. Built without
 * <coresrv/nk/transport-kos.h>, so test/Rich.edl.h is cgen's header; fuzz.c
 * (the KasperskyOS form) drives it through kform_dispatch.
 */
#include <stdlib.h>
#include <string.h>

#include "test/Rich.edl.h"
#include "fuzz_kform.h"

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


Retcode kform_dispatch(const SMsgHdr *req, size_t req_len, SMsgHdr *res, size_t res_cap,
                       void *res_arena, uint32_t res_arena_cap)
{
    static const struct test_Rich_ops ops = { &all_ops, NULL, &ctl_ops, NULL, &store_ops, NULL,
                                              &ctl_ops, NULL, &ctl_ops, NULL };
    return test_Rich_dispatch(&ops, req, req_len, res, res_cap, res_arena, res_arena_cap);
}
