/*
 * Fixed-size object caches for kernel objects (one page per slab), and
 * kmalloc/kfree over power-of-two caches for sizes up to KMALLOC_MAX.
 */
#ifndef KERNEL_SLAB_H
#define KERNEL_SLAB_H

#include <stddef.h>

#define KMALLOC_MAX 2048

struct slab;
struct kmem_cache {
    const char *name;
    size_t obj_size;
    size_t per_slab;
    struct slab *partial;   /* slabs with at least one free object */
    size_t in_use, slabs;
};

void kmem_cache_init(struct kmem_cache *c, const char *name, size_t obj_size);
void *kmem_cache_alloc(struct kmem_cache *c);       /* zeroed, or NULL */
void kmem_cache_free(struct kmem_cache *c, void *obj);

void *kmalloc(size_t size);                          /* zeroed, or NULL */
void kfree(void *p);

#endif
