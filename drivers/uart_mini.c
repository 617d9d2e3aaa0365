/*
 * BCM2835/BCM2711 auxiliary mini UART (Pi 4 default console on GPIO14/15).
 * The firmware configures its baud rate (enable_uart=1 pins the core clock),
 * so only data and status registers are used.
 */
#include <drivers/uart.h>
#include <drivers/mmio.h>

#define IO   0x00
#define LSR  0x14
#define LSR_DATA_READY (1u << 0)
#define LSR_TX_EMPTY   (1u << 5)

void mini_uart_putc(volatile void *base, char c)
{
    while (!(mmio_read32(base, LSR) & LSR_TX_EMPTY))
        ;
    mmio_write32(base, IO, (uint8_t)c);
}

int mini_uart_getc(volatile void *base)
{
    if (!(mmio_read32(base, LSR) & LSR_DATA_READY))
        return -1;
    return (int)(mmio_read32(base, IO) & 0xff);
}
