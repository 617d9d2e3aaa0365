/*
 * Kernel address space: builds the final TTBR1 map (kernel image with
 * W^X permissions, all RAM as normal memory, devices on demand through
 * ioremap) and the generic page-table walker pt_map used for user spaces.
 * The early map from boot.S is replaced wholesale, never edited in place, so
 * no live block ever needs splitting (break-before-make).
 */
#include <arch/mmu.h>
#include <arch/page.h>
#include <arch/pgtable.h>
#include <arch/sysreg.h>
#include <arch/secondary.h>
#include <kernel/arch.h>
#include <kernel/lib.h>
#include <kernel/panic.h>
#include <kernel/pmm.h>
#include <kernel/printk.h>
#include <kernel/urange.h>

extern char _start[], _etext[], _erodata[], _end[];

#define ENTRIES      512
#define POOL_TABLES  48        /* tables needed before the page allocator exists */

static pte_t kernel_l1[ENTRIES] __attribute__((aligned(PAGE_SIZE)));
/* TTBR0 while no user space is active (reserved ASID 0): walks find nothing. */
static const pte_t empty_user_l1[ENTRIES] __attribute__((aligned(PAGE_SIZE)));
static pte_t table_pool[POOL_TABLES][ENTRIES] __attribute__((aligned(PAGE_SIZE)));
static int pool_used;

static pte_t *alloc_table(void)
{
    /* The static pool only serves the kernel map built before the page
     * allocator exists; later tables (user spaces) must be freeable pages. */
    if (!pmm_ready())
        return pool_used < POOL_TABLES ? table_pool[pool_used++] : NULL;
    paddr_t pa = pmm_alloc_page();
    if (!pa)
        return NULL;
    pte_t *t = phys_to_virt(pa);
    arch_zero_pages(t, 1);
    return t;
}

static inline unsigned idx(uint64_t va, int level)
{
    return (unsigned)(va >> (12 + 9 * (3 - level))) & (ENTRIES - 1);
}

/* [va, va + size) lies in one half of the address space: the table index
 * ignores the upper bits, so anything else would alias another address. */
static bool va_range_ok(uint64_t va, uint64_t size)
{
    return range_within(va, size, 0, USER_VA_END) ||
           (va >= KVA_BASE && size <= 0 - va);      /* may end exactly at 2^64 */
}

int pt_map(pte_t *l1, uint64_t va, uint64_t pa, uint64_t size, uint64_t attrs, unsigned flags)
{
    if ((va | pa | size) & (PAGE_SIZE - 1) || !va_range_ok(va, size))
        return -1;
    while (size) {
        pte_t *table = l1;
        for (int level = 1; level <= 3; level++) {
            uint64_t span = 1ULL << (12 + 9 * (3 - level));
            pte_t *e = &table[idx(va, level)];
            bool block_ok = (flags & MAP_BLOCKS) && !((va | pa) & (span - 1)) && size >= span;
            if (level == 3) {
                /* The rest of the range within this leaf table in one go: one walk
                 * from the root per 2 MiB, not per page (vm_alloc maps runs). */
                do {
                    if (!(*e & PTE_VALID) || !(flags & MAP_NO_REPLACE))
                        *e = (pa & PTE_ADDR_MASK) | attrs | PTE_VALID | PTE_PAGE;
                    e++;
                    va += PAGE_SIZE;
                    pa += PAGE_SIZE;
                    size -= PAGE_SIZE;
                } while (size && idx(va, 3) != 0);
                break;
            }
            if (block_ok && !(*e & PTE_VALID && (*e & PTE_TABLE))) {
                if (!(*e & PTE_VALID) || !(flags & MAP_NO_REPLACE))
                    *e = (pa & PTE_ADDR_MASK) | attrs | PTE_VALID;
                va += span;
                pa += span;
                size -= span;
                break;
            }
            if (*e & PTE_VALID) {
                if (!(*e & PTE_TABLE)) {       /* a block is in the way */
                    if (flags & MAP_NO_REPLACE) {
                        uint64_t skip = span - (va & (span - 1));
                        skip = MIN(skip, size);
                        va += skip;
                        pa += skip;
                        size -= skip;
                        break;
                    }
                    return -2;
                }
                table = phys_to_virt(*e & PTE_ADDR_MASK);
                continue;
            }
            pte_t *next = alloc_table();
            if (!next)
                return -3;
            *e = virt_to_phys(next) | PTE_VALID | PTE_TABLE;
            table = next;
        }
    }
    dsb_ishst();
    isb();
    return 0;
}

