/*
 * test_shm: MDL buffers (shared memory, kl.core.Mdl). Started as the first
 * task it starts a copy of itself ("test_shm client") and shm_peer with a
 * channel between them (a task holds no handle to itself): the client shares
 * buffers with the peer in both directions, with rights reduced on the way,
 * and keeps a buffer the peer created mapped after the peer ended. The first
 * task then checks that all their pages came back, the memory-limit
 * accounting, the bad inputs of docs/ABI.md, and that 10,000
 * create/map/unmap/close cycles leave the free-page count unchanged.
 */
#include <coresrv/channel/channel_api.h>
#include <coresrv/handle/handle_api.h>
#include <coresrv/sys/sys_api.h>
#include <coresrv/task/task_api.h>
#include <coresrv/vmm/vmm_api.h>
#include <kos/thread.h>
#include <stdio.h>
#include <string.h>
#include "../check.h"
#include "../spawn.h"
#include "shm_proto.h"

#define PAGE KOS_PAGE_SIZE

static struct shm_msg out, in;
static Handle peer_ch;

static Retcode call(uint32_t mid, Handle h, uint32_t rights, uint32_t value)
{
    memset(&out, 0, sizeof(out));
    out.hdr.mid = mid;
    out.hdr.size = sizeof(out.value);
    out.value[0] = value;
    if (h) {
        out.hdr.nhandles = 1;
        out.hdr.handles[0].handle = h;
        out.hdr.handles[0].rights = rights;
    }
    memset(&in, 0, sizeof(in));
    in.hdr.size = sizeof(in.value);
    return Call(peer_ch, &out.hdr, &in.hdr);
}

static KnSysInfo settle(uint64_t want)
{
    KnSysInfo info = { 0 };
    for (int i = 0; i < 40; i++) {
        KnSysGetInfo(&info);
        if (info.freePages == want)
            break;
        KosThreadSleep(5);
    }
    return info;
}

/* One task writes, the other reads, both ways; rights shrink on transfer. */
static void share_with_peer(void)
{
    Handle h;
    void *p = NULL;
    Retcode rc = KnPmmMdlCreate(4 * PAGE, VM_READ | VM_WRITE, &h);
    if (rc == rcOk)
        rc = KnPmmMdlMap(h, 0, 4 * PAGE, &p, VM_READ | VM_WRITE);
    CHECK_RC("create_and_map", rc, rcOk);
    if (rc)
        return;
    uint32_t *w = p, sum = 0;
    for (uint32_t i = 0; i < SHM_WORDS; i++)
        sum += (w[i] = 0x1000u + 7 * i);
    rc = call(SHM_READ, h, RIGHT_TRANSFER | RIGHT_MEM_READ, 0);
    CHECK("peer_reads_what_creator_wrote", rc == rcOk && in.value[2] == rcOk && in.value[3] == sum,
          "rc %d map %d sum %#x (want %#x)", rc, (int)in.value[2], in.value[3], sum);
    CHECK("transfer_reduces_rights", in.value[0] == (RIGHT_TRANSFER | RIGHT_MEM_READ),
          "peer's rights %#x", in.value[0]);
    CHECK("read_only_handle_cannot_map_writable", (Retcode)in.value[1] == rcNoCapability,
          "Map RW with a read-only handle: %d", (int)in.value[1]);
    rc = call(SHM_WRITE, h, RIGHT_MEM_READ | RIGHT_MEM_WRITE, 0xABC00000u);
    int same = 1;
    for (uint32_t i = 0; i < SHM_WORDS; i++)
        same &= w[i] == 0xABC00000u + i;
    CHECK("creator_reads_what_peer_wrote", rc == rcOk && in.value[0] == rcOk && same,
          "rc %d peer %d same %d", rc, (int)in.value[0], same);
    rc = call(SHM_READ, h, RIGHT_MEM_READ | RIGHT_MEM_WRITE | RIGHT_MEM_EXEC, 0);
    CHECK_RC("transfer_more_rights_refused", rc, rcNoCapability);
    CHECK_RC("unmap", KnPmmMdlUnmap(p, 4 * PAGE), rcOk);
    CHECK_RC("double_unmap_refused", KnPmmMdlUnmap(p, 4 * PAGE), rcInvalidArgument);
    KnHandleClose(h);
}

