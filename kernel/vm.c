/*
 * User address spaces: region bookkeeping, eager mapping of zeroed pages,
 * ASIDs, and checked copies between kernel and user memory. Portable: the
 * page-table format stays behind arch/pgtable.h.
 */
#include <kernel/vm.h>
#include <kernel/lib.h>
#include <kernel/object.h>
#include <kernel/panic.h>
#include <kernel/pmm.h>
#include <kernel/slab.h>
#include <kernel/smp.h>
#include <kernel/urange.h>
#include <arch/mmu.h>
#include <arch/page.h>
#include <uapi/syscall.h>

#define ASID_MAX 65536
static uint64_t asid_bitmap[ASID_MAX / 64] = { 1 };   /* ASID 0: kernel/none */
static struct kmem_cache region_cache;
/* The address space in this core's TTBR0 (vm_activate, vm_activate.h), so that destroying
 * another task's space does not take the caller's away before it returns to
 * EL0. Per core (struct cpu). */
#define active_vm (this_cpu()->user_vm)

static void tlb_flush(struct vmspace *vm)
{
    memset(vm->tlb, 0, sizeof(vm->tlb));
}

static int asid_alloc(void)
{
    for (int w = 0; w < ASID_MAX / 64; w++) {
        if (asid_bitmap[w] == ~0ULL)
            continue;
        int b = __builtin_ctzll(~asid_bitmap[w]);
        asid_bitmap[w] |= 1ULL << b;
        return w * 64 + b;
    }
    return -1;
}

static void asid_free(uint16_t asid) { asid_bitmap[asid / 64] &= ~(1ULL << (asid % 64)); }

Retcode vm_create(struct vmspace *vm)
{
    if (!region_cache.obj_size)
        kmem_cache_init(&region_cache, "vm_region", sizeof(struct vm_region));
    memset(vm, 0, sizeof(*vm));
    vm->limit = UINT64_MAX;            /* the task's owner sets the real one */
    int asid = asid_alloc();
    if (asid < 0)
        return rcQuotaExceeded;
    vm->l1 = pt_alloc_root();
    if (!vm->l1) {
        asid_free((uint16_t)asid);
        return rcOutOfMemory;
    }
    vm->asid = (uint16_t)asid;
    vm->root = arch_user_space_root(vm->l1, vm->asid);
    arch_tlb_flush_asid(vm->asid);     /* a recycled ASID may have stale entries */
    return rcOk;
}

static void free_page_cb(uint64_t pa) { pmm_free_page(pa); }

static void region_release(struct vmspace *vm, struct vm_region *r)
{
    struct kobject *backing = r->backing;
    if (!(r->flags & VMR_GUARD)) {
        pt_unmap(vm->l1, r->start, r->size, (r->flags & VMR_OWNS_PAGES) ? free_page_cb : NULL);
        if (r->flags & VMR_OWNS_PAGES) {
            ASSERT(vm->pages >= r->size / PAGE_SIZE);   /* its pages were counted */
            vm->pages -= r->size / PAGE_SIZE;
        }
    }
    kmem_cache_free(&region_cache, r);
    if (backing)
        kobject_put(backing);             /* may free the shared pages (last user) */
}

void vm_destroy(struct vmspace *vm)
{
    if (!vm->l1)
        return;
    while (vm->regions) {
        struct vm_region *r = vm->regions;
        vm->regions = r->next;
        region_release(vm, r);
    }
    tlb_flush(vm);
    if (active_vm == vm) {                /* the live TTBR0: leave it first */
        arch_switch_user_space(NULL, 0);
        active_vm = NULL;
    }                                     /* else (another task ends it) the caller's stays */
    for (unsigned i = 0; i < smp_ncpus; i++)
        if (cpus[i].user_vm == vm)      /* an idle core last ran it: it activates */
            cpus[i].user_vm = NULL;     /* another space before any return to EL0 */
    arch_tlb_flush_asid(vm->asid);
    pt_free_tree(vm->l1);
    asid_free(vm->asid);
    vm->l1 = NULL;
}

/* Finds a gap of `size` in [MAX(from, USER_BASE), VM_SEARCH_TOP); 0 if none.
 * Every sum stays below VM_SEARCH_TOP (checked before it is formed) and every
 * region lies inside user space (region_insert), so nothing here can wrap. */
