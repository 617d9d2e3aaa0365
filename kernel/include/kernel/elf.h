/* ELF64 loader for user programs from the boot image. */
#ifndef KERNEL_ELF_H
#define KERNEL_ELF_H

#include <stddef.h>
#include <stdint.h>
#include <kernel/vm.h>

/* Maps every PT_LOAD segment with its permissions (never W+X); returns the entry. */
Retcode elf_load(struct vmspace *vm, const uint8_t *img, size_t size, uint64_t *entry);

#endif
