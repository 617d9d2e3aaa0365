/*
 * libFuzzer target: the kernel's ELF loader (kernel/elf.c) on any image. A
 * host shim stands in for the address space: it records what elf_load maps
 * and fails the run when the loader copies outside what it mapped, maps
 * outside user space, leaves a segment writable and executable, or returns
 * an entry point that is not in an executable segment.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <kernel/elf.h>
#include <kernel/vm.h>
#include <uapi/syscall.h>

#include "fuzz_check.h"

/* ---- the shim: a vmspace that only keeps a list of mapped ranges -------------- */

#define MAX_MAPS 32
static struct map {
    uint64_t start, size;
    uint32_t prot;
} maps[MAX_MAPS];
static int nmaps;
static volatile uint64_t sink;

static struct map *find_map(uint64_t addr, uint64_t size)
{
    for (int i = 0; i < nmaps; i++)
        if (addr >= maps[i].start && size <= maps[i].size &&
            addr - maps[i].start <= maps[i].size - size)
            return &maps[i];
    return NULL;
}

Retcode vm_alloc(struct vmspace *vm, uint64_t *addr, uint64_t size, uint32_t prot, bool fixed)
{
    (void)vm;
    check(fixed);                                   /* the loader places every segment */
    check(size > 0 && size % PAGE_SIZE == 0 && *addr % PAGE_SIZE == 0);
    check(*addr >= USER_BASE && *addr + size > *addr && *addr + size <= USER_STACK_TOP);
    for (int i = 0; i < nmaps; i++)                 /* like the kernel: no overlap */
        if (*addr < maps[i].start + maps[i].size && maps[i].start < *addr + size)
            return rcAlreadyExists;
    if (nmaps == MAX_MAPS)
        return rcOutOfMemory;
    maps[nmaps++] = (struct map){ *addr, size, prot };
    return rcOk;
}

Retcode copy_to_user(const struct vmspace *vm, uint64_t dst, const void *src, size_t n)
{
    (void)vm;
    struct map *m = find_map(dst, n);
    check(n == 0 || m != NULL);                     /* only into what it mapped */
    check(n == 0 || (m->prot & VM_WRITE));
    const uint8_t *b = src;                         /* read it all: ASan checks the source */
    for (size_t i = 0; i < n; i++)
        sink += b[i];
    return rcOk;
}

Retcode vm_protect(struct vmspace *vm, uint64_t addr, uint64_t size, uint32_t prot)
{
    (void)vm;
    struct map *m = find_map(addr, size);
    check(m != NULL && m->start == addr && m->size == size);   /* a whole region */
    check(!((prot & VM_WRITE) && (prot & VM_EXEC)));           /* never W+X */
    m->prot = prot;
    return rcOk;
}

void arch_sync_icache(void)
{
}

/* ---- the target ------------------------------------------------------------------ */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint8_t *img = malloc(size ? size : 1);         /* exactly sized: over-reads are caught */
    memcpy(img, data, size);
    nmaps = 0;
    uint64_t entry = 0;
    struct vmspace vm;
    memset(&vm, 0, sizeof vm);
    if (elf_load(&vm, img, size, &entry) == rcOk) {
        struct map *m = find_map(entry, 1);
        check(m != NULL && (m->prot & VM_EXEC));    /* the entry is executable code */
    }
    free(img);
    return 0;
}
