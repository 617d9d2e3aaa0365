/*
 * Console UARTs: the PL011 and the BCM2835 auxiliary "mini UART". Polled
 * output (always safe, also in panic) and polled input.
 */
#ifndef DRIVERS_UART_H
#define DRIVERS_UART_H

#include <arch/board.h>
#include <stdbool.h>

struct fdt;

/* Chooses the console from the DTB (stdout-path, serial0) or the board fallback. */
enum uart_kind uart_console_init(const struct fdt *fdt);
void uart_putc(char c);
/* Prints which UART is the console (after the banner). */
void uart_describe(void);
int uart_getc(void);             /* -1 when no byte is waiting */

void pl011_init(volatile void *base, bool program_baud);
void pl011_putc(volatile void *base, char c);
int pl011_getc(volatile void *base);
void mini_uart_putc(volatile void *base, char c);
int mini_uart_getc(volatile void *base);

#endif
