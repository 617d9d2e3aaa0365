/*
 * Kernel link map. Preprocessed with -DKERNEL_PHYS=<load address> per
 * platform (Makefile): the image runs in the upper half at
 * KVA_BASE + KERNEL_PHYS, where the linear map puts its physical copy.
 * Text and read-only data are page-aligned apart from data so the final
 * kernel map can make text RX and data NX.
 */
#include <arch/mmu.h>

OUTPUT_FORMAT("elf64-littleaarch64")
OUTPUT_ARCH(aarch64)
/* ELF entry is physical: loaders that honour it jump there with the MMU off. */
ENTRY(_head_phys)

SECTIONS
{
    . = KVA_BASE + KERNEL_PHYS;
    _start = .;
    .text : AT(KERNEL_PHYS) {
        KEEP(*(.text.head))
        *(.text.vectors)
        *(.text .text.*)
    }
    . = ALIGN(PAGE_SIZE);
    _etext = .;
    .rodata : { *(.rodata .rodata.*) }
    .bootimage : ALIGN(16) {
        __bootimage_start = .;
        KEEP(*(.bootimage))
        __bootimage_end = .;
    }
    . = ALIGN(PAGE_SIZE);
    _erodata = .;
    .data : { *(.data .data.*) }
    . = ALIGN(16);
    __bss_start = .;
    .bss (NOLOAD) : {
        *(.bss.pgtable)
        *(.bss.stack)
        *(.bss .bss.* COMMON)
    }
    . = ALIGN(16);
    __bss_end = .;
    . = ALIGN(PAGE_SIZE);
    _end = .;
    _kernel_image_size = _end - _start;
    _head_phys = _head - KVA_BASE;

    /DISCARD/ : { *(.comment) *(.note*) *(.eh_frame*) }
}
