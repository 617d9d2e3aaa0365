/*
 * test_memory: running out of memory is an answer, not a crash. VmAllocate
 * until rcOutOfMemory, free it all and get (nearly) as much again; malloc
 * until NULL/ENOMEM and recover; W+X and overlapping fixed mappings refused.
 */
#include <coresrv/sys/sys_api.h>
#include <coresrv/vmm/vmm_api.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "../check.h"

#define CHUNK (4u << 20)                    /* 4 MiB per VmAllocate */
#define MAX_CHUNKS 4096                     /* 16 GiB: beyond any board we run on */
#define MBLOCK (1u << 20)                   /* 1 MiB per malloc */
#define MAX_MBLOCKS 16384

static void *chunks[MAX_CHUNKS];
static void *blocks[MAX_MBLOCKS];

static void print_free(const char *when)
{
    KnSysInfo info;
    if (KnSysGetInfo(&info) == rcOk)
        printf("test_memory: free pages %s: %lu of %lu\n", when, (unsigned long)info.freePages,
               (unsigned long)info.totalPages);
}

/* VmAllocate CHUNKs until the kernel says no; touches every chunk. */
static int fill(Retcode *last, int *untouchable)
{
    int n = 0;
    *last = rcOk;
    *untouchable = 0;
    while (n < MAX_CHUNKS) {
        *last = KnVmAllocate(NULL, CHUNK, VM_READ | VM_WRITE, 0, &chunks[n]);
        if (*last != rcOk)
            break;
        volatile uint8_t *p = chunks[n];
        if (p[0] != 0 || p[CHUNK - 1] != 0)
            (*untouchable)++;               /* must come zeroed */
        p[0] = 0xa5;
        p[CHUNK - 1] = 0x5a;
        n++;
    }
    return n;
}

static int release(int n)
{
    int failed = 0;
    for (int i = 0; i < n; i++)
        failed += KnVmFree(chunks[i], CHUNK) != rcOk;
    return failed;
}

static void test_vm_exhaustion(void)
{
    Retcode last;
    int dirty;
    int n1 = fill(&last, &dirty);
    printf("test_memory: %d MiB mapped before %d\n", n1 * (int)(CHUNK >> 20), last);
    CHECK("vm_allocate_until_out_of_memory", last == rcOutOfMemory && n1 > 0 && dirty == 0,
          "%d chunks, then %d (want rcOutOfMemory=%d); %d not zeroed", n1, last, rcOutOfMemory,
          dirty);
    print_free("with everything mapped");
    CHECK("vm_free_all", release(n1) == 0, "some KnVmFree calls failed");
    print_free("after freeing it");
    int n2 = fill(&last, &dirty);
    release(n2);
    CHECK("vm_allocate_works_again", last == rcOutOfMemory && n2 >= n1 - n1 / 16 && n2 > 0,
          "second round got %d chunks (first %d), then %d", n2, n1, last);
}

/* Mapping and unmapping in a far, untouched part of the address space leaves no
 * page tables behind: every page comes back. */
static void test_vm_tables_freed(void)
{
    KnSysInfo before, after;
    void *at = (void *)0x6000000000ul, *p = NULL;
    KnSysGetInfo(&before);
    Retcode a = KnVmAllocate(at, 8ul << 20, VM_READ | VM_WRITE, VM_FIXED, &p);
    KnSysInfo mapped;
    KnSysGetInfo(&mapped);
    Retcode f = a == rcOk ? KnVmFree(p, 8ul << 20) : a;
    KnSysGetInfo(&after);
    CHECK("vm_free_returns_page_tables", a == rcOk && f == rcOk &&
          before.freePages - mapped.freePages > 2048 && after.freePages == before.freePages,
          "allocate %d free %d; free pages %lu, mapped %lu, after %lu", a, f,
          (unsigned long)before.freePages, (unsigned long)mapped.freePages,
          (unsigned long)after.freePages);
}

static void test_vm_rules(void)
{
    void *p;
    CHECK_RC("vm_wx_refused", KnVmAllocate(NULL, 4096, VM_READ | VM_WRITE | VM_EXEC, 0, &p),
             rcInvalidArgument);
    CHECK_RC("vm_fixed_over_image_refused",
             KnVmAllocate((void *)0x400000, 4096, VM_READ | VM_WRITE, VM_FIXED, &p), rcAlreadyExists);
    Retcode rc = KnVmAllocate(NULL, 8192, VM_READ | VM_WRITE, 0, &p);
    CHECK("vm_partial_free_refused", rc == rcOk && KnVmFree(p, 4096) != rcOk,
          "allocate %d, freeing half an allocation was accepted", rc);
    if (rc == rcOk)
        KnVmFree(p, 8192);
}

static void test_malloc_exhaustion(void)
{
    int n = 0;
    errno = 0;
    while (n < MAX_MBLOCKS) {
        blocks[n] = malloc(MBLOCK);
        if (!blocks[n])
            break;
        memset(blocks[n], 0x3c, MBLOCK);
        n++;
    }
    int err = errno;
    printf("test_memory: malloc gave %d MiB before NULL\n", n);
    CHECK("malloc_until_enomem", n > 0 && n < MAX_MBLOCKS && err == ENOMEM,
          "%d blocks, errno %d (want ENOMEM=%d)", n, err, ENOMEM);
    print_free("with the heap full");
    for (int i = 0; i < n; i++)
        free(blocks[i]);
    void *again = malloc(MBLOCK);
    CHECK("malloc_works_after_free", again != NULL, "malloc(1 MiB) failed after free");
    free(again);
}

int main(void)
{
    print_free("at start");
    test_vm_rules();
    test_vm_tables_freed();
    test_vm_exhaustion();
    test_malloc_exhaustion();
    print_free("at end");
    return check_done("test_memory");
}
