/*
 * test_vfs_hostile: a client that talks to VfsFsnet with raw Call instead
 * of the proxy and sends what a proxy never would: wrong constant-part
 * sizes, unknown endpoints and methods, arena descriptors out of range,
 * strings without (or with extra) NULs, absurd descriptors, counts and
 * offsets, handles nobody asked for, receive buffers too small for the
 * answer, and thousands of random messages. Every request must be
 * answered (Call never reports the server gone): malformed ones with an
 * error reply, well-formed ones with a well-formed reply. After each phase
 * an ordinary open/write/read through libvfs must still work; the
 * launcher (test_vfs_hostile_run) then checks VfsFsnet is still running.
 */
#include <coresrv/nk/transport-kos.h>   /* first: the KasperskyOS-form headers */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <coresrv/syscalls.h>
#include <vfs/client.h>
#include <VfsFsnet.edl.h>
#include "../check.h"
#define RAW_CALL_SEED 0x2545f491u
#include "../raw_call.h"

#define M(name) kl_VfsFilesystem_##name##_mid
#define NMETHODS 22

static const uint32_t req_size[NMETHODS] = {
    kl_VfsFilesystem_Open_req_size, kl_VfsFilesystem_Close_req_size,
    kl_VfsFilesystem_Read_req_size, kl_VfsFilesystem_Write_req_size,
    kl_VfsFilesystem_Pread_req_size, kl_VfsFilesystem_Pwrite_req_size,
    kl_VfsFilesystem_Lseek_req_size, kl_VfsFilesystem_Fstat_req_size,
    kl_VfsFilesystem_Stat_req_size, kl_VfsFilesystem_Ftruncate_req_size,
    kl_VfsFilesystem_Fsync_req_size, kl_VfsFilesystem_Unlink_req_size,
    kl_VfsFilesystem_Rename_req_size, kl_VfsFilesystem_Mkdir_req_size,
    kl_VfsFilesystem_Rmdir_req_size, kl_VfsFilesystem_Opendir_req_size,
    kl_VfsFilesystem_Readdir_req_size, kl_VfsFilesystem_Getcwd_req_size,
    kl_VfsFilesystem_Chdir_req_size, kl_VfsFilesystem_Release_req_size,
    kl_VfsFilesystem_ReadDirect_req_size, kl_VfsFilesystem_WriteDirect_req_size,
};
static const uint32_t res_size[NMETHODS] = {
    kl_VfsFilesystem_Open_res_size, kl_VfsFilesystem_Close_res_size,
    kl_VfsFilesystem_Read_res_size, kl_VfsFilesystem_Write_res_size,
    kl_VfsFilesystem_Pread_res_size, kl_VfsFilesystem_Pwrite_res_size,
    kl_VfsFilesystem_Lseek_res_size, kl_VfsFilesystem_Fstat_res_size,
    kl_VfsFilesystem_Stat_res_size, kl_VfsFilesystem_Ftruncate_res_size,
    kl_VfsFilesystem_Fsync_res_size, kl_VfsFilesystem_Unlink_res_size,
    kl_VfsFilesystem_Rename_res_size, kl_VfsFilesystem_Mkdir_res_size,
    kl_VfsFilesystem_Rmdir_res_size, kl_VfsFilesystem_Opendir_res_size,
    kl_VfsFilesystem_Readdir_res_size, kl_VfsFilesystem_Getcwd_res_size,
    kl_VfsFilesystem_Chdir_res_size, kl_VfsFilesystem_Release_res_size,
    kl_VfsFilesystem_ReadDirect_res_size, kl_VfsFilesystem_WriteDirect_res_size,
};
_Static_assert(kl_VfsFilesystem_WriteDirect_mid == NMETHODS - 1, "method table complete");

/* An ordinary round trip through libvfs. */
static void still_works(const char *phase)
{
    char name[80], buf[16] = { 0 };
    snprintf(name, sizeof name, "still_works_after_%s", phase);
    int fd = open("/hostile-check", O_RDWR | O_CREAT | O_TRUNC, 0644);
    int ok = fd >= 0 && write(fd, "alive", 5) == 5 && pread(fd, buf, sizeof buf, 0) == 5 &&
             strcmp(buf, "alive") == 0;
    int e = errno;
    if (fd >= 0)
        close(fd);
    ok = ok && unlink("/hostile-check") == 0;
    CHECK(name, ok, "fd %d errno %d (%s)", fd, e, strerror(e));
}

/* A remote descriptor on a real file, opened with a raw Open. */
static int32_t raw_open(const char *path, int32_t flags)
{
    clear_out();
    uint32_t n = (uint32_t)strlen(path) + 1;
    memcpy(out_arena, path, n);
    put32(0, 0);                    /* path.offset */
    put32(4, n);                    /* path.size */
    put32(8, (uint32_t)flags);
    put32(12, 0644);
    Retcode rc = send_raw(0, M(Open), kl_VfsFilesystem_Open_req_size, n);
    return rc == rcOk && !got.error ? (int32_t)got.res : -1;
}

static void phase_sizes(void)
{
    int answered = 0, errors = 0, total = 0;
    static const int deltas[] = { -1000, -1, 1, 4, 8, 1000 };
    for (uint32_t mid = 0; mid < NMETHODS; mid++) {
        for (size_t i = 0; i < sizeof deltas / sizeof deltas[0]; i++) {
            long size = (long)req_size[mid] + deltas[i];
            if (deltas[i] == -1000)
                size = 0;
            if (deltas[i] == 1000)
                size = MSG_MAX_CONST;
            if (size < 0 || size == (long)req_size[mid])
                continue;
            clear_out();
            for (long j = 0; j < size; j++)
                out.raw[sizeof(SMsgHdr) + j] = (uint8_t)rnd();
            total++;
            Retcode rc = send_raw(0, mid, (uint32_t)size, 0);
            answered += rc == rcOk;
            errors += rc == rcOk && got.error && got.rc == rcInvalidArgument;
        }
    }
    CHECK("bad_sizes_answered", answered == total, "%d of %d answered", answered, total);
    CHECK("bad_sizes_error_replies", errors == total, "%d of %d error replies (rcInvalidArgument)",
          errors, total);
}

static void phase_unknown(void)
{
    static const uint32_t mids[] = { NMETHODS, NMETHODS + 1, 1000, 0x7fffffff, 0xffffffff };
    int ok = 1;
    for (size_t i = 0; i < sizeof mids / sizeof mids[0]; i++) {
        clear_out();
        Retcode rc = send_raw(0, mids[i], 8, 0);
        /* The kernel's markers (a disconnect notice, an error reply) never
         * reach the server as a request: the kernel refuses them. */
        bool marker = mids[i] == MSG_MID_DISCONNECT || mids[i] == MSG_MID_ERROR;
        if (marker ? rc != rcInvalidArgument
                   : (rc != rcOk || !got.error || got.rc != rcUnimplemented)) {
            printf("test_vfs_hostile: mid %#x: Call %d error %d rc %d\n", mids[i], rc, got.error,
                   got.rc);
            ok = 0;
        }
    }
    CHECK("unknown_methods_refused", ok, "see above");
    static const uint16_t riids[] = { 2, 3, 100, 0xffff };     /* 0 fs, 1 net */
    ok = 1;
    for (size_t i = 0; i < sizeof riids / sizeof riids[0]; i++) {
        clear_out();
        Retcode rc = send_raw(riids[i], M(Close), kl_VfsFilesystem_Close_req_size, 0);
        if (rc != rcOk || !got.error || got.rc != rcUnimplemented)
            ok = 0;
    }
    CHECK("unknown_endpoints_refused", ok, "an unknown endpoint was not refused");
    /* The kernel's "client gone" notice cannot be forged: Call refuses its mid. */
    clear_out();
    Retcode rc = send_raw(0, MSG_MID_DISCONNECT, 0, 0);
    CHECK("forged_disconnect_refused", rc == rcInvalidArgument, "Call gave %d", (int)rc);
}

/* An Open whose path descriptor is {off, size} over `arena` bytes of arena. */
static Retcode open_desc(uint32_t off, uint32_t size, uint32_t arena)
{
    clear_out();
    put32(0, off);
    put32(4, size);
    put32(8, O_RDONLY);
    return send_raw(0, M(Open), kl_VfsFilesystem_Open_req_size, arena);
}

