/*
 * ELF64 loader. The image is checked field by field before anything is
 * mapped: AArch64 executable, program headers inside the file, segments
 * inside user space, file size within memory size, and no segment both
 * writable and executable. Text is mapped RX, read-only data R, data RW.
 */
#include <kernel/elf.h>
#include <kernel/lib.h>
#include <kernel/urange.h>
#include <kernel/arch.h>
#include <arch/context.h>
#include <arch/mmu.h>
#include <uapi/syscall.h>

#define EM_AARCH64 183
#define ET_EXEC 2
#define PT_LOAD 1
#define PF_X 1
#define PF_W 2
#define PF_R 4
#define MAX_PHDRS 16

struct elf64_ehdr {
    uint8_t ident[16];
    uint16_t type, machine;
    uint32_t version;
    uint64_t entry, phoff, shoff;
    uint32_t flags;
    uint16_t ehsize, phentsize, phnum, shentsize, shnum, shstrndx;
};

struct elf64_phdr {
    uint32_t type, flags;
    uint64_t offset, vaddr, paddr, filesz, memsz, align;
};

static Retcode check_header(const struct elf64_ehdr *eh, size_t size)
{
    static const uint8_t magic[4] = { 0x7f, 'E', 'L', 'F' };
    if (size < sizeof(*eh) || memcmp(eh->ident, magic, 4) != 0 || eh->ident[4] != 2 ||
        eh->ident[5] != 1 || eh->type != ET_EXEC || eh->machine != EM_AARCH64)
        return rcInvalidArgument;
    if (eh->phentsize != sizeof(struct elf64_phdr) || eh->phnum == 0 || eh->phnum > MAX_PHDRS ||
        eh->phoff > size || (size - eh->phoff) / sizeof(struct elf64_phdr) < eh->phnum)
        return rcInvalidArgument;
    return rcOk;
}

static Retcode check_segment(const struct elf64_phdr *ph, size_t size)
{
    if (ph->offset > size || ph->filesz > size - ph->offset || ph->filesz > ph->memsz)
        return rcInvalidArgument;
    if (!range_within(ph->vaddr, ph->memsz, USER_BASE, VM_SEARCH_TOP))
        return rcInvalidArgument;          /* below the main stack, never wrapping */
    if ((ph->flags & PF_W) && (ph->flags & PF_X))
        return rcInvalidArgument;          /* never W+X */
    return rcOk;
}

Retcode elf_load(struct vmspace *vm, const uint8_t *img, size_t size, uint64_t *entry)
{
    struct elf64_ehdr eh;
    if (size < sizeof(eh))
        return rcInvalidArgument;
    memcpy(&eh, img, sizeof(eh));          /* the image may be unaligned */
    Retcode rc = check_header(&eh, size);
    if (rc)
        return rc;
    bool entry_ok = false;
    for (int i = 0; i < eh.phnum; i++) {
        struct elf64_phdr ph;
        memcpy(&ph, img + eh.phoff + i * sizeof(ph), sizeof(ph));
        if (ph.type != PT_LOAD || ph.memsz == 0)
            continue;
        if ((rc = check_segment(&ph, size)))
            return rc;
        uint64_t start, len;
        if (!page_span(ph.vaddr, ph.memsz, &start, &len))
            return rcInvalidArgument;
        if ((rc = vm_alloc(vm, &start, len, VM_READ | VM_WRITE, true)))
            return rc;
        if ((rc = copy_to_user(vm, ph.vaddr, img + ph.offset, ph.filesz)))
            return rc;
        uint32_t prot = VM_READ | ((ph.flags & PF_W) ? VM_WRITE : 0) | ((ph.flags & PF_X) ? VM_EXEC : 0);
        if ((rc = vm_protect(vm, start, len, prot)))
            return rc;
        if ((ph.flags & PF_X) && eh.entry >= ph.vaddr && eh.entry - ph.vaddr < ph.memsz)
            entry_ok = true;
    }
    if (!entry_ok)
        return rcInvalidArgument;
    arch_sync_icache();
    *entry = eh.entry;
    return rcOk;
}
