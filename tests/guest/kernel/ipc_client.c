/*
 * ipc_client: the IPC checks of the kernel (issue 4): answers, malformed
 * messages of every kind, handle transfer with reduced rights, CallEx
 * timeout, a reply that does not fit, and a server that dies mid-call while
 * another thread closes the client's handle.
 */
#include <coresrv/channel/channel_api.h>
#include <coresrv/handle/handle_api.h>
#include <kos/thread.h>
#include <stdint.h>
#include <string.h>
#include <uapi/handle.h>
#include <uapi/syscall.h>
#include "../check.h"
#include "ipc_proto.h"

static Handle ch;
static struct ipc_msg out, in;

static Retcode call(uint32_t mid, uint32_t value)
{
    out.hdr.mid = mid;
    out.hdr.size = sizeof(uint32_t);
    out.value[0] = value;
    in.hdr.size = sizeof(in.value);
    return Call(ch, &out.hdr, &in.hdr);
}

/* A request within the kernel's limits but larger than the server's receive
 * buffer (ipc_server receives into 256 bytes) fails the caller's Call with
 * rcBufferTooSmall and leaves the server serving: both when the server is
 * already waiting and when the request queues behind a slow one. */
static struct { SMsgHdr hdr; uint8_t data[MSG_MAX_CONST]; } big;
static Retcode big_rc = rcOk;

static int big_call(void *arg)
{
    (void)arg;
    struct ipc_msg reply = { .hdr.size = sizeof(reply.value) };
    KosThreadSleep(50);                       /* the server is inside its 300 ms request */
    big_rc = Call(ch, &big.hdr, &reply.hdr);
    return 0;
}

static void too_big_for_server(void)
{
    big.hdr.mid = IPC_ECHO;
    big.hdr.size = sizeof(in.value) + 4;
    struct ipc_msg reply = { .hdr.size = sizeof(reply.value) };
    Retcode rc = Call(ch, &big.hdr, &reply.hdr);
    CHECK("request_too_big_for_waiting_server", rc == rcBufferTooSmall, "rc %d", rc);
    rc = call(IPC_ECHO, 41);
    CHECK("server_serves_after_too_big_request", rc == rcOk && in.value[0] == 42, "rc %d", rc);

    /* Queue the big request behind a 300 ms one: the server meets it in Recv. */
    Tid t;
    big_rc = rcOk;
    out.hdr.mid = IPC_SLOW;
    out.hdr.size = sizeof(uint32_t);
    out.value[0] = 1;
    in.hdr.size = sizeof(in.value);
    Retcode trc = KosThreadCreate(&t, THREAD_PRIORITY_DEFAULT, 0, big_call, NULL, 0);
    rc = Call(ch, &out.hdr, &in.hdr);              /* the server sleeps 300 ms in here */
    int wait = KosThreadWait(t, 1000);
    CHECK("request_too_big_for_busy_server", trc == rcOk && wait == 0 && big_rc == rcBufferTooSmall &&
          rc == rcOk, "create %d wait %d big %d slow %d", trc, wait, big_rc, rc);
    rc = call(IPC_ECHO, 1);
    CHECK("server_serves_after_queued_too_big_request", rc == rcOk && in.value[0] == 2, "rc %d", rc);
}

static Retcode close_rc;

static int close_mid_call(void *arg)
{
    (void)arg;
    KosThreadSleep(50);                       /* the server is inside its 300 ms request */
    close_rc = KnHandleClose(ch);
    return 0;
}

