/*
 * test_kernel_copy: the kernel's bulk copy (arch/aarch64/lib/mem.S) borrows
 * SIMD registers and must leave them bit for bit as it found them. Started as
 * the first task, it runs two pairs of copies of itself on channel "kcopy",
 * one after the other: a client and a server that never touches FP/SIMD
 * (general registers only, also in libkos's IPC calls), then a client and a
 * server that checks its own registers too. The client fills v0..v31 with a
 * known pattern and, in the same assembly block, makes the Call system call
 * with a request arena, then stores v0..v31 again (simd_svc): arenas of
 * 1 KiB, 4 KiB, 64 KiB, odd sizes, at misaligned addresses, both ways; each
 * call checks every vector register and the data of both arenas (the server
 * checks the request's and says so in its answer). The second server does
 * the same around its ReplyRecv, during which the kernel copies its reply:
 * the reply's copy runs with the server's registers live, the request's
 * with the client's, so a copy that did not restore them shows either way.
 */
#include <coresrv/syscalls.h>
#include <coresrv/channel/channel_api.h>
#include <coresrv/task/task_api.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include "../check.h"
#include "../spawn.h"

#define ARENA_ROOM (MSG_MAX_ARENA + 64)     /* the largest arena at any offset < 64 */
#define ROUNDS 3                            /* register patterns per case */

struct req {                                /* the request's constant part */
    SMsgHdr hdr;
    uint32_t seed;                          /* of the request arena's bytes */
    uint32_t reply_size, reply_offset;      /* the reply arena the server sends */
    uint32_t reply_seed;
};

struct ans {
    SMsgHdr hdr;
    uint32_t request_ok;                    /* the server found the request arena right */
    uint32_t size_seen;
};

/* uint64_t simd_svc(const uint8_t vin[512], uint8_t vout[512], uint64_t nr,
 *                   uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3):
 * v0..v31 = vin, the system call nr (a0..a3 in x0..x3), then vout = v0..v31;
 * returns x0 (the Retcode). Nothing runs between the loads, the svc and the
 * stores. Keeps d8..d15 as the procedure call standard asks. */
uint64_t simd_svc(const uint8_t *vin, uint8_t *vout, uint64_t nr, uint64_t a0, uint64_t a1,
                  uint64_t a2, uint64_t a3);
__asm__(".text\n"
        ".balign 4\n"
        ".type simd_svc, %function\n"
        "simd_svc:\n"
        "    stp x29, x30, [sp, #-96]!\n"
        "    mov x29, sp\n"
        "    stp d8, d9, [sp, #16]\n"
        "    stp d10, d11, [sp, #32]\n"
        "    stp d12, d13, [sp, #48]\n"
        "    stp d14, d15, [sp, #64]\n"
        "    str x19, [sp, #80]\n"
        "    mov x19, x1\n"
        "    ld1 {v0.16b-v3.16b}, [x0], #64\n"
        "    ld1 {v4.16b-v7.16b}, [x0], #64\n"
        "    ld1 {v8.16b-v11.16b}, [x0], #64\n"
        "    ld1 {v12.16b-v15.16b}, [x0], #64\n"
        "    ld1 {v16.16b-v19.16b}, [x0], #64\n"
        "    ld1 {v20.16b-v23.16b}, [x0], #64\n"
        "    ld1 {v24.16b-v27.16b}, [x0], #64\n"
        "    ld1 {v28.16b-v31.16b}, [x0]\n"
        "    mov x8, x2\n"
        "    mov x0, x3\n"
        "    mov x1, x4\n"
        "    mov x2, x5\n"
        "    mov x3, x6\n"
        "    svc #0\n"
        "    st1 {v0.16b-v3.16b}, [x19], #64\n"
        "    st1 {v4.16b-v7.16b}, [x19], #64\n"
        "    st1 {v8.16b-v11.16b}, [x19], #64\n"
        "    st1 {v12.16b-v15.16b}, [x19], #64\n"
        "    st1 {v16.16b-v19.16b}, [x19], #64\n"
        "    st1 {v20.16b-v23.16b}, [x19], #64\n"
        "    st1 {v24.16b-v27.16b}, [x19], #64\n"
        "    st1 {v28.16b-v31.16b}, [x19]\n"
        "    ldp d8, d9, [sp, #16]\n"
        "    ldp d10, d11, [sp, #32]\n"
        "    ldp d12, d13, [sp, #48]\n"
        "    ldp d14, d15, [sp, #64]\n"
        "    ldr x19, [sp, #80]\n"
        "    ldp x29, x30, [sp], #96\n"
        "    ret\n"
        ".size simd_svc, . - simd_svc\n");

