/*
 * Kernel entry: from the boot loader to kmain() at EL1 with the MMU on.
 *
 * Entry contract (Linux arm64 boot protocol, as QEMU's -kernel and the
 * Raspberry Pi firmware both follow it):
 *   x0       physical address of the device tree blob (0 or garbage is
 *            tolerated: kmain() reports it)
 *   x1..x3   0 (ignored)
 *   EL       EL2 (Pi 4 firmware, QEMU virtualization=on) or EL1 (QEMU virt)
 *   MMU      off, D-cache off; the image is loaded at its link address
 *            (KERNEL_PHYS, see ld/kernel.ld.S) and cleaned to PoC
 *   cores    normally only the primary enters; any other core that does
 *            (aff != 0) is parked in a wfe loop here.
 *
 * Owns: the arm64 Image header, the EL2->EL1 drop, the early page tables
 * (one 1 GiB block for the kernel and one for the DTB, identity in TTBR0 and
 * linear in TTBR1) and the jump to the upper half. Nothing here may touch
 * memory outside the image before the MMU is on.
 */
#include <arch/asm.h>
#include <arch/mmu.h>
#include <asm-offsets.h>

#define SCTLR_EL1_RES1   ((3 << 28) | (3 << 22) | (1 << 20) | (1 << 11))
#define SCTLR_M          (1 << 0)
#define SCTLR_C          (1 << 2)
#define SCTLR_SA         (1 << 3)
#define SCTLR_SA0        (1 << 4)
#define SCTLR_I          (1 << 12)
#define HCR_RW           (1 << 31)
#define SPSR_EL1H_MASKED 0x3c5

#define BLOCK_NORMAL     (PTE_VALID | PTE_AF | PTE_SH_INNER | (MT_NORMAL << 2))

/*
 * With MAIR, TCR and both TTBRs set: drop stale translations of this core,
 * then turn on the MMU and the caches. Clobbers x1, x2.
 */
.macro MMU_ON
    tlbi    vmalle1
    dsb     nsh
    isb
    mrs     x1, sctlr_el1
    ldr     x2, =(SCTLR_M | SCTLR_C | SCTLR_SA | SCTLR_SA0 | SCTLR_I)
    orr     x1, x1, x2
    msr     sctlr_el1, x1
    isb
.endm

/*
 * From EL2 (Pi 4 firmware, QEMU with virtualization=on) to EL1 at `target`:
 * EL1 is AArch64, the timer counters are EL1's, no traps, the GICv3 system
 * registers usable at EL1. At EL1 already: just continue at `target`.
 * Clobbers x1, x2.
 */
.macro DROP_TO_EL1 target
    mrs     x1, CurrentEL
    lsr     x1, x1, #2
    cmp     x1, #2
    b.ne    \target
    mov     x1, #HCR_RW
    msr     hcr_el2, x1
    mrs     x1, cnthctl_el2
    orr     x1, x1, #3                    /* EL1PCTEN | EL1PCEN */
    msr     cnthctl_el2, x1
    msr     cntvoff_el2, xzr
    mov     x1, #0x33ff                   /* CPTR_EL2: RES1 bits, no FP/SIMD trap */
    msr     cptr_el2, x1
    msr     hstr_el2, xzr
    mrs     x1, id_aa64pfr0_el1           /* GICv3 system registers present? */
    ubfx    x1, x1, #24, #4
    cbz     x1, 1f
    mrs     x1, S3_4_C12_C9_5             /* ICC_SRE_EL2 */
    mov     x2, #0x9                      /* SRE | Enable (EL1 may use ICC_*) */
    orr     x1, x1, x2
    msr     S3_4_C12_C9_5, x1
    isb
1:  ldr     x1, =SCTLR_EL1_RES1
    msr     sctlr_el1, x1
    mov     x1, #SPSR_EL1H_MASKED
    msr     spsr_el2, x1
    adr     x1, \target
    msr     elr_el2, x1
    eret
.endm

    .section .text.head, "ax"
FUNC(_head)
    b       primary_entry                 /* code0 */
    .long   0                             /* code1 */
    .quad   0x80000                       /* text_offset: load at RAM base + 512 KiB */
    .quad   _kernel_image_size            /* image_size, from the linker script */
    .quad   0x2                           /* flags: little endian, 4 KiB pages */
    .quad   0, 0, 0                       /* res2..res4 */
    .ascii  "ARM\x64"                     /* magic */
    .long   0                             /* res5 */
END(_head)

FUNC(primary_entry)
    mov     x19, x0                       /* keep the DTB address */
    mrs     x1, mpidr_el1
    mov     x2, #0xffffff
    and     x1, x1, x2                    /* Aff2.Aff1.Aff0 */
    cbnz    x1, park_secondary

    DROP_TO_EL1 at_el1

