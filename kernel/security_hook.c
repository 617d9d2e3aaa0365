/*
 * The security hook. Asks the security module compiled from the solution's
 * PSL policy (tools/psl -> build/<platform>/gen/policy.c, read by
 * kernel/security/sec_engine.c) about every event and prints one audit line
 * per denial (and per grant when the policy's audit profile asks for it).
 * Class ids are assigned at execute time from the policy's class table; a
 * task whose class the policy does not know cannot start. SIDs (the tasks'
 * names for the security models) are allocated here at execute time and
 * released, with their model state, when the task dies. A Call on the
 * kernel handle with riid MSG_RIID_SECURITY is a security call (event
 * `security`, security_call). Denied: rcSecurityDisallow; a malformed
 * message (layout check): rcInvalidArgument.
 */
#include <kernel/security.h>
#include <kernel/lib.h>
#include <kernel/panic.h>
#include <kernel/printk.h>
#include <kernel/sched.h>
#include <kernel/task.h>
#include "security/sec_engine.h"
#include "security/sec_fast.h"

/* The generated policy. Weak: a kernel linked without one runs the built-in
 * permissive tables below, loudly logged. */
extern const struct sec_tables sec_policy __attribute__((weak));

static const struct sec_tables no_policy = {
    .magic = SEC_TABLES_MAGIC,
    .version = SEC_TABLES_VERSION,
    .flags = SEC_F_PERMISSIVE,
    .source = "<none>",
};

static const struct sec_tables *policy = &no_policy;
void security_init(void)
{
    const struct sec_tables *t = &sec_policy;
    if (t && !sec_tables_valid(t))
        panic("security: the policy tables are corrupt (magic %#x, version %u)", t->magic,
              t->version);
    if (t && !sec_tables_check(t))
        panic("security: the policy tables are corrupt (programs or model objects)");
    policy = t ? t : &no_policy;
    if (policy->flags & SEC_F_PERMISSIVE) {
        printk("security: WARNING: no policy (nonsecurity, from %s): every event is granted\n",
               policy->source);
        return;
    }
    printk("security: policy %s: %u classes, audit %s\n", policy->source, policy->nclasses,
           (policy->flags & SEC_F_AUDIT_ALL_GRANTS) ? "denied+granted"
           : (policy->flags & SEC_F_AUDIT_GRANTED)  ? "denied+profiled grants"
                                                     : "denied");
    if (policy->nflows || policy->nhashsets || policy->nstaticmaps || policy->nmics)
        printk("security: model objects: %u Flow, %u HashSet, %u StaticMap, %u Mic; state for %u "
               "SIDs\n",
               policy->nflows, policy->nhashsets, policy->nstaticmaps, policy->nmics, SEC_SID_MAX);
}

/* The subject of a decision: class id and SID in one load (the kernel: its
 * class, SID 0). */
static sec_subject_t class_of(const struct task *t)
{
    return t ? t->sec_subject : policy->core_class;
}

/* SIDs: 0 is the kernel; a task gets the lowest free one when it is executed
 * and gives it back when it dies. Bit i of sid_used: SID i taken. */
static uint64_t sid_used[SEC_SID_MAX / 64] = {1};

static uint32_t sid_alloc(void)
{
    for (uint32_t w = 0; w < SEC_SID_MAX / 64; w++) {
        if (sid_used[w] == ~0ull)
            continue;
        uint32_t b = (uint32_t)__builtin_ctzll(~sid_used[w]);
        sid_used[w] |= 1ull << b;
        return w * 64 + b;
    }
    return 0;
}

void security_release_sid(uint32_t sid)
{
    if (sid == 0 || sid >= SEC_SID_MAX)
        return;
    sec_release_sid(policy, sid);
    sid_used[sid / 64] &= ~(1ull << (sid % 64));
}

static const char *class_name_of(const struct task *t)
{
    if (!t)
        return policy->nclasses ? sec_class_name(policy, policy->core_class) : "kl.core.Core";
    return t->class_name;
}

