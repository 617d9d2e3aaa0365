/*
 * Per-process handle tables and the handle inheritance tree.
 *
 * A Handle names a slot: (generation << 16) | index, index = slot + lane *
 * nslots (slot >= 1). A slot never hands out a value twice (it retires when
 * it has none left), so stale and forged values are always caught. Each live slot holds a capability: object +
 * rights + a link to the capability it was derived from. Closing a handle
 * splices its children onto its parent; revoking cuts its whole subtree in
 * every process (those slots then answer rcHandleRevoked until closed).
 */
#ifndef KERNEL_HANDLE_H
#define KERNEL_HANDLE_H

#include <stdbool.h>
#include <stdint.h>
#include <kernel/list.h>
#include <kernel/object.h>
#include <uapi/msg.h>
#include <uapi/retcode.h>

struct cap {
    struct kobject *obj;
    uint32_t rights;
    struct cap *parent;
    struct list_node children;
    struct list_node sibling;
    struct handle_table *table;
    uint32_t slot;
    bool weak;          /* not counted in obj->handles: does not keep it "open" */
};

struct hslot {
    struct cap *cap;
    Handle value;       /* the one value that names this slot now (handle.c) */
    uint8_t state;      /* HSLOT_FREE, HSLOT_LIVE, HSLOT_REVOKED, HSLOT_RETIRED */
};

struct handle_table {
    struct hslot *slots;     /* slots[0] unused: index 0 is never a handle */
    uint32_t nslots;
    uint32_t used;           /* slots not free: live, revoked or retired */
    /* Bumped whenever a live slot stops naming its capability (close,
     * revoke, the table's end), never decreases, starts at 1. While it is
     * unchanged, every handle that resolved keeps resolving to the same
     * capability (object, type, rights): the IPC fast path's per-thread
     * handle cache (kernel/ipc_fastpath.c) relies on it. Installing does
     * not bump it: it only fills free slots, whose values resolved to
     * nothing. */
    uint64_t gen;
};

Retcode handle_table_init(struct handle_table *ht, uint32_t quota);
void handle_table_destroy(struct handle_table *ht);

/* Installs a new capability for obj (takes a reference) derived from parent (may be NULL). */
Retcode handle_install(struct handle_table *ht, struct kobject *obj, uint32_t rights,
                       struct cap *parent, Handle *out);
/* Resolves h; type KOBJ_NONE accepts any object; `need` are rights that must all be held. */
Retcode handle_lookup(struct handle_table *ht, Handle h, uint32_t type, uint32_t need,
                      struct cap **out);
/* Like handle_install, but the capability does not count as a handle of obj:
 * obj's last_handle runs when the other handles are gone (kernel/kcall_cm.c:
 * a server's handle to a dynamic channel, kept only to revoke it). */
Retcode handle_install_weak(struct handle_table *ht, struct kobject *obj, uint32_t rights,
                            Handle *out);
Retcode handle_close(struct handle_table *ht, Handle h);
/* Derives a copy with `rights` (a subset of h's) into dst (same table for HandleCopy). */
Retcode handle_derive(struct handle_table *src, Handle h, uint32_t rights, uint32_t need,
                      struct handle_table *dst, Handle *out);
Retcode handle_revoke(struct handle_table *ht, Handle h);

#endif
