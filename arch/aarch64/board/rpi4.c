/*
 * Raspberry Pi 4 (BCM2711). The console UART comes from the DTB; this file
 * routes GPIO14/15 to it (ALT0 = PL011, ALT5 = mini UART) and powers off
 * through the PM watchdog the way the firmware expects ("halt" partition
 * 63 in PM_RSTS, then a watchdog reset). Fallback console: mini UART.
 */
#include <arch/board.h>
#include <drivers/mmio.h>
#include <kernel/arch.h>
#include <kernel/fdt.h>

#define GPFSEL1          0x04
#define GPIO_PUP_PDN0    0xe4      /* BCM2711 pull control, 2 bits per pin */
#define FSEL_ALT0        4u
#define FSEL_ALT5        2u

#define PM_RSTC          0x1c
#define PM_RSTS          0x20
#define PM_WDOG          0x24
#define PM_PASSWORD      0x5a000000u
#define PM_RSTC_FULL_RESET 0x20u
#define PM_RSTS_HALT     0x555u    /* partition 63: firmware halts instead of booting */

static uint64_t node_addr(const struct fdt *fdt, const char *compat, uint64_t fallback)
{
    struct fdt_reg r;
    int n = fdt ? fdt_find_compatible(fdt, -1, compat) : -1;
    if (n >= 0 && fdt_get_reg(fdt, n, 0, &r) == 0)
        return r.addr;
    return fallback;
}

static void rpi4_console_pins(const struct fdt *fdt, enum uart_kind kind)
{
    volatile void *gpio = ioremap(node_addr(fdt, "brcm,bcm2711-gpio", 0xfe200000), 0x1000);
    if (!gpio || kind == UART_NONE)
        return;
    uint32_t fsel = kind == UART_PL011 ? FSEL_ALT0 : FSEL_ALT5;
    uint32_t v = mmio_read32(gpio, GPFSEL1);
    v &= ~((7u << 12) | (7u << 15));                    /* GPIO14, GPIO15 */
    v |= (fsel << 12) | (fsel << 15);
    mmio_write32(gpio, GPFSEL1, v);
    v = mmio_read32(gpio, GPIO_PUP_PDN0);
    v &= ~((3u << 28) | (3u << 30));
    v |= 1u << 30;                                       /* RX pulled up, TX none */
    mmio_write32(gpio, GPIO_PUP_PDN0, v);
}

static void rpi4_poweroff(const struct fdt *fdt)
{
    volatile void *pm = ioremap(node_addr(fdt, "brcm,bcm2835-pm-wdt", 0xfe100000), 0x1000);
    if (!pm)
        return;
    uint32_t rsts = mmio_read32(pm, PM_RSTS) & ~0xfffu;
    mmio_write32(pm, PM_RSTS, PM_PASSWORD | rsts | PM_RSTS_HALT);
    mmio_write32(pm, PM_WDOG, PM_PASSWORD | 10);
    mmio_write32(pm, PM_RSTC, PM_PASSWORD | (mmio_read32(pm, PM_RSTC) & ~0x30u) | PM_RSTC_FULL_RESET);
    for (int i = 0; i < 100000000; i++)
        __asm__ volatile("nop");
}

const struct board_desc board = {
    .name = "Raspberry Pi 4",
    .fallback_uart = UART_MINI,
    .fallback_uart_pa = 0xfe215040,
    .console_pins = rpi4_console_pins,
    .poweroff = rpi4_poweroff,
};
