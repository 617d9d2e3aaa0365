/*
 * test_kcall_hostile: every kl.core method through the kernel endpoint with
 * hostile sizes, table-driven (docs/ABI.md "Kernel endpoint"; the fast path
 * kernel/kcall_fastpath.c and the general path kernel/kcall.c must agree:
 * tests/test_kcall_hostile.py boots it with `ipc_fastpath=off` too and
 * compares the KH lines). Per method: a constant part one byte short, empty,
 * 8 bytes long and past the fast path's limit (an error reply
 * rcInvalidArgument, the method never runs); for the methods with arena
 * descriptors, a descriptor into an arena of size 0 (with a valid arena
 * pointer), into an unmapped arena and into a kernel address. Then, on a
 * harmless method (Thread.CurrentId): reply buffers too small, unaligned,
 * unmapped, read-only, crossing into an unmapped page, with a huge
 * arena_cap; requests unaligned, unmapped, crossing a page end, with too
 * many handles, a forged handle, an arena over the kernel's limit, and the
 * kernel's markers as method. Every call is a raw svc that checks that no
 * register but x0 changed (no kernel value reaches EL0), and a failed call
 * must leave the reply buffer untouched.
 */
#include <coresrv/nk/transport-kos.h>   /* first: the KasperskyOS-form headers */
#include <coresrv/syscalls.h>
#include <coresrv/vmm/vmm_api.h>
#include <kos/thread.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <uapi/handle.h>
#include <uapi/syscall.h>
#include "../check.h"
#include "../reg_probe.h"
#include "kl/core/Core.edl.h"

#define PAGE 4096u
#define AREA ((uint8_t *)0x3000000000ull)   /* page 0: rw, 1: unmapped, 2: read-only,
                                              3..5: kernel_reply_after_free */
#define KCALL_ARENA_MAX 8192u               /* kernel/kcall.c */
#define FAST_MAX_CONST 64u                  /* KCALL_FAST_MAX_CONST */

