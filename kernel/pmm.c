/*
 * Physical page allocator: a bitmap per RAM region, bit set = page in use.
 * The bitmap lives in the first pages of its region that are not reserved.
 * Portable code (host unit tested): reaches memory only via phys_to_virt.
 */
#include <kernel/pmm.h>
#include <kernel/lib.h>
#include <kernel/printk.h>
#include <arch/mmu.h>

struct region {
    paddr_t base;
    size_t npages;
    uint64_t *bitmap;
    size_t hint;         /* next-fit start */
};

static struct region regions[PMM_MAX_REGIONS];
static int nregions;
static size_t free_pages, total_pages;

static bool test_bit(const struct region *r, size_t i) { return r->bitmap[i / 64] >> (i % 64) & 1; }
static void set_bit(struct region *r, size_t i) { r->bitmap[i / 64] |= 1ULL << (i % 64); }
static void clear_bit(struct region *r, size_t i) { r->bitmap[i / 64] &= ~(1ULL << (i % 64)); }

static bool overlaps(paddr_t a, uint64_t asz, paddr_t b, uint64_t bsz)
{
    return a < b + bsz && b < a + asz;
}

/* Marks [pa, pa+size) used within region r (clipped). */
static void mark_used(struct region *r, paddr_t pa, uint64_t size)
{
    paddr_t start = ALIGN_DOWN(pa, PAGE_SIZE), end = ALIGN_UP(pa + size, PAGE_SIZE);
    paddr_t rend = r->base + r->npages * PAGE_SIZE;
    if (end <= r->base || start >= rend)
        return;
    if (start < r->base)
        start = r->base;
    if (end > rend)
        end = rend;
    for (paddr_t p = start; p < end; p += PAGE_SIZE) {
        size_t i = (p - r->base) / PAGE_SIZE;
        if (!test_bit(r, i)) {
            set_bit(r, i);
            free_pages--;
        }
    }
}

int pmm_init(const struct pmm_range *ram, int nram, const struct pmm_range *res, int nres)
{
    nregions = 0;
    free_pages = total_pages = 0;
    for (int i = 0; i < nram && nregions < PMM_MAX_REGIONS; i++) {
        paddr_t base = ALIGN_UP(ram[i].base, PAGE_SIZE);
        paddr_t end = ALIGN_DOWN(ram[i].base + ram[i].size, PAGE_SIZE);
        if (end <= base || ram[i].base + ram[i].size < ram[i].base)
            continue;
        struct region *r = &regions[nregions];
        r->base = base;
        r->npages = (end - base) / PAGE_SIZE;
        r->hint = 0;
        size_t bm_bytes = ALIGN_UP((r->npages + 63) / 64 * 8, PAGE_SIZE);
        /* First page-aligned run inside the region that avoids every reserved range. */
        paddr_t bm = base;
        bool moved = true;
        while (moved && bm + bm_bytes <= end) {
            moved = false;
            for (int j = 0; j < nres; j++) {
                if (overlaps(bm, bm_bytes, res[j].base, res[j].size)) {
                    bm = ALIGN_UP(res[j].base + res[j].size, PAGE_SIZE);
                    moved = true;
                }
            }
        }
        if (bm + bm_bytes > end)
            continue;     /* region too fragmented to hold its own bitmap: skip it */
        r->bitmap = phys_to_virt(bm);
        memset(r->bitmap, 0, bm_bytes);
        total_pages += r->npages;
        free_pages += r->npages;
        mark_used(r, bm, bm_bytes);
        for (int j = 0; j < nres; j++)
            mark_used(r, res[j].base, res[j].size);
        nregions++;
    }
    return nregions > 0 ? 0 : -1;
}

static paddr_t alloc_in(struct region *r, size_t n, size_t align)
{
    if (n > r->npages)
        return 0;
    for (int pass = 0; pass < 2; pass++) {
        size_t start = pass == 0 ? r->hint : 0;
        size_t limit = pass == 0 ? r->npages : r->hint + n;
        if (limit > r->npages)
            limit = r->npages;
        size_t i = start;
        while (i + n <= limit) {
            size_t abs_page = (r->base / PAGE_SIZE) + i;
            if (abs_page & (align - 1)) {
                i += align - (abs_page & (align - 1));
                continue;
            }
            size_t k = 0;
            while (k < n && !test_bit(r, i + k))
                k++;
            if (k == n) {
                for (size_t j = 0; j < n; j++)
                    set_bit(r, i + j);
                r->hint = i + n;
                free_pages -= n;
                return r->base + i * PAGE_SIZE;
            }
            i += k + 1;
        }
    }
    return 0;
}

paddr_t pmm_alloc_pages(size_t n, size_t align_pages)
{
    if (n == 0 || align_pages == 0 || (align_pages & (align_pages - 1)))
        return 0;
    for (int i = 0; i < nregions; i++) {
        paddr_t pa = alloc_in(&regions[i], n, align_pages);
        if (pa)
            return pa;
    }
    return 0;
}

void pmm_free_pages(paddr_t pa, size_t n)
{
    for (int i = 0; i < nregions; i++) {
        struct region *r = &regions[i];
        if (pa < r->base || pa >= r->base + r->npages * PAGE_SIZE)
            continue;
        size_t first = (pa - r->base) / PAGE_SIZE;
        for (size_t k = 0; k < n && first + k < r->npages; k++) {
            if (!test_bit(r, first + k)) {
                printk("pmm: double free of page %#llx ignored\n",
                       (unsigned long long)(pa + k * PAGE_SIZE));
                continue;
            }
            clear_bit(r, first + k);
            free_pages++;
        }
        if (first < r->hint)
            r->hint = first;
        return;
    }
    printk("pmm: free of non-RAM address %#llx ignored\n", (unsigned long long)pa);
}

size_t pmm_free_count(void) { return free_pages; }
size_t pmm_total_count(void) { return total_pages; }
bool pmm_ready(void) { return nregions > 0; }
