/* Kernel command line (/chosen/bootargs): "key=value" and bare "flag" words. */
#ifndef KERNEL_BOOTARGS_H
#define KERNEL_BOOTARGS_H

#include <stdbool.h>
#include <stddef.h>

void bootargs_set(const char *s, size_t len);
const char *bootargs_get(void);
/* Copies the value of `key` into buf; a bare flag yields "". False if absent. */
bool bootarg(const char *key, char *buf, size_t size);
bool bootarg_is(const char *key, const char *value);
/* The words after a lone "--" (arguments for the first task): up to `max`
 * pointers into a static copy; returns how many. Keys after "--" are not
 * seen by bootarg(). */
int bootargs_init_argv(const char **argv, int max);

#endif
