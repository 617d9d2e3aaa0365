/*
 * Virtual memory layout and page-table format (4 KiB granule, 39-bit VA).
 *
 *   0xFFFF_FFFF_FFFF_FFFF +-----------------------------+
 *                         |  linear map of physical     |  TTBR1: kernel
 *                         |  memory: VA = PA + KVA_BASE |  (RAM normal,
 *                         |  (kernel image lives here)  |   MMIO device)
 *   0xFFFF_FF80_0000_0000 +-----------------------------+  KVA_BASE
 *                         |  (hole: faults)             |
 *   0x0000_0080_0000_0000 +-----------------------------+
 *                         |  user address space         |  TTBR0: per process
 *   0x0000_0000_0000_0000 +-----------------------------+
 *
 * Translation starts at level 1 (1 GiB per entry), then 2 MiB, then 4 KiB.
 */
#ifndef ARCH_MMU_H
#define ARCH_MMU_H

/* Constants shared with assembly and the linker script carry no C suffix there. */
#ifdef __ASSEMBLER__
#define _UL(x) x
#else
#define _UL(x) x##UL
#endif

#define VA_BITS          39
#define KVA_BASE         _UL(0xFFFFFF8000000000)
#define USER_VA_END      (_UL(1) << VA_BITS)

#define PAGE_SHIFT       12
#define PAGE_SIZE        (_UL(1) << PAGE_SHIFT)

/* Descriptor bits (ARM ARM D8.3). */
#define PTE_VALID        (_UL(1) << 0)
#define PTE_TABLE        (_UL(1) << 1)   /* at level 1/2: next-level table; at level 3: page */
#define PTE_PAGE         (_UL(1) << 1)
#define PTE_ATTR(i)      ((unsigned long)(i) << 2)
#define PTE_USER         (_UL(1) << 6)   /* AP[1]: EL0 access */
#define PTE_RDONLY       (_UL(1) << 7)   /* AP[2] */
#define PTE_SH_INNER     (_UL(3) << 8)
#define PTE_AF           (_UL(1) << 10)
#define PTE_NG           (_UL(1) << 11)  /* not global: tagged with the ASID */
#define PTE_PXN          (_UL(1) << 53)
#define PTE_UXN          (_UL(1) << 54)
#define PTE_ADDR_MASK    _UL(0x0000FFFFFFFFF000)

/* MAIR_EL1 slots. */
#define MT_DEVICE_nGnRnE 0
#define MT_DEVICE_nGnRE  1
#define MT_NORMAL        2
#define MT_NORMAL_NC     3
#define MAIR_VALUE       (_UL(0x00) | (_UL(0x04) << 8) | (_UL(0xFF) << 16) | (_UL(0x44) << 24))

/* TCR_EL1: 39-bit both halves, 4K granules, WBWA inner-shareable walks, 16-bit ASID. */
#define TCR_T0SZ         (64 - VA_BITS)
#define TCR_T1SZ         ((_UL(64) - VA_BITS) << 16)
#define TCR_WALK0        ((_UL(1) << 8) | (_UL(1) << 10) | (_UL(3) << 12))
#define TCR_WALK1        ((_UL(1) << 24) | (_UL(1) << 26) | (_UL(3) << 28))
#define TCR_TG1_4K       (_UL(2) << 30)
#define TCR_EPD0         (_UL(1) << 7)   /* no TTBR0 walks: set while no user space is active */
#define TCR_AS16         (_UL(1) << 36)
#define TCR_BASE         (TCR_T0SZ | TCR_T1SZ | TCR_WALK0 | TCR_WALK1 | TCR_TG1_4K | TCR_AS16)
/* IPS (bits 34:32) is filled from ID_AA64MMFR0_EL1.PARange at boot. */

/* Kernel mappings: block/page attributes. */
#define PROT_KERNEL_RAM  (PTE_AF | PTE_SH_INNER | PTE_ATTR(MT_NORMAL) | PTE_UXN)
#define PROT_KERNEL_DEV  (PTE_AF | PTE_ATTR(MT_DEVICE_nGnRE) | PTE_UXN | PTE_PXN)

#ifndef __ASSEMBLER__
#include <stdint.h>
#define phys_to_virt(pa) ((void *)((uintptr_t)(pa) + KVA_BASE))
#define virt_to_phys(va) ((uintptr_t)(va) - KVA_BASE)
#endif

#endif