static void phase_arena(void)
{
    struct { const char *name; uint32_t off, size, arena; const char *text; uint32_t tlen; } cases[] = {
        { "offset_past_arena", 1000, 4, 16, "/abc", 5 },
        { "size_past_arena", 0, 17, 16, "/abc", 5 },
        { "offset_wraps", 0xfffffff8u, 16, 16, "/abc", 5 },
        { "size_huge", 0, 0xffffffffu, 16, "/abc", 5 },
        { "empty_string", 0, 0, 16, "/abc", 5 },
        { "no_nul", 0, 4, 16, "/abc", 4 },
        { "nul_inside", 0, 5, 16, "/a\0c", 5 },
        { "no_arena", 0, 5, 0, "/abc", 5 },
        { "over_max", 0, 300, 300, "", 0 },
    };
    int ok = 1;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        memset(out_arena, 'x', 512);
        memcpy(out_arena, cases[i].text, cases[i].tlen);
        if (i == sizeof cases / sizeof cases[0] - 1) {
            memset(out_arena, 'p', 299);
            out_arena[0] = '/';
            out_arena[299] = '\0';          /* a 300-byte string: over string<256> */
        }
        Retcode rc = open_desc(cases[i].off, cases[i].size, cases[i].arena);
        if (rc != rcOk || !got.error || got.rc != rcInvalidArgument) {
            printf("test_vfs_hostile: %s: Call %d error %d rc %d\n", cases[i].name, rc,
                   got.error, got.rc);
            ok = 0;
        }
    }
    CHECK("bad_arena_descriptors_refused", ok, "see above");

    /* Rename with both paths on the same bytes is well-formed. */
    clear_out();
    memcpy(out_arena, "/same", 6);
    put32(0, 0);
    put32(4, 6);
    put32(8, 0);
    put32(12, 6);
    Retcode rc = send_raw(0, M(Rename), kl_VfsFilesystem_Rename_req_size, 8);
    CHECK("shared_arena_bytes_answered", rc == rcOk && !got.error && got.res == -ENOENT,
          "Call %d error %d res %lld", rc, got.error, (long long)got.res);

    /* A Write claiming more data than the arena holds. */
    int32_t fd = raw_open("/hostile-w", O_RDWR | O_CREAT);
    clear_out();
    put32(0, (uint32_t)fd);
    put32(4, 0);
    put32(8, 4096);
    rc = send_raw(0, M(Write), kl_VfsFilesystem_Write_req_size, 100);
    CHECK("write_longer_than_arena_refused", rc == rcOk && got.error && got.rc == rcInvalidArgument,
          "Call %d error %d rc %d", rc, got.error, got.rc);
    /* The largest legal write: 64 KiB. */
    memset(out_arena, 'w', MSG_MAX_ARENA);
    clear_out();
    put32(0, (uint32_t)fd);
    put32(4, 0);
    put32(8, MSG_MAX_ARENA);
    rc = send_raw(0, M(Write), kl_VfsFilesystem_Write_req_size, MSG_MAX_ARENA);
    CHECK("write_64KiB_accepted", rc == rcOk && !got.error && got.res == MSG_MAX_ARENA,
          "Call %d error %d res %lld", rc, got.error, (long long)got.res);
    clear_out();
    put32(0, (uint32_t)fd);
    send_raw(0, M(Close), kl_VfsFilesystem_Close_req_size, 0);
    unlink("/hostile-w");
}

