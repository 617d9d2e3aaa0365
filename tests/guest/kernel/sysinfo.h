/*
 * The kernel's counters (KnSysGetInfo) as the kernel tests compare them: a
 * snapshot before a stress, another after, and the three checks that threads
 * and tasks, kernel objects and free pages came back to where they were.
 * Include after ../check.h.
 */
#ifndef TESTS_GUEST_KERNEL_SYSINFO_H
#define TESTS_GUEST_KERNEL_SYSINFO_H

#include <coresrv/sys/sys_api.h>
#include <stdio.h>

__attribute__((unused)) static KnSysInfo info(void)
{
    KnSysInfo i;
    KnSysGetInfo(&i);
    return i;
}

/* CHECK <prefix>_{threads,objects,pages}_back_to_baseline: b against a. */
__attribute__((unused)) static void check_back_to_baseline(const char *prefix, const KnSysInfo *a,
                                                           const KnSysInfo *b)
{
    char name[96];
    snprintf(name, sizeof name, "%s_threads_back_to_baseline", prefix);
    CHECK(name, a->threads == b->threads && a->tasks == b->tasks,
          "threads %llu -> %llu, tasks %llu -> %llu", (unsigned long long)a->threads,
          (unsigned long long)b->threads, (unsigned long long)a->tasks,
          (unsigned long long)b->tasks);
    snprintf(name, sizeof name, "%s_objects_back_to_baseline", prefix);
    CHECK(name, a->kobjects == b->kobjects, "kernel objects %llu -> %llu",
          (unsigned long long)a->kobjects, (unsigned long long)b->kobjects);
    snprintf(name, sizeof name, "%s_pages_back_to_baseline", prefix);
    CHECK(name, a->freePages == b->freePages, "free pages %llu -> %llu",
          (unsigned long long)a->freePages, (unsigned long long)b->freePages);
}

#endif
