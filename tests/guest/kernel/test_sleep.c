/*
 * test_sleep: KosThreadSleep(100) takes 100..400 ms by the user-space clock,
 * and that clock (the virtual counter) agrees with the kernel's uptime.
 */
#include <coresrv/sys/sys_api.h>
#include <coresrv/time/time_api.h>
#include <kos/thread.h>
#include <stdio.h>
#include "../check.h"

int main(void)
{
    uint64_t k0 = 0, k1 = 0;
    Retcode krc = KnSysGetUpTime(&k0);
    uint64_t t0 = KnGetMSecSinceStart();
    Retcode rc = KosThreadSleep(100);
    uint64_t t1 = KnGetMSecSinceStart();
    if (krc == rcOk)
        krc = KnSysGetUpTime(&k1);
    uint64_t slept = t1 - t0;
    printf("test_sleep: slept %llu ms\n", (unsigned long long)slept);
    CHECK_RC("sleep_returns_ok", rc, rcOk);
    CHECK("sleep_100ms_in_range", slept >= 100 && slept <= 400, "slept %llu ms, want 100..400",
          (unsigned long long)slept);
    uint64_t kms = (k1 - k0) / 1000000u;
    CHECK("user_clock_matches_kernel", krc == rcOk && kms + 20 >= slept && slept + 20 >= kms,
          "counter says %llu ms, kernel uptime says %llu ms (rc %d)", (unsigned long long)slept,
          (unsigned long long)kms, krc);
    uint64_t a = KnGetUpTimeNs(), b = KnGetUpTimeNs();
    CHECK("clock_monotonic", b >= a, "%llu then %llu", (unsigned long long)a, (unsigned long long)b);
    return check_done("test_sleep");
}
