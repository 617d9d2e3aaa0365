/*
 * Page-table construction shared by the kernel map and user address spaces.
 */
#ifndef ARCH_PGTABLE_H
#define ARCH_PGTABLE_H

#include <stdint.h>
#include <stddef.h>
#include <stdbool.h>

typedef uint64_t pte_t;

#define MAP_BLOCKS      (1u << 0)   /* may use 1 GiB / 2 MiB blocks */
#define MAP_NO_REPLACE  (1u << 1)   /* keep existing leaf entries */

/* Maps [va, va+size) -> pa with descriptor attributes; 0 or a negative error. */
int pt_map(pte_t *l1, uint64_t va, uint64_t pa, uint64_t size, uint64_t attrs, unsigned flags);
/* Returns the leaf entry for va (0 when unmapped); *level gets 1..3. */
pte_t pt_lookup(const pte_t *l1, uint64_t va, int *level);


#endif