/* ---- server: general registers only (the asm above aside) --------------------- */
#pragma GCC push_options
#pragma GCC target("general-regs-only")

/* Byte i of an arena made with seed s: no shift by less than 64 KiB matches. */
static uint8_t pat(uint32_t s, uint32_t i)
{
    return (uint8_t)(i * 167u + (i >> 8) * 31u + (i >> 16) * 7u + s);
}

/* simd: around each Recv / ReplyRecv, v0..v31 hold a pattern of this server's
 * (simd_svc) and must come back unchanged; else FP/SIMD is never touched. */
static int server(int simd)
{
    Handle l;
    if (KnChannelLookup("kcopy", SERVICE_SERVER, &l)) {
        printf("test_kernel_copy server: no channel\n");
        return 1;
    }
    static struct req in;
    static struct ans out;
    static uint8_t in_arena[ARENA_ROOM], out_arena[ARENA_ROOM];
    static uint8_t vin[512], vout[512];
    uint32_t n = 0, regs_bad = 0;
    for (;;) {
        in.hdr.size = sizeof in - sizeof in.hdr;
        in.hdr.arena = (uintptr_t)(in_arena + n % 61);     /* misaligned receive room */
        in.hdr.arena_cap = MSG_MAX_ARENA;
        in.hdr.nhandles = 0;
        Retcode rc;
        if (simd) {
            for (uint32_t i = 0; i < sizeof vin; i++)
                vin[i] = (uint8_t)(i * 53 + n * 19 + 0xc1);
            rc = (Retcode)(int32_t)(n ? simd_svc(vin, vout, SYS_ReplyRecv, l, (uintptr_t)&out.hdr,
                                                 (uintptr_t)&in.hdr, INFINITE_TIMEOUT)
                                      : simd_svc(vin, vout, SYS_Recv, l, (uintptr_t)&in.hdr, 0, 0));
            uint32_t same = 1;
            for (uint32_t i = 0; i < sizeof vin; i++)
                same &= vin[i] == vout[i];
            regs_bad += !same;
        } else {
            rc = n ? ReplyRecv(l, &out.hdr, &in.hdr, INFINITE_TIMEOUT) : Recv(l, &in.hdr);
        }
        n++;
        if (rc != rcOk)
            return 2;
        if (in.hdr.mid == MSG_MID_DISCONNECT) {              /* the client is done */
            if (regs_bad)
                printf("test_kernel_copy server: %u of %u calls changed its registers\n",
                       regs_bad, n);
            return regs_bad ? 3 : 0;
        }
        const uint8_t *a = (const uint8_t *)(uintptr_t)in.hdr.arena;
        uint32_t ok = in.hdr.size == sizeof in - sizeof in.hdr;
        for (uint32_t i = 0; ok && i < in.hdr.arena_size; i++)
            ok = a[i] == pat(in.seed, i);
        memset(&out.hdr, 0, sizeof out.hdr);
        out.hdr.size = sizeof out - sizeof out.hdr;
        out.request_ok = ok;
        out.size_seen = in.hdr.arena_size;
        uint32_t size = in.reply_size <= MSG_MAX_ARENA ? in.reply_size : 0;
        uint8_t *r = out_arena + in.reply_offset % 64;
        for (uint32_t i = 0; i < size; i++)
            r[i] = pat(in.reply_seed, i);
        out.hdr.arena = size ? (uintptr_t)r : 0;
        out.hdr.arena_size = size;
    }
}

#pragma GCC pop_options

/* ---- client ------------------------------------------------------------------ */

static const struct {
    uint32_t req, req_off, reply, reply_off;
} cases[] = {
    { 1024, 0, 1024, 0 },       { 4096, 0, 4096, 0 },       { 65536, 0, 65536, 0 },
    { 4096, 1, 4096, 15 },      { 65536, 13, 65536, 7 },    { 1024, 8, 4096, 3 },
    { 1, 0, 63, 1 },            { 64, 5, 127, 9 },          { 128, 3, 129, 14 },
    { 255, 11, 257, 2 },        { 1000, 6, 4095, 12 },      { 4097, 15, 12345, 5 },
    { 65535, 1, 65533, 63 },    { 700, 33, 0, 0 },          { 0, 0, 8191, 17 },
};