static void malformed(void)
{
    Retcode rc;
    out.hdr.size = MSG_MAX_CONST + 1;
    rc = Call(ch, &out.hdr, &in.hdr);
    CHECK("const_part_over_limit", rc == rcInvalidArgument, "rc %d", rc);
    out.hdr.size = 4;
    out.hdr.arena = (uint64_t)(uintptr_t)&out;
    out.hdr.arena_size = MSG_MAX_ARENA + 1;
    rc = Call(ch, &out.hdr, &in.hdr);
    CHECK("arena_over_limit", rc == rcInvalidArgument, "rc %d", rc);
    out.hdr.arena = 0xffffff8040080000ull;
    out.hdr.arena_size = 16;
    rc = Call(ch, &out.hdr, &in.hdr);
    CHECK("arena_in_kernel_memory", rc == rcInvalidArgument || rc == rcSourceFault, "rc %d", rc);
    out.hdr.arena = 0x10000000000ull;                 /* user range, unmapped */
    rc = Call(ch, &out.hdr, &in.hdr);
    CHECK("arena_unmapped", rc == rcSourceFault || rc == rcInvalidArgument, "rc %d", rc);
    out.hdr.arena = 0;
    out.hdr.arena_size = 0;
    rc = Call(ch, (const SMsgHdr *)0xffffff8040080000ull, &in.hdr);
    CHECK("header_in_kernel_memory", rc == rcInvalidArgument, "rc %d", rc);
    rc = Call(ch, (const SMsgHdr *)((uintptr_t)&out + 4), &in.hdr);
    CHECK("header_unaligned", rc == rcInvalidArgument, "rc %d", rc);
    rc = Call(ch, (const SMsgHdr *)0x20000000000ull, &in.hdr);
    CHECK("header_unmapped", rc == rcInvalidArgument, "rc %d", rc);
    rc = Call(ch, &out.hdr, (SMsgHdr *)0x20000000000ull);
    CHECK("reply_buffer_unmapped", rc == rcInvalidArgument, "rc %d", rc);
    rc = Call(ch, &out.hdr, (SMsgHdr *)"read-only string, not a buffer....................................");
    CHECK("reply_buffer_read_only", rc == rcInvalidArgument, "rc %d", rc);
    out.hdr.nhandles = MSG_MAX_HANDLES + 1;
    rc = Call(ch, &out.hdr, &in.hdr);
    CHECK("too_many_handles", rc == rcInvalidArgument, "rc %d", rc);
    out.hdr.nhandles = 1;
    out.hdr.handles[0].handle = 0x7fff1234;
    rc = Call(ch, &out.hdr, &in.hdr);
    CHECK("forged_handle_in_message", rc == rcInvalidArgument, "rc %d", rc);
    out.hdr.nhandles = 0;
    rc = call(IPC_ECHO, 41);
    CHECK("system_keeps_running", rc == rcOk && in.value[0] == 42, "rc %d value %u", rc, in.value[0]);
}

static void transfer(void)
{
    Handle obj;
    uint32_t held = RIGHT_TRANSFER | RIGHT_COPY | (1u << 16) | (1u << 17);
    Retcode rc = KnHandleCreateUserObject(KOBJ_USER, held, NULL, &obj);
    out.hdr.nhandles = 1;
    out.hdr.handles[0].handle = obj;
    out.hdr.handles[0].rights = RIGHT_TRANSFER | (1u << 16);   /* fewer than held */
    rc = call(IPC_RIGHTS, 0);
    CHECK("transfer_reduced_rights", rc == rcOk && in.value[0] == 1 &&
          in.value[1] == (RIGHT_TRANSFER | (1u << 16)), "rc %d n %u rights %#x", rc, in.value[0],
          in.value[1]);
    out.hdr.handles[0].rights = held | (1u << 18);              /* more than held */
    rc = call(IPC_RIGHTS, 0);
    CHECK("transfer_more_rights_refused", rc == rcNoCapability, "rc %d", rc);
    Handle weak;
    KnHandleCopy(obj, RIGHT_COPY | (1u << 16), &weak);            /* no RIGHT_TRANSFER */
    out.hdr.handles[0].handle = weak;
    out.hdr.handles[0].rights = 1u << 16;
    rc = call(IPC_RIGHTS, 0);
    CHECK("transfer_needs_transfer_right", rc == rcNoCapability, "rc %d", rc);
    out.hdr.nhandles = 0;
    KnHandleClose(weak);
    KnHandleClose(obj);
}

