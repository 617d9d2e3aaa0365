/* ARM PrimeCell PL011 UART (QEMU virt, Raspberry Pi 4 UART0). */
#include <drivers/uart.h>
#include <drivers/mmio.h>

#define DR    0x00
#define FR    0x18
#define IBRD  0x24
#define FBRD  0x28
#define LCRH  0x2c
#define CR    0x30
#define IMSC  0x38
#define ICR   0x44
#define FR_TXFF (1u << 5)
#define FR_RXFE (1u << 4)
#define CR_UARTEN (1u << 0)
#define CR_TXE (1u << 8)
#define CR_RXE (1u << 9)

void pl011_init(volatile void *base, bool program_baud)
{
    if (program_baud || !(mmio_read32(base, CR) & CR_UARTEN)) {
        /* 115200 8N1 from the Pi 4's 48 MHz UART clock: 48e6 / (16 * 115200) = 26.04 */
        mmio_write32(base, CR, 0);
        mmio_write32(base, ICR, 0x7ff);
        mmio_write32(base, IBRD, 26);
        mmio_write32(base, FBRD, 3);
        mmio_write32(base, LCRH, (3u << 5) | (1u << 4));   /* 8 bits, FIFOs on */
    }
    mmio_write32(base, IMSC, 0);
    mmio_write32(base, CR, CR_UARTEN | CR_TXE | CR_RXE);
}

void pl011_putc(volatile void *base, char c)
{
    while (mmio_read32(base, FR) & FR_TXFF)
        ;
    mmio_write32(base, DR, (uint8_t)c);
}

int pl011_getc(volatile void *base)
{
    if (mmio_read32(base, FR) & FR_RXFE)
        return -1;
    return (int)(mmio_read32(base, DR) & 0xff);
}