static uint64_t find_gap(const struct vmspace *vm, uint64_t from, uint64_t size)
{
    uint64_t at = MAX(from, USER_BASE);
    for (const struct vm_region *r = vm->regions; r; r = r->next) {
        if (!range_within(at, size, USER_BASE, VM_SEARCH_TOP))
            return 0;
        if (r->start >= at + size)
            break;
        if (r->start + r->size > at)
            at = r->start + r->size;
    }
    return range_within(at, size, USER_BASE, VM_SEARCH_TOP) ? at : 0;
}

static bool range_free(const struct vmspace *vm, uint64_t start, uint64_t size)
{
    for (const struct vm_region *r = vm->regions; r; r = r->next)
        if (start < r->start + r->size && r->start < start + size)
            return false;
    return true;
}

static Retcode region_insert(struct vmspace *vm, uint64_t start, uint64_t size, uint32_t prot,
                             uint32_t flags, struct vm_region **out)
{
    /* The invariant every other range computation here relies on. */
    BUG_ON(size == 0 || !range_within(start, size, USER_BASE, USER_VA_END));
    struct vm_region *r = kmem_cache_alloc(&region_cache);
    if (!r)
        return rcOutOfMemory;
    r->start = start;
    r->size = size;
    r->prot = prot;
    r->flags = flags;
    struct vm_region **pp = &vm->regions;
    while (*pp && (*pp)->start < start)
        pp = &(*pp)->next;
    /* Regions never overlap: callers chose a free range (place, range_free). */
    ASSERT(!*pp || start + size <= (*pp)->start);
    r->next = *pp;
    *pp = r;
    *out = r;
    return rcOk;
}

static void region_remove(struct vmspace *vm, struct vm_region *r)
{
    tlb_flush(vm);
    struct vm_region **pp = &vm->regions;
    while (*pp != r)
        pp = &(*pp)->next;
    *pp = r->next;
    region_release(vm, r);
    arch_tlb_flush_asid(vm->asid);
}

/* A fixed range: page-aligned, not empty, inside [USER_BASE, USER_VA_END). */
static Retcode check_range(uint64_t addr, uint64_t size)
{
    if (size == 0 || (addr | size) & (PAGE_SIZE - 1))
        return rcInvalidArgument;
    if (!range_within(addr, size, USER_BASE, USER_VA_END))
        return rcInvalidArgument;
    return rcOk;
}

/* The per-task limit (docs/ABI.md, "Memory limits"): checked before any page is taken,
 * so a task at its limit gets rcOutOfMemory and nobody else notices. */
static bool over_limit(const struct vmspace *vm, uint64_t size)
{
    return size / PAGE_SIZE > vm->limit || vm->pages > vm->limit - size / PAGE_SIZE;
}

Retcode vm_charge(struct vmspace *vm, uint64_t pages)
{
    if (over_limit(vm, pages * PAGE_SIZE))
        return rcOutOfMemory;
    vm->pages += pages;
    return rcOk;
}

void vm_uncharge(struct vmspace *vm, uint64_t pages)
{
    BUG_ON(pages > vm->pages);
    vm->pages -= pages;
}

/* Rounds *size up to pages and chooses the address (docs/ABI.md, kl.core.Vmm):
 * a size of 0, one that wraps when rounded or is larger than user space, and a
 * hint at or above USER_VA_END are rcInvalidArgument; a usable hint is where
 * the search starts, and when nothing is free above it the search starts
 * again from the bottom. With `fixed`, exactly [*addr, *addr + size). */
static Retcode place(struct vmspace *vm, uint64_t *addr, uint64_t *size, bool fixed)
{
    uint64_t sz;
    if (*size == 0 || !page_round_up_ok(*size, &sz) || sz > USER_VA_END - USER_BASE)
        return rcInvalidArgument;
    *size = sz;
    if (fixed) {
        Retcode rc = check_range(*addr, sz);
        if (rc)
            return rc;
        return range_free(vm, *addr, sz) ? rcOk : rcAlreadyExists;
    }
    if (*addr >= USER_VA_END)
        return rcInvalidArgument;         /* not a place in this address space */
    uint64_t at = find_gap(vm, ALIGN_DOWN(*addr, PAGE_SIZE), sz);
    if (!at)
        at = find_gap(vm, USER_BASE, sz);
    if (!at)
        return rcOutOfMemory;
    *addr = at;
    return rcOk;
}

