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
 * message (layout check): rcInvalidArgument. A decision that reads the
 * arena's contents is made at delivery, on a kernel copy (security_deliver).
 */
#include <kernel/security.h>
#include <kernel/lib.h>
#include <kernel/panic.h>
#include <kernel/printk.h>
#include <kernel/sched.h>
#include <kernel/task.h>
#include <kernel/vm.h>
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

/* The arena a decision on contents reads: the kernel's copy, which the
 * sender cannot change. One buffer: decisions run under the kernel lock
 * (per CPU once they do not). */
static uint8_t bounce[MSG_MAX_ARENA] __attribute__((aligned(8)));

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
    if (policy->nregexes) {
        uint32_t states = 0;
        for (uint32_t i = 0; i < policy->nregexes; i++)
            states += policy->regexes[i].nstates;
        printk("security: Regex: %u pattern(s), %u DFA states\n", policy->nregexes, states);
    }
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
    sec_count_denial(policy, r->reason);
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

/* Filled in place (a 40-byte struct returned by value is copied on the stack). */
static inline void engine_message(struct sec_message *msg, const struct kmsg *m)
{
    msg->riid = m->hdr.riid;
    msg->mid = m->hdr.mid;
    msg->size = m->hdr.size <= MSG_MAX_CONST ? m->hdr.size : MSG_MAX_CONST + 1u;
    msg->arena_size = m->hdr.arena_size;
    msg->nhandles = m->hdr.nhandles;
    msg->data = m->data;
    msg->arena = NULL; /* handles: read only with an arena (security_contents sets both) */
}

Retcode security_call(const struct task *src, const struct kmsg *m)
{
    struct sec_result r;
    struct sec_message msg;
    engine_message(&msg, m);
    sec_decide_ipc(policy, SEC_EV_SECURITY, class_of(src), policy->core_class, &msg, &r);
    if (!r.granted && r.code == SEC_R_NEEDS_ARENA) {
        /* nothing reads a security call's arena after the decision: decide on a copy now */
        if (!src || copy_from_user(&src->vm, bounce, m->hdr.arena, m->hdr.arena_size))
            return rcSourceFault;
        msg.arena = bounce;
        msg.handles = NULL; /* a security call carries no handles (malformed) */
        sec_decide_ipc(policy, SEC_EV_SECURITY, class_of(src), policy->core_class, &msg, &r);
    }
    if (!r.endpoint)
        r.endpoint = "security"; /* audit: "security.<Method>" */
    audit(SEC_EV_SECURITY, &r, class_name_of(src), src ? src->name : "kernel", class_name_of(NULL),
          "kernel");
    return verdict_rc(&r);
}

/* The rules read the arena: decided at delivery, on the kernel's copy
 * (security_deliver; a request to the kernel: security_contents from
 * kcall_serve, on the copy the kernel's method reads). The kernel never
 * sends an arena; from corrupt tables such a decision is a denial. Out of line:
 * the usual decision keeps its registers. */
static __attribute__((noinline, cold)) Retcode defer(enum sec_event ev, const struct task *src,
                                                      const struct task *dst,
                                                      const struct sec_message *msg,
                                                      struct sec_result *r)
{
    /* msg->data is the kmsg's own data[] (engine_message): its kmsg, found
     * from there so that security_ipc need not keep m in a register */
    struct kmsg *m = (struct kmsg *)(uintptr_t)(msg->data - offsetof(struct kmsg, data));
    if (src && m->hdr.arena_size) {         /* to a server, or to the kernel (kcall_serve) */
        kmsg_sec_defer(m) = (uint32_t)ev;
        return rcOk;
    }
    if (src && !m->hdr.arena_size) /* handle rights only: the kernel's copy, decided now */
        return security_contents(ev, src, dst, m, bounce);
    r->code = SEC_R_POLICY_ERROR;
    r->reason = "policy_error";
    audit(ev, r, class_name_of(src), src ? src->name : "kernel", class_name_of(dst),
          dst ? dst->name : "kernel");
    return rcSecurityDisallow;
}

