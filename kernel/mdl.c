/*
 * MDL buffers: shared memory objects (docs/ABI.md, "kl.core.Mdl"). Owns
 * the page list of a buffer and its life: created from fresh pages or from
 * one allocation of the creator, mapped by vm_map_shared, freed when the
 * last handle and the last mapping are gone (kobject references).
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
    m->npages = sz / PAGE_SIZE;
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

Retcode mdl_map(struct mdl *m, uint32_t rights, struct task *t, uint64_t offset, uint64_t length,
                uint64_t *addr, uint32_t prot, bool fixed)
{
    if (prot & ~(VM_READ | VM_WRITE | VM_EXEC) || !(prot & VM_READ) ||
        ((prot & VM_WRITE) && (prot & VM_EXEC)))
        return rcInvalidArgument;
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