static void audit(enum sec_event ev, const struct sec_result *r, const char *src_cls,
                  const char *src_task, const char *dst_cls, const char *dst_task)
{
    /* a grant: printed when the default profile asks, or (reason set) when
     * the audit profile of one of its rules does */
    if (r->granted && !(policy->flags & SEC_F_AUDIT_ALL_GRANTS) && !r->reason)
        return;
    /* "<endpoint>.<method>" when the event concerns one (not execute) */
    const char *sep = r->endpoint ? " " : "";
    const char *ep = r->endpoint ? r->endpoint : "";
    const char *dot = r->endpoint ? "." : "";
    const char *meth = r->endpoint ? (r->method ? r->method : "?") : "";
    if (r->granted) {
        printk("audit: granted %s %s(%s) -> %s(%s)%s%s%s%s%s%s\n", sec_event_name(ev), src_cls,
               src_task, dst_cls, dst_task, sep, ep, dot, meth, r->reason ? ": " : "",
               r->reason ? r->reason : "");
        return;
    }
    /* The decision trace: the binding of the rule that denied (off the hot path). */
    const char *origin = sec_reason_origin(policy, r->reason);
    printk("audit: denied %s %s(%s) -> %s(%s)%s%s%s%s: %s%s%s%s\n", sec_event_name(ev), src_cls,
           src_task, dst_cls, dst_task, sep, ep, dot, meth, r->reason ? r->reason : "denied",
           origin ? " (" : "", origin ? origin : "", origin ? ")" : "");
}

Retcode security_execute(const struct task *src, const char *class_name, uint32_t *class_id,
                         uint32_t *sid)
{
    struct sec_result r;
    uint32_t dst = sec_class_find(policy, class_name);
    *class_id = dst;
    /* The SID first: execute rules may set up model state for it (dst_sid). */
    *sid = sid_alloc();
    if (!*sid) {
        printk("security: no free SID (%u tasks alive): %s not started\n", SEC_SID_MAX - 1,
               class_name);
        return rcOutOfMemory;
    }
    sec_decide_execute(policy, class_of(src), SEC_SUBJECT(dst, *sid), &r);
    audit(SEC_EV_EXECUTE, &r, class_name_of(src), src ? src->name : "kernel", class_name, "-");
    if (r.granted)
        return rcOk;
    security_release_sid(*sid);
    *sid = 0;
    return rcSecurityDisallow;
}

/* The verdict as a Retcode: malformed messages are the caller's fault. */
static Retcode verdict_rc(const struct sec_result *r)
{
    if (r->granted)
        return rcOk;
    return r->malformed ? rcInvalidArgument : rcSecurityDisallow;
}

static struct sec_message engine_message(const struct kmsg *m)
{
    struct sec_message msg = {
        .riid = m->hdr.riid,
        .mid = m->hdr.mid,
        .size = m->hdr.size <= MSG_MAX_CONST ? m->hdr.size : MSG_MAX_CONST + 1u,
        .arena_size = m->hdr.arena_size,
        .nhandles = m->hdr.nhandles,
        .data = m->data,
    };
    return msg;
}

Retcode security_call(const struct task *src, const struct kmsg *m)
{
    struct sec_result r;
    struct sec_message msg = engine_message(m);
    sec_decide_ipc(policy, SEC_EV_SECURITY, class_of(src), policy->core_class, &msg, &r);
    if (!r.endpoint)
        r.endpoint = "security"; /* audit: "security.<Method>" */
    audit(SEC_EV_SECURITY, &r, class_name_of(src), src ? src->name : "kernel", class_name_of(NULL),
          "kernel");
    return verdict_rc(&r);
}

Retcode security_ipc(enum sec_event ev, const struct task *src, const struct task *dst,
                     const struct kmsg *m)
{
    struct sec_result r;
    /* A request to the kernel on the security riid is a security call. */
    if (ev == SEC_EV_SECURITY || (ev == SEC_EV_REQUEST && !dst && m->hdr.riid == MSG_RIID_SECURITY))
        return security_call(src, m);
    struct sec_message msg = engine_message(m);
    if (ev == SEC_EV_ERROR) {
        /* An error reply carries MSG_MID_ERROR: the request's method is the
         * one the replying server thread holds (kernel replies: unknown). */
        msg.mid = SEC_MID_UNKNOWN;
        if (src && current && current->task == src && current->ipc.serving)
            msg.mid = current->ipc.serving_mid;
    }
    sec_decide_ipc(policy, ev, class_of(src), class_of(dst), &msg, &r);
    if (r.granted && !(policy->flags & SEC_F_AUDIT_GRANTED))
        return rcOk; /* the usual case: nothing to log (audit() skips grants no profile asks for) */
    audit(ev, &r, class_name_of(src), src ? src->name : "kernel", class_name_of(dst),
          dst ? dst->name : "kernel");
    return verdict_rc(&r);
}

bool security_ipc_fast(enum sec_event ev, const struct task *src, const struct task *dst,
                       const SMsgHdr *h, const uint8_t *data)
{
    if (policy->flags & SEC_F_AUDIT_ALL_GRANTS)
        return false;
    struct sec_message msg = {
        .riid = h->riid, .mid = h->mid, .size = h->size, .arena_size = h->arena_size,
        .nhandles = h->nhandles, .data = data,
    };
    return sec_fast_grant(policy, ev, (uint32_t)class_of(src), (uint32_t)class_of(dst), &msg);
}
