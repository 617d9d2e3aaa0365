/*
 * User address spaces: a page table + ASID and a sorted list of regions.
 * All user memory is mapped eagerly (no demand paging), so a user pointer
 * is valid exactly when the page table says so; copy_{from,to}_user check
 * every page that way and never fault.
 */
#ifndef KERNEL_VM_H
#define KERNEL_VM_H

#include <stdint.h>
#include <stddef.h>
#include <stdbool.h>
#include <arch/mmu.h>
#include <arch/pgtable.h>
#include <uapi/retcode.h>
#include <kernel/panic.h>

#define USER_BASE        0x400000UL           /* below: never mapped (NULL guard) */
#define USER_STACK_TOP   0x7FFFFF0000UL
#define USER_STACK_SIZE  (256UL << 10)
/* Allocations without VM_FIXED are placed below the main stack's guard page. */
#define VM_SEARCH_TOP    (USER_STACK_TOP - USER_STACK_SIZE - PAGE_SIZE)

#define VMR_OWNS_PAGES   (1u << 0)   /* pages come from pmm and go back on free */
#define VMR_GUARD        (1u << 1)   /* reserved, never mapped (stack guard) */
#define VMR_DEVICE       (1u << 2)
#define VMR_SHARED       (1u << 3)   /* pages of `backing` (an MDL): not owned, not charged */

struct kobject;

struct vm_region {
    uint64_t start, size;
    uint32_t prot, flags;
    struct kobject *backing;   /* VMR_SHARED: the object whose pages these are (a reference) */
    struct vm_region *next;
};

/* Recently translated user pages, so IPC buffers need no page-table walk.
 * Two-way set associative, the set chosen by the page number: a lookup is
 * one or two compares (the IPC path makes about eight per round trip). Two
 * ways because the buffers of one thread often lie a multiple of 16 pages
 * apart (a server worker's receive arena at the bottom of its stack and its
 * reply message near the top, issue 19): in a direct-mapped cache those two
 * evicted each other on every request. A fill goes into way 0 and moves
 * way 0's entry to way 1 (the older one leaves). Only positive results are
 * kept; every unmap or protection change empties it (tlb_flush, kernel/vm.c),
 * so an entry is what the page tables say (debug kernels check every hit). */
#define VM_TLB_SETS 16
#define VM_TLB_VALID 1ull          /* tag bits below the page address */
#define VM_TLB_WRITE 2ull          /* the page is writable by the task */
struct vm_tlb_set {
    uint64_t tag[2];               /* page address | VM_TLB_VALID [| VM_TLB_WRITE]; 0: empty */
    uint64_t pa[2];                /* physical page address of each way */
};                                 /* (both tags first: one ldp for a lookup) */

struct vmspace {
    pte_t *l1;
    uint16_t asid;
    uint64_t root;                 /* arch_user_space_root(l1, asid): for vm_activate */
    struct vm_region *regions;     /* sorted by start, non-overlapping */
    uint64_t pages;                /* pages owned (accounting) */
    uint64_t limit;                /* most pages it may own; vm_alloc* beyond: rcOutOfMemory */
    struct vm_tlb_set tlb[VM_TLB_SETS];
};

Retcode vm_create(struct vmspace *vm);
void vm_destroy(struct vmspace *vm);
/* Reserves and maps zeroed memory; *addr is a hint (or exact with `fixed`).
 * rcOutOfMemory when the pages would take vm->pages past vm->limit. */
Retcode vm_alloc(struct vmspace *vm, uint64_t *addr, uint64_t size, uint32_t prot, bool fixed);
/* Like vm_alloc (read-write, *addr a hint) but the first `size` bytes are given by fn, which
 * copies [off, off+len) of its source to kva (fresh pages, not yet mapped): they are never
 * zeroed first; the rest of the last page is. fn's error ends the call with nothing left
 * allocated (Mdl.ReadNew, docs/ABI.md "Windows"). */
Retcode vm_alloc_fill(struct vmspace *vm, uint64_t *addr, uint64_t size,
                      Retcode (*fn)(void *ctx, void *kva, uint64_t off, uint64_t len), void *ctx);
/* Like vm_alloc (read-write) but physically contiguous; *pa gets the bus address (DMA). */
/* Charges kernel pages kept for the task (its threads' kernel stacks) to the same
 * limit: rcOutOfMemory past it. vm_uncharge gives them back. */
Retcode vm_charge(struct vmspace *vm, uint64_t pages);
void vm_uncharge(struct vmspace *vm, uint64_t pages);
Retcode vm_alloc_contig(struct vmspace *vm, uint64_t *addr, uint64_t size, uint64_t *pa);
Retcode vm_reserve_guard(struct vmspace *vm, uint64_t addr, uint64_t size);
/* Maps device memory at page-aligned pa (uncached); *addr is a hint as for vm_alloc. */
Retcode vm_map_device(struct vmspace *vm, uint64_t *addr, uint64_t pa, uint64_t size);
Retcode vm_free(struct vmspace *vm, uint64_t addr, uint64_t size);
/* Maps npages pages of `backing` (VMR_SHARED; the region takes a reference,
 * dropped when it is unmapped); *addr/fixed as for vm_alloc. Not charged: the
 * pages belong to `backing`, which its creator paid for (kernel/mdl.c). */
Retcode vm_map_shared(struct vmspace *vm, uint64_t *addr, const uint64_t *pages, uint64_t npages,
                      uint32_t prot, bool fixed, struct kobject *backing);
/* Turns one whole owned region [addr, addr+size) into a VMR_SHARED mapping of
 * `backing`: its pages (npages, written to pages[]) and their charge move to
 * backing. rcNoCapability when the region's protection exceeds max_prot. */
Retcode vm_share_region(struct vmspace *vm, uint64_t addr, uint64_t size, uint64_t *pages,
                        uint64_t npages, struct kobject *backing, uint32_t max_prot);
/* Unmaps one whole VMR_SHARED region (rcInvalidArgument for anything else). */
Retcode vm_unmap_shared(struct vmspace *vm, uint64_t addr, uint64_t size);
/* Changes the protection of a whole region (ELF loader: write, then seal). */
Retcode vm_protect(struct vmspace *vm, uint64_t addr, uint64_t size, uint32_t prot);
/* vm_activate / vm_activate_on: kernel/vm_activate.h (the context switch's). */

/* Kernel-side access to user memory; rcInvalidArgument on any bad byte. */
Retcode copy_from_user(const struct vmspace *vm, void *dst, uint64_t src, size_t n);
Retcode copy_to_user(const struct vmspace *vm, uint64_t dst, const void *src, size_t n);
/* Copies a NUL-terminated string of at most max-1 chars; rcBufferTooLarge if longer. */
Retcode copy_string_from_user(const struct vmspace *vm, char *dst, uint64_t src, size_t max);
/* rcOk when every byte of [uaddr, uaddr+n) is user-accessible (writable if `write`). */
Retcode vm_check_user_range(const struct vmspace *vm, uint64_t uaddr, size_t n, bool write);
/* The page-table walk behind vm_user_phys when the translation cache misses. */
/* Whether pa is what the page tables give for va (with write access if `write`): what
 * every translation the cache gives must be (checked in debug kernels). */
bool vm_translation_ok(const struct vmspace *vm, uint64_t va, bool write, uint64_t pa);
Retcode vm_user_phys_walk(const struct vmspace *vm, uint64_t va, bool write, uint64_t *pa);

/* Physical address behind user VA va (*pa) and how many bytes from va on, at most max,
 * are accessible (writable if `write`) and physically contiguous (*run, >= 1 when rcOk):
 * one table walk for a run of pages within one leaf table (2 MiB). */
Retcode vm_user_run(const struct vmspace *vm, uint64_t va, bool write, uint64_t max,
                    uint64_t *pa, uint64_t *run);

/* Physical address behind a user VA; rcInvalidArgument if unmapped (or read-only
 * and `write`). Inline because the IPC path asks about eight times per round trip
 * and nearly always hits the cache. */
static inline Retcode vm_user_phys(const struct vmspace *vm, uint64_t va, bool write,
                                   uint64_t *pa)
{
    const struct vm_tlb_set *set = &vm->tlb[(va / PAGE_SIZE) % VM_TLB_SETS];
    /* A read takes an entry with or without VM_TLB_WRITE, a write only one with it. */
    uint64_t want = (va & ~(uint64_t)(PAGE_SIZE - 1)) | VM_TLB_VALID | VM_TLB_WRITE;
    uint64_t any = write ? 0 : VM_TLB_WRITE;
    uint64_t t0 = set->tag[0], t1 = set->tag[1];
    if ((t0 | any) == want)
        *pa = set->pa[0] | (va & (PAGE_SIZE - 1));
    else if (__builtin_expect((t1 | any) == want, 1))
        *pa = set->pa[1] | (va & (PAGE_SIZE - 1));
    else
        return vm_user_phys_walk(vm, va, write, pa);
    /* A stale entry (an unmap or protection change that did not empty the
     * cache) would let the kernel reach a page the task no longer owns. */
    DEBUG_ASSERT(vm_translation_ok(vm, va, write, *pa));
    return rcOk;
}

/* Kernel view of [uaddr, uaddr+len) when it lies in one accessible page, else
 * NULL (then use the copy functions): the fast path for small IPC buffers. */
static inline void *vm_user_window(const struct vmspace *vm, uint64_t uaddr, size_t len,
                                   bool write)
{
    uint64_t pa;
    if (len > PAGE_SIZE - (uaddr & (PAGE_SIZE - 1)) || vm_user_phys(vm, uaddr, write, &pa))
        return NULL;
    return phys_to_virt(pa);
}

#endif