Retcode security_ipc(enum sec_event ev, const struct task *src, const struct task *dst,
                     struct kmsg *m)
{
    struct sec_result r;
    /* A request to the kernel on the security riid is a security call. */
    if (ev == SEC_EV_SECURITY || (ev == SEC_EV_REQUEST && !dst && m->hdr.riid == MSG_RIID_SECURITY))
        return security_call(src, m);
    struct sec_message msg;
    engine_message(&msg, m);
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
    if (__builtin_expect(r.code == SEC_R_NEEDS_ARENA, 0))
        return defer(ev, src, dst, &msg, &r);
    audit(ev, &r, class_name_of(src), src ? src->name : "kernel", class_name_of(dst),
          dst ? dst->name : "kernel");
    return verdict_rc(&r);
}

Retcode security_contents(enum sec_event ev, const struct task *from, const struct task *to,
                          const struct kmsg *m, const uint8_t *arena)
{
    struct sec_result r;
    struct sec_message msg;
    engine_message(&msg, m);
    msg.arena = arena;
    msg.handles = (const uint32_t *)(const void *)m->hdr.handles; /* (handle, rights) pairs */
    sec_decide_ipc(policy, ev, class_of(from), class_of(to), &msg, &r);
    if (!r.granted || (policy->flags & SEC_F_AUDIT_GRANTED))
        audit(ev, &r, class_name_of(from), from ? from->name : "kernel", class_name_of(to),
              to ? to->name : "kernel");
    return verdict_rc(&r);
}

Retcode security_deliver(struct task *from, const struct kmsg *m, struct task *to,
                         uint64_t arena_uaddr)
{
    uint32_t n = m->hdr.arena_size;
    /* Both sides first: once decided, the delivery must not fail (a retry with
     * another receiver would decide, and change model state, twice). */
    if (vm_check_user_range(&to->vm, arena_uaddr, n, true))
        return rcTargetFault;
    if (copy_from_user(&from->vm, bounce, m->hdr.arena, n))
        return rcSourceFault;
    Retcode rc = security_contents((enum sec_event)kmsg_sec_defer(m), from, to, m, bounce);
    if (rc)
        return rc;
    return copy_to_user(&to->vm, arena_uaddr, bounce, n) ? rcTargetFault : rcOk;
}

void security_dump_coverage(void)
{
    if (!policy->hits)
        return;
    /* one line a rule that ran: `seccov <reason index> <granted> <denied>`
     * (tools/psl --coverage --console maps the index back to file:line:col) */
    printk("security: coverage counters of %s (%u reasons)\n", policy->source, policy->nreasons);
    for (uint32_t k = 0; k < policy->nreasons; k++)
        if (policy->hits[2u * k] || policy->hits[2u * k + 1u])
            printk("seccov %u %u %u\n", k, policy->hits[2u * k], policy->hits[2u * k + 1u]);
    printk("security: coverage end\n");
}

bool security_ipc_fast(enum sec_event ev, const struct task *src, const struct task *dst,
                       uint32_t riid, uint32_t mid, uint32_t size, const void **check)
{
    const struct sec_msg_layout *l = NULL;
    /* every grant printed, or counted (POLICY_COUNTERS): the engine decides */
    bool yes = !(policy->flags & SEC_F_AUDIT_ALL_GRANTS) && !policy->hits &&
               sec_fast_method(policy, ev, (uint32_t)class_of(src), (uint32_t)class_of(dst), riid,
                               mid, size, &l);
    *check = l;
    return yes;
}

bool security_ipc_fast_check(const void *check, uint32_t size, uint32_t arena_size,
                             const uint8_t *data)
{
    struct sec_message msg = { .size = size, .arena_size = arena_size, .data = data };
    return sec_fast_layout_ok(check, &msg);
}