pte_t pt_lookup(const pte_t *l1, uint64_t va, int *level)
{
    const pte_t *table = l1;
    for (int lv = 1; lv <= 3; lv++) {
        pte_t e = table[idx(va, lv)];
        if (!(e & PTE_VALID))
            return 0;
        if (lv == 3 || !(e & PTE_TABLE)) {
            if (level)
                *level = lv;
            return e;
        }
        table = phys_to_virt(e & PTE_ADDR_MASK);
    }
    return 0;
}

const pte_t *pt_leaf_entry(const pte_t *l1, uint64_t va)
{
    const pte_t *table = l1;
    for (int lv = 1; lv < 3; lv++) {
        pte_t e = table[idx(va, lv)];
        if ((e & (PTE_VALID | PTE_TABLE)) != (PTE_VALID | PTE_TABLE))
            return NULL;                   /* unmapped, or a block */
        table = phys_to_virt(e & PTE_ADDR_MASK);
    }
    return &table[idx(va, 3)];
}

static void map_or_die(uint64_t va, uint64_t pa, uint64_t size, uint64_t attrs, unsigned flags)
{
    /* No console may exist yet: a failure here can only stop the core. */
    if (pt_map(kernel_l1, va, pa, size, attrs, flags) != 0)
        arch_halt();
}

void mmu_init_kernel_map(const uint64_t (*ram)[2], int nram, uint64_t dtb_pa, uint64_t dtb_size)
{
    uint64_t text = (uint64_t)_start, etext = (uint64_t)_etext;
    uint64_t erodata = (uint64_t)_erodata, end = (uint64_t)_end;

    /* Kernel image first, at page granularity, so its permissions survive. */
    map_or_die(text, virt_to_phys(text), etext - text,
               PTE_AF | PTE_SH_INNER | PTE_ATTR(MT_NORMAL) | PTE_UXN | PTE_RDONLY, 0);
    map_or_die(etext, virt_to_phys(etext), erodata - etext, PROT_KERNEL_RAM | PTE_PXN | PTE_RDONLY, 0);
    map_or_die(erodata, virt_to_phys(erodata), end - erodata, PROT_KERNEL_RAM | PTE_PXN, 0);

    for (int i = 0; i < nram; i++) {
        uint64_t base, top;
        if (!range_within(ram[i][0], ram[i][1], 0, USER_VA_END))
            continue;                  /* beyond the linear map (or wrapping): not mapped */
        if (!page_round_up_ok(ram[i][0], &base))
            continue;
        top = ALIGN_DOWN(ram[i][0] + ram[i][1], PAGE_SIZE);
        if (top > base)
            map_or_die((uint64_t)phys_to_virt(base), base, top - base,
                       PROT_KERNEL_RAM | PTE_PXN, MAP_BLOCKS | MAP_NO_REPLACE);
    }
    uint64_t b, len;
    if (dtb_size && page_span(dtb_pa, dtb_size, &b, &len) && range_within(b, len, 0, USER_VA_END)) {
        uint64_t t = b + len;
        map_or_die((uint64_t)phys_to_virt(b), b, t - b, PROT_KERNEL_RAM | PTE_PXN | PTE_RDONLY,
                   MAP_NO_REPLACE);
    }

    write_sysreg(ttbr1_el1, virt_to_phys(kernel_l1));
    /* No user space yet: TTBR0 gets the empty table with the reserved ASID 0
     * (the early identity map goes away), and its walks stay enabled from now
     * on, so that activating a user space is one TTBR0 write
     * (arch_set_user_space). */
    write_sysreg(ttbr0_el1, virt_to_phys(empty_user_l1));
    write_sysreg(tcr_el1, read_sysreg(tcr_el1) & ~TCR_EPD0);
    isb();
    __asm__ volatile("tlbi vmalle1\n dsb ish\n isb" ::: "memory");
}

/* Device pages the kernel drives (console UART, GIC, board blocks): never given
 * to a user driver. */
#define KERNEL_DEVICES 16
static struct { uint64_t base, end; } kernel_devices[KERNEL_DEVICES];
static int nkernel_devices;

