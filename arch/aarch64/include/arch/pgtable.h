/*
 * Page-table construction shared by the kernel map and user address spaces.
 */
#ifndef ARCH_PGTABLE_H
#define ARCH_PGTABLE_H

#include <stdint.h>
#include <stddef.h>
#include <stdbool.h>
#include <arch/mmu.h>

typedef uint64_t pte_t;

#define MAP_BLOCKS      (1u << 0)   /* may use 1 GiB / 2 MiB blocks */
#define MAP_NO_REPLACE  (1u << 1)   /* keep existing leaf entries */

/* Maps [va, va+size) -> pa with descriptor attributes; 0 or a negative error. */
int pt_map(pte_t *l1, uint64_t va, uint64_t pa, uint64_t size, uint64_t attrs, unsigned flags);
/* Returns the leaf entry for va (0 when unmapped); *level gets 1..3. */
pte_t pt_lookup(const pte_t *l1, uint64_t va, int *level);
/* The level-3 entry for va inside its table (the entries after it, up to the table's
 * end, are the following pages), or NULL when no level-3 table covers va. */
const pte_t *pt_leaf_entry(const pte_t *l1, uint64_t va);


#endif

/* User address spaces (arch/aarch64/mmu.c). */
pte_t *pt_alloc_root(void);
/* Frees the table pages of a tree (not the leaf pages it maps). */
void pt_free_tree(pte_t *l1);
/* Clears leaf entries in [va, va+size); calls fn(pa) for each mapped page; frees the
 * tables that leaves empty (not the root). */
void pt_unmap(pte_t *l1, uint64_t va, uint64_t size, void (*fn)(uint64_t pa));
/* Descriptor attributes for a user mapping with VM_READ/VM_WRITE/VM_EXEC. */
uint64_t pt_user_attrs(uint32_t prot, int device);
/* True when the leaf entry is normal memory EL0 may access (write access if `write`). */
int pt_user_access_ok(pte_t e, int write);
/* Installs the address space for EL0 (l1 NULL: none), synchronised at once. */
void arch_switch_user_space(const pte_t *l1, uint16_t asid);
/* What the MMU is given for the user space (l1, asid): TTBR0's value. Kept
 * with the space (struct vmspace's `root`), so a switch loads one word. */
static inline uint64_t arch_user_space_root(const pte_t *l1, uint16_t asid)
{
    return (uint64_t)virt_to_phys(l1) | (uint64_t)asid << 48;
}
/*
 * Installs a root from arch_user_space_root: inline, it is on every context
 * switch between tasks. TTBR0 walks are enabled from boot
 * (mmu_init_kernel_map). No ISB: the kernel never reaches user memory
 * through TTBR0 (kernel/vm.c goes through the linear map), and EL0 is
 * entered only by an eret, which synchronises the write.
 */
static inline void arch_set_user_space(uint64_t root)
{
    __asm__ volatile("msr ttbr0_el1, %0" :: "r"(root) : "memory");
}
/* Drops the TLB entries of an ASID on every core. */
void arch_tlb_flush_asid(uint16_t asid);
