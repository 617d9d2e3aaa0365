/*
 * calls.c: one random call per fuzz_one(): a kernel-endpoint method with
 * typed hostile arguments, a kernel-endpoint message with a mangled header,
 * or a direct system call with hostile registers. Threads of the first task
 * pass every message through keep_alive(), which rewrites the few requests
 * that would end the fuzzer itself (docs/TESTING.md lists them).
 */
#include <coresrv/nk/transport-kos.h>   /* first: the KasperskyOS-form headers */
#include <coresrv/handle/handle_api.h>
#include <coresrv/syscalls.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <uapi/handle.h>
#include <uapi/syscall.h>
#include "fuzz.h"
#include "kl/core/Core.edl.h"

#define PAGE 4096ull
#define USER_END 0x8000000000ull
/* Where the first task's threads may map at addresses of their choosing:
 * above libkos's heap reservation, below the scratch areas (args.c). */
#define LOW_FREE  0x2000000000ull
#define HIGH_FREE 0x5f00000000ull

/* Messages: the KasperskyOS-form structs (kl_core_<Ep>_<M>_req, header
 * included in the offsets), ids and wire sizes (_mid, _req_size, docs/IDL.md). */
/* Field kinds of the kernel methods' constant parts. */
enum kind { K_H, K_U32, K_U64, K_SIZE, K_ADDR, K_PTR, K_NS, K_PRIO, K_DESC, K_IOV, K_END };

struct field {
    uint16_t off;              /* from the start of the message (header included) */
    uint8_t kind;
};

struct method {
    const char *name;
    uint16_t riid;
    uint32_t mid, size;        /* size: the constant part */
    struct field f[8];
};

