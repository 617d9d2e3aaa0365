/*
 * sbrk for picolibc's malloc. The heap is the range [__heap_start,
 * __heap_end) that ld/user.ld reserves after .bss; pages are mapped on
 * demand with VmAllocate(VM_FIXED), so malloc only ever uses memory the
 * kernel granted and fails with ENOMEM when the kernel says no. Freed heap
 * memory stays mapped (picolibc's malloc reuses it).
 */
#include <coresrv/vmm/vmm_api.h>
#include <errno.h>
#include <kos/mutex.h>
#include <stdint.h>
#include <unistd.h>
#include "../layout.h"
#include "libc_internal.h"

static KosMutex heap_lock = KOS_MUTEX_INITIALIZER;
static uintptr_t brk_cur, mapped_end;     /* brk <= mapped_end, both in the heap range */

void kos_heap_init(void)
{
    brk_cur = mapped_end = KOS_HEAP_START;
}

void *sbrk(ptrdiff_t incr)
{
    void *out = (void *)-1;
    KosMutexLock(&heap_lock);
    uintptr_t old = brk_cur;
    uintptr_t start = KOS_HEAP_START, end = KOS_HEAP_END;
    if (incr < 0 ? 0 - (uintptr_t)incr > old - start : (uintptr_t)incr > end - old)
        goto fail;          /* outside the reservation (no -incr: PTRDIFF_MIN has none) */
    uintptr_t want = old + (uintptr_t)incr;
    if (want > mapped_end) {
        uintptr_t top = (want + KOS_PAGE_SIZE - 1) & ~(uintptr_t)(KOS_PAGE_SIZE - 1);
        void *at;
        if (KnVmAllocate((void *)mapped_end, top - mapped_end, VM_READ | VM_WRITE, VM_FIXED, &at) !=
            rcOk)
            goto fail;
        mapped_end = top;
    }
    brk_cur = want;
    out = (void *)old;
    KosMutexUnlock(&heap_lock);
    return out;
fail:
    KosMutexUnlock(&heap_lock);
    errno = ENOMEM;
    return out;
}
