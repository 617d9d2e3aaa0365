/* Kernel endpoint kl.core.Mdl: MDL buffers (shared memory), kernel/mdl.c. */
#include <kernel/kcall.h>
#include <kernel/handle.h>
#include <kernel/mdl.h>
#include <kernel/task.h>
#include <uapi/syscall.h>

/* Gives the caller a handle to a new buffer (the handle holds it, or nothing does). */
static Retcode install(struct mdl *m, uint32_t prot, uint32_t *out)
{
    Retcode rc = handle_install(&current_task()->handles, &m->obj, mdl_rights(prot), NULL, out);
    kobject_put(&m->obj);
    return rc;
}

static Retcode op_create(void *ctx, uint64_t size, uint32_t prot, uint32_t *out)
{
    (void)ctx;
    struct mdl *m;
    Retcode rc = mdl_create(current_task(), size, prot, &m);
    return rc ? rc : install(m, prot, out);
}

static Retcode op_create_from_vm(void *ctx, uint64_t addr, uint64_t size, uint32_t prot,
                                 uint32_t *out)
{
    (void)ctx;
    struct mdl *m;
    Retcode rc = mdl_create_from_vm(current_task(), addr, size, prot, &m);
    return rc ? rc : install(m, prot, out);
}

static Retcode lookup(uint32_t h, struct cap **c)
{
    return handle_lookup(&current_task()->handles, h, KOBJ_MEMORY, 0, c);
}

static Retcode op_get_size(void *ctx, uint32_t h, uint64_t *size)
{
    (void)ctx;
    struct cap *c;
    Retcode rc = lookup(h, &c);
    if (rc)
        return rc;
    *size = container_of(c->obj, struct mdl, obj)->npages * PAGE_SIZE;
    return rcOk;
}

static Retcode op_map(void *ctx, uint32_t h, uint64_t offset, uint64_t length, uint64_t hint,
                      uint32_t prot, uint32_t flags, uint64_t *addr)
{
    (void)ctx;
    struct cap *c;
    if (flags & ~VM_FIXED)
        return rcInvalidArgument;
    Retcode rc = lookup(h, &c);
    if (rc)
        return rc;
    *addr = hint;
    return mdl_map(container_of(c->obj, struct mdl, obj), c->rights, current_task(), offset,
                   length, addr, prot, flags & VM_FIXED);
}

static Retcode op_unmap(void *ctx, uint64_t addr, uint64_t size)
{
    (void)ctx;
    return vm_unmap_shared(&current_task()->vm, addr, size);
}

const struct kl_core_Mdl_ops kcall_mdl_ops = {
    .Create = op_create, .CreateFromVm = op_create_from_vm, .GetSize = op_get_size,
    .Map = op_map, .Unmap = op_unmap,
};
