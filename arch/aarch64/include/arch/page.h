/*
 * Whole-page operations the portable kernel asks of the CPU. Only for Normal
 * (cacheable) memory reached through the linear map, never device memory.
 */
#ifndef ARCH_PAGE_H
#define ARCH_PAGE_H

#include <stdint.h>

/* Zeroes npages whole pages from page-aligned va (DC ZVA where allowed). */
void arch_zero_pages(void *va, uint64_t npages);

#endif