/* Client: the peer creates a buffer, keeps it mapped, hands it over, and ends. */
static void creator_dies(int measured)
{
    /* A window on the peer's memory: copies work while it lives, fail cleanly after. */
    static uint32_t got[2 * SHM_WORDS];
    Handle win = 0;
    if (measured) {
        Retcode wr = call(SHM_WINDOW, 0, 0, 0);
        win = wr == rcOk && in.hdr.nhandles == 1 ? in.hdr.handles[0].handle : 0;
        /* Two segments, the first not a whole page: the copy crosses both sides' pages. */
        KnMdlSeg seg[2] = { { (uint64_t)(uintptr_t)got, 1000 },
                            { (uint64_t)(uintptr_t)got + 1000, 2 * PAGE - 1000 } };
        rtl_size_t done = 0;
        Retcode rr = win ? KnPmmMdlRead(win, 0, seg, 2, &done) : rcFail;
        int same = 1;
        for (uint32_t i = 0; i < 2 * SHM_WORDS; i++)
            same &= got[i] == 0xF00D0000u + i;
        CHECK("window_read_while_creator_lives", rr == rcOk && done == 2 * PAGE && same,
              "window %#x rc %d done %zu same %d", win, rr, (size_t)done, same);
        CHECK_RC("window_write_without_right", KnPmmMdlWrite(win, 0, seg, 1, &done),
                 rcNoCapability);
        void *wp = NULL;
        CHECK_RC("window_cannot_be_mapped", KnPmmMdlMap(win, 0, PAGE, &wp, VM_READ),
                 rcInvalidOperation);
        KnMdlSeg past = { (uint64_t)(uintptr_t)got, 8 };
        CHECK_RC("window_copy_past_end_refused", KnPmmMdlRead(win, 2 * PAGE - 4, &past, 1, &done),
                 rcInvalidArgument);
    }
    Retcode rc = call(SHM_CREATE, 0, 0, 0);
    Handle h = in.hdr.nhandles == 1 ? in.hdr.handles[0].handle : 0;
    void *p = NULL;
    if (rc == rcOk && h)
        rc = KnPmmMdlMap(h, 0, 2 * PAGE, &p, VM_READ | VM_WRITE);
    if (rc == rcOk)
        rc = call(SHM_EXIT, 0, 0, 0);
    Retcode gone = rcOk;
    for (int i = 0; i < 200 && gone == rcOk; i++) {   /* until the peer's task has ended */
        KosThreadSleep(5);
        gone = call(SHM_READ, 0, 0, 0);
    }
    int same = 0;
    if (rc == rcOk && p) {
        volatile uint32_t *w = p;
        same = 1;
        for (uint32_t i = 0; i < 2 * SHM_WORDS; i++)
            same &= w[i] == 0xC0DE0000u + i;
        w[5] = 42;                                /* still writable, still ours */
        same &= w[5] == 42;
    }
    if (measured)
        CHECK("buffer_outlives_its_creator", rc == rcOk && gone == rcNotConnected && same,
              "rc %d peer gone %d contents %d", rc, gone, same);
    if (measured) {
        KnMdlSeg seg = { (uint64_t)(uintptr_t)got, PAGE };
        CHECK_RC("window_of_ended_task_refused", KnPmmMdlRead(win, 0, &seg, 1, NULL),
                 rcNotConnected);
        KnHandleClose(win);
    }
    if (p)
        KnPmmMdlUnmap(p, 2 * PAGE);
    if (h)
        KnHandleClose(h);
}

static int client(const char *mode)
{
    int measured = strcmp(mode, "checks") == 0;
    if (KnChannelLookup("shm", SERVICE_CLIENT, &peer_ch)) {
        printf("test_shm client: no channel\n");
        return 1;
    }
    if (measured)
        share_with_peer();
    creator_dies(measured);
    return measured ? check_done("test_shm client") : 0;
}

