/*
 * Handle tables and capability derivation. Portable: no arch code. The
 * inheritance tree is walked iteratively so a deep chain of copies can
 * never overflow the kernel stack.
 */
#include <kernel/handle.h>
#include <kernel/lib.h>
#include <kernel/pmm.h>
#include <kernel/slab.h>
#include <arch/mmu.h>

#define HSLOT_FREE    0
#define HSLOT_LIVE    1
#define HSLOT_REVOKED 2

#define HANDLE_INDEX(h) ((h) & 0xffffu)
#define HANDLE_GEN(h)   (((h) >> 16) & 0x7fffu)

static struct kmem_cache cap_cache;

static size_t table_pages(uint32_t nslots)
{
    return ALIGN_UP(nslots * sizeof(struct hslot), PAGE_SIZE) / PAGE_SIZE;
}

Retcode handle_table_init(struct handle_table *ht, uint32_t quota)
{
    if (!cap_cache.obj_size)
        kmem_cache_init(&cap_cache, "cap", sizeof(struct cap));
    if (quota == 0 || quota > 0xffff)
        return rcInvalidArgument;
    uint32_t nslots = quota + 1;
    paddr_t pa = pmm_alloc_pages(table_pages(nslots), 1);
    if (!pa)
        return rcOutOfMemory;
    ht->slots = phys_to_virt(pa);
    memset(ht->slots, 0, table_pages(nslots) * PAGE_SIZE);
    for (uint32_t i = 0; i < nslots; i++)
        ht->slots[i].gen = 1;
    ht->nslots = nslots;
    ht->used = 0;
    return rcOk;
}

static Handle make_handle(const struct handle_table *ht, uint32_t idx)
{
    return ((uint32_t)ht->slots[idx].gen << 16) | idx;
}

static void free_slot(struct handle_table *ht, uint32_t idx)
{
    struct hslot *s = &ht->slots[idx];
    s->cap = NULL;
    s->state = HSLOT_FREE;
    s->gen = (uint16_t)((s->gen + 1) & 0x7fff);
    if (s->gen == 0)
        s->gen = 1;
    ht->used--;
}

/* Unlinks a capability from the tree, moving its children to its parent. */
static void cap_unlink(struct cap *c)
{
    struct list_node *pos, *tmp;
    list_for_each_safe(pos, tmp, &c->children) {
        struct cap *child = list_entry(pos, struct cap, sibling);
        list_del(&child->sibling);
        child->parent = c->parent;
        if (c->parent)
            list_add_tail(&c->parent->children, &child->sibling);
    }
    list_del(&c->sibling);
}

static void cap_free(struct cap *c)
{
    struct kobject *o = c->obj;
    if (--o->handles == 0 && o->last_handle)
        o->last_handle(o);
    kobject_put(o);
    kmem_cache_free(&cap_cache, c);
}

Retcode handle_install(struct handle_table *ht, struct kobject *obj, uint32_t rights,
                       struct cap *parent, Handle *out)
{
    if (ht->used + 1 >= ht->nslots)
        return rcQuotaExceeded;
    uint32_t idx = 1;
    while (ht->slots[idx].state != HSLOT_FREE)
        idx++;
    struct cap *c = kmem_cache_alloc(&cap_cache);
    if (!c)
        return rcOutOfMemory;
    kobject_get(obj);
    obj->handles++;
    c->obj = obj;
    c->rights = rights;
    c->parent = parent;
    c->table = ht;
    c->slot = idx;
    list_init(&c->children);
    list_init(&c->sibling);
    if (parent)
        list_add_tail(&parent->children, &c->sibling);
    ht->slots[idx].cap = c;
    ht->slots[idx].state = HSLOT_LIVE;
    ht->used++;
    *out = make_handle(ht, idx);
    return rcOk;
}

/* Finds the slot of h; rcInvalidArgument for forged/stale values. */
static Retcode slot_of(struct handle_table *ht, Handle h, uint32_t *idx)
{
    uint32_t i = HANDLE_INDEX(h);
    if ((h >> 31) || i == 0 || i >= ht->nslots)
        return rcInvalidArgument;
    struct hslot *s = &ht->slots[i];
    if (s->state == HSLOT_FREE || s->gen != HANDLE_GEN(h))
        return rcInvalidArgument;
    *idx = i;
    return rcOk;
}

Retcode handle_lookup(struct handle_table *ht, Handle h, uint32_t type, uint32_t need,
                      struct cap **out)
{
    uint32_t i;
    Retcode rc = slot_of(ht, h, &i);
    if (rc)
        return rc;
    struct hslot *s = &ht->slots[i];
    if (s->state == HSLOT_REVOKED)
        return rcHandleRevoked;
    if (type != KOBJ_NONE && s->cap->obj->type != type)
        return rcInvalidArgument;
    if ((s->cap->rights & need) != need)
        return rcNoCapability;
    *out = s->cap;
    return rcOk;
}

Retcode handle_close(struct handle_table *ht, Handle h)
{
    uint32_t i;
    Retcode rc = slot_of(ht, h, &i);
    if (rc)
        return rc;
    struct cap *c = ht->slots[i].cap;
    free_slot(ht, i);
    if (c) {
        cap_unlink(c);
        cap_free(c);
    }
    return rcOk;
}

Retcode handle_derive(struct handle_table *src, Handle h, uint32_t rights, uint32_t need,
                      struct handle_table *dst, Handle *out)
{
    struct cap *c;
    Retcode rc = handle_lookup(src, h, KOBJ_NONE, need, &c);
    if (rc)
        return rc;
    if (rights & ~c->rights)
        return rcNoCapability;           /* rights can only shrink */
    return handle_install(dst, c->obj, rights, c, out);
}

/* Revokes one descendant: its slot stays reserved and answers rcHandleRevoked. */
static void revoke_one(struct cap *c)
{
    struct hslot *s = &c->table->slots[c->slot];
    s->cap = NULL;
    s->state = HSLOT_REVOKED;
    list_del(&c->sibling);
    cap_free(c);
}

Retcode handle_revoke(struct handle_table *ht, Handle h)
{
    struct cap *root;
    Retcode rc = handle_lookup(ht, h, KOBJ_NONE, RIGHT_REVOKE, &root);
    if (rc)
        return rc;
    struct cap *c = root;
    for (;;) {
        while (!list_empty(&c->children))
            c = list_entry(c->children.next, struct cap, sibling);
        if (c == root)
            break;
        struct cap *parent = c->parent;
        revoke_one(c);
        c = parent;
    }
    return handle_close(ht, h);
}

void handle_table_destroy(struct handle_table *ht)
{
    if (!ht->slots)
        return;
    for (uint32_t i = 1; i < ht->nslots; i++) {
        if (ht->slots[i].state == HSLOT_FREE)
            continue;
        struct cap *c = ht->slots[i].cap;
        free_slot(ht, i);
        if (c) {
            cap_unlink(c);
            cap_free(c);
        }
    }
    pmm_free_pages(virt_to_phys(ht->slots), table_pages(ht->nslots));
    ht->slots = NULL;
}