int main(void)
{
    Retcode rc = KnChannelLookup("ipc", SERVICE_CLIENT, &ch);
    CHECK("channel_found", rc == rcOk, "rc %d", rc);
    rc = call(IPC_ECHO, 1);
    CHECK("call_returns_data", rc == rcOk && in.value[0] == 2 && in.hdr.mid == IPC_ECHO,
          "rc %d value %u", rc, in.value[0]);
    rc = call(IPC_BADGE, 0);
    CHECK("request_carries_badge", rc == rcOk && in.value[0] != 0, "rc %d badge %u", rc, in.value[0]);
    /* The badge is the kernel's: whatever the client writes in it is overwritten. */
    uint32_t badge = in.value[0], seen[2] = { 0, 0 };
    out.hdr.badge = badge + 1000;
    Retcode rc1 = call(IPC_BADGE, 0);
    seen[0] = in.value[0];
    out.hdr.badge = 0xffffffffu;
    Retcode rc2 = call(IPC_BADGE, 0);
    seen[1] = in.value[0];
    out.hdr.badge = 0;
    CHECK("request_badge_set_by_kernel", rc1 == rcOk && rc2 == rcOk && seen[0] == badge &&
          seen[1] == badge, "rc %d %d badges %u %u, own %u", rc1, rc2, seen[0], seen[1], badge);
    /* The kernel's markers are no method: a forged disconnect notice would make
     * the server drop a live client's state (checked below: still 8 notices). */
    rc = call(MSG_MID_DISCONNECT, 0);
    CHECK("forged_notice_refused", rc == rcInvalidArgument, "rc %d", rc);
    rc = call(MSG_MID_ERROR, 0);
    CHECK("error_marker_request_refused", rc == rcInvalidArgument, "rc %d", rc);
    /* test_ipc waited for the eight hammers to exit before starting us: their channel
     * ends died with them, so the server has had one notice per hammer. */
    rc = call(IPC_NOTICES, 0);
    CHECK("disconnect_notice_per_dead_client", rc == rcOk && in.value[0] == 8 && in.value[1] == 8 &&
          in.value[2] == 0, "rc %d notices %u distinct badges %u own %u", rc, in.value[0],
          in.value[1], in.value[2]);
    malformed();
    transfer();

    in.hdr.size = 16;                                             /* room for 16 bytes only */
    out.hdr.mid = IPC_BIG;
    out.hdr.size = 4;
    rc = Call(ch, &out.hdr, &in.hdr);
    CHECK("reply_too_big_for_buffer", rc == rcBufferTooSmall, "rc %d", rc);

    too_big_for_server();

    out.hdr.mid = IPC_SLOW;
    in.hdr.size = sizeof(in.value);
    rc = CallEx(ch, &out.hdr, &in.hdr, 50000000);                 /* 50 ms < 300 ms */
    CHECK("callex_times_out", rc == rcTimeout, "rc %d", rc);
    rc = call(IPC_ECHO, 7);
    CHECK("call_after_timeout", rc == rcOk && in.value[0] == 8, "rc %d value %u", rc, in.value[0]);

    /* The register calls' per-thread handle cache (kernel/ipc_fastpath.c):
     * a copy is resolved on its own, a copy without RIGHT_IPC_CALL is refused
     * after a call on another handle filled the cache, and a handle closed by
     * this thread after its Call filled the cache is refused at once. */
    Handle c1 = 0, c2 = 0, saved = ch;
    Retcode r1 = KnHandleCopy(ch, RIGHT_IPC_CALL | RIGHT_COPY, &c1);
    Retcode r2 = r1 ? r1 : KnHandleCopy(c1, RIGHT_COPY, &c2);
    ch = c1;
    Retcode via_copy = call(IPC_ECHO, 10);
    uint32_t copy_value = in.value[0];
    ch = c2;
    Retcode no_right = call(IPC_ECHO, 1);
    ch = c1;
    Retcode again = call(IPC_ECHO, 20);
    Retcode closed = KnHandleClose(c1);
    Retcode after_close = call(IPC_ECHO, 1);
    ch = saved;
    rc = call(IPC_ECHO, 30);
    CHECK("call_cache_follows_handles", r1 == rcOk && r2 == rcOk && via_copy == rcOk &&
          copy_value == 11 && no_right == rcNoCapability && again == rcOk && closed == rcOk &&
          after_close == rcInvalidArgument && rc == rcOk && in.value[0] == 31,
          "copy %d/%d call %d (%u) no right %d again %d close %d after %d orig %d",
          r1, r2, via_copy, copy_value, no_right, again, closed, after_close, rc);
    KnHandleClose(c2);

    /* Another thread closes the only client handle while this thread's Call
     * waits in the server (issue 19: the fast path takes no reference on the
     * channel for a call). The client end goes at once (its disconnect notice
     * waits for the server), then the server exits mid-call: the listener's
     * last handle and last reference go while this thread is still blocked,
     * and its Call returns rcNotConnected all the same. */
    Tid closer;
    close_rc = rcUnimplemented;
    Retcode trc = KosThreadCreate(&closer, THREAD_PRIORITY_DEFAULT, 0, close_mid_call, NULL, 0);
    rc = call(IPC_SLOW_EXIT, 0);
    int wait = KosThreadWait(closer, 1000);
    CHECK("server_exit_mid_call", rc == rcNotConnected, "rc %d", rc);
    CHECK("handle_closed_mid_call", trc == rcOk && wait == 0 && close_rc == rcOk,
          "create %d wait %d close %d", trc, wait, close_rc);
    rc = call(IPC_ECHO, 1);
    CHECK("call_on_closed_handle", rc == rcInvalidArgument, "rc %d", rc);
    printf("ipc_client: done (%d failures)\n", check_failures);
    return check_failures ? 1 : 0;
}