at_el1:
    msr     daifset, #0xf
    ldr     x1, =SCTLR_EL1_RES1           /* MMU and caches off, known state */
    msr     sctlr_el1, x1
    isb
    mov     x1, #(3 << 20)                /* CPACR_EL1.FPEN: no FP/SIMD traps */
    msr     cpacr_el1, x1

    adrp    x1, boot_stack_top            /* physical while the MMU is off */
    add     x1, x1, :lo12:boot_stack_top
    mov     sp, x1

    /* Clear BSS (the early page tables live there). */
    adrp    x1, __bss_start
    add     x1, x1, :lo12:__bss_start
    adrp    x2, __bss_end
    add     x2, x2, :lo12:__bss_end
2:  cmp     x1, x2
    b.hs    3f
    stp     xzr, xzr, [x1], #16
    b       2b
3:
    /* Early tables: the GiB holding the kernel and the GiB holding the DTB. */
    adrp    x20, early_l1_low
    adrp    x21, early_l1_high
    adr     x0, _head
    bl      early_map_gib
    mov     x0, x19
    lsr     x1, x0, #VA_BITS
    cbnz    x1, 4f                        /* DTB pointer beyond 512 GiB: ignore */
    bl      early_map_gib
4:
    /* Drop any stale cache lines over the image (page tables, stack, bss). */
    adrp    x0, _head
    adrp    x1, _end
    add     x1, x1, :lo12:_end
    mrs     x2, ctr_el0
    ubfx    x2, x2, #16, #4               /* DminLine: log2(words) */
    mov     x3, #4
    lsl     x3, x3, x2
5:  dc      ivac, x0
    add     x0, x0, x3
    cmp     x0, x1
    b.lo    5b
    dsb     sy

    ldr     x1, =MAIR_VALUE
    msr     mair_el1, x1
    ldr     x1, =TCR_BASE
    mrs     x2, id_aa64mmfr0_el1
    and     x2, x2, #7                    /* PARange -> TCR.IPS */
    bfi     x1, x2, #32, #3
    msr     tcr_el1, x1
    msr     ttbr0_el1, x20
    msr     ttbr1_el1, x21
    isb
    MMU_ON

    ldr     x1, =upper_half                /* absolute: the linked (high) address */
    br      x1
upper_half:
    ldr     x1, =boot_stack_top
    mov     sp, x1
    ldr     x1, =arm64_exception_vectors
    msr     vbar_el1, x1
    ldr     x1, =cpus                     /* this core's data block: cpus[0] */
    msr     tpidr_el1, x1
    isb
    mov     x0, x19
    bl      kmain
6:  wfi
    b       6b
END(primary_entry)


/*
 * A secondary core, started by arch_cpu_start (PSCI CPU_ON or a spin-table
 * release) at this physical address with the MMU off, at EL2 or EL1.
 * secondary_boot (filled and cleaned to PoC by the boot core, which starts
 * one core at a time) gives the kernel's TTBR1, the TCR, the stack and the
 * struct cpu. The identity map of boot.S (early_l1_low) still covers the
 * image for the instruction that turns the MMU on.
 */
FUNC(secondary_entry)
    msr     daifset, #0xf
    DROP_TO_EL1 secondary_el1
secondary_el1:
    msr     daifset, #0xf
    ldr     x1, =SCTLR_EL1_RES1
    msr     sctlr_el1, x1
    isb
    mov     x1, #(3 << 20)                /* CPACR_EL1.FPEN: no FP/SIMD traps */
    msr     cpacr_el1, x1
    adrp    x0, secondary_boot            /* physical while the MMU is off */
    add     x0, x0, :lo12:secondary_boot
    ldr     x1, =MAIR_VALUE
    msr     mair_el1, x1
    ldr     x1, [x0, #SB_TCR]
    msr     tcr_el1, x1
    adrp    x1, early_l1_low
    msr     ttbr0_el1, x1
    ldr     x1, [x0, #SB_TTBR1]
    msr     ttbr1_el1, x1
    isb
    MMU_ON
    ldr     x1, =secondary_upper
    br      x1
secondary_upper:
    ldr     x0, =secondary_boot
    ldr     x1, [x0, #SB_STACK]
    mov     sp, x1
    ldr     x1, =arm64_exception_vectors
    msr     vbar_el1, x1
    ldr     x0, [x0, #SB_CPU]
    msr     tpidr_el1, x0
    isb
    bl      secondary_main
7:  wfi
    b       7b
END(secondary_entry)

/* x0 = physical address: map its 1 GiB block identity (x20) and linear (x21). */
LOCAL_FUNC(early_map_gib)
    lsr     x1, x0, #30
    lsl     x2, x1, #30
    ldr     x3, =BLOCK_NORMAL
    orr     x2, x2, x3
    str     x2, [x20, x1, lsl #3]
    str     x2, [x21, x1, lsl #3]
    ret
END(early_map_gib)

LOCAL_FUNC(park_secondary)
    wfe
    b       park_secondary
END(park_secondary)

    .section .bss.pgtable, "aw", %nobits
    .balign PAGE_SIZE
    .globl early_l1_low, early_l1_high
early_l1_low:   .space PAGE_SIZE
early_l1_high:  .space PAGE_SIZE

    .section .bss.stack, "aw", %nobits
    .balign 16
boot_stack:     .space 16384
    .globl boot_stack_top
boot_stack_top:
