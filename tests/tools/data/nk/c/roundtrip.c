/*
 * Round trip through generated code: proxy -> mock Call (layout check) ->
 * class dispatcher -> ops -> response -> proxy. Exit status 0 and "OK" on
 * success; every failed expectation is printed.
 */
#include <stdio.h>
#include <string.h>

#include "mock_kernel.h"

static int failures;
#define EXPECT(cond)                                                          \
    do {                                                                      \
        if (!(cond)) {                                                        \
            fprintf(stderr, "%s:%d: expected %s\n", __FILE__, __LINE__, #cond); \
            failures++;                                                       \
        }                                                                     \
    } while (0)

/* ---- server side */
static char named_buf[64];

static Retcode op_echo(void *ctx, const char *text, char *reply, uint32_t reply_cap)
{
    int n = snprintf(reply, reply_cap, "echo:%s", text);
    (void)ctx;
    return (n < 0 || (uint32_t)n >= reply_cap) ? rcBufferTooSmall : rcOk;
}

static Retcode op_bytes(void *ctx, const void *data, uint32_t data_len, void *back,
                        uint32_t back_cap, uint32_t *back_len, uint32_t *sum)
{
    const uint8_t *d = data;
    uint8_t *b = back;
    (void)ctx;
    if (data_len > back_cap)
        return rcBufferTooSmall;
    *sum = 0;
    for (uint32_t i = 0; i < data_len; i++) {
        b[i] = d[data_len - 1 - i];
        *sum += d[i];
    }
    *back_len = data_len;
    return rcOk;
}

static Retcode op_sum(void *ctx, const uint32_t *values, uint32_t values_count, uint64_t *total,
                      uint32_t *doubled, uint32_t doubled_cap, uint32_t *doubled_count)
{
    (void)ctx;
    *total = 0;
    for (uint32_t i = 0; i < values_count; i++) {
        *total += values[i];
        if (i < doubled_cap)
            doubled[i] = values[i] * 2;
    }
    *doubled_count = values_count < doubled_cap ? values_count : doubled_cap;
    return rcOk;
}

static Retcode op_pass(void *ctx, Handle h, SMsgHandle *back)
{
    (void)ctx;
    back->handle = h + 100;
    back->rights = 3;
    return rcOk;
}

static Retcode op_mix(void *ctx, const struct test_IAll_Pair *p, const struct test_IAll_Choice *c,
                      const uint16_t t[3], struct test_IAll_Choice *co, struct test_IAll_Pair *po,
                      uint16_t to[3])
{
    (void)ctx;
    *po = *p;
    po->b += 1;
    *co = *c;
    if (c->tag == test_IAll_Choice_pair_tag)
        co->u.pair.a = (uint8_t)(c->u.pair.a + 1);
    for (int i = 0; i < 3; i++)
        to[i] = t[2 - i];
    return rcOk;
}

static Retcode op_views(void *ctx, const struct test_IAll_Named_view *n, const nk_span paths[3],
                        struct test_IAll_Named_view *no, nk_span po[2])
{
    (void)ctx;
    if (strlen((const char *)n->name.data) != n->name.len)
        return rcInvalidArgument;
    snprintf(named_buf, sizeof named_buf, "%s!", (const char *)n->name.data);
    no->name.data = named_buf;
    no->name.len = (uint32_t)strlen(named_buf);
    no->enabled = (uint8_t)!n->enabled;
    no->at.x = n->at.y;
    no->at.y = n->at.x;
    po[0] = paths[2];
    po[1] = paths[0];
    return rcOk;
}

static Retcode op_wrap(void *ctx, const struct test_IAll_WithHandle_view *w,
                       const struct test_IAll_Either_view *e,
                       struct test_IAll_WithHandle_view *wo, struct test_IAll_Either_view *eo)
{
    (void)ctx;
    wo->h = w->h;
    wo->h.rights = 1;
    wo->flags = w->flags + 1;
    *eo = *e;
    return rcOk;
}

static Retcode op_fail(void *ctx, int32_t code, int32_t *err)
{
    (void)ctx;
    if (code != 0)
        return code;
    *err = 7;
    return rcOk;
}

static int nothing_calls;
static Retcode op_nothing(void *ctx)
{
    (void)ctx;
    nothing_calls++;
    return rcOk;
}

static const struct test_IAll_ops all_ops = {
    .Echo = op_echo, .Bytes = op_bytes, .Sum = op_sum, .Pass = op_pass, .Mix = op_mix,
    .Views = op_views, .Wrap = op_wrap, .Fail = op_fail, .Nothing = op_nothing,
};

static uint32_t stored_id;
static Retcode op_put(void *ctx, const struct demo_IStore_Entry_view *e, uint32_t *id, int32_t *rc)
{
    (void)ctx;
    if (e->key.tag == demo_IStore_Key_n_tag) {
        *id = (uint32_t)e->key.u.n.len * 1000 + e->blob.len + e->tags[3];
        *rc = strcmp((const char *)e->key.u.n.data, "alpha") == 0 ? 0 : -1;
    } else {
        *id = e->key.u.id;
        *rc = 1;
    }
    stored_id = *id;
    return rcOk;
}

static const struct demo_IStore_ops store_ops = { .Put = op_put, .Ping = NULL };

static Retcode op_status(void *ctx, uint32_t *state, char *text, uint32_t text_cap)
{
    *state = (uint32_t)(uintptr_t)ctx;
    snprintf(text, text_cap, "state %u", *state);
    return rcOk;
}

static const struct demo_IControl_ops ctl_ops = { .Stop = NULL, .Status = op_status };

int main(void)
{
    struct test_IAll_proxy all;
    struct demo_IStore_proxy store;
    struct demo_IControl_proxy inner, other;
    Retcode rc;

    mock_server_ops.all = &all_ops;
    mock_server_ops.sub_store = &store_ops;
    mock_server_ops.sub_inner_ping = &ctl_ops;
    mock_server_ops.sub_inner_ping_ctx = (void *)(uintptr_t)33;
    mock_server_ops.other_ping = &ctl_ops;
    mock_server_ops.other_ping_ctx = (void *)(uintptr_t)44;
    test_IAll_proxy_init(&all, 5, test_Rich_all_riid);
    demo_IStore_proxy_init(&store, 5, test_Rich_sub_store_riid);
    demo_IControl_proxy_init(&inner, 5, test_Rich_sub_inner_ping_riid);
    demo_IControl_proxy_init(&other, 5, test_Rich_other_ping_riid);

    EXPECT(test_Rich_all_riid == 0 && test_Rich_ctl_riid == 1 && test_Rich_sub_store_riid == 2 &&
           test_Rich_sub_inner_ping_riid == 3 && test_Rich_other_ping_riid == 4);
    EXPECT(test_IAll_Twice == 64 && test_IAll_Neg == -14 && test_IAll_Oct == 15);
    EXPECT(test_IAll_Big == (1ull << 40) && test_IAll_FromImport == 11);
    EXPECT(test_IAll_Qualified == 29 && test_IAll_BareImport == 0x10a && test_IAll_Bits == 14);
    EXPECT(test_IAll_Mod == -1 && test_Common_Limit == 10);

    /* strings */
    {
        char reply[64];
        rc = test_IAll_Echo(&all, "hello", reply, sizeof reply);
        EXPECT(rc == rcOk);
        EXPECT(strcmp(reply, "echo:hello") == 0);
        rc = test_IAll_Echo(&all, "hello", reply, 5);
        EXPECT(rc == rcBufferTooSmall);
        char big[100];
        memset(big, 'x', sizeof big - 1);
        big[99] = 0;
        rc = test_IAll_Echo(&all, big, reply, sizeof reply);
        EXPECT(rc == rcBufferTooLarge);
        big[63] = 0;   /* 63 chars + NUL = string<64> exactly */
        rc = test_IAll_Echo(&all, big, reply, sizeof reply);
        EXPECT(rc == rcBufferTooSmall);   /* "echo:" + 63 chars does not fit in the server's 64 */
        big[50] = 0;
        rc = test_IAll_Echo(&all, big, reply, sizeof reply);
        EXPECT(rc == rcOk && strlen(reply) == 55);
    }
    /* bytes */
    {
        uint8_t in[5] = { 1, 2, 3, 4, 250 }, out[8];
        uint32_t n = 0, sum = 0;
        rc = test_IAll_Bytes(&all, in, 5, out, sizeof out, &n, &sum);
        EXPECT(rc == rcOk && n == 5 && sum == 260 && out[0] == 250 && out[4] == 1);
        rc = test_IAll_Bytes(&all, in, 5, out, 4, &n, &sum);
        EXPECT(rc == rcBufferTooSmall);
        rc = test_IAll_Bytes(&all, NULL, 0, out, sizeof out, &n, &sum);
        EXPECT(rc == rcOk && n == 0 && sum == 0);
        rc = test_IAll_Bytes(&all, in, 101, out, sizeof out, &n, &sum);
        EXPECT(rc == rcBufferTooLarge);
    }
    /* sequences */
    {
        uint32_t v[16], d[16], n = 0;
        uint64_t total = 0;
        for (int i = 0; i < 16; i++)
            v[i] = (uint32_t)i + 1;
        rc = test_IAll_Sum(&all, v, 16, &total, d, 16, &n);
        EXPECT(rc == rcOk && total == 136 && n == 16 && d[15] == 32);
        rc = test_IAll_Sum(&all, v, 3, &total, NULL, 0, NULL);
        EXPECT(rc == rcOk && total == 6);
        rc = test_IAll_Sum(&all, v, 17, &total, d, 16, &n);
        EXPECT(rc == rcBufferTooLarge);
    }
    /* handles */
    {
        Handle back = 0;
        rc = test_IAll_Pass(&all, (SMsgHandle){ 7, 1 }, &back);
        EXPECT(rc == rcOk && back == 107);
        rc = test_IAll_Pass(&all, (SMsgHandle){ INVALID_HANDLE, 0 }, &back);
        EXPECT(rc == rcOk && back == 100);
    }
    /* fixed-size structs, unions, arrays */
    {
        struct test_IAll_Pair p = { 9, 1ull << 50 }, po;
        struct test_IAll_Choice c, co;
        uint16_t t[3] = { 1, 2, 3 }, to[3];
        memset(&c, 0, sizeof c);
        c.tag = test_IAll_Choice_pair_tag;
        c.u.pair.a = 41;
        c.u.pair.b = 5;
        rc = test_IAll_Mix(&all, &p, &c, t, &co, &po, to);
        EXPECT(rc == rcOk && po.a == 9 && po.b == (1ull << 50) + 1);
        EXPECT(co.tag == test_IAll_Choice_pair_tag && co.u.pair.a == 42 && co.u.pair.b == 5);
        EXPECT(to[0] == 3 && to[2] == 1);
        c.tag = 3;   /* no such member: the server refuses */
        rc = test_IAll_Mix(&all, &p, &c, t, &co, &po, to);
        EXPECT(rc == rcSecurityDisallow);   /* the mock "security module" sees it first */
    }
    /* views: nested strings, arrays of strings */
    {
        struct test_IAll_Named_view n, no;
        nk_span paths[3] = { { "/a", 2, 0 }, { "/bb", 3, 0 }, { "/ccc", 4, 0 } };
        char b0[32], b1[32], nb[32];
        nk_span po[2] = { { b0, 0, sizeof b0 }, { b1, 0, sizeof b1 } };
        memset(&n, 0, sizeof n);
        n.name.data = "name";
        n.name.len = 4;
        n.enabled = 1;
        n.at.x = -5;
        n.at.y = 6;
        memset(&no, 0, sizeof no);
        no.name.data = nb;
        no.name.cap = sizeof nb;
        rc = test_IAll_Views(&all, &n, paths, &no, po);
        EXPECT(rc == rcOk);
        EXPECT(strcmp(nb, "name!") == 0 && no.name.len == 5 && no.enabled == 0);
        EXPECT(no.at.x == 6 && no.at.y == -5);
        EXPECT(strcmp(b0, "/ccc") == 0 && po[0].len == 4 && strcmp(b1, "/a") == 0);
        no.name.cap = 3;
        rc = test_IAll_Views(&all, &n, paths, &no, po);
        EXPECT(rc == rcBufferTooSmall);
        paths[1].len = 40;   /* longer than string<32> */
        paths[1].data = "0123456789012345678901234567890123456789";
        rc = test_IAll_Views(&all, &n, paths, &no, po);
        EXPECT(rc == rcBufferTooLarge);
    }
    /* views with handles and a union holding a string */
    {
        struct test_IAll_WithHandle_view w = { { 9, 5 }, 41 }, wo;
        struct test_IAll_Either_view e, eo;
        char tb[32];
        memset(&e, 0, sizeof e);
        e.tag = test_IAll_Either_text_tag;
        e.u.text.data = "txt";
        e.u.text.len = 3;
        memset(&eo, 0, sizeof eo);
        eo.u.text.data = tb;
        eo.u.text.cap = sizeof tb;
        rc = test_IAll_Wrap(&all, &w, &e, &wo, &eo);
        EXPECT(rc == rcOk && wo.h.handle == 9 && wo.h.rights == 1 && wo.flags == 42);
        EXPECT(eo.tag == test_IAll_Either_text_tag && strcmp(tb, "txt") == 0 && eo.u.text.len == 3);
        e.tag = test_IAll_Either_num_tag;
        e.u.num = 77;
        rc = test_IAll_Wrap(&all, &w, &e, &wo, &eo);
        EXPECT(rc == rcOk && eo.tag == test_IAll_Either_num_tag && eo.u.num == 77);
    }
    /* error params and error replies */
    {
        int32_t err = 0;
        rc = test_IAll_Fail(&all, 0, &err);
        EXPECT(rc == rcOk && err == 7);
        rc = test_IAll_Fail(&all, rcNotReady, &err);
        EXPECT(rc == rcNotReady);
        rc = test_IAll_Nothing(&all);
        EXPECT(rc == rcOk && nothing_calls == 1);
    }
    /* components: nested struct with a union holding a string, by endpoint */
    {
        struct demo_IStore_Entry_view e;
        uint32_t id = 0;
        int32_t src = 5;
        uint8_t blob[300];
        memset(&e, 0, sizeof e);
        memset(blob, 0xab, sizeof blob);
        e.key.tag = demo_IStore_Key_n_tag;
        e.key.u.n.data = "alpha";
        e.key.u.n.len = 5;
        e.tags[3] = 4;
        e.blob.data = blob;
        e.blob.len = sizeof blob;
        rc = demo_IStore_Put(&store, &e, &id, &src);
        EXPECT(rc == rcOk && id == 5304 && src == 0 && stored_id == 5304);
        e.key.tag = demo_IStore_Key_id_tag;
        e.key.u.id = 12;
        rc = demo_IStore_Put(&store, &e, &id, &src);
        EXPECT(rc == rcOk && id == 12 && src == 1);
        rc = demo_IStore_Ping(&store);
        EXPECT(rc == rcUnimplemented);   /* NULL in the ops table */
    }
    {
        uint32_t state = 0;
        char text[32];
        rc = demo_IControl_Status(&inner, &state, text, sizeof text);
        EXPECT(rc == rcOk && state == 33 && strcmp(text, "state 33") == 0);
        rc = demo_IControl_Status(&other, &state, text, sizeof text);
        EXPECT(rc == rcOk && state == 44);
        rc = demo_IControl_Stop(&other, 1);
        EXPECT(rc == rcUnimplemented);
    }
    {
        struct demo_IControl_proxy ctl;   /* riid 1 has no ops in this server */
        uint32_t state;
        demo_IControl_proxy_init(&ctl, 5, test_Rich_ctl_riid);
        rc = demo_IControl_Status(&ctl, &state, NULL, 0);
        EXPECT(rc == rcUnimplemented);
    }
    EXPECT(mock_layout_failures == 1);   /* the bad union tag above */
    if (failures == 0)
        printf("OK %d calls\n", mock_calls);
    return failures != 0;
}
