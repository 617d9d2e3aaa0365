/*
 * MDL buffers (shared memory, KasperskyOS KnPmmMdl*): a kernel object
 * (KOBJ_MEMORY) that owns a list of physical pages. Handles and mappings
 * (vm regions with VMR_SHARED) each hold a reference; the pages go back to
 * the allocator with the last of them. The pages are charged to the task
 * that created the buffer, from creation until the buffer is destroyed.
 */
#ifndef KERNEL_MDL_H
#define KERNEL_MDL_H

#include <stdbool.h>
#include <stdint.h>
#include <kernel/object.h>
#include <uapi/retcode.h>

/* Largest buffer: 256 MiB (its page list then fills 128 pages). */
#define MDL_MAX_PAGES 65536u

struct task;

struct mdl {
    struct kobject obj;
    /* A window (mdl_create_window) has no pages: it names [uaddr, uaddr+size) of
     * owner's address space, translated at each copy (mdl_copy), never mapped. */
    struct task *owner;       /* a window's task (a reference), else NULL */
    uint64_t uaddr;           /* a window's first byte in owner's space */
    uint64_t size;            /* bytes: a window's exact size, else npages * PAGE_SIZE */
    uint64_t npages;
    uint64_t *pages;          /* physical page addresses, npages of them */
    uint64_t list_pages;      /* pages holding `pages` */
    uint32_t max_prot;        /* VM_READ|VM_WRITE or VM_READ|VM_EXEC */
    struct task *payer;       /* the creator (a reference): its limit carries the pages */
};

/* Rights of a new buffer's handle for `prot` (RIGHT_MEM_* and the general ones). */
uint32_t mdl_rights(uint32_t prot);
/* New buffer of zeroed pages, charged to t. */
Retcode mdl_create(struct task *t, uint64_t size, uint32_t prot, struct mdl **out);
/* New buffer from one whole allocation of t at [addr, addr+size), left mapped there. */
Retcode mdl_create_from_vm(struct task *t, uint64_t addr, uint64_t size, uint32_t prot,
                           struct mdl **out);
/* New window on [addr, addr+size) of t (docs/ABI.md, "Windows"): no page is
 * taken, pinned or mapped; prot VM_READ, VM_WRITE or both says what holders may
 * copy (RIGHT_MEM_READ: MdlRead, RIGHT_MEM_WRITE: MdlWrite). */
Retcode mdl_create_window(struct task *t, uint64_t addr, uint64_t size, uint32_t prot,
                          struct mdl **out);
/* Largest window: 2 GiB (a POSIX read or write moves at most 0x7ffff000 bytes). */
#define MDL_WINDOW_MAX (1ull << 31)
/* Most segments one MdlRead/MdlWrite takes. */
#define MDL_IOV_MAX 4096u
/* Copies between m at `offset` and niov segments {addr, len} of t's memory, the
 * array at user address iov: into the segments (to_mdl false, needs
 * RIGHT_MEM_READ) or into m (to_mdl true, RIGHT_MEM_WRITE). *done: bytes
 * copied, also on error (rcSourceFault / rcTargetFault: a page of either side
 * is missing or lacks the access; rcInvalidArgument: a range outside m or user
 * space; rcNotConnected: a window whose task has ended). */
Retcode mdl_copy(struct mdl *m, uint32_t rights, struct task *t, uint64_t offset, uint64_t iov,
                 uint32_t niov, bool to_mdl, uint64_t *done);
/* New read-write memory of t (*addr: in, the hint; out, the address; like Vmm.Allocate:
 * `size` rounded up to pages, freed by Vmm.Free) holding bytes [offset, offset+size) of m, the rest of its last
 * page zero; the copied bytes are never zeroed first (docs/ABI.md, "Windows").
 * Needs RIGHT_MEM_READ. On any error nothing is allocated: rcInvalidArgument (size 0,
 * a range past m), rcSourceFault / rcNotConnected as mdl_copy, rcOutOfMemory. */
Retcode mdl_read_new(struct mdl *m, uint32_t rights, struct task *t, uint64_t offset,
                     uint64_t size, uint64_t *addr);
/* Maps [offset, offset+length) of m into t; `rights` are the handle's. */
Retcode mdl_map(struct mdl *m, uint32_t rights, struct task *t, uint64_t offset, uint64_t length,
                uint64_t *addr, uint32_t prot, bool fixed);

#endif
