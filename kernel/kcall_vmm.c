/* Kernel endpoint kl.core.Vmm: allocate and free user memory, report its usage. */
#include <kernel/kcall.h>
#include <kernel/task.h>
#include <uapi/syscall.h>

static Retcode op_allocate(void *ctx, uint64_t hint, uint64_t size, uint32_t prot, uint32_t flags,
                           uint64_t *addr)
{
    (void)ctx;
    if (flags & ~VM_FIXED)
        return rcInvalidArgument;
    *addr = hint;
    return vm_alloc(&current_task()->vm, addr, size, prot, flags & VM_FIXED);
}

static Retcode op_free(void *ctx, uint64_t addr, uint64_t size)
{
    (void)ctx;
    return vm_free(&current_task()->vm, addr, size);
}

static Retcode op_usage(void *ctx, uint64_t *pages, uint64_t *limit)
{
    (void)ctx;
    *pages = current_task()->vm.pages;
    *limit = current_task()->vm.limit;
    return rcOk;
}

const struct kl_core_Vmm_ops kcall_vmm_ops = {
    .Allocate = op_allocate, .Free = op_free, .Usage = op_usage,
};
