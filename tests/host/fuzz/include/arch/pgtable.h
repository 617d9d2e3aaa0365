/* Host stand-in for arch/pgtable.h: the page-table entry type kernel/vm.h names. */
#ifndef HOST_FUZZ_ARCH_PGTABLE_H
#define HOST_FUZZ_ARCH_PGTABLE_H
#include <stdint.h>
typedef uint64_t pte_t;
#endif
