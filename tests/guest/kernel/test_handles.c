/*
 * test_handles: the handle table as seen from user space. Forged values and
 * stale handles are refused (never a crash), rights only shrink on copy,
 * revoking a handle cuts off its descendants, and the per-task quota holds
 * and frees up again.
 */
#include <coresrv/handle/handle_api.h>
#include <coresrv/sys/sys_api.h>
#include <coresrv/syscalls.h>
#include <coresrv/time/time_api.h>
#include <stdio.h>
#include <string.h>
#include "../check.h"

#define USER_RIGHTS (RIGHT_TRANSFER | RIGHT_COPY | RIGHT_REVOKE | (1u << 16))

static uint64_t rng_state;

static uint32_t rng(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return (uint32_t)rng_state;
}

static void test_forged(void)
{
    rng_state = KnGetUpTimeNs() | 1;
    printf("test_handles: forging with seed %llu\n", (unsigned long long)rng_state);
    int bad = 0;
    uint32_t bad_value = 0;
    Retcode bad_rc = rcOk;
    for (int i = 0; i < 2000; i++) {
        uint32_t h = i == 0 ? 0 : i == 1 ? 0xffffffffu : i == 2 ? 0x00010002u : rng();
        if (h == KERNEL_HANDLE)
            continue;                       /* the only handle this task holds */
        uint32_t type, rights;
        Retcode rc = KnHandleInfo(h, &type, &rights);
        if (rc == rcInvalidArgument)
            rc = KnHandleClose(h);
        if (rc == rcInvalidArgument) {
            SMsgHdr out, in;
            memset(&out, 0, sizeof(out));
            memset(&in, 0, sizeof(in));
            rc = Call(h, &out, &in);
        }
        if (rc != rcInvalidArgument && !bad++) {
            bad_value = h;
            bad_rc = rc;
        }
    }
    CHECK("forged_handles_refused", bad == 0, "%d forged values accepted, e.g. %#x -> %d", bad,
          bad_value, bad_rc);
}

static void test_use_after_close(void)
{
    Handle h;
    uint32_t type, rights;
    CHECK_RC("user_object_create", KnHandleCreateUserObject(1, USER_RIGHTS, (void *)0x1234, &h), rcOk);
    CHECK_RC("close", KnHandleClose(h), rcOk);
    CHECK_RC("info_after_close", KnHandleInfo(h, &type, &rights), rcInvalidArgument);
    CHECK_RC("close_after_close", KnHandleClose(h), rcInvalidArgument);
    CHECK_RC("copy_after_close", KnHandleCopy(h, RIGHT_COPY, &h), rcInvalidArgument);
}

static void test_rights(void)
{
    Handle h, c, cc;
    uint32_t type = 0, rights = 0;
    if (KnHandleCreateUserObject(1, RIGHT_COPY | RIGHT_TRANSFER, NULL, &h) != rcOk) {
        check_fail("copy_more_rights_refused", "cannot create a user object");
        return;
    }
    /* ABI.md: a copy that asks for rights not held is rcNoCapability. */
    CHECK_RC("copy_more_rights_refused", KnHandleCopy(h, RIGHT_COPY | RIGHT_REVOKE, &c),
             rcNoCapability);
    CHECK_RC("copy_fewer_rights", KnHandleCopy(h, RIGHT_TRANSFER, &c), rcOk);
    Retcode rc = KnHandleInfo(c, &type, &rights);
    CHECK("info_shows_copied_rights", rc == rcOk && type == KOBJ_USER && rights == RIGHT_TRANSFER,
          "rc %d type %u rights %#x (want type %u rights %#x)", rc, type, rights, KOBJ_USER,
          RIGHT_TRANSFER);
    CHECK_RC("copy_without_copy_right", KnHandleCopy(c, RIGHT_TRANSFER, &cc), rcNoCapability);
    rc = KnHandleInfo(h, &type, &rights);
    CHECK("original_rights_kept", rc == rcOk && rights == (RIGHT_COPY | RIGHT_TRANSFER),
          "rc %d rights %#x", rc, rights);
    KnHandleClose(c);
    KnHandleClose(h);
}