#define REQ(ep, m) struct kl_core_##ep##_##m##_req
#define M(ep, m, riid, desc)                                                        \
    { #ep "." #m, kl_core_Core_##riid##_iid, kl_core_##ep##_##m##_mid,              \
      kl_core_##ep##_##m##_req_size, desc }
#define D(ep, m, fld) (offsetof(REQ(ep, m), fld) - sizeof(SMsgHdr))
#define NONE 0xffffu

/* Every kl.core method; desc: the offset in the constant part of its first
 * arena descriptor (the first one the dispatcher reads), or NONE. */
static const struct method {
    const char *name;
    uint16_t riid;
    uint32_t mid, size, desc;
} methods[] = {
    M(Handle, Close, handle, NONE), M(Handle, Copy, handle, NONE),
    M(Handle, Revoke, handle, NONE), M(Handle, CreateUserObject, handle, NONE),
    M(Handle, Info, handle, NONE),
    M(Thread, Create, thread, NONE), M(Thread, Wait, thread, NONE),
    M(Thread, SetPriority, thread, NONE), M(Thread, CurrentId, thread, NONE),
    M(Thread, Sleep, thread, NONE), M(Thread, Terminate, thread, NONE),
    M(Thread, SetAffinity, thread, NONE),
    M(Task, Create, task, D(Task, Create, name)), M(Task, Start, task, NONE),
    M(Task, Wait, task, NONE),
    M(Channel, Create, channel, D(Channel, Create, name)),
    M(Channel, Lookup, channel, D(Channel, Lookup, name)),
    M(Vmm, Allocate, vmm, NONE), M(Vmm, Free, vmm, NONE), M(Vmm, Usage, vmm, NONE),
    M(Sys, GetInfo, sys, NONE), M(Sys, GetUpTime, sys, NONE), M(Sys, PowerOff, sys, NONE),
    M(Sys, GetEntropy, sys, NONE), M(Sys, GetRealTime, sys, NONE),
    M(Io, MapMmio, io, NONE), M(Io, AttachIrq, io, NONE), M(Io, WaitIrq, io, NONE),
    M(Io, AckIrq, io, NONE), M(Io, AllocDma, io, NONE),
    M(Io, FindDevice, io, D(Io, FindDevice, compatible)),
    M(Mdl, Create, mdl, NONE), M(Mdl, CreateFromVm, mdl, NONE), M(Mdl, GetSize, mdl, NONE),
    M(Mdl, Map, mdl, NONE), M(Mdl, Unmap, mdl, NONE), M(Mdl, CreateWindow, mdl, NONE),
    M(Mdl, Read, mdl, NONE), M(Mdl, Write, mdl, NONE), M(Mdl, ReadNew, mdl, NONE),
    M(Notice, Create, notice, NONE), M(Notice, SubscribeToObject, notice, NONE),
    M(Notice, UnsubscribeFromEvId, notice, NONE), M(Notice, GetEvent, notice, NONE),
    M(Notice, SetObjectEvent, notice, NONE), M(Notice, DropAndWake, notice, NONE),
    M(Cm, Publish, cm, D(Cm, Publish, type)), M(Cm, Unpublish, cm, D(Cm, Unpublish, type)),
    M(Cm, Enum, cm, D(Cm, Enum, type)), M(Cm, Connect, cm, D(Cm, Connect, server)),
    M(Cm, Listen, cm, D(Cm, Listen, filter)), M(Cm, Accept, cm, D(Cm, Accept, client)),
    M(Cm, Drop, cm, D(Cm, Drop, client)),
};
#define NMETHODS (sizeof methods / sizeof methods[0])

/* Request and reply buffers: full size, in bss (mapped read-write for good). */
static _Alignas(8) uint8_t out_buf[2 * PAGE], in_buf[2 * PAGE], arena[64];
static uint8_t before[PAGE];
static SMsgHdr *const out = (SMsgHdr *)(void *)out_buf;
static int reg_failures, untouched_failures;

/* A raw Call of the request at `o` into the reply buffer at `i` through the
 * register probe; a failed call must leave the PAGE bytes at `watch` as they were. */
static Retcode raw_call(const char *label, uint64_t o, uint64_t i, const uint8_t *watch)
{
    uint64_t rin[PROBE_REGS], rout[PROBE_REGS];
    reg_probe_fill(rin, 0 /* Call */);
    rin[0] = KERNEL_HANDLE;
    rin[1] = o;
    rin[2] = i;
    if (watch)
        memcpy(before, watch, PAGE);
    reg_probe_svc(rin, rout);
    Retcode rc = (Retcode)(int32_t)rout[0];
    int r = reg_probe_changed(rin, rout, 0);
    if (r >= 0 || rout[0] >> 32 != (rc < 0 ? 0xffffffffu : 0)) {
        if (reg_failures++ < 8)
            printf("KH %s: x%d changed to %#lx\n", label, r < 0 ? 0 : r,
                   (unsigned long)rout[r < 0 ? 0 : r]);
    }
    if (rc != rcOk && watch && memcmp(before, watch, PAGE) != 0) {
        if (untouched_failures++ < 8)
            printf("KH %s: rc %d but the reply buffer was written\n", label, rc);
    }
    return rc;
}

/* The reply room at in_buf: size, arena, arena_cap; the rest 0xCC. */
static SMsgHdr *reply_room(uint32_t size, uint64_t a, uint32_t cap)
{
    memset(in_buf, 0xcc, sizeof in_buf);
    SMsgHdr *in = (SMsgHdr *)(void *)in_buf;
    memset(in, 0, sizeof(*in));
    in->size = size;
    in->arena = a;
    in->arena_cap = cap;
    return in;
}

static void request(uint16_t riid, uint32_t mid, uint32_t size)
{
    memset(out_buf, 0, sizeof out_buf);
    out->riid = riid;
    out->mid = mid;
    out->size = size;
}

/* One line per call for the fast/general comparison, and whether it was the
 * expected error reply. */
static int error_reply(const char *label, Retcode rc, Retcode want)
{
    const SMsgHdr *in = (const SMsgHdr *)(const void *)in_buf;
    int32_t v = 0;
    memcpy(&v, in + 1, sizeof v);
    printf("KH %s rc=%d mid=%#x size=%u v=%d\n", label, rc, in->mid, in->size, v);
    return rc == rcOk && in->mid == MSG_MID_ERROR && in->size == 4 && v == want &&
           in->nhandles == 0 && in->arena_size == 0 && in->badge == 0;
}

static void sizes(void)
{
    int bad = 0, desc = 0;
    char label[96];
    for (unsigned k = 0; k < NMETHODS; k++) {
        const struct method *m = &methods[k];
        const uint32_t wrong[] = { m->size + 8, m->size - 1, 0, FAST_MAX_CONST + 8 };
        for (unsigned w = 0; w < 4; w++) {
            if (wrong[w] == m->size || (w == 1 && m->size == 0))
                continue;
            request(m->riid, m->mid, wrong[w]);
            reply_room(64, 0, 0);
            snprintf(label, sizeof label, "%s size %u", m->name, wrong[w]);
            Retcode rc = raw_call(label, (uint64_t)(uintptr_t)out, (uint64_t)(uintptr_t)in_buf,
                                  NULL);
            if (!error_reply(label, rc, rcInvalidArgument) && bad++ < 8)
                printf("KH %s: not the error reply rcInvalidArgument\n", label);
        }
        if (m->desc == NONE)
            continue;
        desc++;
        /* The first descriptor names 5 bytes at 0 of an arena that has none,
         * that is not mapped, or that lies in the kernel. */
        static const struct { const char *what; uint64_t at; uint32_t size; Retcode want; int reply; }
            arenas[] = {
                { "empty arena", 0, 0, rcInvalidArgument, 1 },
                { "unmapped arena", (uint64_t)(uintptr_t)(AREA + PAGE), 5, rcSourceFault, 0 },
                { "kernel arena", 0xffff000000001000ull, 5, rcInvalidArgument, 0 },
                { "arena over the kernel's room", 0, KCALL_ARENA_MAX + 8, rcBufferTooLarge, 0 },
            };
        for (unsigned a = 0; a < sizeof arenas / sizeof arenas[0]; a++) {
            request(m->riid, m->mid, m->size);
            uint32_t d[2] = { 0, 5 };               /* offset, size */
            memcpy(out_buf + sizeof(SMsgHdr) + m->desc, d, sizeof d);
            out->arena = arenas[a].at ? arenas[a].at : (uint64_t)(uintptr_t)arena;
            out->arena_size = arenas[a].size;
            reply_room(64, 0, 0);
            snprintf(label, sizeof label, "%s %s", m->name, arenas[a].what);
            Retcode rc = raw_call(label, (uint64_t)(uintptr_t)out, (uint64_t)(uintptr_t)in_buf,
                                  in_buf);
            int ok = arenas[a].reply ? error_reply(label, rc, arenas[a].want)
                                     : (printf("KH %s rc=%d\n", label, rc), rc == arenas[a].want);
            if (!ok && bad++ < 8)
                printf("KH %s: expected %d\n", label, arenas[a].want);
        }
    }
    CHECK("wrong_sizes_and_arenas_refused_every_method", bad == 0 && desc == 11,
          "%d wrong, %d methods with descriptors", bad, desc);
}

/* Thread.CurrentId with a bad reply buffer or a bad request. */
static void buffers(void)
{
    const uint32_t res = kl_core_Thread_CurrentId_res_size;
    uint64_t o = (uint64_t)(uintptr_t)out, i = (uint64_t)(uintptr_t)in_buf;
    uint64_t rw = (uint64_t)(uintptr_t)AREA, gone = rw + PAGE, ro = rw + 2 * PAGE;
    const uint16_t riid = kl_core_Core_thread_iid;
    const uint32_t mid = kl_core_Thread_CurrentId_mid;
    struct {
        const char *name;
        uint64_t o, i;
        uint32_t cap, arena_cap;
        uint64_t arena;
        Retcode want;
    } cases[] = {
        { "reply_fits", o, i, res, 0, 0, rcOk },
        { "reply_room_0", o, i, 0, 0, 0, rcBufferTooSmall },
        { "reply_room_short", o, i, res - 1, 0, 0, rcBufferTooSmall },
        { "reply_room_over_max", o, i, MSG_MAX_CONST + 1, 0, 0, rcInvalidArgument },
        { "reply_arena_cap_huge", o, i, res, 0xffffffffu, (uint64_t)(uintptr_t)arena,
          rcInvalidArgument },
        /* NULL is a user address like any (never mapped): a kernel reply has no
         * arena, so the room is never written and the call succeeds */
        { "reply_arena_cap_max_null", o, i, res, MSG_MAX_ARENA, 0, rcOk },
        { "reply_arena_cap_ok", o, i, res, sizeof arena, (uint64_t)(uintptr_t)arena, rcOk },
        { "reply_unaligned", o, i + 4, res, 0, 0, rcInvalidArgument },
        { "reply_unmapped", o, gone, res, 0, 0, rcInvalidArgument },
        { "reply_kernel", o, 0xffff000000002000ull, res, 0, 0, rcInvalidArgument },
        { "reply_read_only", o, ro, res, 0, 0, rcInvalidArgument },
        { "reply_crosses_into_unmapped", o, gone - sizeof(SMsgHdr), res, 0, 0,
          rcInvalidArgument },
        { "request_unaligned", o + 4, i, res, 0, 0, rcInvalidArgument },
        { "request_unmapped", gone, i, res, 0, 0, rcInvalidArgument },
        { "request_kernel", 0xffff000000003000ull, i, res, 0, 0, rcInvalidArgument },
        { "request_null", 0, i, res, 0, 0, rcInvalidArgument },
    };
    int bad = 0;
    for (unsigned k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        if (cases[k].o == o) {
            request(riid, mid, 0);
        } else if (cases[k].o == o + 4) {
            memset(out_buf, 0, sizeof out_buf);
            memcpy(out_buf + 4, &(SMsgHdr){ .riid = riid, .mid = mid }, sizeof(SMsgHdr));
        }
        SMsgHdr room = { .size = cases[k].cap, .arena = cases[k].arena,
                         .arena_cap = cases[k].arena_cap };
        uint8_t *watch = NULL;
        if (cases[k].i == i || cases[k].i == i + 4) {
            reply_room(0, 0, 0);
            memcpy(in_buf + (cases[k].i - i), &room, sizeof room);
            watch = in_buf;
        } else if (cases[k].i == gone - sizeof(SMsgHdr)) {
            memcpy(AREA + PAGE - sizeof(SMsgHdr), &room, sizeof room);
            watch = AREA;
        } else if (cases[k].i == ro) {
            watch = AREA + 2 * PAGE;               /* its header: size 0 (zero page) */
        }
        Retcode rc = raw_call(cases[k].name, cases[k].o, cases[k].i, watch);
        const SMsgHdr *in = (const SMsgHdr *)(uintptr_t)cases[k].i;
        int ok = rc == cases[k].want;
        if (ok && rc == rcOk)                      /* the reply as documented */
            ok = in->mid == mid && in->riid == riid && in->size == res && in->nhandles == 0 &&
                 in->badge == 0 && in->arena_size == 0 && in->arena == cases[k].arena &&
                 in->arena_cap == cases[k].arena_cap &&
                 ((const uint8_t *)(in + 1))[res] == 0xcc;   /* nothing past the reply */
        printf("KH %s rc=%d\n", cases[k].name, rc);
        if (!ok && bad++ < 8)
            printf("KH %s: expected %d\n", cases[k].name, cases[k].want);
    }
    CHECK("bad_reply_and_request_buffers_refused", bad == 0, "%d wrong", bad);
}

/* Requests that are wrong in their header. */
static void headers(void)
{
    const uint16_t riid = kl_core_Core_thread_iid;
    const uint32_t mid = kl_core_Thread_CurrentId_mid;
    uint64_t o = (uint64_t)(uintptr_t)out, i = (uint64_t)(uintptr_t)in_buf;
    int bad = 0;
    struct {
        const char *name;
        uint32_t nhandles, handle, size, arena_size;
        uint64_t arena;
        uint16_t riid;
        uint32_t mid;
        Retcode want;
        int error_reply;
    } cases[] = {
        { "handles_5", 5, 0, 0, 0, 0, riid, mid, rcInvalidArgument, 0 },
        { "handle_forged", 1, 0xdead0001u, 0, 0, 0, riid, mid, rcInvalidArgument, 0 },
        { "handle_kernel_no_transfer", 1, KERNEL_HANDLE, 0, 0, 0, riid, mid, rcNoCapability, 0 },
        { "size_over_max", 0, 0, MSG_MAX_CONST + 1, 0, 0, riid, mid, rcInvalidArgument, 0 },
        /* the arena at NULL: checked as a user range, then not readable */
        { "arena_size_without_arena", 0, 0, 0, 8, 0, riid, mid, rcSourceFault, 0 },
        { "arena_over_max", 0, 0, 0, MSG_MAX_ARENA + 1, 1, riid, mid, rcInvalidArgument, 0 },
        { "arena_ignored_by_method", 0, 0, 0, 8, 1, riid, mid, rcOk, 0 },
        { "mid_error_marker", 0, 0, 0, 0, 0, riid, MSG_MID_ERROR, rcInvalidArgument, 0 },
        { "mid_disconnect_marker", 0, 0, 0, 0, 0, riid, MSG_MID_DISCONNECT, rcInvalidArgument, 0 },
        { "mid_unknown", 0, 0, 0, 0, 0, riid, 200, rcUnimplemented, 1 },
        { "riid_unknown", 0, 0, 0, 0, 0, 77, 0, rcUnimplemented, 1 },
    };
    for (unsigned k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        request(cases[k].riid, cases[k].mid, cases[k].size);
        out->nhandles = cases[k].nhandles;
        out->handles[0].handle = cases[k].handle;
        out->handles[0].rights = 0;
        out->arena_size = cases[k].arena_size;
        out->arena = cases[k].arena ? (uint64_t)(uintptr_t)arena : 0;
        reply_room(64, 0, 0);
        Retcode rc = raw_call(cases[k].name, o, i, cases[k].error_reply ? NULL : in_buf);
        int ok = cases[k].error_reply ? error_reply(cases[k].name, rc, cases[k].want)
                                      : (printf("KH %s rc=%d\n", cases[k].name, rc),
                                         rc == cases[k].want);
        if (!ok && bad++ < 8)
            printf("KH %s: expected %d\n", cases[k].name, cases[k].want);
    }
    CHECK("bad_request_headers_refused", bad == 0, "%d wrong", bad);
}

/* Other system calls through the probe: the null call, an unknown number, a
 * call that blocks (another thread runs meanwhile), Call on a forged handle. */
static void other_calls(void)
{
    uint64_t rin[PROBE_REGS], rout[PROBE_REGS];
    const struct { const char *name; uint64_t nr, a0; Retcode want; } calls[] = {
        { "yield", 23, 0, rcOk },
        { "unknown_nr", 99, 0, rcUnimplemented },
        { "nr_huge", 0xffffffffffffull, 0, rcUnimplemented },
        { "call_forged_handle", 0, 0xdead0001u, rcInvalidArgument },
        { "futex_wait_mismatch", 30, 0, rcInvalidArgument },
    };
    int bad = 0;
    for (unsigned k = 0; k < sizeof calls / sizeof calls[0]; k++) {
        reg_probe_fill(rin, calls[k].nr);
        rin[0] = calls[k].a0;
        reg_probe_svc(rin, rout);
        int r = reg_probe_changed(rin, rout, 0);
        printf("KH %s rc=%d\n", calls[k].name, (int)rout[0]);
        if ((r >= 0 || (Retcode)(int32_t)rout[0] != calls[k].want) && bad++ < 8)
            printf("KH %s: rc %d, x%d changed\n", calls[k].name, (int)rout[0], r);
    }
    /* CallReg on the kernel endpoint: the reply goes to the buffer x10 (x9 stays 0);
     * a buffer that is not mapped is found only when the reply is written. */
    const uint64_t bufs[2] = { (uint64_t)(uintptr_t)in_buf, (uint64_t)(uintptr_t)(AREA + PAGE) };
    const Retcode want[2] = { rcOk, rcTargetFault };
    for (unsigned k = 0; k < 2; k++) {
        reg_probe_fill(rin, 10);
        rin[0] = KERNEL_HANDLE;
        rin[1] = MSG_REG_HDR(kl_core_Core_thread_iid, kl_core_Thread_CurrentId_mid, 0);
        rin[9] = 0;
        rin[10] = bufs[k];
        rin[11] = MSG_REG_CAP(64, 0);
        rin[12] = 0;
        reply_room(0, 0, 0);
        reg_probe_svc(rin, rout);
        int r = reg_probe_changed(rin, rout, 0);
        const SMsgHdr *in = (const SMsgHdr *)(const void *)in_buf;
        printf("KH callreg_kernel_%u rc=%d\n", k, (int)rout[0]);
        if ((r >= 0 || (Retcode)(int32_t)rout[0] != want[k] ||
             (k == 0 && (in->mid != kl_core_Thread_CurrentId_mid ||
                         in->size != kl_core_Thread_CurrentId_res_size))) && bad++ < 8)
            printf("KH callreg_kernel_%u: rc %d, x%d changed\n", k, (int)rout[0], r);
    }
    /* Thread.Sleep(2 ms): the thread blocks and comes back on the way out of the switch. */
    request(kl_core_Core_thread_iid, kl_core_Thread_Sleep_mid, kl_core_Thread_Sleep_req_size);
    uint64_t ns = 2000000;
    memcpy(out_buf + sizeof(SMsgHdr), &ns, sizeof ns);
    reply_room(64, 0, 0);
    Retcode rc = raw_call("sleep", (uint64_t)(uintptr_t)out, (uint64_t)(uintptr_t)in_buf, NULL);
    printf("KH sleep rc=%d\n", rc);
    CHECK("other_calls_preserve_registers", bad == 0 && rc == rcOk, "%d wrong, sleep %d", bad, rc);
}

struct freer {
    uint8_t *victim, *fresh;
    Retcode rc;
};

static int free_during_sleep(void *arg)
{
    struct freer *f = arg;
    KosThreadSleep(50);
    f->rc = KnVmFree(f->victim, PAGE);
    void *p = NULL;
    if (KnVmAllocate(AREA + 5 * PAGE, PAGE, VM_READ | VM_WRITE, VM_FIXED, &p) == rcOk)
        f->fresh = p;
    return 0;
}

/* A kernel method that blocks (Thread.Sleep) while another thread frees its
 * reply buffer, whose translation the kernel had cached: the reply must not
 * go to the freed page, now mapped elsewhere (the fast path looks the buffer
 * up again after the method, the general path copies through the tables). */
static void kernel_reply_after_free(void)
{
    uint8_t *victim = AREA + 3 * PAGE;
    void *p = NULL;
    Retcode rc = KnVmAllocate(victim, PAGE, VM_READ | VM_WRITE, VM_FIXED, &p);
    if (rc == rcOk)
        rc = KnVmAllocate(AREA + 4 * PAGE, PAGE, VM_READ | VM_WRITE, VM_FIXED, &p);   /* keeps the table */
    request(kl_core_Core_thread_iid, kl_core_Thread_CurrentId_mid, 0);
    ((SMsgHdr *)(void *)victim)->size = 64;
    if (rc == rcOk)                                 /* the kernel learns the page */
        rc = raw_call("reply_before_free", (uint64_t)(uintptr_t)out, (uint64_t)(uintptr_t)victim,
                      NULL);
    static struct freer f;
    f = (struct freer){ .victim = victim };
    Tid tid;
    if (rc == rcOk)
        rc = KosThreadCreate(&tid, THREAD_PRIORITY_DEFAULT, 0, free_during_sleep, &f, 0);
    CHECK("kernel_reply_setup", rc == rcOk, "rc %d", rc);
    if (rc)
        return;
    request(kl_core_Core_thread_iid, kl_core_Thread_Sleep_mid, kl_core_Thread_Sleep_req_size);
    uint64_t ns = 200000000;
    memcpy(out_buf + sizeof(SMsgHdr), &ns, sizeof ns);
    rc = raw_call("reply_after_free", (uint64_t)(uintptr_t)out, (uint64_t)(uintptr_t)victim, NULL);
    KosThreadWait(tid, 10000);
    int zero = f.fresh != NULL;
    for (unsigned k = 0; zero && k < PAGE; k++)
        zero = f.fresh[k] == 0;
    printf("KH kernel_reply_after_free rc=%d\n", rc);
    CHECK("kernel_reply_after_free_refused", f.rc == rcOk && rc == rcTargetFault,
          "free %d, call %d", f.rc, rc);
    CHECK("kernel_reply_after_free_not_written", zero, "fresh %p", f.fresh);
    KnVmFree(f.fresh, PAGE);
    KnVmFree(AREA + 4 * PAGE, PAGE);
}

int main(void)
{
    void *p = NULL;
    Retcode rc = KnVmAllocate(AREA, PAGE, VM_READ | VM_WRITE, VM_FIXED, &p);
    if (rc == rcOk)
        rc = KnVmAllocate(AREA + 2 * PAGE, PAGE, VM_READ, VM_FIXED, &p);
    CHECK("setup", rc == rcOk, "rc %d", rc);
    memset(arena, 'a', sizeof arena);
    sizes();
    buffers();
    headers();
    other_calls();
    kernel_reply_after_free();
    CHECK("no_register_changed", reg_failures == 0, "%d calls changed a register", reg_failures);
    CHECK("failed_calls_leave_reply_untouched", untouched_failures == 0, "%d calls wrote",
          untouched_failures);
    return check_done("test_kcall_hostile");
}