#define REQ(ep, m) struct kl_core_##ep##_##m##_req
#define F(ep, m, fld, k) { offsetof(REQ(ep, m), fld), k }
#define M(ep, m, riid, ...)                                                          \
    { #ep "." #m, kl_core_Core_##riid##_iid, kl_core_##ep##_##m##_mid,               \
      kl_core_##ep##_##m##_req_size, { __VA_ARGS__, { 0, K_END } } }

static const struct method methods[] = {
    M(Handle, Close, handle, F(Handle, Close, handle, K_H)),
    M(Handle, Copy, handle, F(Handle, Copy, handle, K_H), F(Handle, Copy, rights, K_U32)),
    M(Handle, Revoke, handle, F(Handle, Revoke, handle, K_H)),
    M(Handle, CreateUserObject, handle, F(Handle, CreateUserObject, type, K_U32),
      F(Handle, CreateUserObject, rights, K_U32), F(Handle, CreateUserObject, context, K_U64)),
    M(Handle, Info, handle, F(Handle, Info, handle, K_H)),
    M(Thread, Create, thread, F(Thread, Create, entry, K_PTR), F(Thread, Create, arg, K_U64),
      F(Thread, Create, stackTop, K_PTR), F(Thread, Create, tls, K_PTR),
      F(Thread, Create, priority, K_PRIO)),
    M(Thread, Wait, thread, F(Thread, Wait, thread, K_H), F(Thread, Wait, timeoutNs, K_NS)),
    M(Thread, SetPriority, thread, F(Thread, SetPriority, thread, K_H),
      F(Thread, SetPriority, priority, K_PRIO)),
    M(Thread, CurrentId, thread, { 0, K_END }),
    M(Thread, Sleep, thread, F(Thread, Sleep, ns, K_NS)),
    M(Thread, Terminate, thread, F(Thread, Terminate, thread, K_H),
      F(Thread, Terminate, value, K_U64)),
    M(Task, Create, task, F(Task, Create, name, K_DESC), F(Task, Create, cls, K_DESC),
      F(Task, Create, program, K_DESC), F(Task, Create, argv, K_DESC),
      F(Task, Create, env, K_DESC), F(Task, Create, priority, K_PRIO),
      F(Task, Create, flags, K_U32)),
    M(Task, Start, task, F(Task, Start, task, K_H)),
    M(Task, Wait, task, F(Task, Wait, task, K_H), F(Task, Wait, timeoutNs, K_NS)),
    M(Channel, Create, channel, F(Channel, Create, clientTask, K_H),
      F(Channel, Create, serverTask, K_H), F(Channel, Create, name, K_DESC)),
    M(Channel, Lookup, channel, F(Channel, Lookup, name, K_DESC), F(Channel, Lookup, role, K_U32)),
    M(Vmm, Allocate, vmm, F(Vmm, Allocate, hint, K_ADDR), F(Vmm, Allocate, size, K_SIZE),
      F(Vmm, Allocate, prot, K_U32), F(Vmm, Allocate, flags, K_U32)),
    M(Vmm, Free, vmm, F(Vmm, Free, addr, K_ADDR), F(Vmm, Free, size, K_SIZE)),
    M(Sys, GetInfo, sys, { 0, K_END }),
    M(Sys, GetUpTime, sys, { 0, K_END }),
    M(Sys, PowerOff, sys, F(Sys, PowerOff, status, K_U32)),
    M(Io, MapMmio, io, F(Io, MapMmio, pa, K_U64), F(Io, MapMmio, size, K_SIZE)),
    M(Io, AttachIrq, io, F(Io, AttachIrq, intid, K_U32)),
    M(Io, WaitIrq, io, F(Io, WaitIrq, irq, K_H), F(Io, WaitIrq, timeoutNs, K_NS)),
    M(Io, AckIrq, io, F(Io, AckIrq, irq, K_H)),
    M(Io, AllocDma, io, F(Io, AllocDma, size, K_SIZE)),
    M(Io, FindDevice, io, F(Io, FindDevice, compatible, K_DESC), F(Io, FindDevice, index, K_U32)),
    M(Mdl, Create, mdl, F(Mdl, Create, size, K_SIZE), F(Mdl, Create, prot, K_U32)),
    M(Mdl, CreateFromVm, mdl, F(Mdl, CreateFromVm, addr, K_ADDR), F(Mdl, CreateFromVm, size, K_SIZE),
      F(Mdl, CreateFromVm, prot, K_U32)),
    M(Mdl, GetSize, mdl, F(Mdl, GetSize, handle, K_H)),
    M(Mdl, Map, mdl, F(Mdl, Map, handle, K_H), F(Mdl, Map, offset, K_SIZE),
      F(Mdl, Map, length, K_SIZE), F(Mdl, Map, hint, K_ADDR), F(Mdl, Map, prot, K_U32),
      F(Mdl, Map, flags, K_U32)),
    M(Mdl, Unmap, mdl, F(Mdl, Unmap, addr, K_ADDR), F(Mdl, Unmap, size, K_SIZE)),
    M(Mdl, CreateWindow, mdl, F(Mdl, CreateWindow, addr, K_ADDR),
      F(Mdl, CreateWindow, size, K_SIZE), F(Mdl, CreateWindow, prot, K_U32)),
    M(Mdl, Read, mdl, F(Mdl, Read, handle, K_H), F(Mdl, Read, offset, K_SIZE),
      F(Mdl, Read, iov, K_IOV), F(Mdl, Read, niov, K_U32)),
    M(Mdl, Write, mdl, F(Mdl, Write, handle, K_H), F(Mdl, Write, offset, K_SIZE),
      F(Mdl, Write, iov, K_IOV), F(Mdl, Write, niov, K_U32)),
    M(Mdl, ReadNew, mdl, F(Mdl, ReadNew, handle, K_H), F(Mdl, ReadNew, offset, K_SIZE),
      F(Mdl, ReadNew, size, K_SIZE), F(Mdl, ReadNew, hint, K_ADDR)),
    M(Notice, Create, notice, { 0, K_END }),
    M(Notice, SubscribeToObject, notice, F(Notice, SubscribeToObject, notice, K_H),
      F(Notice, SubscribeToObject, object, K_H), F(Notice, SubscribeToObject, evMask, K_U32),
      F(Notice, SubscribeToObject, evId, K_U64)),
    M(Notice, UnsubscribeFromEvId, notice, F(Notice, UnsubscribeFromEvId, notice, K_H),
      F(Notice, UnsubscribeFromEvId, evId, K_U64)),
    M(Notice, GetEvent, notice, F(Notice, GetEvent, notice, K_H),
      F(Notice, GetEvent, timeoutNs, K_NS), F(Notice, GetEvent, countMax, K_U32)),
    M(Notice, SetObjectEvent, notice, F(Notice, SetObjectEvent, object, K_H),
      F(Notice, SetObjectEvent, evMask, K_U32)),
    M(Notice, DropAndWake, notice, F(Notice, DropAndWake, notice, K_H)),
    M(Cm, Publish, cm, F(Cm, Publish, type, K_DESC), F(Cm, Publish, server, K_DESC),
      F(Cm, Publish, service, K_DESC)),
    M(Cm, Unpublish, cm, F(Cm, Unpublish, type, K_DESC), F(Cm, Unpublish, server, K_DESC),
      F(Cm, Unpublish, service, K_DESC)),
    M(Cm, Enum, cm, F(Cm, Enum, type, K_DESC), F(Cm, Enum, index, K_U32)),
    M(Cm, Connect, cm, F(Cm, Connect, server, K_DESC), F(Cm, Connect, service, K_DESC),
      F(Cm, Connect, timeoutNs, K_NS)),
    M(Cm, Listen, cm, F(Cm, Listen, filter, K_DESC), F(Cm, Listen, timeoutNs, K_NS)),
    M(Cm, Accept, cm, F(Cm, Accept, client, K_DESC), F(Cm, Accept, service, K_DESC)),
    M(Cm, Drop, cm, F(Cm, Drop, client, K_DESC), F(Cm, Drop, service, K_DESC)),
};
#define NMETHODS (sizeof methods / sizeof methods[0])

static const struct method *method_of(uint16_t riid, uint32_t mid)
{
    for (unsigned i = 0; i < NMETHODS; i++)
        if (methods[i].riid == riid && methods[i].mid == mid)
            return &methods[i];
    return NULL;
}

/* Strings for arena descriptors: program names that exist, that do not, and
 * argv lists that make the fuzzer idle (never a role that fuzzes again). */
static const char *const words[] = {
    "fuzz", "nope", "", "VfsFsnet-not", "fz.vfs", "fz.srv", "x", "idle\0idle", "fuzz\0idle",
    "arm,pl011", "virtio,mmio", "arm,cortex-a15-gic", "a-very-long-name-that-is-over-the-limit-"
                                                    "of-forty-eight-bytes-and-more",
};

void fuzz_exit_stub(void *arg);
__asm__(".text\n.global fuzz_exit_stub\nfuzz_exit_stub:\n"
        "  mov x0, #0\n  mov x8, #21\n  svc #0\n  b fuzz_exit_stub\n");

static void put32(uint8_t *p, uint32_t v) { memcpy(p, &v, 4); }
static void put64(uint8_t *p, uint64_t v) { memcpy(p, &v, 8); }
static uint32_t get32(const uint8_t *p) { uint32_t v; memcpy(&v, p, 4); return v; }
static uint64_t get64(const uint8_t *p) { uint64_t v; memcpy(&v, p, 8); return v; }

/* ---- what the first task's threads must not do to themselves -------------- */

/* A handle the thread may close, revoke or terminate: one it created, or a
 * value that names nothing (forged, stale, wrong type: what we test). */
static bool may_destroy(struct fuzz_ctx *c, uint32_t h)
{
    uint32_t type, rights;
    return fuzz_pool_has(c, h) || KnHandleInfo(h, &type, &rights) != rcOk;
}

static bool own_mem(const struct fuzz_ctx *c, uint64_t addr)
{
    for (int i = 0; i < c->nmem; i++)
        if (c->mem[i].addr == addr)
            return true;
    return false;
}

static uint64_t cap_ns(uint64_t ns) { return ns > 1000000 ? ns % 1000000 : ns; }

static uint64_t cap_pages(uint64_t size)
{
    /* Sizes that could really be mapped stay small (zeroing costs time);
     * larger than memory fails at once and stays as it is. */
    if (size > 64 * PAGE && size < (1ull << 30))
        return size % (64 * PAGE);
    return size;
}

/* Rewrites a request in place so that it cannot end or cripple the first
 * task; returns false when it must not be sent at all. `msg` is in scratch. */
static bool keep_alive(struct fuzz_ctx *c, uint8_t *msg)
{
    const SMsgHdr *h = (const SMsgHdr *)msg;
    const struct method *m = method_of(h->riid, h->mid);
    if (!m || h->size != m->size)
        return true;                    /* the kernel refuses it whatever it holds */
    uint8_t *a = msg + sizeof(SMsgHdr);
    const char *n = m->name;
    if (!strcmp(n, "Handle.Close") || !strcmp(n, "Handle.Revoke") ||
        !strcmp(n, "Thread.Terminate")) {
        if (!may_destroy(c, get32(a)))
            put32(a, 0xdead0000u | get32(a) >> 16);
    } else if (!strcmp(n, "Thread.Create")) {
        put64(a, (uint64_t)(uintptr_t)&fuzz_exit_stub);
    } else if (!strcmp(n, "Thread.Wait") || !strcmp(n, "Task.Wait") || !strcmp(n, "Io.WaitIrq")) {
        put64(a + 8, cap_ns(get64(a + 8)));
    } else if (!strcmp(n, "Thread.Sleep")) {
        put64(a, cap_ns(get64(a)));
    } else if (!strcmp(n, "Notice.GetEvent")) {
        put64(msg + offsetof(REQ(Notice, GetEvent), timeoutNs),
              cap_ns(get64(msg + offsetof(REQ(Notice, GetEvent), timeoutNs))));
    } else if (!strcmp(n, "Cm.Connect")) {
        put64(msg + offsetof(REQ(Cm, Connect), timeoutNs),
              cap_ns(get64(msg + offsetof(REQ(Cm, Connect), timeoutNs))));
    } else if (!strcmp(n, "Cm.Listen")) {
        put64(msg + offsetof(REQ(Cm, Listen), timeoutNs),
              cap_ns(get64(msg + offsetof(REQ(Cm, Listen), timeoutNs))));
    } else if (!strcmp(n, "Mdl.Map")) {
        uint64_t hint = get64(msg + offsetof(REQ(Mdl, Map), hint));   /* as Vmm.Allocate */
        if (hint < LOW_FREE || (hint >= HIGH_FREE && hint < USER_END))
            put64(msg + offsetof(REQ(Mdl, Map), hint), LOW_FREE + hint % (HIGH_FREE - LOW_FREE));
    } else if (!strcmp(n, "Mdl.CreateWindow")) {
        /* Mdl.Write copies into a window's range: a window that could reach the first
         * task's own memory (libkos's heap, stacks, data) other than scratch is
         * read-only; a hostile range the kernel refuses stays as it is. */
        uint64_t at = get64(msg + offsetof(REQ(Mdl, CreateWindow), addr));
        uint64_t size = get64(msg + offsetof(REQ(Mdl, CreateWindow), size));
        uint64_t s = (uint64_t)(uintptr_t)c->scratch, end = s + FUZZ_SCRATCH_PAGES * PAGE;
        bool in_scratch = at >= s && at <= end && size <= end - at;
        if (!in_scratch && at < USER_END) {
            uint8_t *prot = msg + offsetof(REQ(Mdl, CreateWindow), prot);
            put32(prot, get32(prot) & ~(uint32_t)VM_WRITE);
        }
    } else if (!strcmp(n, "Mdl.ReadNew")) {
        uint64_t hint = get64(msg + offsetof(REQ(Mdl, ReadNew), hint));   /* as Vmm.Allocate */
        if (hint < LOW_FREE || (hint >= HIGH_FREE && hint < USER_END))
            put64(msg + offsetof(REQ(Mdl, ReadNew), hint),
                  LOW_FREE + hint % (HIGH_FREE - LOW_FREE));
    } else if (!strcmp(n, "Mdl.CreateFromVm") || !strcmp(n, "Mdl.Unmap")) {
        uint64_t addr = get64(a);                /* as Vmm.Free: never libkos's own memory */
        if (addr < USER_END && !own_mem(c, addr))
            put64(a, addr | 0xffffff8000000000ull);
    } else if (!strcmp(n, "Sys.PowerOff")) {
        return false;                   /* the first task may: it would end the run */
    } else if (!strcmp(n, "Vmm.Allocate")) {
        /* Never inside libkos's heap reservation or thread-stack area: its
         * own VM_FIXED mappings there would fail later. */
        uint64_t hint = get64(a);
        if (hint < LOW_FREE || (hint >= HIGH_FREE && hint < USER_END))
            put64(a, LOW_FREE + hint % (HIGH_FREE - LOW_FREE));
    } else if (!strcmp(n, "Vmm.Free")) {
        uint64_t addr = get64(a);
        if (addr < USER_END && !own_mem(c, addr))
            put64(a, addr | 0xffffff8000000000ull);   /* never libkos's own memory */
    }
    return true;
}

/* Sizes that cost only time are capped: zeroing 256 MiB of DMA memory, page
 * tables for GiBs of device mappings, or of a successful Allocate, prove
 * nothing a few pages do not. Hints and everything else stay hostile. */
static void cap_costly_sizes(uint8_t *msg)
{
    const SMsgHdr *h = (const SMsgHdr *)msg;
    const struct method *m = method_of(h->riid, h->mid);
    uint8_t *a = msg + sizeof(SMsgHdr);
    if (!m || h->size != m->size)
        return;
    if (!strcmp(m->name, "Io.AllocDma"))
        put64(a, cap_pages(get64(a)));
    else if (!strcmp(m->name, "Io.MapMmio") || !strcmp(m->name, "Vmm.Allocate"))
        put64(a + 8, cap_pages(get64(a + 8)));
    else if (!strcmp(m->name, "Mdl.Create"))
        put64(a, cap_pages(get64(a)));
    else if (!strcmp(m->name, "Mdl.ReadNew"))
        put64(msg + offsetof(REQ(Mdl, ReadNew), size),
              cap_pages(get64(msg + offsetof(REQ(Mdl, ReadNew), size))));
    else if (!strcmp(m->name, "Mdl.Map"))
        put64(msg + offsetof(REQ(Mdl, Map), length),
              cap_pages(get64(msg + offsetof(REQ(Mdl, Map), length))));
}

/* Methods whose reply names something the kernel created for the caller:
 * the first task reads every such reply, or it would keep it for good. */
static bool creates(const struct method *m)
{
    static const char *const names[] = { "Handle.Copy", "Handle.CreateUserObject",
                                         "Thread.Create", "Task.Create", "Vmm.Allocate",
                                         "Io.MapMmio", "Io.AttachIrq", "Io.AllocDma",
                                         "Mdl.Create", "Mdl.CreateFromVm", "Mdl.CreateWindow",
                                         "Mdl.Map", "Mdl.ReadNew",
                                         "Notice.Create", "Cm.Connect", "Cm.Accept" };
    for (unsigned i = 0; m && i < sizeof names / sizeof names[0]; i++)
        if (!strcmp(m->name, names[i]))
            return true;
    return false;
}

/* ---- requests to the kernel endpoints ---------------------------------- */

/* An arena of strings; a descriptor to one of them, or a hostile one. */
static uint64_t fill_desc(struct fuzz_ctx *c, uint8_t *arena, uint32_t cap, uint32_t *used)
{
    uint32_t off, size;
    const char *w = words[rng_below(&c->rng, sizeof words / sizeof words[0])];
    uint32_t len = (uint32_t)strlen(w) + 1;
    if (w[0] && !strcmp(w + len, "idle"))
        len += 5;                       /* two strings back to back (argv) */
    if (*used + len <= cap) {
        memcpy(arena + *used, w, len);
        off = *used;
        size = len;
        *used += len;
    } else {
        off = 0;
        size = 0;
    }
    switch (rng_below(&c->rng, 12)) {
    case 0: size = size ? size - 1 : 0; break;                 /* not terminated */
    case 1: off = *used + rng_below(&c->rng, 64); break;       /* past the end */
    case 2: size = fz_u32(c); break;
    case 3: off = ~0u - rng_below(&c->rng, 8); break;          /* offset + size wraps */
    case 4: off = rng_below(&c->rng, *used + 1); size = rng_below(&c->rng, 64); break;
    default: break;
    }
    return (uint64_t)off | (uint64_t)size << 32;
}

/* Segments for Mdl.Read/Write ({addr, len} each): a few in scratch page IOV_OFF, each
 * address of any pointer class (scratch, read-only, kernel, unmapped, text, straddling)
 * and each length small, pages or hostile; or the array's own address hostile. Mdl.Read
 * copies into them: fz_ptr never names the first task's own data outside scratch. */
#define IOV_OFF (5 * PAGE)
static uint64_t fill_iov(struct fuzz_ctx *c)
{
    if (rng_chance(&c->rng, 15))
        return fz_ptr(c);
    uint64_t *seg = (uint64_t *)(void *)(c->scratch + IOV_OFF);
    for (unsigned i = 0; i < 8; i++) {
        seg[2 * i] = rng_chance(&c->rng, 60) ? fz_buf(c, 600) : fz_ptr(c);
        switch (rng_below(&c->rng, 4)) {
        case 0: seg[2 * i + 1] = rng_below(&c->rng, 600); break;
        case 1: seg[2 * i + 1] = PAGE * (1 + rng_below(&c->rng, 3)); break;
        default: seg[2 * i + 1] = fz_size(c); break;
        }
    }
    return (uint64_t)(uintptr_t)seg + (rng_chance(&c->rng, 10) ? 1 + rng_below(&c->rng, 7) : 0);
}

static uint64_t field_value(struct fuzz_ctx *c, uint8_t kind)
{
    switch (kind) {
    case K_H: return fz_handle(c);
    case K_SIZE: return fz_size(c);
    case K_ADDR: return fz_addr(c);
    case K_PTR: return fz_ptr(c);
    case K_NS: return fz_timeout(c);
    case K_IOV: return fill_iov(c);
    case K_PRIO: return rng_chance(&c->rng, 80) ? rng_below(&c->rng, 32) : fz_u32(c);
    case K_U32: return rng_chance(&c->rng, 50) ? rng_below(&c->rng, 4) : fz_u32(c);
    default: return fz_u64(c);
    }
}

/* What the kernel created for us: keep it so that it is closed or freed. */
/* A field of a kernel method's response, by name. */
#define in_res(in, ep, m, fld) \
    ((const uint8_t *)(in) + offsetof(struct kl_core_##ep##_##m##_res, fld))

static void note_result(struct fuzz_ctx *c, const struct method *m, const uint8_t *req,
                        const SMsgHdr *in, Retcode rc)
{
    if (rc != rcOk || !m || in->mid == MSG_MID_ERROR)
        return;
    const uint8_t *res = (const uint8_t *)in + sizeof(SMsgHdr);
    const uint8_t *a = req + sizeof(SMsgHdr);
    const char *n = m->name;
    if (!strcmp(n, "Handle.Copy") || !strcmp(n, "Handle.CreateUserObject") ||
        !strcmp(n, "Thread.Create") || !strcmp(n, "Task.Create") || !strcmp(n, "Io.AttachIrq") ||
        !strcmp(n, "Mdl.Create") || !strcmp(n, "Mdl.CreateFromVm") ||
        !strcmp(n, "Mdl.CreateWindow") || !strcmp(n, "Notice.Create") ||
        !strcmp(n, "Cm.Connect"))
        fuzz_pool_add(c, get32(res));
    else if (!strcmp(n, "Cm.Accept"))
        fuzz_pool_add(c, get32(in_res(in, Cm, Accept, connection)));
    else if (!strcmp(n, "Mdl.Map"))
        fuzz_mem_add(c, get64(res), get64(req + offsetof(REQ(Mdl, Map), length)));
    else if (!strcmp(n, "Mdl.ReadNew"))         /* plain memory: Vmm.Free frees it */
        fuzz_mem_add(c, get64(in_res(in, Mdl, ReadNew, addr)),
                     (get64(req + offsetof(REQ(Mdl, ReadNew), size)) + PAGE - 1) & ~(PAGE - 1));
    else if (!strcmp(n, "Handle.Close") || !strcmp(n, "Handle.Revoke"))
        fuzz_pool_drop(c, get32(a));
    else if (!strcmp(n, "Vmm.Allocate"))
        fuzz_mem_add_plain(c, get64(res), (get64(a + 8) + PAGE - 1) & ~(PAGE - 1));
    else if (!strcmp(n, "Io.MapMmio"))          /* the mapping is whole pages around pa */
        fuzz_mem_add(c, get64(res) & ~(PAGE - 1),
                     ((get64(a) + get64(a + 8) + PAGE - 1) & ~(PAGE - 1)) - (get64(a) & ~(PAGE - 1)));
    else if (!strcmp(n, "Io.AllocDma"))
        fuzz_mem_add(c, get64(res), (get64(a) + PAGE - 1) & ~(PAGE - 1));
    else if (!strcmp(n, "Vmm.Free") || !strcmp(n, "Mdl.Unmap"))
        for (int i = 0; i < c->nmem; i++)
            if (c->mem[i].addr == get64(a)) {
                fuzz_mem_drop(c, i);
                break;
            }
}

/* The message layout in scratch: request at page 0, reply at page 2, arena
 * at page 4; the rest is room for hostile pointers. */
#define REQ_OFF   0
#define IN_OFF    (2 * PAGE)
#define ARENA_OFF (4 * PAGE)

static Retcode issue(struct fuzz_ctx *c, uint64_t nr, uint64_t a0, uint64_t a1, uint64_t a2,
                     uint64_t a3, uint64_t a4, uint64_t a5)
{
    c->cur.nr = nr;
    c->cur.a[0] = a0, c->cur.a[1] = a1, c->cur.a[2] = a2;
    c->cur.a[3] = a3, c->cur.a[4] = a4, c->cur.a[5] = a5;
    c->calls++;
    if (c->trace)
        fuzz_print_call(c, "call");
    return kos_syscall6(nr, a0, a1, a2, a3, a4, a5);
}

int fuzz_only = -1;

static void kernel_call(struct fuzz_ctx *c, bool mangle)
{
    const struct method *m = &methods[rng_below(&c->rng, NMETHODS)];
    while (fuzz_only >= 0 && m->riid != fuzz_only)
        m = &methods[rng_below(&c->rng, NMETHODS)];
    uint8_t *req = c->scratch + REQ_OFF, *arena = c->scratch + ARENA_OFF;
    SMsgHdr *h = (SMsgHdr *)req, *in = (SMsgHdr *)(c->scratch + IN_OFF);
    uint32_t used = 0;
    memset(h, 0, sizeof *h);
    h->riid = m->riid;
    h->mid = m->mid;
    h->size = m->size;
    for (const struct field *f = m->f; f->kind != K_END; f++) {
        uint64_t v = f->kind == K_DESC ? fill_desc(c, arena, 2048, &used) : field_value(c, f->kind);
        if (f->kind == K_H || f->kind == K_U32 || f->kind == K_PRIO)
            put32(req + f->off, (uint32_t)v);
        else
            put64(req + f->off, v);     /* K_DESC: offset, then size */
    }
    if (c->role == FUZZ_CHILD && !strcmp(m->name, "Thread.Create") && rng_chance(&c->rng, 90))
        put64(req + sizeof(SMsgHdr), (uint64_t)(uintptr_t)&fuzz_exit_stub);
    if (used) {
        h->arena = (uint64_t)(uintptr_t)arena;
        h->arena_size = used;
    }
    if (mangle) {                       /* a malformed header around a real request */
        switch (rng_below(&c->rng, 9)) {
        case 0: h->riid = (uint16_t)fz_u32(c); break;
        case 1: h->mid = rng_chance(&c->rng, 50) ? rng_below(&c->rng, 9) : fz_u32(c); break;
        case 2: h->size = rng_chance(&c->rng, 50) ? rng_below(&c->rng, 600) : fz_u32(c); break;
        case 3: h->nhandles = (uint16_t)(rng_chance(&c->rng, 70) ? rng_below(&c->rng, 6) : fz_u32(c));
                h->handles[0].handle = fz_handle(c);
                h->handles[0].rights = fz_u32(c);
                break;
        case 4: h->arena = fz_ptr(c); break;
        case 5: h->arena_size = rng_chance(&c->rng, 50) ? fz_u32(c) : 8192 + rng_below(&c->rng, 3); break;
        case 6: h->riid = MSG_RIID_SECURITY; break;
        case 7: for (uint32_t i = 0; i < m->size; i += 4) put32(req + 64 + i, fz_u32(c)); break;
        default: h->mid = MSG_MID_ERROR - rng_below(&c->rng, 2); break;
        }
    }
    if (c->role == FUZZ_PARENT && !keep_alive(c, req))
        return;
    cap_costly_sizes(req);
    memset(in, 0, sizeof *in);
    in->size = rng_chance(&c->rng, 85) ? 512 : fz_u32(c);
    uint64_t out_p = (uint64_t)(uintptr_t)req, in_p = (uint64_t)(uintptr_t)in;
    if (rng_chance(&c->rng, 10)) {      /* a hostile reply buffer */
        in_p = fz_ptr(c);
        if (in_p >= (uint64_t)(uintptr_t)c->scratch &&
            in_p < (uint64_t)(uintptr_t)c->scratch + 2 * PAGE)
            in_p += 2 * PAGE;           /* never over the request (already checked) */
    }
    if (rng_chance(&c->rng, 4) && in_p == (uint64_t)(uintptr_t)in) {
        in->arena = fz_ptr(c);
        in->arena_cap = fz_u32(c);
    }
    uint32_t handle = rng_chance(&c->rng, 92) ? KERNEL_HANDLE : fz_handle(c);
    if (c->role == FUZZ_PARENT && creates(method_of(h->riid, h->mid))) {
        in_p = (uint64_t)(uintptr_t)in;
        in->size = 512;
        in->arena = 0;
        in->arena_cap = 0;
    }
    Retcode rc;
    c->cur.riid = h->riid, c->cur.mid = h->mid, c->cur.size = h->size, c->cur.nhandles = h->nhandles;
    if (rng_chance(&c->rng, 25))
        rc = issue(c, SYS_CallEx, handle, out_p, in_p, fz_timeout(c), 0, 0);
    else
        rc = issue(c, SYS_Call, handle, out_p, in_p, 0, 0, 0);
    if (handle == KERNEL_HANDLE && in_p == (uint64_t)(uintptr_t)in)
        note_result(c, method_of(h->riid, h->mid), req, in, rc);
    else if (c->role == FUZZ_PARENT && rc == rcOk && in_p == (uint64_t)(uintptr_t)in)
        fuzz_close_received(in);        /* a reply of its own server thread (direct_call) */
}

/* ---- direct system calls ----------------------------------------------- */

static void direct_call(struct fuzz_ctx *c)
{
    static const uint8_t nrs[] = { SYS_Call, SYS_Recv, SYS_Reply, SYS_CallEx, SYS_RecvEx,
                                   SYS_ReplyRecv, SYS_ReplyRecvRelease, SYS_ThreadYield, SYS_FutexWait, SYS_FutexWake,
                                   SYS_DebugWrite, SYS_ThreadExit, SYS_TaskExit, SYS_ArenaDefer,
                                   SYS_ArenaRead, 6, 22, 63, 64 };
    uint64_t nr = nrs[rng_below(&c->rng, sizeof nrs)];
    if (rng_chance(&c->rng, 5))
        nr = rng_chance(&c->rng, 50) ? rng_below(&c->rng, 256) : fz_u64(c);
    bool parent = c->role == FUZZ_PARENT;
    if (nr == SYS_ThreadExit || nr == SYS_TaskExit) {
        if (parent || !rng_chance(&c->rng, 3))
            nr = SYS_ThreadYield;       /* children: sometimes, they end themselves */
    }
    uint64_t a[6];
    for (int i = 0; i < 6; i++)
        a[i] = rng_chance(&c->rng, 50) ? fz_ptr(c) : fz_u64(c);
    switch (nr) {
    case SYS_Call: case SYS_CallEx: case SYS_Recv: case SYS_RecvEx:
    case SYS_Reply: case SYS_ReplyRecv: case SYS_ReplyRecvRelease: {
        /* The reply family sends a reply, never a request to a kernel
         * endpoint: its message and handle stay hostile for the first task
         * too (any pointer, any value); only its wait is capped. */
        bool reply = nr == SYS_Reply || nr == SYS_ReplyRecv || nr == SYS_ReplyRecvRelease;
        a[0] = reply && rng_chance(&c->rng, 10) ? fz_u64(c) : fz_handle(c);
        uint8_t *msg = c->scratch + REQ_OFF;
        if (reply && rng_chance(&c->rng, 30)) {     /* a reply that transfers handles */
            SMsgHdr *rh = (SMsgHdr *)msg;
            rh->nhandles = (uint16_t)(rng_chance(&c->rng, 80) ? 1 + rng_below(&c->rng, MSG_MAX_HANDLES)
                                                             : fz_u32(c));
            for (unsigned i = 0; i < MSG_MAX_HANDLES; i++) {
                rh->handles[i].handle = fz_handle(c);
                rh->handles[i].rights = rng_chance(&c->rng, 50) ? RIGHT_TRANSFER | RIGHT_COPY : fz_u32(c);
            }
        }
        if (parent && !reply && !keep_alive(c, msg))
            return;
        a[1] = rng_chance(&c->rng, 60) ? (uint64_t)(uintptr_t)msg : fz_ptr(c);
        if (parent && !reply && a[1] >= (uint64_t)(uintptr_t)c->scratch &&
            a[1] < (uint64_t)(uintptr_t)c->scratch + FUZZ_SCRATCH_PAGES * PAGE - 600 &&
            a[1] != (uint64_t)(uintptr_t)msg)
            a[1] = (uint64_t)(uintptr_t)msg;   /* only requests keep_alive() has seen */
        a[2] = rng_chance(&c->rng, 60) ? (uint64_t)(uintptr_t)(c->scratch + IN_OFF) : fz_ptr(c);
        if (nr == SYS_Recv || nr == SYS_RecvEx)
            a[1] = a[2];
        const SMsgHdr *mh = (const SMsgHdr *)msg;
        if (parent && !reply && creates(method_of(mh->riid, mh->mid)) &&
            mh->size == method_of(mh->riid, mh->mid)->size)
            return;                     /* kernel_call() sends those, reading the reply */
        if (parent && nr == SYS_Recv)
            nr = SYS_RecvEx;
        /* The first task waits at most 1 ms (docs/TESTING.md): a Recv on a
         * listener of its own with a hostile timeout would block it for good. */
        a[nr == SYS_RecvEx ? 2 : 3] = fz_timeout(c);
        if (nr == SYS_ReplyRecvRelease)     /* the word: 0 into scratch, or refused */
            a[4] = rng_chance(&c->rng, 20) ? 0 : fz_ptr(c);
        c->cur.riid = 0, c->cur.mid = 0, c->cur.size = 0, c->cur.nhandles = 0;
        Retcode rc = issue(c, nr, a[0], a[1], a[2], a[3], a[4], a[5]);
        /* What the kernel gave the first task in a message (a request on a
         * listener of its own, or a reply) is its to close: handles derived
         * into its table that no bookkeeping of it knows. Read only from its
         * own scratch, where no other thread writes. */
        uint64_t got = nr == SYS_Recv || nr == SYS_RecvEx ? a[1] : a[2];
        uint64_t s = (uint64_t)(uintptr_t)c->scratch;
        if (parent && rc == rcOk && nr != SYS_Reply && got >= s &&
            got <= s + FUZZ_SCRATCH_PAGES * PAGE - sizeof(SMsgHdr))
            fuzz_close_received((const SMsgHdr *)(uintptr_t)got);
        return;
    }
    case SYS_FutexWait: {
        uint64_t s = (uint64_t)(uintptr_t)c->scratch;
        if (a[0] >= s && a[0] < s + FUZZ_SCRATCH_PAGES * PAGE - 4 && !(a[0] & 3) &&
            rng_chance(&c->rng, 50))
            a[1] = get32((const uint8_t *)(uintptr_t)a[0]);      /* it would wait */
        a[2] = fz_timeout(c);
        if (parent)
            a[2] = cap_ns(a[2]);
        break;
    }
    case SYS_DebugWrite: {
        /* Nothing may reach the console: either the length is refused (0 or
         * over 1 MiB), or the first 256-byte chunk already faults. */
        uint64_t end = (uint64_t)(uintptr_t)c->scratch + FUZZ_SCRATCH_PAGES * PAGE;
        switch (rng_below(&c->rng, 4)) {
        case 0: a[1] = 0; break;
        case 1: a[1] = (1ull << 20) + 1 + rng_below(&c->rng, 1u << 20); break;
        case 2: {
            uint32_t k = 1 + rng_below(&c->rng, 200);
            a[0] = end - k;
            a[1] = k + 1 + rng_below(&c->rng, 256 - k);     /* one chunk across the end */
            break;
        }
        default:
            a[0] = rng_chance(&c->rng, 50) ? rng_below(&c->rng, 4096)
                                           : 0xffffff8000000000ull + fz_u32(c);
            break;
        }
        break;
    }
    case SYS_ArenaDefer:                /* any threshold: off, the arena sizes, hostile */
        a[0] = rng_chance(&c->rng, 50) ? rng_below(&c->rng, 3) * 2048 + rng_below(&c->rng, 2)
                                       : fz_u64(c);
        break;
    case SYS_ArenaRead:                 /* held or not, deferred or not: any range, any dst */
        a[1] = rng_chance(&c->rng, 50) ? rng_below(&c->rng, 600) : fz_u64(c);
        a[2] = fz_size(c);
        break;
    default:
        break;
    }
    c->cur.riid = 0, c->cur.mid = 0, c->cur.size = 0, c->cur.nhandles = 0;
    issue(c, nr, a[0], a[1], a[2], a[3], a[4], a[5]);
}

void fuzz_one(struct fuzz_ctx *c)
{
    unsigned r = rng_below(&c->rng, 100);
    if (fuzz_only >= 0) {
        kernel_call(c, false);
        return;
    }
    if (c->nipc && r < 35)           /* children: a third IPC, some of it deferred */
        fuzz_ipc_one(c);
    else if (r < 60)
        kernel_call(c, false);
    else if (r < 78)
        kernel_call(c, true);
    else
        direct_call(c);
}

void fuzz_print_call(const struct fuzz_ctx *c, const char *why)
{
    const struct fuzz_call *k = &c->cur;
    printf("fuzz: %s: seed %llu round %lu thread %lu call #%llu: syscall %llu (%#llx, %#llx, "
           "%#llx, %#llx, %#llx, %#llx) riid %u mid %#lx size %lu nhandles %u\n",
           why, (unsigned long long)c->seed, (unsigned long)c->round, (unsigned long)c->who,
           (unsigned long long)c->calls, (unsigned long long)k->nr, (unsigned long long)k->a[0],
           (unsigned long long)k->a[1], (unsigned long long)k->a[2], (unsigned long long)k->a[3],
           (unsigned long long)k->a[4], (unsigned long long)k->a[5], k->riid,
           (unsigned long)k->mid, (unsigned long)k->size, k->nhandles);
}
