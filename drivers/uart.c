/*
 * Console selection: the UART named by /chosen/stdout-path (or the serial0
 * alias) when the device tree is usable, otherwise the board's fallback, so
 * even a boot with a corrupt DTB can print why it stops.
 */
#include <drivers/uart.h>
#include <kernel/arch.h>
#include <kernel/fdt.h>
#include <kernel/printk.h>

static volatile void *uart_base;
static enum uart_kind uart_kind;
static uint64_t console_pa;

void uart_describe(void)
{
    printk("console: %s at %#llx\n", uart_kind == UART_PL011 ? "PL011" : "mini UART",
           (unsigned long long)console_pa);
}

void uart_putc(char c)
{
    if (uart_kind == UART_PL011)
        pl011_putc(uart_base, c);
    else if (uart_kind == UART_MINI)
        mini_uart_putc(uart_base, c);
}

int uart_getc(void)
{
    if (uart_kind == UART_PL011)
        return pl011_getc(uart_base);
    if (uart_kind == UART_MINI)
        return mini_uart_getc(uart_base);
    return -1;
}

static enum uart_kind kind_of(const struct fdt *fdt, int node)
{
    if (fdt_is_compatible(fdt, node, "arm,pl011"))
        return UART_PL011;
    if (fdt_is_compatible(fdt, node, "brcm,bcm2835-aux-uart"))
        return UART_MINI;
    return UART_NONE;
}

enum uart_kind uart_console_init(const struct fdt *fdt)
{
    enum uart_kind kind = UART_NONE;
    uint64_t pa = 0;
    if (fdt) {
        int node = fdt_stdout_node(fdt);
        struct fdt_reg reg;
        if (node >= 0 && fdt_get_reg(fdt, node, 0, &reg) == 0) {
            kind = kind_of(fdt, node);
            pa = reg.addr;
        }
    }
    if (kind == UART_NONE) {
        kind = board.fallback_uart;
        pa = board.fallback_uart_pa;
    }
    volatile void *base = ioremap(pa, 0x1000);
    if (!base)
        return UART_NONE;
    if (board.console_pins)
        board.console_pins(fdt, kind);
    if (kind == UART_PL011)
        pl011_init(base, false);
    uart_base = base;
    uart_kind = kind;
    console_register(uart_putc);
    console_pa = pa;
    return kind;
}
