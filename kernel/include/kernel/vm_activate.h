/*
 * vm_activate: making an address space the user space of this core (TTBR0
 * with its ASID). Inline because it is on every context switch between tasks
 * (kernel/sched.c, its only user); a header of its own because it needs the
 * per-core data (kernel/smp.h), which vm.h's other users (the host-built ELF
 * loader and its fuzzer among them) must not pull in.
 */
#ifndef KERNEL_VM_ACTIVATE_H
#define KERNEL_VM_ACTIVATE_H

#include <kernel/smp.h>
#include <kernel/vm.h>

/* Makes vm the user space of core c, the caller's. */
static inline void vm_activate_on(struct cpu *c, const struct vmspace *vm)
{
    DEBUG_ASSERT(vm->l1 && vm->asid && c == this_cpu());   /* a live user space */
    c->user_vm = vm;                      /* vm.c: active_vm */
    arch_set_user_space(vm->root);
}

static inline void vm_activate(const struct vmspace *vm)
{
    vm_activate_on(this_cpu(), vm);
}

#endif
