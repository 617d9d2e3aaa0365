/*
 * Read-only, bounds-checked flattened device tree (DTB) reader.
 * Every offset handed out has been validated; a corrupt blob yields errors
 * (FDT_ERR_*), never an out-of-bounds read.
 */
#ifndef KERNEL_FDT_H
#define KERNEL_FDT_H

#include <stdint.h>
#include <stddef.h>
#include <stdbool.h>

#define FDT_MAGIC          0xd00dfeed
#define FDT_ERR_NOTFOUND   (-1)
#define FDT_ERR_BADMAGIC   (-2)
#define FDT_ERR_BADSTRUCT  (-3)
#define FDT_ERR_TRUNCATED  (-4)
#define FDT_ERR_BADVERSION (-5)
#define FDT_MAX_DEPTH      16

struct fdt {
    const uint8_t *blob;
    uint32_t size;           /* totalsize from the header */
    uint32_t off_struct, size_struct;
    uint32_t off_strings, size_strings;
    uint32_t off_rsvmap;
};

struct fdt_reg {
    uint64_t addr, size;
};

/* Validates the header; `max` bounds how far the blob may extend. */
int fdt_init(struct fdt *f, const void *blob, size_t max);
const char *fdt_strerror(int err);

/* Node offsets are offsets of FDT_BEGIN_NODE tokens; the root is 0 (relative). */
int fdt_root(const struct fdt *f);
int fdt_first_child(const struct fdt *f, int node);
int fdt_next_sibling(const struct fdt *f, int node);
int fdt_parent(const struct fdt *f, int node);
const char *fdt_node_name(const struct fdt *f, int node);
int fdt_path_offset(const struct fdt *f, const char *path, size_t len);
/* Depth-first walk over every node: returns the next node after `node` (-1 starts). */
int fdt_next_node(const struct fdt *f, int node);

const void *fdt_getprop(const struct fdt *f, int node, const char *name, uint32_t *len);
bool fdt_prop_has_string(const struct fdt *f, int node, const char *prop, const char *s);
bool fdt_is_compatible(const struct fdt *f, int node, const char *compat);
int fdt_find_compatible(const struct fdt *f, int after, const char *compat);
bool fdt_getprop_u32(const struct fdt *f, int node, const char *name, uint32_t *out);

/* #address-cells/#size-cells that apply to `node`'s reg (from its parent). */
void fdt_cells(const struct fdt *f, int node, uint32_t *ac, uint32_t *sc);
/* Reads reg entry `idx`, translated to a CPU physical address through parents' ranges. */
int fdt_get_reg(const struct fdt *f, int node, int idx, struct fdt_reg *out);

/* Memory reservation block entries (/memreserve/). */
int fdt_rsvmap_get(const struct fdt *f, int idx, struct fdt_reg *out);

/* Resolves /chosen/stdout-path (or /aliases/serial0) to a node. */
int fdt_stdout_node(const struct fdt *f);

static inline uint32_t fdt_be32(const void *p)
{
    const uint8_t *b = p;
    return ((uint32_t)b[0] << 24) | ((uint32_t)b[1] << 16) | ((uint32_t)b[2] << 8) | b[3];
}

#endif
