/*
 * MDL buffers: shared memory objects (docs/ABI.md, "kl.core.Mdl"). Owns
 * the page list of a buffer and its life: created from fresh pages or from
 * one allocation of the creator, mapped by vm_map_shared, freed when the
 * last handle and the last mapping are gone (kobject references). Also
 * windows: a buffer that names a range of a task's memory instead of pages,
 * which holders copy to and from (mdl_copy) but never map.
 */
#include <kernel/mdl.h>
#include <kernel/lib.h>
#include <kernel/pmm.h>
#include <kernel/slab.h>
#include <kernel/task.h>
#include <kernel/urange.h>
#include <arch/mmu.h>
#include <arch/page.h>
#include <uapi/handle.h>
#include <uapi/syscall.h>

static void mdl_destroy(struct kobject *o)
{
    struct mdl *m = container_of(o, struct mdl, obj);
    if (m->owner)
        kobject_put(&m->owner->obj);
    for (uint64_t i = 0; i < m->npages; i++)
        if (m->pages[i])
            pmm_free_page(m->pages[i]);
    if (m->payer) {
        vm_uncharge(&m->payer->vm, m->npages);
        kobject_put(&m->payer->obj);
    }
    if (m->pages)
        pmm_free_pages(virt_to_phys(m->pages), m->list_pages);
    kfree(m);
}

uint32_t mdl_rights(uint32_t prot)
{
    uint32_t r = RIGHT_TRANSFER | RIGHT_COPY | RIGHT_REVOKE | RIGHT_MEM_READ;
    if (prot & VM_WRITE)
        r |= RIGHT_MEM_WRITE;
    if (prot & VM_EXEC)
        r |= RIGHT_MEM_EXEC;
    return r;
}

/* The object and its (zeroed) page list for `size` bytes; nothing charged yet. */
static Retcode mdl_alloc(uint64_t size, uint32_t prot, struct mdl **out)
{
    uint64_t sz;
    if (prot & ~(VM_READ | VM_WRITE | VM_EXEC) || !(prot & VM_READ) ||
        ((prot & VM_WRITE) && (prot & VM_EXEC)))
        return rcInvalidArgument;          /* readable, and never W+X */
    if (size == 0 || !page_round_up_ok(size, &sz))
        return rcInvalidArgument;
    if (sz / PAGE_SIZE > MDL_MAX_PAGES)
        return rcBufferTooLarge;
    struct mdl *m = kmalloc(sizeof(*m));
    if (!m)
        return rcOutOfMemory;
    memset(m, 0, sizeof(*m));          /* no payer, no owner until set */
    m->npages = sz / PAGE_SIZE;
    m->size = sz;
    m->list_pages = ALIGN_UP(m->npages * sizeof(uint64_t), PAGE_SIZE) / PAGE_SIZE;
    paddr_t pa = pmm_alloc_pages(m->list_pages, 1);
    if (!pa) {
        kfree(m);
        return rcOutOfMemory;
    }
    m->pages = phys_to_virt(pa);
    memset(m->pages, 0, m->list_pages * PAGE_SIZE);
    m->max_prot = prot;
    kobject_init(&m->obj, KOBJ_MEMORY, mdl_destroy);
    *out = m;
    return rcOk;
}

static void set_payer(struct mdl *m, struct task *t)
{
    kobject_get(&t->obj);
    m->payer = t;
}

Retcode mdl_create(struct task *t, uint64_t size, uint32_t prot, struct mdl **out)
{
    struct mdl *m;
    Retcode rc = mdl_alloc(size, prot, &m);
    if (rc)
        return rc;
    if (m->npages > pmm_free_count() || vm_charge(&t->vm, m->npages)) {
        kobject_put(&m->obj);
        return rcOutOfMemory;
    }
    set_payer(m, t);
    for (uint64_t i = 0; i < m->npages; i++) {
        paddr_t pa = pmm_alloc_page();
        if (!pa) {
            kobject_put(&m->obj);          /* frees the pages taken so far, uncharges */
            return rcOutOfMemory;
        }
        arch_zero_pages(phys_to_virt(pa), 1);
        m->pages[i] = pa;
    }
    *out = m;
    return rcOk;
}