bool ioremap_overlaps(uint64_t pa, uint64_t size)
{
    for (int i = 0; i < nkernel_devices; i++)
        if (ranges_overlap(pa, size, kernel_devices[i].base,
                           kernel_devices[i].end - kernel_devices[i].base))
            return true;
    return false;
}

void *ioremap(uint64_t pa, size_t size)
{
    uint64_t b, len;
    if (!page_span(pa, size, &b, &len) || !range_within(b, len, 0, USER_VA_END) ||
        nkernel_devices == KERNEL_DEVICES)
        return NULL;
    uint64_t t = b + len;
    kernel_devices[nkernel_devices].base = b;
    kernel_devices[nkernel_devices].end = t;
    for (uint64_t p = b; p < t; p += PAGE_SIZE) {
        pte_t e = pt_lookup(kernel_l1, (uint64_t)phys_to_virt(p), NULL);
        if (e && ((e >> 2) & 7) != MT_DEVICE_nGnRE)
            return NULL;   /* RAM is never remapped as a device */
    }
    if (pt_map(kernel_l1, (uint64_t)phys_to_virt(b), b, t - b, PROT_KERNEL_DEV, MAP_NO_REPLACE))
        return NULL;
    nkernel_devices++;                  /* recorded above, kept now that it is mapped */
    return phys_to_virt(pa);
}

/* Undoes ioremap(pa, size) for a device the kernel used only for a moment
 * (the entropy seed, the RTC's reading): its pages can then go to a user
 * driver again. Level-3 entries only, as ioremap maps small ranges. */
void iounmap(uint64_t pa, size_t size)
{
    uint64_t b, len;
    if (!page_span(pa, size, &b, &len))
        return;
    int i;
    for (i = 0; i < nkernel_devices; i++)
        if (kernel_devices[i].base == b && kernel_devices[i].end == b + len)
            break;
    if (i == nkernel_devices)
        return;
    for (uint64_t p = b; p < b + len; p += PAGE_SIZE) {
        uint64_t va = (uint64_t)phys_to_virt(p);
        pte_t *e1 = &kernel_l1[idx(va, 1)];
        if ((*e1 & (PTE_VALID | PTE_TABLE)) != (PTE_VALID | PTE_TABLE))
            continue;                           /* absent, or a block: leave it */
        pte_t *l2 = phys_to_virt(*e1 & PTE_ADDR_MASK);
        pte_t *e2 = &l2[idx(va, 2)];
        if ((*e2 & (PTE_VALID | PTE_TABLE)) != (PTE_VALID | PTE_TABLE))
            continue;
        pte_t *l3 = phys_to_virt(*e2 & PTE_ADDR_MASK);
        l3[idx(va, 3)] = 0;
        /* A table ioremap took from the page allocator goes back to it once
         * empty (tables of the boot-time pool stay). */
        bool pooled = (uintptr_t)l3 >= (uintptr_t)table_pool &&
                      (uintptr_t)l3 < (uintptr_t)table_pool + sizeof table_pool;
        if (!pooled) {
            int empty = 1;
            for (int k = 0; k < ENTRIES && empty; k++)
                empty = l3[k] == 0;
            if (empty) {
                *e2 = 0;
                __asm__ volatile("dsb ishst\n tlbi vmalle1is\n dsb ish\n isb" ::: "memory");
                pmm_free_page(virt_to_phys(l3));
            }
        }
    }
    __asm__ volatile("dsb ishst\n tlbi vmalle1is\n dsb ish\n isb" ::: "memory");
    kernel_devices[i] = kernel_devices[--nkernel_devices];
}

/* ---- user address spaces ------------------------------------------------ */

pte_t *pt_alloc_root(void)
{
    paddr_t pa = pmm_alloc_page();
    if (!pa)
        return NULL;
    arch_zero_pages(phys_to_virt(pa), 1);
    return phys_to_virt(pa);
}

static void free_level(pte_t *table, int level)
{
    if (level < 3) {
        for (int i = 0; i < ENTRIES; i++)
            if ((table[i] & (PTE_VALID | PTE_TABLE)) == (PTE_VALID | PTE_TABLE))
                free_level(phys_to_virt(table[i] & PTE_ADDR_MASK), level + 1);
    }
    pmm_free_page(virt_to_phys(table));
}

