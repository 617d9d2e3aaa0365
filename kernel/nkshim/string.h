/* Lets IDL-generated code (tools/nk) use the kernel's string functions. */
#ifndef KERNEL_NKSHIM_STRING_H
#define KERNEL_NKSHIM_STRING_H
#include <kernel/lib.h>
#endif
