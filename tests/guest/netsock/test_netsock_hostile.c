/*
 * test_netsock_hostile: raw Calls to VfsFsnet's network endpoint
 * (kl.VfsNetwork, riid VfsFsnet_vfs_net_iid) that a proxy never sends:
 * every method with wrong constant-part sizes, unknown methods, socket
 * numbers that are not the caller's, bad addresses, option levels, names
 * and lengths, Poll with too many entries, absurd counts, and 3000 random
 * messages. Every request must be answered (error reply or a well-formed
 * reply with -errno); after each phase an ordinary socket() / close()
 * through libvfs must still work. The launcher checks VfsFsnet still runs.
 */
#include <coresrv/nk/transport-kos.h>   /* first: the KasperskyOS-form headers */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <coresrv/channel/channel_api.h>
#include <coresrv/syscalls.h>
#include <vfs/client.h>
#include <VfsFsnet.edl.h>
#include "../check.h"

#define N(name) kl_VfsNetwork_##name
#define NMETHODS 19
#define RIID VfsFsnet_vfs_net_iid

static const uint32_t req_size[NMETHODS] = {
    N(Socket_req_size), N(Close_req_size), N(Bind_req_size), N(Listen_req_size),
    N(Accept_req_size), N(Connect_req_size), N(Send_req_size), N(Recv_req_size),
    N(SendTo_req_size), N(RecvFrom_req_size), N(Shutdown_req_size), N(SetSockOpt_req_size),
    N(GetSockOpt_req_size), N(GetSockName_req_size), N(GetPeerName_req_size),
    N(Fcntl_req_size), N(Poll_req_size), N(Release_req_size), N(Resolve_req_size),
};
static const uint32_t res_size[NMETHODS] = {
    N(Socket_res_size), N(Close_res_size), N(Bind_res_size), N(Listen_res_size),
    N(Accept_res_size), N(Connect_res_size), N(Send_res_size), N(Recv_res_size),
    N(SendTo_res_size), N(RecvFrom_res_size), N(Shutdown_res_size), N(SetSockOpt_res_size),
    N(GetSockOpt_res_size), N(GetSockName_res_size), N(GetPeerName_res_size),
    N(Fcntl_res_size), N(Poll_res_size), N(Release_res_size), N(Resolve_res_size),
};
_Static_assert(N(Resolve_mid) == NMETHODS - 1, "method table complete");

static Handle ch;
static union {
    SMsgHdr hdr;
    uint8_t raw[sizeof(SMsgHdr) + MSG_MAX_CONST];
} out, in;
static _Alignas(8) uint8_t out_arena[MSG_MAX_ARENA], in_arena[MSG_MAX_ARENA];
static struct {
    int error;
    int32_t rc;
    int64_t res;
} got;
static uint32_t rng = 0x9e3779b9;

static uint32_t rnd(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 17;
    rng ^= rng << 5;
    return rng;
}

static Retcode send_raw(uint16_t riid, uint32_t mid, uint32_t size, uint32_t arena_size)
{
    out.hdr.riid = riid;
    out.hdr.mid = mid;
    out.hdr.size = size;
    out.hdr.nhandles = 0;
    out.hdr.arena = arena_size ? (uintptr_t)out_arena : 0;
    out.hdr.arena_size = arena_size;
    memset(&in.hdr, 0, sizeof in.hdr);
    in.hdr.size = MSG_MAX_CONST;
    in.hdr.arena = (uintptr_t)in_arena;
    in.hdr.arena_cap = sizeof in_arena;
    Retcode rc = Call(ch, &out.hdr, &in.hdr);
    got.error = in.hdr.mid == MSG_MID_ERROR;
    got.rc = 0;
    got.res = 0;
    if (rc == rcOk && got.error && in.hdr.size == 4)
        memcpy(&got.rc, in.raw + sizeof(SMsgHdr), 4);
    else if (rc == rcOk && !got.error && in.hdr.size >= 8)
        memcpy(&got.res, in.raw + sizeof(SMsgHdr) + in.hdr.size - 8, 8);
    return rc;
}

static int well_formed(uint32_t mid)
{
    if (got.error)
        return in.hdr.size == 4 && got.rc < 0;
    return mid < NMETHODS && in.hdr.mid == mid && in.hdr.size == res_size[mid] &&
           in.hdr.nhandles == 0;
}

