/* Intrusive doubly-linked circular lists (as in Linux/xv6 style kernels). */
#ifndef KERNEL_LIST_H
#define KERNEL_LIST_H

#include <stdbool.h>
#include <stddef.h>

struct list_node {
    struct list_node *next, *prev;
};

#define LIST_INIT(name) { &(name), &(name) }

static inline void list_init(struct list_node *h) { h->next = h->prev = h; }
static inline bool list_empty(const struct list_node *h) { return h->next == h; }
/* A node that is not on any list points at itself (after list_init or list_del). */
static inline bool list_linked(const struct list_node *n) { return n->next && n->next != n; }

static inline void list_add_tail(struct list_node *h, struct list_node *n)
{
    n->prev = h->prev;
    n->next = h;
    h->prev->next = n;
    h->prev = n;
}

static inline void list_del(struct list_node *n)
{
    if (!n->next)
        return;
    n->prev->next = n->next;
    n->next->prev = n->prev;
    n->next = n->prev = n;
}

#define list_entry(p, type, member) ((type *)((char *)(p) - offsetof(type, member)))
#define list_first(h, type, member) (list_empty(h) ? NULL : list_entry((h)->next, type, member))
#define list_for_each_safe(pos, tmp, h) \
    for (pos = (h)->next, tmp = pos->next; pos != (h); pos = tmp, tmp = pos->next)

#endif