Retcode mdl_create_from_vm(struct task *t, uint64_t addr, uint64_t size, uint32_t prot,
                           struct mdl **out)
{
    struct mdl *m;
    Retcode rc = mdl_alloc(size, prot, &m);
    if (rc)
        return rc;
    if ((rc = vm_share_region(&t->vm, addr, size, m->pages, m->npages, &m->obj, prot))) {
        kobject_put(&m->obj);
        return rc;
    }
    /* The region's pages were charged to t already: that charge is the buffer's now. */
    set_payer(m, t);
    *out = m;
    return rcOk;
}

Retcode mdl_create_window(struct task *t, uint64_t addr, uint64_t size, uint32_t prot,
                          struct mdl **out)
{
    if (!prot || prot & ~(VM_READ | VM_WRITE))
        return rcInvalidArgument;
    if (size == 0 || !user_range_ok(addr, size))
        return rcInvalidArgument;
    if (size > MDL_WINDOW_MAX)
        return rcBufferTooLarge;
    struct mdl *m = kmalloc(sizeof(*m));
    if (!m)
        return rcOutOfMemory;
    memset(m, 0, sizeof(*m));
    kobject_init(&m->obj, KOBJ_MEMORY, mdl_destroy);
    kobject_get(&t->obj);
    m->owner = t;
    m->uaddr = addr;
    m->size = size;
    m->max_prot = prot;
    *out = m;
    return rcOk;
}

/* Physical address of byte `off` (< m->size) of m, for reading or writing it, and how
 * many bytes from there on, at most max, are physically contiguous (*run): a page
 * list's by its pages, a window's through its task's page tables as they are now. */
static Retcode mdl_run(const struct mdl *m, uint64_t off, bool write, uint64_t max,
                       uint64_t *pa, uint64_t *run)
{
    if (!m->owner) {
        uint64_t i = off / PAGE_SIZE, len = PAGE_SIZE - (off & (PAGE_SIZE - 1));
        while (len < max && i + 1 < m->npages && m->pages[i + 1] == m->pages[i] + PAGE_SIZE) {
            len += PAGE_SIZE;
            i++;
        }
        *pa = m->pages[off / PAGE_SIZE] | (off & (PAGE_SIZE - 1));
        *run = MIN(len, max);
        return rcOk;
    }
    if (!m->owner->vm.l1)
        return rcNotConnected;             /* the task has ended: its space is gone */
    return vm_user_run(&m->owner->vm, m->uaddr + off, write, max, pa, run)
               ? (write ? rcTargetFault : rcSourceFault)
               : rcOk;
}

/* One segment: [addr, addr+len) of t and [off, off+len) of m, in pieces that are
 * physically contiguous on both sides: one table walk per side and one memmove per
 * piece (a piece spans many pages when the pages behind it are contiguous). */
static Retcode copy_segment(struct mdl *m, struct task *t, uint64_t off, uint64_t addr,
                            uint64_t len, bool to_mdl, uint64_t *done)
{
    uint64_t mpa = 0, mrun = 0, upa = 0, urun = 0;
    while (len) {
        if (!mrun) {
            Retcode rc = mdl_run(m, off, to_mdl, len, &mpa, &mrun);
            if (rc)
                return rc;
        }
        if (!urun && vm_user_run(&t->vm, addr, !to_mdl, len, &upa, &urun))
            return to_mdl ? rcSourceFault : rcTargetFault;
        uint64_t n = MIN(len, MIN(mrun, urun));
        /* memmove: a window may name memory that is also mapped into t (an MDL both
         * map): the bytes are then the sender's business, never the kernel's. */
        if (to_mdl)
            memmove(phys_to_virt(mpa), phys_to_virt(upa), n);
        else
            memmove(phys_to_virt(upa), phys_to_virt(mpa), n);
        /* The longer run goes on where the shorter ended: no second walk for it. */
        mpa += n;
        upa += n;
        mrun -= n;
        urun -= n;
        off += n;
        addr += n;
        len -= n;
        *done += n;
    }
    return rcOk;
}

