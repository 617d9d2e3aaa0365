/*
 * Internal: the user address-space layout libkos relies on (drawn in
 * docs/USERLAND.md). The image and the heap reservation come from
 * ld/user.ld; the thread-stack area is the library's own choice and must
 * stay below the main stack the kernel maps under USER_STACK_TOP.
 *
 *   0x0000400000  program image (text, rodata, data+bss)
 *   __heap_start  heap: sbrk grows it page by page with VM_FIXED
 *   __heap_end    allocation area: KnVmAllocate(NULL, ...) searches from here
 *   0x7000000000  thread stacks (each with an unmapped guard page below)
 *   0x7f00000000  end of the thread-stack area
 *   0x7fffff0000  top of the main stack (kernel, 256 KiB + guard page)
 */
#ifndef LIBKOS_LAYOUT_H
#define LIBKOS_LAYOUT_H

#include <stdint.h>

/* {__heap_start, __heap_end} from ld/user.ld (too far for PC-relative code). */
extern const uint64_t __kos_heap_range[2];
#define KOS_HEAP_START ((uintptr_t)__kos_heap_range[0])
#define KOS_HEAP_END   ((uintptr_t)__kos_heap_range[1])

#define KOS_STACK_AREA_BASE 0x7000000000ull
#define KOS_STACK_AREA_TOP  0x7f00000000ull
#define KOS_GUARD_SIZE      4096ull

/* Maps [guard | size bytes] in the thread-stack area: returns the start of
 * the usable part (the guard page below it stays unmapped), or NULL. *rc
 * gets the kernel's answer (rcOutOfMemory when the area is full). */
void *kos_stack_map(uint64_t size, int *rc);
void kos_stack_unmap(void *base, uint64_t size);

#endif
