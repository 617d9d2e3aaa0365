/*
 * Memory: coresrv/vmm/vmm_api.h over kl.core.Vmm, and the thread-stack
 * area allocator (stacks sit at addresses the library picks, so the page
 * under each one stays unmapped as a guard).
 */
#include "kcall.h"
#include <coresrv/vmm/vmm_api.h>
#include <kos/mutex.h>
#include "layout.h"

Retcode KnVmAllocate(void *hint, rtl_size_t size, rtl_uint32_t prot, rtl_uint32_t flags,
                     void **addr)
{
    if (!addr)
        return rcInvalidArgument;
    if (!hint && !(flags & VM_FIXED))
        hint = (void *)KOS_HEAP_END;               /* keep clear of the heap reservation */
    kl_core_Vmm_Allocate_req req = { .hint = (uint64_t)(uintptr_t)hint, .size = size, .prot = prot,
                                     .flags = flags };
    kl_core_Vmm_Allocate_res res;
    Retcode rc = KCALL(Vmm, vmm, Allocate, &req, &res);
    *addr = rc == rcOk ? (void *)(uintptr_t)res.addr : NULL;
    return rc;
}

Retcode KnVmFree(void *addr, rtl_size_t size)
{
    kl_core_Vmm_Free_req req = { .addr = (uint64_t)(uintptr_t)addr, .size = size };
    kl_core_Vmm_Free_res res;
    return KCALL(Vmm, vmm, Free, &req, &res);
}

Retcode KnVmUsage(rtl_uint64_t *pages, rtl_uint64_t *limit)
{
    if (!pages || !limit)
        return rcInvalidArgument;
    kl_core_Vmm_Usage_req req;
    kl_core_Vmm_Usage_res res;
    nk_req_reset(&req);
    Retcode rc = KCALL(Vmm, vmm, Usage, &req, &res);
    *pages = rc == rcOk ? res.pages : 0;
    *limit = rc == rcOk ? res.limit : 0;
    return rc;
}

/* ---- thread stacks -------------------------------------------------------
 * Slots are carved downwards from the top of the area. A freed slot goes on
 * a short free list and is reused for a stack of the same size; the area is
 * large (60 GiB) so a simple scheme is enough. */

#define FREE_SLOTS 32
static KosMutex stack_lock = KOS_MUTEX_INITIALIZER;
static uint64_t stack_cursor = KOS_STACK_AREA_TOP;    /* everything above is carved */
static struct { uint64_t base, size; } free_slots[FREE_SLOTS];

void *kos_stack_map(uint64_t size, int *rc)
{
    void *out = NULL;
    *rc = rcOutOfMemory;
    KosMutexLock(&stack_lock);
    for (int i = 0; i < FREE_SLOTS; i++) {
        if (free_slots[i].size == size) {
            uint64_t base = free_slots[i].base;
            *rc = KnVmAllocate((void *)(uintptr_t)base, size, VM_READ | VM_WRITE, VM_FIXED, &out);
            if (*rc == rcOk) {
                free_slots[i].size = 0;
                goto done;
            }
        }
    }
    /* A few tries: some other code may have mapped memory in the area. */
    for (int tries = 0; tries < 8; tries++) {
        uint64_t room = stack_cursor - KOS_STACK_AREA_BASE;
        if (size > room || room - size < KOS_GUARD_SIZE) {   /* never wraps */
            *rc = rcOutOfMemory;
            break;
        }
        uint64_t base = stack_cursor - size;
        stack_cursor = base - KOS_GUARD_SIZE;
        *rc = KnVmAllocate((void *)(uintptr_t)base, size, VM_READ | VM_WRITE, VM_FIXED, &out);
        if (*rc != rcAlreadyExists)
            break;
    }
done:
    KosMutexUnlock(&stack_lock);
    return *rc == rcOk ? out : NULL;
}

void kos_stack_unmap(void *base, uint64_t size)
{
    if (KnVmFree(base, size) != rcOk)
        return;
    KosMutexLock(&stack_lock);
    for (int i = 0; i < FREE_SLOTS; i++) {
        if (free_slots[i].size == 0) {
            free_slots[i].base = (uint64_t)(uintptr_t)base;
            free_slots[i].size = size;
            break;
        }
    }
    KosMutexUnlock(&stack_lock);
}
