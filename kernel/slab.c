/*
 * Slab allocator: each slab is one page from the page allocator with a
 * header at its start and a free list threaded through free objects. A slab
 * whose objects are all free goes back to the page allocator.
 */
#include <kernel/slab.h>
#include <kernel/pmm.h>
#include <kernel/lib.h>
#include <kernel/printk.h>
#include <arch/mmu.h>

struct slab {
    struct kmem_cache *cache;
    struct slab *next, *prev;      /* partial list links */
    void *free;                    /* free object list */
    size_t nfree;
};

#define SLAB_HDR ALIGN_UP(sizeof(struct slab), 16)

void kmem_cache_init(struct kmem_cache *c, const char *name, size_t obj_size)
{
    memset(c, 0, sizeof(*c));
    c->name = name;
    c->obj_size = ALIGN_UP(MAX(obj_size, sizeof(void *)), 16);
    c->per_slab = (PAGE_SIZE - SLAB_HDR) / c->obj_size;
}

static void unlink_partial(struct kmem_cache *c, struct slab *s)
{
    if (s->prev)
        s->prev->next = s->next;
    else
        c->partial = s->next;
    if (s->next)
        s->next->prev = s->prev;
    s->next = s->prev = NULL;
}

static void link_partial(struct kmem_cache *c, struct slab *s)
{
    s->prev = NULL;
    s->next = c->partial;
    if (c->partial)
        c->partial->prev = s;
    c->partial = s;
}

void *kmem_cache_alloc(struct kmem_cache *c)
{
    struct slab *s = c->partial;
    if (!s) {
        paddr_t pa = pmm_alloc_page();
        if (!pa)
            return NULL;
        s = phys_to_virt(pa);
        s->cache = c;
        s->free = NULL;
        s->nfree = c->per_slab;
        char *obj = (char *)s + SLAB_HDR;
        for (size_t i = 0; i < c->per_slab; i++, obj += c->obj_size) {
            *(void **)obj = s->free;
            s->free = obj;
        }
        link_partial(c, s);
        c->slabs++;
    }
    void *obj = s->free;
    s->free = *(void **)obj;
    if (--s->nfree == 0)
        unlink_partial(c, s);
    c->in_use++;
    memset(obj, 0, c->obj_size);
    return obj;
}

void kmem_cache_free(struct kmem_cache *c, void *obj)
{
    if (!obj)
        return;
    struct slab *s = (struct slab *)ALIGN_DOWN((uintptr_t)obj, PAGE_SIZE);
    if (s->cache != c) {
        printk("slab: object %p freed to the wrong cache %s\n", obj, c->name);
        return;
    }
    *(void **)obj = s->free;
    s->free = obj;
    c->in_use--;
    if (s->nfree++ == 0)
        link_partial(c, s);
    if (s->nfree == c->per_slab) {
        unlink_partial(c, s);
        c->slabs--;
        pmm_free_page(virt_to_phys(s));
    }
}

static struct kmem_cache kmalloc_caches[7];   /* 32 .. 2048 */
static const char *const kmalloc_names[7] = {
    "kmalloc-32", "kmalloc-64", "kmalloc-128", "kmalloc-256",
    "kmalloc-512", "kmalloc-1024", "kmalloc-2048",
};

void *kmalloc(size_t size)
{
    if (size == 0 || size > KMALLOC_MAX)
        return NULL;
    int i = 0;
    while ((32u << i) < size)
        i++;
    struct kmem_cache *c = &kmalloc_caches[i];
    if (!c->obj_size)
        kmem_cache_init(c, kmalloc_names[i], 32u << i);
    return kmem_cache_alloc(c);
}

void kfree(void *p)
{
    if (!p)
        return;
    struct slab *s = (struct slab *)ALIGN_DOWN((uintptr_t)p, PAGE_SIZE);
    kmem_cache_free(s->cache, p);
}
