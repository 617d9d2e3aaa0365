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

static Retcode op_create_window(void *ctx, uint64_t addr, uint64_t size, uint32_t prot,
                                uint32_t *out)
{
    (void)ctx;
    struct mdl *m;
    Retcode rc = mdl_create_window(current_task(), addr, size, prot, &m);
    if (rc)
        return rc;
    /* Copy rights only: a window is never mapped, so no RIGHT_MEM_EXEC, and no read
     * right unless asked for (a read() hands the server a write-only window). */
    uint32_t rights = RIGHT_TRANSFER | RIGHT_COPY | RIGHT_REVOKE |
                      ((prot & VM_READ) ? RIGHT_MEM_READ : 0) |
                      ((prot & VM_WRITE) ? RIGHT_MEM_WRITE : 0);
    rc = handle_install(&current_task()->handles, &m->obj, rights, NULL, out);
    kobject_put(&m->obj);
    return rc;
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
    *size = container_of(c->obj, struct mdl, obj)->size;
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

static Retcode copy(uint32_t h, uint64_t offset, uint64_t iov, uint32_t niov, bool to_mdl,
                    uint64_t *done)
{
    struct cap *c;
    Retcode rc = lookup(h, &c);
    if (rc)
        return rc;
    return mdl_copy(container_of(c->obj, struct mdl, obj), c->rights, current_task(), offset,
                    iov, niov, to_mdl, done);
}

static Retcode op_read(void *ctx, uint32_t h, uint64_t offset, uint64_t iov, uint32_t niov,
                       uint64_t *done)
{
    (void)ctx;
    return copy(h, offset, iov, niov, false, done);
}

static Retcode op_write(void *ctx, uint32_t h, uint64_t offset, uint64_t iov, uint32_t niov,
                        uint64_t *done)
{
    (void)ctx;
    return copy(h, offset, iov, niov, true, done);
}

static Retcode op_read_new(void *ctx, uint32_t h, uint64_t offset, uint64_t size, uint64_t hint,
                           uint64_t *addr)
{
    (void)ctx;
    struct cap *c;
    *addr = hint;
    Retcode rc = lookup(h, &c);
    if (rc)
        return rc;
    return mdl_read_new(container_of(c->obj, struct mdl, obj), c->rights, current_task(), offset,
                        size, addr);
}

static Retcode op_unmap(void *ctx, uint64_t addr, uint64_t size)
{
    (void)ctx;
    return vm_unmap_shared(&current_task()->vm, addr, size);
}

const struct kl_core_Mdl_ops kcall_mdl_ops = {
    .Create = op_create, .CreateFromVm = op_create_from_vm, .GetSize = op_get_size,
    .Map = op_map, .Unmap = op_unmap, .CreateWindow = op_create_window, .Read = op_read,
    .Write = op_write, .ReadNew = op_read_new,
};