/* Well-formed requests with absurd values: each a normal reply with -errno. */
static void phase_values(void)
{
    int32_t fd = raw_open("/hostile-v", O_RDWR | O_CREAT);
    CHECK("raw_open", fd >= 0, "res %d", fd);
    static const int32_t bad_fds[] = { -1, -5, 64, 65, 1000, 0x7fffffff, (int32_t)0x80000000 };
    int ok = 1;
    for (size_t i = 0; i < sizeof bad_fds / sizeof bad_fds[0]; i++) {
        clear_out();
        put32(0, (uint32_t)bad_fds[i]);
        put32(4, 100);
        Retcode rc = send_raw(0, M(Read), kl_VfsFilesystem_Read_req_size, 0);
        if (rc != rcOk || got.error || got.res != -EBADF)
            ok = 0;
    }
    CHECK("bad_fds_EBADF", ok, "a bad descriptor was not EBADF");

    /* Read asking for 4 GiB: the answer is capped to the arena. */
    clear_out();
    put32(0, (uint32_t)fd);
    put32(4, 0xffffffffu);
    Retcode rc = send_raw(0, M(Read), kl_VfsFilesystem_Read_req_size, 0);
    CHECK("read_4GiB_count_capped",
          rc == rcOk && reply_well_formed(M(Read), res_size, NMETHODS) && got.res == 0,
          "Call %d error %d res %lld", rc, got.error, (long long)got.res);

    struct { const char *name; uint32_t mid; int64_t a; int32_t b; int64_t want; } vals[] = {
        { "lseek_whence_99", M(Lseek), 0, 99, -EINVAL },
        { "lseek_negative", M(Lseek), -1, SEEK_SET, -EINVAL },
        { "lseek_overflow", M(Lseek), INT64_MAX, SEEK_END, -EOVERFLOW },
        { "pread_negative", M(Pread), -1, 0, -EINVAL },
        { "pwrite_at_int64_max", M(Pwrite), INT64_MAX - 1, 0, -EFBIG },
        { "ftruncate_int64_max", M(Ftruncate), INT64_MAX, 0, -EFBIG },
        { "ftruncate_negative", M(Ftruncate), INT64_MIN, 0, -EINVAL },
        { "readdir_on_file", M(Readdir), 0, 0, -ENOTDIR },
    };
    for (size_t i = 0; i < sizeof vals / sizeof vals[0]; i++) {
        clear_out();
        uint32_t arena = 0;
        put32(0, (uint32_t)fd);
        if (vals[i].mid == M(Lseek)) {
            /* Lseek to 1 first so SEEK_END + INT64_MAX overflows (size >= 1). */
            put64(8, (uint64_t)vals[i].a);
            put32(16, (uint32_t)vals[i].b);
        } else if (vals[i].mid == M(Pread)) {
            put64(8, (uint64_t)vals[i].a);
            put32(16, 10);
        } else if (vals[i].mid == M(Pwrite)) {
            put64(8, (uint64_t)vals[i].a);
            put32(16, 0);
            put32(20, 4);
            memcpy(out_arena, "data", 4);
            arena = 8;
        } else if (vals[i].mid == M(Ftruncate)) {
            put64(8, (uint64_t)vals[i].a);
        }
        if (i == 2) {                       /* make the file 1 byte long */
            int f2 = open("/hostile-v", O_WRONLY);
            write(f2, "!", 1);
            close(f2);
        }
        rc = send_raw(0, vals[i].mid, req_size[vals[i].mid], arena);
        char name[64];
        snprintf(name, sizeof name, "value_%s", vals[i].name);
        CHECK(name, rc == rcOk && reply_well_formed(vals[i].mid, res_size, NMETHODS) &&
                        !got.error && got.res == vals[i].want,
              "Call %d error %d rc %d res %lld, want %lld", rc, got.error, got.rc,
              (long long)got.res, (long long)vals[i].want);
    }
    /* Open with every flag bit set, and a mode with every bit. */
    clear_out();
    memcpy(out_arena, "/hostile-flags", 15);
    put32(4, 15);
    put32(8, 0xffffffffu);
    put32(12, 0xffffffffu);
    rc = send_raw(0, M(Open), kl_VfsFilesystem_Open_req_size, 16);
    CHECK("open_all_flags_EINVAL", rc == rcOk && !got.error && got.res == -EINVAL,
          "Call %d error %d res %lld", rc, got.error, (long long)got.res);
    clear_out();
    put32(0, (uint32_t)fd);
    send_raw(0, M(Close), kl_VfsFilesystem_Close_req_size, 0);
    unlink("/hostile-v");
}

static void phase_short_buffers(void)
{
    int32_t fd = raw_open("/hostile-s", O_RDWR | O_CREAT);
    int w = open("/hostile-s", O_WRONLY);
    static char blob[8192];
    memset(blob, 'b', sizeof blob);
    write(w, blob, sizeof blob);
    close(w);
    /* No room for the answer's constant part. */
    clear_out();
    put32(0, (uint32_t)fd);
    out.hdr.riid = 0;
    out.hdr.mid = M(Fstat);
    out.hdr.size = kl_VfsFilesystem_Fstat_req_size;
    memset(&in.hdr, 0, sizeof in.hdr);
    in.hdr.size = 0;
    Retcode rc = Call(ch, &out.hdr, &in.hdr);
    CHECK("reply_too_big_for_client", rc == rcBufferTooSmall, "Call %d", rc);
    /* No room for the answer's arena. */
    clear_out();
    put32(0, (uint32_t)fd);
    put64(8, 0);
    put32(16, 4096);
    out.hdr.mid = M(Pread);
    out.hdr.size = kl_VfsFilesystem_Pread_req_size;
    memset(&in.hdr, 0, sizeof in.hdr);
    in.hdr.size = MSG_MAX_CONST;
    in.hdr.arena = (uintptr_t)in_arena;
    in.hdr.arena_cap = 16;
    rc = Call(ch, &out.hdr, &in.hdr);
    CHECK("reply_arena_too_big_for_client", rc == rcBufferTooSmall, "Call %d", rc);
    clear_out();
    put32(0, (uint32_t)fd);
    send_raw(0, M(Close), kl_VfsFilesystem_Close_req_size, 0);
    unlink("/hostile-s");
}