static int client(const char *who)
{
    Handle ch;
    if (KnChannelLookup("kcopy", SERVICE_CLIENT, &ch))
        return 1;
    static struct req out;
    static struct ans in;
    static uint8_t out_arena[ARENA_ROOM], in_arena[ARENA_ROOM];
    static uint8_t vin[512], vout[512];
    uint32_t seed = 1;
    for (unsigned c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        unsigned regs_bad = 0, data_bad = 0;
        for (unsigned round = 0; round < ROUNDS; round++, seed += 2) {
            for (unsigned i = 0; i < sizeof vin; i++)      /* every register, every byte */
                vin[i] = (uint8_t)(i * 29 + seed * 83 + (i >> 4) * 7);
            memset(vout, 0, sizeof vout);
            uint8_t *a = out_arena + cases[c].req_off;
            for (uint32_t i = 0; i < cases[c].req; i++)
                a[i] = pat(seed, i);
            memset(&out.hdr, 0, sizeof out.hdr);
            out.hdr.size = sizeof out - sizeof out.hdr;
            out.hdr.arena = cases[c].req ? (uintptr_t)a : 0;
            out.hdr.arena_size = cases[c].req;
            out.seed = seed;
            out.reply_size = cases[c].reply;
            out.reply_offset = cases[c].reply_off;
            out.reply_seed = seed + 1;
            uint8_t *r = in_arena + (cases[c].reply_off + 5 * round) % 64;
            memset(&in.hdr, 0, sizeof in.hdr);
            in.hdr.size = sizeof in - sizeof in.hdr;
            in.hdr.arena = (uintptr_t)r;
            in.hdr.arena_cap = MSG_MAX_ARENA;
            Retcode rc = (Retcode)(int32_t)simd_svc(vin, vout, SYS_Call, ch, (uintptr_t)&out.hdr,
                                                    (uintptr_t)&in.hdr, 0);
            if (memcmp(vin, vout, sizeof vin) != 0) {
                regs_bad++;
                for (unsigned v = 0; v < 32; v++)
                    if (memcmp(vin + 16 * v, vout + 16 * v, 16))
                        printf("test_kernel_copy %s: case %u round %u: v%u changed\n", who, c,
                               round, v);
            }
            int ok = rc == rcOk && in.request_ok == 1 && in.size_seen == cases[c].req &&
                     in.hdr.arena_size == cases[c].reply;
            for (uint32_t i = 0; ok && i < cases[c].reply; i++)
                ok = r[i] == pat(seed + 1, i);
            if (!ok) {
                data_bad++;
                printf("test_kernel_copy %s: case %u round %u: rc %d request_ok %u sizes %u/%u\n",
                       who, c, round, rc, in.request_ok, in.size_seen, in.hdr.arena_size);
            }
        }
        char name[64];
        snprintf(name, sizeof name, "%s_regs_kept_%u_to_%u_off_%u_%u", who, cases[c].req,
                 cases[c].reply, cases[c].req_off, cases[c].reply_off);
        CHECK(name, regs_bad == 0 && data_bad == 0, "%u calls changed registers, %u wrong data",
              regs_bad, data_bad);
    }
    return check_done(who);
}

/* One client with its server; both must end with status 0. */
static void pair(const char *srv_name, const char *cl_name, const char *check)
{
    Handle srv = spawn_suspended("test_kernel_copy", srv_name, srv_name);
    Handle cl = spawn_suspended("test_kernel_copy", cl_name, cl_name);
    Retcode rc = srv && cl ? KnChannelCreate(cl, srv, "kcopy") : rcInvalidArgument;
    int32_t ss = -1, sc = -1;
    if (rc == rcOk) {
        KnTaskStart(srv);
        KnTaskStart(cl);
        KnTaskWait(cl, INFINITE_TIMEOUT, &sc);
        KnTaskWait(srv, INFINITE_TIMEOUT, &ss);
    }
    CHECK(check, rc == rcOk && sc == 0 && ss == 0, "channel %d, client %d, server %d", rc, sc, ss);
}

int main(int argc, char **argv)
{
    if (argc > 1) {
        if (strncmp(argv[1], "server", 6) == 0)
            return server(strcmp(argv[1], "server_simd") == 0);
        return client(argv[1]);
    }
    pair("server_gpr", "client_gpr", "pair_with_gpr_server_passes");
    pair("server_simd", "client_simd", "pair_with_simd_server_passes");
    return check_done("test_kernel_copy");
}
