/*
 * Handle tables and capability derivation. Portable: no arch code. The
 * inheritance tree is walked iteratively so a deep chain of copies can
 * never overflow the kernel stack.
 */
#include <kernel/handle.h>
#include <kernel/lib.h>
#include <kernel/panic.h>
#include <kernel/pmm.h>
#include <kernel/slab.h>
#include <arch/mmu.h>

#define HSLOT_FREE    0
#define HSLOT_LIVE    1
#define HSLOT_REVOKED 2
#define HSLOT_RETIRED 3     /* every value of the slot was issued: never used again */

/*
 * Handle values. A value is (generation << 16) | index, bit 31 clear, and
 * index = slot + lane * nslots: the index bits above the table's size are not
 * wasted but give each slot more values. Each slot hands out its values in
 * increasing order (lane first, then generation 1..0x7fff) and never one
 * twice: when its last value is closed the slot retires. With the default
 * quota (256: nslots = 257) that is 255 lanes x 32,767 generations = 8.4 M
 * values per slot, 2.1 G per task; a slot's first value is (1 << 16) | slot.
 */
#define HANDLE_INDEX(h) ((h) & 0xffffu)
#define GEN_MAX         0x7fffu

/* The value after v in slot `slot`, or 0 when v was its last. */
static Handle next_value(const struct handle_table *ht, uint32_t slot, Handle v)
{
    if (HANDLE_INDEX(v) + ht->nslots <= 0xffffu)
        return v + ht->nslots;                       /* next lane */
    uint32_t gen = v >> 16;
    return gen < GEN_MAX ? ((gen + 1) << 16) | slot : 0;
}

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
    for (uint32_t i = 1; i < nslots; i++)
        ht->slots[i].value = (1u << 16) | i;           /* generation 1, lane 0 */
    ht->nslots = nslots;
    ht->used = 0;
    ht->gen = 1;                         /* a zeroed cache (generation 0) never matches */
    return rcOk;
}

/* Empties a slot and moves it to its next value, or retires it when it has
 * none left (a retired slot stays counted in `used`: the table is smaller). */
static void free_slot(struct handle_table *ht, uint32_t idx)
{
    struct hslot *s = &ht->slots[idx];
    ASSERT(s->state == HSLOT_LIVE || s->state == HSLOT_REVOKED);
    ht->gen++;                          /* a value stops resolving (struct handle_table) */
    s->cap = NULL;
    s->value = next_value(ht, idx, s->value);
    if (!s->value) {
        s->state = HSLOT_RETIRED;
        return;
    }
    s->state = HSLOT_FREE;
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
    if (!c->weak) {
        ASSERT(o->handles > 0);         /* every capability but a weak one counts one */
        if (--o->handles == 0 && o->last_handle)
            o->last_handle(o);
    }
    kobject_put(o);
    kmem_cache_free(&cap_cache, c);
}

Retcode handle_install(struct handle_table *ht, struct kobject *obj, uint32_t rights,
                       struct cap *parent, Handle *out)
{
    if (ht->used + 1 >= ht->nslots)
        return rcQuotaExceeded;
    uint32_t idx = 1;
    while (idx < ht->nslots && ht->slots[idx].state != HSLOT_FREE)
        idx++;
    BUG_ON(idx >= ht->nslots);          /* `used` counts every slot that is not free */
    ASSERT(!parent || parent->table->slots[parent->slot].cap == parent);   /* a live parent */
    DEBUG_ASSERT(!ht->slots[idx].cap);   /* a free slot holds no capability */
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
    *out = ht->slots[idx].value;
    return rcOk;
}

Retcode handle_install_weak(struct handle_table *ht, struct kobject *obj, uint32_t rights,
                            Handle *out)
{
    Retcode rc = handle_install(ht, obj, rights, NULL, out);
    if (rc == rcOk) {
        struct hslot *s = &ht->slots[HANDLE_INDEX(*out) % ht->nslots];
        s->cap->weak = true;
        obj->handles--;                 /* handle_install counted it */
    }
    return rc;
}

/* Finds the slot of h; rcInvalidArgument for forged/stale values: only the
 * slot's current value names it. */
static Retcode slot_of(struct handle_table *ht, Handle h, uint32_t *idx)
{
    uint32_t i = HANDLE_INDEX(h) % ht->nslots;
    if ((h >> 31) || i == 0)
        return rcInvalidArgument;
    struct hslot *s = &ht->slots[i];
    if ((s->state != HSLOT_LIVE && s->state != HSLOT_REVOKED) || s->value != h)
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
    /* A live slot holds a capability that names it and counts a handle. */
    DEBUG_ASSERT(s->cap && s->cap->table == ht && s->cap->slot == i && (s->cap->weak || s->cap->obj->handles > 0));
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
    ASSERT(!c || (c->table == ht && c->slot == i));   /* a live slot's cap names that slot */
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
    ASSERT(s->state == HSLOT_LIVE && s->cap == c);   /* revoked caps leave the tree */
    c->table->gen++;                    /* its value stops resolving (struct handle_table) */
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
        if (ht->slots[i].state != HSLOT_LIVE && ht->slots[i].state != HSLOT_REVOKED)
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
    ht->gen++;                          /* nothing resolves any more */
}
