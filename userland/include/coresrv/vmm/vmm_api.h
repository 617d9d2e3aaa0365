/*
 * coresrv/vmm/vmm_api.h: the calling task's memory, through the kernel
 * endpoint kl.core.Vmm. Pages come zeroed and mapped at once; W+X is refused.
 */
#ifndef CORESRV_VMM_VMM_API_H
#define CORESRV_VMM_VMM_API_H

#include <rtl/types.h>
#include <uapi/retcode.h>
#include <uapi/syscall.h>   /* VM_READ, VM_WRITE, VM_EXEC, VM_FIXED */

#define KOS_PAGE_SIZE 4096u

/* Maps `size` bytes (rounded up to pages) with `prot`. Without VM_FIXED,
 * `hint` is where the search starts; a NULL hint means the library's
 * allocation area (above the heap reservation, see docs/USERLAND.md). With
 * VM_FIXED the memory lands exactly at `hint` (rcAlreadyExists if taken).
 * rcOutOfMemory when the kernel has no pages or address space left, or the
 * pages would take the task past its memory limit. */
Retcode KnVmAllocate(void *hint, rtl_size_t size, rtl_uint32_t prot, rtl_uint32_t flags,
                     void **addr);
/* Unmaps a whole earlier allocation (exactly its address and size). */
Retcode KnVmFree(void *addr, rtl_size_t size);
/* Pages the calling task holds now and its limit (KnTaskCreateWithLimit). */
Retcode KnVmUsage(rtl_uint64_t *pages, rtl_uint64_t *limit);

#endif