/* First task: a peer and a client, until both ended; their pages must all be back. */
static void run_pair(const char *mode)
{
    KnSysInfo before;
    KnSysGetInfo(&before);
    Handle peer = spawn_suspended("shm_peer", "shm_peer", NULL);
    Handle cl = spawn_suspended("test_shm", "test_shm", mode);
    Retcode rc = KnChannelCreate(cl, peer, "shm");
    int32_t sp = -1, sc = -1;
    if (rc == rcOk) {
        KnTaskStart(peer);
        KnTaskStart(cl);
        KnTaskWait(cl, INFINITE_TIMEOUT, &sc);
        KnTaskWait(peer, INFINITE_TIMEOUT, &sp);
    }
    KnHandleClose(peer);
    KnHandleClose(cl);
    KnSysInfo after = settle(before.freePages);
    if (strcmp(mode, "checks") == 0) {
        CHECK("client_checks_pass", rc == rcOk && sc == 0 && sp == 0,
              "channel %d, client status %d, peer status %d", rc, sc, sp);
        CHECK("creator_dead_pages_back", after.freePages == before.freePages &&
                                         after.kobjects == before.kobjects,
              "free pages %lu -> %lu, kernel objects %lu -> %lu",
              (unsigned long)before.freePages, (unsigned long)after.freePages,
              (unsigned long)before.kobjects, (unsigned long)after.kobjects);
    }
}

static void accounting(void)
{
    uint64_t p0, p1, p2, limit;
    Handle h;
    void *p = NULL;
    KnVmUsage(&p0, &limit);
    KnPmmMdlCreate(8 * PAGE, VM_READ | VM_WRITE, &h);
    KnVmUsage(&p1, &limit);
    KnPmmMdlMap(h, 0, 8 * PAGE, &p, VM_READ | VM_WRITE);
    KnVmUsage(&p2, &limit);
    CHECK("create_charges_creator_once", p1 == p0 + 8 && p2 == p1,
          "pages %lu, after create %lu, after map %lu", (unsigned long)p0, (unsigned long)p1,
          (unsigned long)p2);
    KnHandleClose(h);
    KnVmUsage(&p1, &limit);
    KnPmmMdlUnmap(p, 8 * PAGE);
    KnVmUsage(&p2, &limit);
    CHECK("charge_ends_with_last_mapping", p1 == p0 + 8 && p2 == p0,
          "pages %lu, after close %lu, after unmap %lu", (unsigned long)p0, (unsigned long)p1,
          (unsigned long)p2);
    CHECK_RC("create_past_limit_refused",
             KnPmmMdlCreate((limit - p0 + 1) * PAGE, VM_READ | VM_WRITE, &h),
             limit - p0 + 1 > 65536 ? rcBufferTooLarge : rcOutOfMemory);

    /* From an allocation: the pages stay mapped where they are and become shared. */
    void *a = NULL, *b = NULL;
    Handle h2;
    KnVmAllocate(NULL, 2 * PAGE, VM_READ | VM_WRITE, 0, &a);
    KnVmUsage(&p0, &limit);
    memset(a, 0x5A, 2 * PAGE);
    CHECK_RC("from_vm_more_than_allowed_refused", KnPmmMdlCreateFromVm(a, 2 * PAGE, VM_READ, &h),
             rcNoCapability);
    CHECK_RC("from_vm_part_refused", KnPmmMdlCreateFromVm(a, PAGE, VM_READ | VM_WRITE, &h),
             rcInvalidArgument);
    Retcode rc = KnPmmMdlCreateFromVm(a, 2 * PAGE, VM_READ | VM_WRITE, &h);
    if (rc == rcOk)
        rc = KnPmmMdlMap(h, PAGE, PAGE, &b, VM_READ);
    KnVmUsage(&p1, &limit);
    CHECK("from_vm_shares_the_pages", rc == rcOk && ((unsigned char *)b)[7] == 0x5A &&
                                      (((unsigned char *)a)[PAGE + 7] = 1, ((volatile unsigned char *)b)[7] == 1) &&
                                      p1 == p0,
          "rc %d pages %lu -> %lu", rc, (unsigned long)p0, (unsigned long)p1);
    CHECK_RC("from_vm_twice_refused", KnPmmMdlCreateFromVm(a, 2 * PAGE, VM_READ | VM_WRITE, &h2),
             rcInvalidArgument);
    KnPmmMdlUnmap(b, PAGE);
    KnHandleClose(h);
    CHECK_RC("from_vm_unmap", KnPmmMdlUnmap(a, 2 * PAGE), rcOk);
    KnVmUsage(&p1, &limit);
    CHECK("from_vm_charge_gone", p1 == p0 - 2, "pages %lu -> %lu", (unsigned long)p0,
          (unsigned long)p1);
}