static void test_revoke(void)
{
    Handle p, c, g, p2 = INVALID_HANDLE, c2 = INVALID_HANDLE;
    uint32_t type, rights;
    Retcode rc = KnHandleCreateUserObject(2, USER_RIGHTS, NULL, &p);
    if (rc == rcOk)
        rc = KnHandleCopy(p, RIGHT_COPY | RIGHT_TRANSFER, &c);
    if (rc == rcOk)
        rc = KnHandleCopy(c, RIGHT_TRANSFER, &g);
    if (rc != rcOk) {
        check_fail("revoke_cuts_descendants", "setup failed: %d", rc);
        return;
    }
    CHECK_RC("revoke_parent", KnHandleRevoke(p), rcOk);
    CHECK_RC("child_revoked", KnHandleInfo(c, &type, &rights), rcHandleRevoked);
    CHECK_RC("grandchild_revoked", KnHandleInfo(g, &type, &rights), rcHandleRevoked);
    CHECK_RC("revoked_parent_closed", KnHandleInfo(p, &type, &rights), rcInvalidArgument);
    CHECK_RC("close_revoked_child", KnHandleClose(c), rcOk);
    CHECK_RC("close_revoked_grandchild", KnHandleClose(g), rcOk);

    /* Close (unlike revoke) keeps descendants working. */
    rc = KnHandleCreateUserObject(3, USER_RIGHTS, NULL, &p2);
    if (rc == rcOk)
        rc = KnHandleCopy(p2, RIGHT_TRANSFER, &c2);
    if (rc == rcOk)
        rc = KnHandleClose(p2);
    if (rc == rcOk)
        rc = KnHandleInfo(c2, &type, &rights);
    CHECK_RC("close_parent_keeps_child", rc, rcOk);
    KnHandleClose(c2);

    /* uapi/handle.h: RIGHT_REVOKE is what allows revoking descendants. */
    Handle r = INVALID_HANDLE, rc_copy = INVALID_HANDLE;
    rc = KnHandleCreateUserObject(5, RIGHT_COPY | RIGHT_TRANSFER, NULL, &r);
    if (rc == rcOk)
        rc = KnHandleCopy(r, RIGHT_TRANSFER, &rc_copy);
    if (rc == rcOk)
        rc = KnHandleRevoke(r);
    CHECK("revoke_needs_revoke_right", rc == rcNoCapability,
          "revoke through a handle without RIGHT_REVOKE gave %d, want rcNoCapability=%d", rc,
          rcNoCapability);
    KnHandleClose(rc_copy);
    KnHandleClose(r);
}

static Handle quota_handles[HANDLE_QUOTA_DEFAULT + 1];

static void test_quota(void)
{
    KnSysInfo before, after;
    KnSysGetInfo(&before);
    int n = 0;
    Retcode rc = rcOk;
    while (n <= HANDLE_QUOTA_DEFAULT) {
        rc = KnHandleCreateUserObject(4, USER_RIGHTS, NULL, &quota_handles[n]);
        if (rc != rcOk)
            break;
        n++;
    }
    printf("test_handles: %d user objects before %d\n", n, rc);
    CHECK("quota_exceeded_at_limit", rc == rcQuotaExceeded && n < HANDLE_QUOTA_DEFAULT &&
                                         n >= HANDLE_QUOTA_DEFAULT - 8,
          "created %d (quota %d) and then got %d, want rcQuotaExceeded=%d", n,
          HANDLE_QUOTA_DEFAULT, rc, rcQuotaExceeded);
    int close_failed = 0;
    for (int i = 0; i < n; i++)
        close_failed += KnHandleClose(quota_handles[i]) != rcOk;
    CHECK("quota_close_all", close_failed == 0, "%d closes failed", close_failed);
    Handle h;
    rc = KnHandleCreateUserObject(4, USER_RIGHTS, NULL, &h);
    CHECK_RC("quota_create_again", rc, rcOk);
    if (rc == rcOk)
        KnHandleClose(h);
    KnSysGetInfo(&after);
    CHECK("quota_objects_freed", after.kobjects == before.kobjects,
          "kernel objects %lu before, %lu after", (unsigned long)before.kobjects,
          (unsigned long)after.kobjects);
}

/* 15-bit generations used to wrap after 32,767 closes of one slot, and the
 * first value named a new object again. Nothing else is created meanwhile, so
 * every create takes the same (lowest free) slot. */
#define STALE_CYCLES 32800

static void test_stale_after_many_cycles(void)
{
    Handle first, h = 0;
    Retcode rc = KnHandleCreateUserObject(4, USER_RIGHTS, NULL, &first);
    if (rc == rcOk)
        rc = KnHandleClose(first);
    uint32_t slot = (first & 0xffffu) % (HANDLE_QUOTA_DEFAULT + 1);
    uint64_t t0 = KnGetUpTimeNs();
    int cycles = 0, reissued = 0, other_slot = 0;
    while (rc == rcOk && cycles < STALE_CYCLES) {
        if ((rc = KnHandleCreateUserObject(4, USER_RIGHTS, NULL, &h)) != rcOk)
            break;
        reissued += h == first;
        other_slot += (h & 0xffffu) % (HANDLE_QUOTA_DEFAULT + 1) != slot;
        rc = KnHandleClose(h);
        cycles++;
    }
    printf("test_handles: %d create/close cycles in %llu ms\n", cycles,
           (unsigned long long)((KnGetUpTimeNs() - t0) / 1000000));
    /* A live object in the slot now: the first value must still not reach it. */
    Handle live = 0;
    Retcode rl = KnHandleCreateUserObject(4, USER_RIGHTS, NULL, &live);
    uint32_t type = 0, rights = 0;
    Retcode info = KnHandleInfo(first, &type, &rights);
    Retcode close = KnHandleClose(first);
    CHECK("stale_value_refused_after_32768_cycles",
          rc == rcOk && cycles == STALE_CYCLES && reissued == 0 && other_slot == 0 &&
              rl == rcOk && info == rcInvalidArgument && close == rcInvalidArgument,
          "%d cycles (rc %d), first value %#x reissued %d times, %d in another slot; "
          "live %#x (%d); Info(first) %d, Close(first) %d, want rcInvalidArgument=%d",
          cycles, rc, first, reissued, other_slot, live, rl, info, close, rcInvalidArgument);
    if (rl == rcOk)
        KnHandleClose(live);
}

int main(void)
{
    test_forged();
    test_use_after_close();
    test_rights();
    test_revoke();
    test_quota();
    test_stale_after_many_cycles();
    return check_done("test_handles");
}
