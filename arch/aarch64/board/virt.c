/*
 * QEMU "virt" machine. Everything is read from the DTB QEMU generates; the
 * only hard-coded fact is the PL011 at 0x09000000 (hw/arm/virt.c), used to
 * report a missing or corrupt DTB. Power off is PSCI (cpu.c).
 */
#include <arch/board.h>

const struct board_desc board = {
    .name = "QEMU virt",
    .fallback_uart = UART_PL011,
    .fallback_uart_pa = 0x09000000,
};