static void bad_input(void)
{
    Handle h, ro, x;
    void *p = NULL, *q = NULL;
    CHECK_RC("create_size_zero_refused", KnPmmMdlCreate(0, VM_READ | VM_WRITE, &h),
             rcInvalidArgument);
    CHECK_RC("create_size_wraps_refused", KnPmmMdlCreate(~(rtl_size_t)0, VM_READ | VM_WRITE, &h),
             rcInvalidArgument);
    CHECK_RC("create_size_too_large", KnPmmMdlCreate(1ull << 40, VM_READ | VM_WRITE, &h),
             rcBufferTooLarge);
    CHECK_RC("create_wx_refused", KnPmmMdlCreate(PAGE, VM_READ | VM_WRITE | VM_EXEC, &h),
             rcInvalidArgument);
    CHECK_RC("create_unknown_prot_refused", KnPmmMdlCreate(PAGE, VM_READ | 0x80, &h),
             rcInvalidArgument);
    uint32_t type = 0, rights = 0;
    KnPmmMdlCreate(PAGE, VM_READ | VM_EXEC, &x);
    KnHandleInfo(x, &type, &rights);
    CHECK("exec_buffer_has_exec_right", type == KOBJ_MEMORY && (rights & RIGHT_MEM_EXEC) &&
                                        !(rights & RIGHT_MEM_WRITE),
          "type %u rights %#x", type, rights);
    KnHandleClose(x);

    Retcode rc = KnPmmMdlCreate(2 * PAGE, VM_READ | VM_WRITE, &h);
    if (rc == rcOk)
        rc = KnPmmMdlMap(h, 0, 2 * PAGE, &p, VM_READ | VM_WRITE);
    CHECK_RC("bad_input_setup", rc, rcOk);
    rtl_size_t size = 0;
    CHECK("get_size", KnPmmMdlGetSize(h, &size) == rcOk && size == 2 * PAGE, "size %lu",
          (unsigned long)size);
    CHECK_RC("map_over_mapping_refused", KnPmmMdlMapFixed(h, 0, PAGE, p, VM_READ),
             rcAlreadyExists);
    CHECK_RC("map_over_heap_refused", KnPmmMdlMapFixed(h, 0, PAGE, &out, VM_READ),
             rcInvalidArgument);                      /* unaligned */
    CHECK_RC("map_offset_plus_length_wraps", KnPmmMdlMap(h, PAGE, ~(rtl_size_t)0 & ~(PAGE - 1), &q,
                                                         VM_READ), rcInvalidArgument);
    q = NULL;
    CHECK_RC("map_past_end_refused", KnPmmMdlMap(h, PAGE, 2 * PAGE, &q, VM_READ),
             rcInvalidArgument);
    q = NULL;
    CHECK_RC("map_unaligned_offset_refused", KnPmmMdlMap(h, 12, PAGE, &q, VM_READ),
             rcInvalidArgument);
    q = NULL;
    CHECK_RC("map_length_zero_refused", KnPmmMdlMap(h, 0, 0, &q, VM_READ), rcInvalidArgument);
    q = NULL;
    CHECK_RC("map_exec_without_right", KnPmmMdlMap(h, 0, PAGE, &q, VM_READ | VM_EXEC),
             rcNoCapability);
    q = NULL;
    CHECK_RC("map_wx_refused", KnPmmMdlMap(h, 0, PAGE, &q, VM_READ | VM_WRITE | VM_EXEC),
             rcInvalidArgument);
    KnHandleCopy(h, RIGHT_MEM_READ, &ro);
    q = NULL;
    CHECK_RC("copy_read_only_cannot_map_writable",
             KnPmmMdlMap(ro, 0, PAGE, &q, VM_READ | VM_WRITE), rcNoCapability);
    KnHandleClose(ro);
    q = NULL;
    CHECK_RC("map_with_other_object_refused", KnPmmMdlMap(KERNEL_HANDLE, 0, PAGE, &q, VM_READ),
             rcInvalidArgument);
    void *heap = NULL;
    KnVmAllocate(NULL, PAGE, VM_READ | VM_WRITE, 0, &heap);
    CHECK_RC("unmap_plain_allocation_refused", KnPmmMdlUnmap(heap, PAGE), rcInvalidArgument);
    KnVmFree(heap, PAGE);
    CHECK_RC("unmap_part_refused", KnPmmMdlUnmap(p, PAGE), rcInvalidArgument);
    CHECK_RC("unmap_whole", KnPmmMdlUnmap(p, 2 * PAGE), rcOk);
    CHECK_RC("unmap_twice_refused", KnPmmMdlUnmap(p, 2 * PAGE), rcInvalidArgument);
    KnHandleClose(h);
    CHECK_RC("closed_handle_refused", KnPmmMdlGetSize(h, &size), rcInvalidArgument);
}

/* Mdl.ReadNew (KnPmmMdlReadNew): fresh memory filled from a window, and its bad inputs. */
static void read_new(void)
{
    static unsigned char src[3 * PAGE];
    for (unsigned i = 0; i < sizeof src; i++)
        src[i] = (unsigned char)(i * 31 + 7);
    Handle w = 0, wo = 0, ro = 0, pb = 0;
    void *p = NULL;
    uint64_t p0, p1, p2, limit;
    KnSysInfo before, after;
    KnSysGetInfo(&before);
    KnPmmMdlCreateWindow(src, sizeof src, VM_READ, &w);
    KnVmUsage(&p0, &limit);
    Retcode rc = KnPmmMdlReadNew(w, 5, PAGE + 100, &p);
    KnVmUsage(&p1, &limit);
    int same = rc == rcOk && p && memcmp(p, src + 5, PAGE + 100) == 0;
    for (unsigned i = PAGE + 100; same && i < 2 * PAGE; i++)
        same = ((unsigned char *)p)[i] == 0;          /* the rest of the last page: zero */
    CHECK("read_new_copies_rest_zero", same && p1 == p0 + 2, "rc %d same %d pages %lu -> %lu", rc,
          same, (unsigned long)p0, (unsigned long)p1);
    if (p)
        ((volatile unsigned char *)p)[1] = 1;         /* writable: plain memory */
    CHECK_RC("read_new_freed_by_vm_free", KnVmFree(p, PAGE + 100), rcOk);
    KnVmUsage(&p2, &limit);
    CHECK("read_new_charge_gone", p2 == p0, "pages %lu -> %lu", (unsigned long)p0,
          (unsigned long)p2);
    p = (void *)1;
    CHECK("read_new_size_zero_refused", KnPmmMdlReadNew(w, 0, 0, &p) == rcInvalidArgument &&
                                        p == NULL, "p %p", p);
    CHECK_RC("read_new_past_end_refused", KnPmmMdlReadNew(w, PAGE, 2 * PAGE + 1, &p),
             rcInvalidArgument);
    CHECK_RC("read_new_offset_past_end_refused", KnPmmMdlReadNew(w, 3 * PAGE + 1, 1, &p),
             rcInvalidArgument);
    CHECK_RC("read_new_offset_plus_size_wraps", KnPmmMdlReadNew(w, 8, ~(rtl_size_t)0, &p),
             rcInvalidArgument);
    KnPmmMdlCreateWindow(src, sizeof src, VM_WRITE, &wo);
    CHECK_RC("read_new_write_only_window", KnPmmMdlReadNew(wo, 0, PAGE, &p), rcNoCapability);
    KnHandleCopy(w, RIGHT_TRANSFER, &ro);
    CHECK_RC("read_new_without_read_right", KnPmmMdlReadNew(ro, 0, PAGE, &p), rcNoCapability);
    CHECK_RC("read_new_null_out", KnPmmMdlReadNew(w, 0, PAGE, NULL), rcInvalidArgument);
    CHECK_RC("read_new_not_a_buffer", KnPmmMdlReadNew(KERNEL_HANDLE, 0, PAGE, &p),
             rcInvalidArgument);
    /* A window over a hole: the copy faults in its second page, nothing stays allocated. */
    void *span = NULL, *at = NULL;
    KnVmAllocate(NULL, 3 * PAGE, VM_READ | VM_WRITE, 0, &span);
    KnVmFree(span, 3 * PAGE);
    char *s0 = span;
    int placed = KnVmAllocate(s0, PAGE, VM_READ | VM_WRITE, VM_FIXED, &at) == rcOk &&
                 KnVmAllocate(s0 + 2 * PAGE, PAGE, VM_READ | VM_WRITE, VM_FIXED, &at) == rcOk;
    Handle hole = 0;
    KnPmmMdlCreateWindow(span, 3 * PAGE, VM_READ, &hole);
    KnVmUsage(&p1, &limit);
    p = (void *)1;
    rc = KnPmmMdlReadNew(hole, 0, 3 * PAGE, &p);
    KnVmUsage(&p2, &limit);
    CHECK("read_new_over_hole_source_fault", placed && rc == rcSourceFault && p == NULL &&
          p2 == p1, "placed %d rc %d p %p pages %lu -> %lu", placed, rc, p, (unsigned long)p1,
          (unsigned long)p2);
    KnHandleClose(hole);
    KnVmFree(s0, PAGE);
    KnVmFree(s0 + 2 * PAGE, PAGE);
    /* Bigger than the machine's memory (a 2 GiB window on unmapped space): no page taken. */
    Handle huge = 0;
    KnPmmMdlCreateWindow((void *)0x3000000000ull, 1ull << 31, VM_READ, &huge);
    CHECK_RC("read_new_too_large", KnPmmMdlReadNew(huge, 0, 1ull << 31, &p), rcOutOfMemory);
    KnHandleClose(huge);
    /* From a page buffer too (Create): its pages, copied. */
    rc = KnPmmMdlCreate(2 * PAGE, VM_READ | VM_WRITE, &pb);
    void *m = NULL;
    if (rc == rcOk)
        rc = KnPmmMdlMap(pb, 0, 2 * PAGE, &m, VM_READ | VM_WRITE);
    if (rc == rcOk) {
        memset(m, 0x3C, 2 * PAGE);
        rc = KnPmmMdlReadNew(pb, PAGE - 3, 6, &p);
    }
    CHECK("read_new_from_page_buffer", rc == rcOk && p && memcmp(p, "\x3c\x3c\x3c\x3c\x3c\x3c", 6) == 0 &&
          ((unsigned char *)p)[6] == 0, "rc %d", rc);
    if (p)
        KnVmFree(p, 6);
    if (m)
        KnPmmMdlUnmap(m, 2 * PAGE);
    KnHandleClose(pb);
    /* 1000 fills and frees: every page and object back. */
    int i;
    rc = rcOk;
    for (i = 0; i < 1000 && rc == rcOk; i++) {
        rc = KnPmmMdlReadNew(w, (rtl_size_t)i % PAGE, 2 * PAGE, &p);
        if (rc == rcOk)
            rc = KnVmFree(p, 2 * PAGE);
    }
    KnHandleClose(w);
    KnHandleClose(wo);
    KnHandleClose(ro);
    KnSysGetInfo(&after);
    CHECK("read_new_cycles_pages_unchanged", rc == rcOk && i == 1000 &&
          after.freePages == before.freePages && after.kobjects == before.kobjects,
          "rc %d after %d, free pages %lu -> %lu, objects %lu -> %lu", rc, i,
          (unsigned long)before.freePages, (unsigned long)after.freePages,
          (unsigned long)before.kobjects, (unsigned long)after.kobjects);
}

