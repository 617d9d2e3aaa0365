/*
 * arch_zero_pages: zero whole pages with DC ZVA, which clears one block
 * (DCZID_EL0.BS: 64 bytes on the Cortex-A72) per instruction, four times
 * fewer instructions than the best store loop. Every page a task is given
 * is zeroed first, so this sets the cost of VmAllocate, process start and
 * a RAM fs that grows (docs/PERFORMANCE.md). Where DC ZVA is prohibited
 * (DCZID_EL0.DZP) it falls back to memset.
 */
#include <arch/asm.h>
#include <arch/mmu.h>

/* void arch_zero_pages(void *va x0, uint64_t npages x1): va page-aligned,
 * Normal memory (DC ZVA faults on device memory). */
FUNC(arch_zero_pages)
    cbz     x1, 2f
    mrs     x2, dczid_el0
    tbnz    x2, #4, 3f              /* DZP: DC ZVA prohibited */
    and     x2, x2, #0xf
    mov     x3, #4
    lsl     x3, x3, x2              /* block size in bytes: 4 << BS (<= 2 KiB) */
    add     x1, x0, x1, lsl #PAGE_SHIFT   /* end */
    /* Sixteen blocks a round (1 KiB with 64-byte blocks): DC ZVA takes no offset, so a
     * block costs its DC ZVA and one add at best; the round's compare and branch are
     * spread over 16 blocks (~136 instructions a 4 KiB page instead of ~160 with four).
     * A page is a whole number of rounds while 16 blocks fit in it (blocks up
     * to 256 bytes: every core that exists); otherwise one block a round. */
    cmp     x3, #(PAGE_SIZE / 16)
    b.hi    4f
1:
    .rept 16
    dc      zva, x0
    add     x0, x0, x3
    .endr
    cmp     x0, x1
    b.lo    1b
2:  ret
4:  dc      zva, x0
    add     x0, x0, x3
    cmp     x0, x1
    b.lo    4b
    ret
3:  lsl     x2, x1, #PAGE_SHIFT     /* memset(va, 0, npages * PAGE_SIZE) */
    mov     w1, #0
    b       memset
END(arch_zero_pages)