Retcode mdl_copy(struct mdl *m, uint32_t rights, struct task *t, uint64_t offset, uint64_t iov,
                 uint32_t niov, bool to_mdl, uint64_t *done)
{
    *done = 0;
    if (!(rights & (to_mdl ? RIGHT_MEM_WRITE : RIGHT_MEM_READ)) ||
        !(m->max_prot & (to_mdl ? VM_WRITE : VM_READ)))
        return rcNoCapability;
    if (niov > MDL_IOV_MAX)
        return rcBufferTooLarge;
    if (offset > m->size)
        return rcInvalidArgument;
    uint64_t room = m->size - offset;      /* bytes left in m: no sum formed, none wraps */
    struct { uint64_t addr, len; } seg[32];
    /* Safe to keep translations across a segment: the big kernel lock holds off
     * every unmap of either space until the call returns. */
    for (uint32_t i = 0; i < niov; i += 32) {
        uint32_t k = MIN(niov - i, 32u);
        if (copy_from_user(&t->vm, seg, iov + (uint64_t)i * sizeof(seg[0]), k * sizeof(seg[0])))
            return rcInvalidArgument;      /* the array itself is not readable */
        for (uint32_t j = 0; j < k; j++) {
            if (seg[j].len > room || !user_range_ok(seg[j].addr, seg[j].len))
                return rcInvalidArgument;
            Retcode rc = copy_segment(m, t, m->size - room, seg[j].addr, seg[j].len,
                                      to_mdl, done);
            if (rc)
                return rc;
            room -= seg[j].len;
        }
    }
    return rcOk;
}

/* vm_alloc_fill's source: bytes of m from `base` on, in physically contiguous runs. */
struct fill_src {
    struct mdl *m;
    uint64_t base;
};

static Retcode fill_from_mdl(void *ctx, void *kva, uint64_t off, uint64_t len)
{
    const struct fill_src *src = ctx;
    uint8_t *to = kva;
    off += src->base;
    while (len) {
        uint64_t pa, run;
        Retcode rc = mdl_run(src->m, off, false, len, &pa, &run);
        if (rc)
            return rc;
        memcpy(to, phys_to_virt(pa), run);   /* to: fresh pages nobody maps yet */
        to += run;
        off += run;
        len -= run;
    }
    return rcOk;
}

Retcode mdl_read_new(struct mdl *m, uint32_t rights, struct task *t, uint64_t offset,
                     uint64_t size, uint64_t *addr)
{
    if (!(rights & RIGHT_MEM_READ) || !(m->max_prot & VM_READ))
        return rcNoCapability;
    if (size == 0 || offset > m->size || size > m->size - offset)   /* no sum: no wrap */
        return rcInvalidArgument;
    struct fill_src src = { m, offset };
    return vm_alloc_fill(&t->vm, addr, size, fill_from_mdl, &src);
}

Retcode mdl_map(struct mdl *m, uint32_t rights, struct task *t, uint64_t offset, uint64_t length,
                uint64_t *addr, uint32_t prot, bool fixed)
{
    if (prot & ~(VM_READ | VM_WRITE | VM_EXEC) || !(prot & VM_READ) ||
        ((prot & VM_WRITE) && (prot & VM_EXEC)))
        return rcInvalidArgument;
    if (m->owner)
        return rcInvalidOperation;         /* a window has no pages to map */
    if ((offset | length) & (PAGE_SIZE - 1) || length == 0)
        return rcInvalidArgument;
    uint64_t size = m->npages * PAGE_SIZE;
    if (offset > size || length > size - offset)   /* no sum formed: cannot wrap */
        return rcInvalidArgument;
    if (((prot & VM_READ) && !(rights & RIGHT_MEM_READ)) ||
        ((prot & VM_WRITE) && !(rights & RIGHT_MEM_WRITE)) ||
        ((prot & VM_EXEC) && !(rights & RIGHT_MEM_EXEC)))
        return rcNoCapability;
    return vm_map_shared(&t->vm, addr, &m->pages[offset / PAGE_SIZE], length / PAGE_SIZE, prot,
                         fixed, &m->obj);
}