static void phase_handles(void)
{
    /* 300 requests with 4 handles each: the server must drop them, or its handle quota
     * (256) would run out after 64 requests and transfers would fail. */
    int ok = 0;
    Retcode last = rcOk;
    for (int i = 0; i < 300; i++) {
        clear_out();
        put32(0, 0);
        out.hdr.nhandles = 4;
        for (int j = 0; j < 4; j++) {
            out.hdr.handles[j].handle = ch;
            out.hdr.handles[j].rights = 0;
        }
        last = send_raw(0, M(Fsync), kl_VfsFilesystem_Fsync_req_size, 0);
        ok += last == rcOk;
    }
    CHECK("unwanted_handles_dropped", ok == 300, "%d of 300 answered, last Call %d", ok, last);
}

static void phase_fuzz(int rounds)
{
    int answered = 0, normal = 0, errors = 0, bad = 0;
    for (int i = 0; i < rounds; i++) {
        uint32_t r = rnd();
        uint16_t riid = (r & 15) == 0 ? (uint16_t)rnd() : 0;
        uint32_t mid = (r >> 4 & 15) == 0 ? rnd() : rnd() % (NMETHODS + 2);
        uint32_t size;
        if (mid < NMETHODS && (r >> 8 & 1))
            size = req_size[mid];
        else
            size = rnd() % (MSG_MAX_CONST + 1);
        uint32_t arena = (r >> 9 & 3) == 0 ? 0 : rnd() % 1025;
        clear_out();
        for (uint32_t j = 0; j < size; j += 4) {
            uint32_t v = rnd();
            /* Small values make descriptors and fds plausible more often. */
            if (v & 1)
                v = (v >> 1) % 64;
            memcpy(out.raw + sizeof(SMsgHdr) + j, &v, size - j < 4 ? size - j : 4);
        }
        for (uint32_t j = 0; j < arena; j++) {
            uint32_t v = rnd() % 40;
            out_arena[j] = v == 0 ? 0 : v < 3 ? '/' : (uint8_t)('a' + v % 26);
        }
        Retcode rc = send_raw(riid, mid, size, arena);
        if (rc != rcOk) {
            if (bad++ < 5)
                printf("test_vfs_hostile: fuzz %d: Call %d (riid %u mid %#x size %u)\n", i, rc,
                       riid, mid, size);
            continue;
        }
        answered++;
        if (got.error)
            errors++;
        else
            normal++;
        if (!reply_well_formed(mid, res_size, NMETHODS) && bad++ < 5)
            printf("test_vfs_hostile: fuzz %d: malformed reply mid %#x size %u\n", i, in.hdr.mid,
                   in.hdr.size);
    }
    printf("test_vfs_hostile: fuzz: %d requests, %d normal replies, %d error replies\n", rounds,
           normal, errors);
    CHECK("fuzz_all_answered", answered == rounds, "%d of %d", answered, rounds);
    CHECK("fuzz_replies_well_formed", bad == 0, "%d bad", bad);
    CHECK("fuzz_reached_the_ops", normal > rounds / 20, "only %d normal replies", normal);
}

int main(void)
{
    ch = vfs_client_channel();
    CHECK("channel_found", ch != 0, "no VFS channel");
    if (!ch)
        return check_done("test_vfs_hostile");
    still_works("start");
    phase_sizes();
    still_works("bad_sizes");
    phase_unknown();
    still_works("unknown_methods");
    phase_arena();
    still_works("bad_arenas");
    phase_values();
    still_works("absurd_values");
    phase_short_buffers();
    still_works("short_buffers");
    phase_handles();
    still_works("handles");
    phase_fuzz(5000);
    still_works("fuzz");
    return check_done("test_vfs_hostile");
}