#define VM_ALLOC_RUN 16                    /* pages: a ramfs chunk slab (64 KiB) */

/* Gives the first `len` bytes of a fresh run at kva their contents (vm_alloc_fill). */
struct vm_fill {
    Retcode (*fn)(void *ctx, void *kva, uint64_t off, uint64_t len);
    void *ctx;
    uint64_t len;                          /* bytes of the allocation it fills */
};

/* Prepares a fresh run of n pages at offset off of an allocation: the bytes `fill` covers
 * are copied in (never zeroed first: they are overwritten), every other byte is zeroed,
 * so no byte of a page's earlier user is ever shown. */
static Retcode run_prepare(uint8_t *kva, uint64_t n, uint64_t off, const struct vm_fill *fill)
{
    uint64_t len = n * PAGE_SIZE, f = 0;
    if (fill && off < fill->len) {
        f = MIN(len, fill->len - off);
        Retcode rc = fill->fn(fill->ctx, kva, off, f);
        if (rc)
            return rc;
    }
    uint64_t whole = ALIGN_UP(f, PAGE_SIZE);
    if (whole != f)
        memset(kva + f, 0, whole - f);     /* the tail of the last page filled */
    if (whole < len)
        arch_zero_pages(kva + whole, (len - whole) / PAGE_SIZE);
    return rcOk;
}

static Retcode alloc_pages(struct vmspace *vm, uint64_t *addr, uint64_t size, uint32_t prot,
                           bool fixed, const struct vm_fill *fill)
{
    if ((prot & VM_WRITE) && (prot & VM_EXEC))
        return rcInvalidArgument;          /* never W+X */
    if (prot & ~(VM_READ | VM_WRITE | VM_EXEC))
        return rcInvalidArgument;
    Retcode rc = place(vm, addr, &size, fixed);
    if (rc)
        return rc;
    if (size / PAGE_SIZE > pmm_free_count() || over_limit(vm, size))
        return rcOutOfMemory;
    struct vm_region *r;
    rc = region_insert(vm, *addr, size, prot, VMR_OWNS_PAGES, &r);
    if (rc)
        return rc;
    uint64_t attrs = pt_user_attrs(prot, 0);
    /* Pages in contiguous runs of up to VM_ALLOC_RUN while the allocator has them: one
     * pt_map (one table walk per leaf table) and one zeroing or fill per run instead of
     * per page, and a run is copied by one memmove (mdl_copy). The first run that cannot
     * be had ends the attempt (a failed search scans the bitmap: at most one per call);
     * single pages then. Mapped page by page (no blocks), so unmapping frees them page
     * by page as before. A run is prepared before it is mapped: no other thread of the
     * task ever sees its bytes before they are filled or zeroed. */
    uint64_t run = VM_ALLOC_RUN;
    for (uint64_t off = 0; off < size;) {
        uint64_t n = MIN(run, (size - off) / PAGE_SIZE);
        paddr_t pa = n > 1 ? pmm_alloc_pages(n, 1) : 0;
        if (!pa) {
            run = n = 1;
            pa = pmm_alloc_page();
        }
        bool mapped = false;
        rc = rcOutOfMemory;                /* no page, or no page-table page */
        if (pa && !(rc = run_prepare(phys_to_virt(pa), n, off, fill)))
            mapped = !pt_map(vm->l1, *addr + off, pa, n * PAGE_SIZE, attrs, 0);
        if (!mapped) {
            /* pt_map fails only taking a table page, before it writes the first entry of
             * the table it could not have: entries it wrote stay, so unmap the range the
             * run was to take with the region and free the pages not mapped here. */
            uint64_t k = 0;                /* pages of the run that are mapped */
            while (pa && k < n && (pt_lookup(vm->l1, *addr + off + k * PAGE_SIZE, NULL) &
                                   PTE_ADDR_MASK) == pa + k * PAGE_SIZE)
                k++;
            if (pa && k < n)
                pmm_free_pages(pa + k * PAGE_SIZE, n - k);
            off += k * PAGE_SIZE;
            r->size = off;                 /* release exactly what was mapped */
            vm->pages += off / PAGE_SIZE;
            region_remove(vm, r);
            return rc;
        }
        off += n * PAGE_SIZE;
    }
    vm->pages += size / PAGE_SIZE;
    return rcOk;
}