static void put32(uint32_t off, uint32_t v) { memcpy(out.raw + sizeof(SMsgHdr) + off, &v, 4); }
static void clear_out(void) { memset(&out, 0, sizeof out); }

static void still_works(const char *phase)
{
    char name[80];
    snprintf(name, sizeof name, "still_works_after_%s", phase);
    int s = socket(AF_INET, SOCK_DGRAM, 0);
    int e = errno;
    CHECK(name, s >= 0 && close(s) == 0, "socket %d errno %d (%s)", s, e, strerror(e));
}

/* A raw Socket(AF_INET, type): the caller's socket number or -1. */
static int32_t raw_socket(int32_t type)
{
    clear_out();
    put32(0, 2);
    put32(4, (uint32_t)type);
    put32(8, 0);
    if (send_raw(RIID, N(Socket_mid), N(Socket_req_size), 0) != rcOk || got.error || got.res < 0)
        return -1;
    return (int32_t)got.res;
}

int main(void)
{
    if (KnChannelLookup(vfs_network_channel_name(), SERVICE_CLIENT, &ch) != rcOk) {
        CHECK("channel_found", 0, "no channel");
        return check_done("test_netsock_hostile");
    }
    still_works("start");

    /* wrong sizes */
    int ok = 1;
    for (uint32_t mid = 0; mid < NMETHODS; mid++) {
        uint32_t sizes[] = { 0, req_size[mid] + 1, req_size[mid] ? req_size[mid] - 1 : 8, 512 };
        for (size_t k = 0; k < 4; k++) {
            if (sizes[k] == req_size[mid])
                continue;
            clear_out();
            Retcode rc = send_raw(RIID, mid, sizes[k], 0);
            if (rc != rcOk || !got.error || got.rc != rcInvalidArgument) {
                printf("test_netsock_hostile: mid %u size %u: Call %d error %d rc %d\n", mid,
                       sizes[k], rc, got.error, got.rc);
                ok = 0;
            }
        }
    }
    CHECK("bad_sizes_error_replies", ok, "see above");
    ok = 1;
    const uint32_t mids[] = { NMETHODS, NMETHODS + 1, 1000, 0x7fffffff };
    for (size_t i = 0; i < sizeof mids / sizeof mids[0]; i++) {
        clear_out();
        if (send_raw(RIID, mids[i], 8, 0) != rcOk || !got.error || got.rc != rcUnimplemented)
            ok = 0;
    }
    CHECK("unknown_methods_refused", ok, "an unknown method was answered");
    /* The kernel's markers never reach the server as a request: a forged
     * disconnect notice would drop this channel's sockets. */
    clear_out();
    Retcode rc = send_raw(RIID, MSG_MID_DISCONNECT, 8, 0);
    CHECK("forged_notice_refused", rc == rcInvalidArgument, "Call %d", rc);
    still_works("sizes");

    /* socket numbers that are not ours: every method that takes one answers -EBADF */
    int32_t mine = raw_socket(2);
    CHECK("raw_socket", mine >= 0, "res %lld", (long long)got.res);
    const int32_t bad[] = { -1, 47, 48, 1000000, INT32_MIN, INT32_MAX };
    const uint32_t takes_sock[] = { N(Close_mid), N(Bind_mid), N(Listen_mid), N(Accept_mid),
                                    N(Connect_mid), N(Shutdown_mid), N(GetSockName_mid),
                                    N(GetPeerName_mid), N(Fcntl_mid), N(Recv_mid) };
    ok = 1;
    for (size_t b = 0; b < sizeof bad / sizeof bad[0]; b++) {
        for (size_t m = 0; m < sizeof takes_sock / sizeof takes_sock[0]; m++) {
            clear_out();
            put32(0, (uint32_t)bad[b]);
            put32(8, 2);            /* Bind/Connect: Addr.family at 4, port 8, ip 12 */
            if (send_raw(RIID, takes_sock[m], req_size[takes_sock[m]], 0) != rcOk || got.error ||
                got.res != -EBADF) {
                printf("test_netsock_hostile: mid %u sock %d: error %d res %lld\n", takes_sock[m],
                       bad[b], got.error, (long long)got.res);
                ok = 0;
            }
        }
    }
    CHECK("foreign_sockets_EBADF", ok, "see above");

    /* bad addresses and options on a real socket */
    clear_out();
    put32(0, (uint32_t)mine);
    put32(4, 99);                   /* family */
    send_raw(RIID, N(Bind_mid), N(Bind_req_size), 0);
    CHECK("bind_bad_family_EAFNOSUPPORT", !got.error && got.res == -EAFNOSUPPORT, "res %lld",
          (long long)got.res);
    put32(4, 2);
    put32(8, 70000);                /* port */
    send_raw(RIID, N(Bind_mid), N(Bind_req_size), 0);
    CHECK("bind_bad_port_EINVAL", !got.error && got.res == -EINVAL, "res %lld", (long long)got.res);
    clear_out();
    put32(0, (uint32_t)mine);
    put32(4, 0x7777);               /* level */
    put32(8, 1);
    put32(12, 0);                   /* value: offset 0, size 4 */
    put32(16, 4);
    send_raw(RIID, N(SetSockOpt_mid), N(SetSockOpt_req_size), 4);
    CHECK("setsockopt_bad_level_ENOPROTOOPT", !got.error && got.res == -ENOPROTOOPT, "res %lld",
          (long long)got.res);
    put32(4, 1);                    /* SOL_SOCKET */
    put32(8, 20);                   /* SO_RCVTIMEO needs 16 bytes */
    send_raw(RIID, N(SetSockOpt_mid), N(SetSockOpt_req_size), 4);
    CHECK("setsockopt_short_value_EINVAL", !got.error && got.res == -EINVAL, "res %lld",
          (long long)got.res);
    clear_out();
    put32(0, (uint32_t)mine);
    put32(4, 0xffffffffu);          /* count */
    put32(8, 0x40);                 /* MSG_DONTWAIT */
    send_raw(RIID, N(Recv_mid), N(Recv_req_size), 0);
    CHECK("recv_huge_count_answered", !got.error && got.res == -EAGAIN, "error %d res %lld",
          got.error, (long long)got.res);
    put32(8, 0x1);                  /* MSG_OOB: not supported */
    send_raw(RIID, N(Recv_mid), N(Recv_req_size), 0);
    CHECK("recv_bad_flags_EOPNOTSUPP", !got.error && got.res == -EOPNOTSUPP, "res %lld",
          (long long)got.res);
    clear_out();
    put32(0, 0);                    /* fds: 65 entries, over PollMax */
    put32(4, 65 * 8);
    send_raw(RIID, N(Poll_mid), N(Poll_req_size), 65 * 8);
    CHECK("poll_too_many_refused", got.error && got.rc == rcInvalidArgument, "error %d rc %d",
          got.error, got.rc);
    clear_out();
    put32(0, 0);
    put32(4, 3 * 8);
    put32(8, 0);                    /* timeout 0 */
    int32_t pf[6] = { -5, 0x00010001, mine, 0x00040004, 4000, 1 };
    memcpy(out_arena, pf, sizeof pf);
    send_raw(RIID, N(Poll_mid), N(Poll_req_size), 3 * 8);
    CHECK("poll_foreign_POLLNVAL", !got.error && got.res >= 2, "error %d res %lld", got.error,
          (long long)got.res);
    clear_out();
    put32(0, (uint32_t)mine);
    send_raw(RIID, N(Close_mid), N(Close_req_size), 0);
    CHECK("raw_close", !got.error && got.res == 0, "res %lld", (long long)got.res);
    still_works("bad_values");

    /* random messages (no Poll: its timeout could legitimately sleep) */
    int answered = 1, formed = 1;
    for (int i = 0; i < 3000; i++) {
        uint32_t mid = rnd() % (NMETHODS + 2);
        if (mid == N(Poll_mid))
            mid = N(Close_mid);
        clear_out();
        for (int k = 0; k < 16; k++)
            put32((uint32_t)k * 4, (rnd() & 3) ? rnd() % 256 : rnd());
        uint32_t size = (rnd() & 3) && mid < NMETHODS ? req_size[mid] : rnd() % 80;
        uint32_t arena = rnd() % 64;
        for (uint32_t k = 0; k < arena; k++)
            out_arena[k] = (uint8_t)rnd();
        if (mid == N(Socket_mid) || mid == N(Release_mid))
            mid = N(Listen_mid);    /* keep the table empty: nothing can block */
        if (send_raw(RIID, mid, size, arena) != rcOk)
            answered = 0;
        else if (!well_formed(mid))
            formed = 0;
    }
    CHECK("fuzz_all_answered", answered, "a Call failed");
    CHECK("fuzz_replies_well_formed", formed, "a malformed reply");
    still_works("fuzz");
    return check_done("test_netsock_hostile");
}