static void cycles(void)
{
    Handle h;
    void *p;
    Retcode rc = rcOk;
    int i;
    KnSysInfo before, after;
    KnSysGetInfo(&before);
    for (i = 0; i < 10000 && rc == rcOk; i++) {
        p = NULL;
        rc = KnPmmMdlCreate(2 * PAGE, VM_READ | VM_WRITE, &h);
        if (rc)
            break;
        if ((rc = KnPmmMdlMap(h, 0, 2 * PAGE, &p, VM_READ | VM_WRITE)) == rcOk) {
            ((volatile uint32_t *)p)[i % 2048] = (uint32_t)i;
            rc = KnPmmMdlUnmap(p, 2 * PAGE);
        }
        Retcode c = KnHandleClose(h);
        if (rc == rcOk)
            rc = c;
    }
    KnSysGetInfo(&after);
    CHECK("cycles_10000_pages_unchanged", rc == rcOk && i == 10000 &&
                                          after.freePages == before.freePages &&
                                          after.kobjects == before.kobjects,
          "rc %d after %d cycles, free pages %lu -> %lu, objects %lu -> %lu", rc, i,
          (unsigned long)before.freePages, (unsigned long)after.freePages,
          (unsigned long)before.kobjects, (unsigned long)after.kobjects);
}

int main(int argc, char **argv)
{
    if (argc > 1)
        return client(argv[1]);
    run_pair("warm");                             /* warms the kernel's caches */
    run_pair("checks");
    accounting();
    bad_input();
    read_new();
    cycles();
    return check_done("test_shm");
}
