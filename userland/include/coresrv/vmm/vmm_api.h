/*
 * coresrv/vmm/vmm_api.h: the calling task's memory, through the kernel
 * endpoint kl.core.Vmm. Pages come zeroed and mapped at once; W+X is refused.
 */
#ifndef CORESRV_VMM_VMM_API_H
#define CORESRV_VMM_VMM_API_H

#include <rtl/types.h>
#include <uapi/handle.h>
#include <uapi/msg.h>
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

/* ---- MDL buffers: shared memory (kl.core.Mdl, docs/ABI.md) ----------------
 * A buffer is a set of pages named by a handle (KOBJ_MEMORY). Its handle's
 * rights say how it may be mapped: RIGHT_MEM_READ, RIGHT_MEM_WRITE,
 * RIGHT_MEM_EXEC; send it in a message with fewer rights to share it
 * read-only. The pages are charged to the creator's memory limit and freed
 * when the last handle and the last mapping are gone. */

/* A buffer of `size` zeroed bytes (rounded up to pages, at most 256 MiB:
 * rcBufferTooLarge). prot: VM_READ, VM_READ|VM_WRITE or VM_READ|VM_EXEC,
 * the most any mapping of it may get. */
Retcode KnPmmMdlCreate(rtl_size_t size, rtl_uint32_t prot, Handle *outHandle);
/* Turns one whole earlier KnVmAllocate allocation into a buffer; it stays
 * mapped where it is (unmap it with KnPmmMdlUnmap). rcNoCapability when
 * the allocation's protection is more than `prot`. */
Retcode KnPmmMdlCreateFromVm(void *addr, rtl_size_t size, rtl_uint32_t prot, Handle *outHandle);
Retcode KnPmmMdlGetSize(Handle handle, rtl_size_t *size);
/* Maps [offset, offset+length) (page-aligned) of the buffer with `prot`
 * (needs the matching RIGHT_MEM_* rights: rcNoCapability); *addr in: a hint
 * (NULL: anywhere), out: where it landed. */
Retcode KnPmmMdlMap(Handle handle, rtl_size_t offset, rtl_size_t length, void **addr,
                    rtl_uint32_t prot);
/* The same at exactly `at` (rcAlreadyExists when anything is mapped there). */
Retcode KnPmmMdlMapFixed(Handle handle, rtl_size_t offset, rtl_size_t length, void *at,
                         rtl_uint32_t prot);
/* Removes one whole mapping of a buffer (rcInvalidArgument for anything else,
 * e.g. a second time). */
Retcode KnPmmMdlUnmap(void *addr, rtl_size_t size);
/* A window on [addr, addr+size) of this task's memory (this project's, no
 * KasperskyOS name): no pages are taken or mapped; whoever holds the handle
 * copies to it (VM_WRITE: KnPmmMdlWrite) or from it (VM_READ: KnPmmMdlRead),
 * each copy going through this task's page tables at that moment. At most
 * 2 GiB. Handed to a server for one call so file data crosses once. */
Retcode KnPmmMdlCreateWindow(void *addr, rtl_size_t size, rtl_uint32_t prot, Handle *outHandle);
/* One segment of the caller's memory for KnPmmMdlRead / KnPmmMdlWrite. */
typedef struct KnMdlSeg {
    rtl_uint64_t addr;
    rtl_uint64_t len;
} KnMdlSeg;
/* Copies the buffer's bytes from `offset` into seg[0..n) in order (n <= 4096);
 * *done: bytes copied (0 on failure, when part may have been copied; rcSourceFault: a page of the buffer
 * is missing; rcTargetFault: a segment is not writable; rcNotConnected: the
 * window's task has ended). */
Retcode KnPmmMdlRead(Handle handle, rtl_size_t offset, const KnMdlSeg *seg, rtl_uint32_t n,
                     rtl_size_t *done);
/* Copies seg[0..n) into the buffer from `offset` (rcTargetFault: a page of
 * the buffer is missing or read-only; rcSourceFault: a segment is not readable). */
Retcode KnPmmMdlWrite(Handle handle, rtl_size_t offset, const KnMdlSeg *seg, rtl_uint32_t n,
                      rtl_size_t *done);
/* New read-write memory (*addr; size rounded up to pages, freed with KnVmFree)
 * holding the buffer's bytes [offset, offset+size), the rest of its last page
 * zero: fresh pages filled by one copy, never zeroed first (this project's, no
 * KasperskyOS name). On failure *addr is NULL and nothing is allocated. */
Retcode KnPmmMdlReadNew(Handle handle, rtl_size_t offset, rtl_size_t size, void **addr);

#endif