Retcode vm_alloc(struct vmspace *vm, uint64_t *addr, uint64_t size, uint32_t prot, bool fixed)
{
    return alloc_pages(vm, addr, size, prot, fixed, NULL);
}

Retcode vm_alloc_fill(struct vmspace *vm, uint64_t *addr, uint64_t size,
                      Retcode (*fn)(void *ctx, void *kva, uint64_t off, uint64_t len), void *ctx)
{
    struct vm_fill fill = { fn, ctx, size };
    return alloc_pages(vm, addr, size, VM_READ | VM_WRITE, false, &fill);
}

Retcode vm_alloc_contig(struct vmspace *vm, uint64_t *addr, uint64_t size, uint64_t *pa_out)
{
    Retcode rc = place(vm, addr, &size, false);
    if (rc)
        return rc;
    if (over_limit(vm, size))
        return rcOutOfMemory;
    paddr_t pa = pmm_alloc_pages(size / PAGE_SIZE, 1);
    if (!pa)
        return rcOutOfMemory;
    struct vm_region *r;
    if ((rc = region_insert(vm, *addr, size, VM_READ | VM_WRITE, VMR_OWNS_PAGES, &r))) {
        pmm_free_pages(pa, size / PAGE_SIZE);
        return rc;
    }
    arch_zero_pages(phys_to_virt(pa), size / PAGE_SIZE);
    if (pt_map(vm->l1, *addr, pa, size, pt_user_attrs(VM_READ | VM_WRITE, 0), 0)) {
        r->size = 0;                          /* nothing mapped: free the run by hand */
        region_remove(vm, r);
        pmm_free_pages(pa, size / PAGE_SIZE);
        return rcOutOfMemory;
    }
    vm->pages += size / PAGE_SIZE;
    *pa_out = pa;
    return rcOk;
}

Retcode vm_reserve_guard(struct vmspace *vm, uint64_t addr, uint64_t size)
{
    Retcode rc = check_range(addr, size);
    if (rc)
        return rc;
    if (!range_free(vm, addr, size))
        return rcAlreadyExists;
    struct vm_region *r;
    return region_insert(vm, addr, size, 0, VMR_GUARD, &r);
}

Retcode vm_map_device(struct vmspace *vm, uint64_t *addr, uint64_t pa, uint64_t size)
{
    if (pa & (PAGE_SIZE - 1))
        return rcInvalidArgument;
    Retcode rc = place(vm, addr, &size, false);
    if (rc)
        return rc;
    struct vm_region *r;
    rc = region_insert(vm, *addr, size, VM_READ | VM_WRITE, VMR_DEVICE, &r);
    if (rc)
        return rc;
    if (pt_map(vm->l1, *addr, pa, size, pt_user_attrs(VM_READ | VM_WRITE, 1), 0)) {
        region_remove(vm, r);
        return rcOutOfMemory;
    }
    return rcOk;
}

static struct vm_region *region_at(const struct vmspace *vm, uint64_t addr, uint64_t size)
{
    for (struct vm_region *r = vm->regions; r; r = r->next)
        if (r->start == addr && r->size == size && !(r->flags & VMR_GUARD))
            return r;
    return NULL;
}

Retcode vm_free(struct vmspace *vm, uint64_t addr, uint64_t size)
{
    uint64_t sz;
    struct vm_region *r = page_round_up_ok(size, &sz) ? region_at(vm, addr, sz) : NULL;
    if (!r)
        return rcInvalidArgument;
    region_remove(vm, r);
    return rcOk;
}

Retcode vm_map_shared(struct vmspace *vm, uint64_t *addr, const uint64_t *pages, uint64_t npages,
                      uint32_t prot, bool fixed, struct kobject *backing)
{
    if (((prot & VM_WRITE) && (prot & VM_EXEC)) || (prot & ~(VM_READ | VM_WRITE | VM_EXEC)))
        return rcInvalidArgument;
    uint64_t size = npages * PAGE_SIZE;    /* npages is bounded by the caller (MDL_MAX_PAGES) */
    Retcode rc = place(vm, addr, &size, fixed);
    if (rc)
        return rc;
    struct vm_region *r;
    if ((rc = region_insert(vm, *addr, size, prot, VMR_SHARED, &r)))
        return rc;
    uint64_t attrs = pt_user_attrs(prot, 0);
    for (uint64_t i = 0; i < npages; i++) {
        if (pt_map(vm->l1, *addr + i * PAGE_SIZE, pages[i], PAGE_SIZE, attrs, 0)) {
            r->size = i * PAGE_SIZE;       /* unmap exactly what was mapped (no backing yet) */
            region_remove(vm, r);
            return rcOutOfMemory;
        }
    }
    kobject_get(backing);
    r->backing = backing;
    return rcOk;
}