void pt_free_tree(pte_t *l1) { free_level(l1, 1); }

static int table_empty(const pte_t *t)
{
    for (int i = 0; i < ENTRIES; i++)
        if (t[i])
            return 0;
    return 1;
}

/* The table an entry points to, or NULL (invalid, a block, or a page). */
static pte_t *next_table(pte_t e)
{
    return (e & (PTE_VALID | PTE_TABLE)) == (PTE_VALID | PTE_TABLE) ? phys_to_virt(e & PTE_ADDR_MASK)
                                                                    : NULL;
}

#define L2_SPAN (_UL(1) << (12 + 9))        /* what one level-3 table covers: 2 MiB */
#define L1_SPAN (_UL(1) << (12 + 18))       /* what one level-2 table covers: 1 GiB */

/* Frees the level-3 and level-2 tables of [va, end) that hold nothing any more, so
 * a task that maps and unmaps all over its address space does not pile up tables
 * until it exits. The root stays. The caller flushes the TLB (ASID) before anything
 * can reuse the pages. */
static void prune_tables(pte_t *l1, uint64_t va, uint64_t end)
{
    for (uint64_t g = va & ~(L1_SPAN - 1); g < end; g += L1_SPAN) {
        pte_t *e1 = &l1[idx(g, 1)];
        pte_t *l2 = next_table(*e1);
        if (!l2)
            continue;
        uint64_t hi = MIN(g + L1_SPAN, end);
        for (uint64_t m = MAX(g, va) & ~(L2_SPAN - 1); m < hi; m += L2_SPAN) {
            pte_t *e2 = &l2[idx(m, 2)];
            pte_t *l3 = next_table(*e2);
            if (l3 && table_empty(l3)) {
                *e2 = 0;
                pmm_free_page(virt_to_phys(l3));
            }
        }
        if (table_empty(l2)) {
            *e1 = 0;
            pmm_free_page(virt_to_phys(l2));
        }
    }
}

void pt_unmap(pte_t *l1, uint64_t va, uint64_t size, void (*fn)(uint64_t pa))
{
    /* The caller's regions lie in user space (vm.c checks them when made). */
    BUG_ON(!range_within(va, size, 0, USER_VA_END));
    uint64_t start = va, end = va + size;
    for (; va < end; va += PAGE_SIZE) {
        pte_t *table = l1;
        for (int level = 1; level <= 3; level++) {
            pte_t *e = &table[idx(va, level)];
            if (!(*e & PTE_VALID))
                break;
            if (level == 3) {
                if (fn)
                    fn(*e & PTE_ADDR_MASK);
                *e = 0;
                break;
            }
            table = phys_to_virt(*e & PTE_ADDR_MASK);
        }
    }
    prune_tables(l1, start, end);
    dsb_ishst();
}

uint64_t pt_user_attrs(uint32_t prot, int device)
{
    uint64_t a = PTE_AF | PTE_NG | PTE_USER | PTE_PXN;
    a |= device ? PTE_ATTR(MT_DEVICE_nGnRE) : (PTE_ATTR(MT_NORMAL) | PTE_SH_INNER);
    if (!(prot & 2))          /* VM_WRITE */
        a |= PTE_RDONLY;
    if (!(prot & 4) || device) /* VM_EXEC */
        a |= PTE_UXN;
    return a;
}

int pt_user_access_ok(pte_t e, int write)
{
    /* Device memory mapped to a task is not in the kernel's linear map:
     * the kernel never copies through it. */
    if (!(e & PTE_VALID) || !(e & PTE_USER) || ((e >> 2) & 7) != MT_NORMAL)
        return 0;
    return !write || !(e & PTE_RDONLY);
}

void arch_switch_user_space(const pte_t *l1, uint16_t asid)
{
    if (!l1) {                 /* no user space: an empty table, reserved ASID 0 */
        l1 = empty_user_l1;
        asid = 0;
    }
    arch_set_user_space(arch_user_space_root(l1, asid));
    isb();
}

void arch_tlb_flush_asid(uint16_t asid)
{
    __asm__ volatile("dsb ishst\n tlbi aside1is, %0\n dsb ish\n isb"
                     :: "r"((uint64_t)asid << 48) : "memory");
}

uint64_t mmu_kernel_ttbr1(void) { return virt_to_phys(kernel_l1); }
