/*
 * Per-board description: the facts the device tree cannot give before it is
 * read (a fallback console when the DTB is absent or corrupt) and the hooks
 * where a board differs. One board file is linked per PLATFORM.
 */
#ifndef ARCH_BOARD_H
#define ARCH_BOARD_H

#include <stdint.h>

struct fdt;

enum uart_kind { UART_NONE, UART_PL011, UART_MINI };

struct board_desc {
    const char *name;
    enum uart_kind fallback_uart;     /* console used when the DTB is unusable */
    uint64_t fallback_uart_pa;
    /* Route the console UART's pins (GPIO alternate functions); may be NULL. */
    void (*console_pins)(const struct fdt *fdt, enum uart_kind kind);
    /* Power off without PSCI; may be NULL (then the core halts). */
    void (*poweroff)(const struct fdt *fdt);
};

extern const struct board_desc board;

#endif