Retcode vm_share_region(struct vmspace *vm, uint64_t addr, uint64_t size, uint64_t *pages,
                        uint64_t npages, struct kobject *backing, uint32_t max_prot)
{
    uint64_t sz;
    struct vm_region *r = page_round_up_ok(size, &sz) ? region_at(vm, addr, sz) : NULL;
    if (!r || r->flags != VMR_OWNS_PAGES)
        return rcInvalidArgument;          /* only plain allocations: not a stack guard, device, MDL */
    if (sz / PAGE_SIZE != npages)
        return rcInternalError;            /* the caller sized its list from the same size */
    if (r->prot & ~max_prot)
        return rcNoCapability;             /* the mapping would do more than the buffer allows */
    for (uint64_t i = 0; i < sz / PAGE_SIZE; i++)
        pages[i] = pt_lookup(vm->l1, addr + i * PAGE_SIZE, NULL) & PTE_ADDR_MASK;
    ASSERT(vm->pages >= sz / PAGE_SIZE);
    r->flags = VMR_SHARED;                 /* the charge stays on vm: backing uncharges it */
    kobject_get(backing);
    r->backing = backing;
    return rcOk;
}

Retcode vm_unmap_shared(struct vmspace *vm, uint64_t addr, uint64_t size)
{
    uint64_t sz;
    struct vm_region *r = page_round_up_ok(size, &sz) ? region_at(vm, addr, sz) : NULL;
    if (!r || !(r->flags & VMR_SHARED))
        return rcInvalidArgument;
    region_remove(vm, r);
    return rcOk;
}

Retcode vm_protect(struct vmspace *vm, uint64_t addr, uint64_t size, uint32_t prot)
{
    uint64_t sz;
    struct vm_region *r = page_round_up_ok(size, &sz) ? region_at(vm, addr, sz) : NULL;
    if (!r || ((prot & VM_WRITE) && (prot & VM_EXEC)) || !(r->flags & VMR_OWNS_PAGES))
        return rcInvalidArgument;
    uint64_t attrs = pt_user_attrs(prot, 0);
    Retcode rc = rcOk;
    for (uint64_t va = r->start; va < r->start + r->size && !rc; va += PAGE_SIZE) {
        pte_t e = pt_lookup(vm->l1, va, NULL);
        if (pt_map(vm->l1, va, e & PTE_ADDR_MASK, PAGE_SIZE, attrs, 0))
            rc = rcInternalError;
    }
    if (!rc)
        r->prot = prot;
    /* Also after a failure: the pages changed so far must not keep their old
     * translations (in the cache or the TLB) with the old access. */
    tlb_flush(vm);
    arch_tlb_flush_asid(vm->asid);
    return rc;
}

Retcode vm_user_phys_walk(const struct vmspace *cvm, uint64_t va, bool write, uint64_t *pa)
{
    struct vmspace *vm = (struct vmspace *)cvm;     /* the cache is not part of the state */
    if (va >= USER_VA_END || !vm->l1)
        return rcInvalidArgument;
    pte_t e = pt_lookup(vm->l1, va, NULL);
    /* One test for a writable page (the usual IPC buffer), two for another. */
    uint64_t tag = ALIGN_DOWN(va, PAGE_SIZE) | VM_TLB_VALID | VM_TLB_WRITE;
    if (!pt_user_access_ok(e, true)) {
        if (write || !pt_user_access_ok(e, false))
            return rcInvalidArgument;
        tag &= ~VM_TLB_WRITE;
    }
    struct vm_tlb_set *set = &vm->tlb[(va / PAGE_SIZE) % VM_TLB_SETS];
    set->tag[1] = set->tag[0];                /* the older entry of the set leaves */
    set->pa[1] = set->pa[0];
    set->tag[0] = tag;
    set->pa[0] = e & PTE_ADDR_MASK;
    *pa = (e & PTE_ADDR_MASK) | (va & (PAGE_SIZE - 1));
    return rcOk;
}

Retcode vm_user_run(const struct vmspace *vm, uint64_t va, bool write, uint64_t max,
                    uint64_t *pa, uint64_t *run)
{
    uint64_t off = va & (PAGE_SIZE - 1);
    if (va >= USER_VA_END || !vm->l1 || max == 0)
        return rcInvalidArgument;
    const pte_t *e = pt_leaf_entry(vm->l1, va);
    if (!e) {                              /* a block or nothing: one page at a time */
        if (vm_user_phys_walk(vm, va, write, pa))
            return rcInvalidArgument;
        *run = MIN(max, PAGE_SIZE - off);
        return rcOk;
    }
    if (!pt_user_access_ok(*e, write))
        return rcInvalidArgument;
    uint64_t base = *e & PTE_ADDR_MASK, len = PAGE_SIZE - off;
    /* Entries left in this leaf table after e: a table is one page of entries. */
    uint64_t left = (PAGE_SIZE / sizeof(pte_t)) - 1 - ((va / PAGE_SIZE) % (PAGE_SIZE / sizeof(pte_t)));
    for (uint64_t i = 1; i <= left && len < max && va + len < USER_VA_END; i++) {
        pte_t n = e[i];
        if (!pt_user_access_ok(n, write) || (n & PTE_ADDR_MASK) != base + i * PAGE_SIZE)
            break;
        len += PAGE_SIZE;
    }
    *pa = base | off;
    *run = MIN(len, max);
    return rcOk;
}

/* Whether the translation the cache gave for va matches the page tables (debug
 * kernels: a stale entry after an unmap would let a copy reach a freed page). */
bool vm_translation_ok(const struct vmspace *vm, uint64_t va, bool write, uint64_t pa)
{
    if (!vm->l1)
        return false;
    pte_t e = pt_lookup(vm->l1, va, NULL);
    return pt_user_access_ok(e, write) && ((e & PTE_ADDR_MASK) | (va & (PAGE_SIZE - 1))) == pa;
}

/* Walks [uaddr, uaddr+n) page by page; fn copies between the kernel buffer and the page. */
static Retcode user_walk(const struct vmspace *vm, uint64_t uaddr, size_t n, bool write,
                         void *kbuf, bool to_user)
{
    if (!vm->l1 || !user_range_ok(uaddr, n))
        return rcInvalidArgument;
    char *k = kbuf;
    while (n) {
        uint64_t pa;
        if (vm_user_phys(vm, uaddr, write, &pa))
            return rcInvalidArgument;
        DEBUG_ASSERT(vm_translation_ok(vm, uaddr, write, pa));
        size_t chunk = MIN(n, PAGE_SIZE - (uaddr & (PAGE_SIZE - 1)));
        if (to_user)
            memcpy(phys_to_virt(pa), k, chunk);
        else
            memcpy(k, phys_to_virt(pa), chunk);
        k += chunk;
        uaddr += chunk;
        n -= chunk;
    }
    return rcOk;
}

Retcode vm_check_user_range(const struct vmspace *vm, uint64_t uaddr, size_t n, bool write)
{
    if (!vm->l1 || !user_range_ok(uaddr, n))
        return rcInvalidArgument;
    uint64_t end = uaddr + n, pa;         /* no wrap: checked just above */
    for (uint64_t va = ALIGN_DOWN(uaddr, PAGE_SIZE); va < end; va += PAGE_SIZE)
        if (vm_user_phys(vm, va, write, &pa))
            return rcInvalidArgument;
    return rcOk;
}

Retcode copy_from_user(const struct vmspace *vm, void *dst, uint64_t src, size_t n)
{
    return user_walk(vm, src, n, false, dst, false);
}

Retcode copy_to_user(const struct vmspace *vm, uint64_t dst, const void *src, size_t n)
{
    return user_walk(vm, dst, n, true, (void *)src, true);
}

Retcode copy_string_from_user(const struct vmspace *vm, char *dst, uint64_t src, size_t max)
{
    if (max == 0)
        return rcBufferTooLarge;          /* not even room for the NUL */
    for (size_t i = 0; i < max; i++) {
        uint64_t at;
        if (!range_end_ok(src, i, &at))
            return rcInvalidArgument;
        Retcode rc = copy_from_user(vm, &dst[i], at, 1);
        if (rc)
            return rc;
        if (dst[i] == '\0')
            return rcOk;
    }
    dst[max - 1] = '\0';
    return rcBufferTooLarge;
}
