/*
 * Kernel log: printk() formats into the klog ring buffer and writes to the
 * console when one is registered (messages before that are replayed).
 */
#ifndef KERNEL_PRINTK_H
#define KERNEL_PRINTK_H

#include <stdarg.h>
#include <stddef.h>

#define KLOG_SIZE 16384u

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int snprintf(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void printk(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void vprintk(const char *fmt, va_list ap);

/* Console output hook; replays the klog so early messages are not lost. */
void console_register(void (*putc)(char c));
/* Unbuffered output of a string, for panic: bypasses nothing but locks. */
void console_puts(const char *s);

/* Copies up to size-1 bytes of the most recent log into buf; returns the count. */
size_t klog_read(char *buf, size_t size);

#endif
