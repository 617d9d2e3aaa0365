/* Host stand-in for arch/mmu.h: "physical" addresses are host pointers. */
#ifndef HOST_ARCH_MMU_H
#define HOST_ARCH_MMU_H
#include <stdint.h>
#define PAGE_SHIFT 12
#define PAGE_SIZE (1UL << PAGE_SHIFT)
#define USER_VA_END (1UL << 39)
#define phys_to_virt(pa) ((void *)(uintptr_t)(pa))
#define virt_to_phys(va) ((uintptr_t)(va))
#endif
