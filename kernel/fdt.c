/*
 * Flattened device tree reader. Portable (host unit tested with sanitizers).
 * Trust nothing in the blob: every read is checked against the header's
 * block sizes, strings must be terminated inside their block, and walks are
 * bounded by the structure size and FDT_MAX_DEPTH.
 */
#include <kernel/fdt.h>
#include <kernel/lib.h>

#define TOK_BEGIN_NODE 1
#define TOK_END_NODE   2
#define TOK_PROP       3
#define TOK_NOP        4
#define TOK_END        9

int fdt_init(struct fdt *f, const void *blob, size_t max)
{
    memset(f, 0, sizeof(*f));
    if (!blob || max < 40)
        return FDT_ERR_TRUNCATED;
    const uint8_t *b = blob;
    if (fdt_be32(b) != FDT_MAGIC)
        return FDT_ERR_BADMAGIC;
    uint32_t total = fdt_be32(b + 4);
    uint32_t off_struct = fdt_be32(b + 8), off_strings = fdt_be32(b + 12);
    uint32_t off_rsv = fdt_be32(b + 16), version = fdt_be32(b + 20);
    uint32_t last_comp = fdt_be32(b + 24);
    uint32_t size_strings = fdt_be32(b + 32), size_struct = fdt_be32(b + 36);
    if (total < 40 || total > max)
        return FDT_ERR_TRUNCATED;
    if (version < 17 || last_comp > 17)
        return FDT_ERR_BADVERSION;
    if (off_struct > total || size_struct > total - off_struct ||
        off_strings > total || size_strings > total - off_strings ||
        off_rsv > total - 16 || (off_struct & 3) || (off_rsv & 7) || size_struct < 8)
        return FDT_ERR_BADSTRUCT;
    f->blob = b;
    f->size = total;
    f->off_struct = off_struct;
    f->size_struct = size_struct;
    f->off_strings = off_strings;
    f->size_strings = size_strings;
    f->off_rsvmap = off_rsv;
    if (fdt_be32(b + off_struct) != TOK_BEGIN_NODE)
        return FDT_ERR_BADSTRUCT;
    return 0;
}

const char *fdt_strerror(int err)
{
    switch (err) {
    case 0: return "ok";
    case FDT_ERR_NOTFOUND: return "not found";
    case FDT_ERR_BADMAGIC: return "bad magic (not a device tree)";
    case FDT_ERR_BADSTRUCT: return "corrupt structure";
    case FDT_ERR_TRUNCATED: return "truncated or absent";
    case FDT_ERR_BADVERSION: return "unsupported version";
    default: return "unknown error";
    }
}

/* Token at struct offset `off` (relative to the struct block), or -1. */
static int token_at(const struct fdt *f, uint32_t off)
{
    if (off > f->size_struct - 4 || (off & 3))
        return -1;
    return (int)fdt_be32(f->blob + f->off_struct + off);
}

/* Length of a NUL-terminated string at struct offset `off`, or -1. */
static int struct_strlen(const struct fdt *f, uint32_t off)
{
    if (off >= f->size_struct)
        return -1;
    const char *s = (const char *)f->blob + f->off_struct + off;
    size_t n = strnlen(s, f->size_struct - off);
    return n == f->size_struct - off ? -1 : (int)n;
}

static const char *string_at(const struct fdt *f, uint32_t nameoff)
{
    if (nameoff >= f->size_strings)
        return NULL;
    const char *s = (const char *)f->blob + f->off_strings + nameoff;
    if (strnlen(s, f->size_strings - nameoff) == f->size_strings - nameoff)
        return NULL;
    return s;
}

/*
 * Steps over one token at *off. Returns the token, or -1 on corruption.
 * For BEGIN_NODE it skips the name; for PROP the header and value.
 */
static int next_token(const struct fdt *f, uint32_t *off)
{
    int tok = token_at(f, *off);
    uint32_t o = *off + 4;
    switch (tok) {
    case TOK_BEGIN_NODE: {
        int n = struct_strlen(f, o);
        if (n < 0)
            return -1;
        o = ALIGN_UP(o + (uint32_t)n + 1, 4u);
        break;
    }
    case TOK_PROP: {
        if (o > f->size_struct - 8)
            return -1;
        uint32_t len = fdt_be32(f->blob + f->off_struct + o);
        if (len > f->size_struct - o - 8)
            return -1;
        o = ALIGN_UP(o + 8 + len, 4u);
        break;
    }
    case TOK_END_NODE: case TOK_NOP: case TOK_END:
        break;
    default:
        return -1;
    }
    *off = o;
    return tok;
}

int fdt_root(const struct fdt *f)
{
    (void)f;
    return 0;
}

/* Offset just after the node header (name) of `node`, or -1. */
static int node_body(const struct fdt *f, int node)
{
    uint32_t off = (uint32_t)node;
    if (node < 0 || next_token(f, &off) != TOK_BEGIN_NODE)
        return -1;
    return (int)off;
}

/* Skips the rest of a node starting at its body; returns offset after END_NODE. */
static int skip_node(const struct fdt *f, uint32_t off)
{
    int depth = 1;
    while (depth > 0) {
        int tok = next_token(f, &off);
        if (tok == TOK_BEGIN_NODE)
            depth++;
        else if (tok == TOK_END_NODE)
            depth--;
        else if (tok < 0 || tok == TOK_END)
            return -1;
    }
    return (int)off;
}

int fdt_first_child(const struct fdt *f, int node)
{
    int b = node_body(f, node);
    if (b < 0)
        return FDT_ERR_BADSTRUCT;
    uint32_t off = (uint32_t)b;
    for (;;) {
        uint32_t here = off;
        int tok = next_token(f, &off);
        if (tok == TOK_BEGIN_NODE)
            return (int)here;
        if (tok == TOK_END_NODE)
            return FDT_ERR_NOTFOUND;
        if (tok != TOK_PROP && tok != TOK_NOP)
            return FDT_ERR_BADSTRUCT;
    }
}

int fdt_next_sibling(const struct fdt *f, int node)
{
    int b = node_body(f, node);
    if (b < 0)
        return FDT_ERR_BADSTRUCT;
    int after = skip_node(f, (uint32_t)b);
    if (after < 0)
        return FDT_ERR_BADSTRUCT;
    uint32_t off = (uint32_t)after;
    for (;;) {
        uint32_t here = off;
        int tok = next_token(f, &off);
        if (tok == TOK_BEGIN_NODE)
            return (int)here;
        if (tok == TOK_NOP)
            continue;
        if (tok == TOK_END_NODE || tok == TOK_END)
            return FDT_ERR_NOTFOUND;
        return FDT_ERR_BADSTRUCT;
    }
}

int fdt_next_node(const struct fdt *f, int node)
{
    uint32_t off = node < 0 ? 0 : (uint32_t)node;
    if (node >= 0 && next_token(f, &off) != TOK_BEGIN_NODE)
        return FDT_ERR_BADSTRUCT;
    if (node < 0)
        return 0;
    for (;;) {
        uint32_t here = off;
        int tok = next_token(f, &off);
        if (tok == TOK_BEGIN_NODE)
            return (int)here;
        if (tok == TOK_END)
            return FDT_ERR_NOTFOUND;
        if (tok < 0)
            return FDT_ERR_BADSTRUCT;
        if (off >= f->size_struct)
            return FDT_ERR_NOTFOUND;
    }
}

/* Finds the parent by walking from the root with a depth-bounded stack. */
int fdt_parent(const struct fdt *f, int node)
{
    int stack[FDT_MAX_DEPTH];
    int depth = 0;
    uint32_t off = 0;
    if (node <= 0)
        return FDT_ERR_NOTFOUND;
    for (;;) {
        uint32_t here = off;
        int tok = next_token(f, &off);
        if (tok == TOK_BEGIN_NODE) {
            if ((int)here == node)
                return depth > 0 ? stack[depth - 1] : FDT_ERR_NOTFOUND;
            if (depth == FDT_MAX_DEPTH)
                return FDT_ERR_BADSTRUCT;
            stack[depth++] = (int)here;
        } else if (tok == TOK_END_NODE) {
            if (depth == 0)
                return FDT_ERR_BADSTRUCT;
            depth--;
        } else if (tok == TOK_END || tok < 0) {
            return FDT_ERR_NOTFOUND;
        }
    }
}

const char *fdt_node_name(const struct fdt *f, int node)
{
    if (token_at(f, (uint32_t)node) != TOK_BEGIN_NODE || struct_strlen(f, (uint32_t)node + 4) < 0)
        return NULL;
    return (const char *)f->blob + f->off_struct + node + 4;
}

/* Matches a path component: "name" matches "name@addr" when no '@' is given. */
static bool name_matches(const char *node_name, const char *comp, size_t len)
{
    if (strncmp(node_name, comp, len) != 0 || strnlen(node_name, len) != len)
        return false;
    bool comp_has_unit = false;
    for (size_t i = 0; i < len; i++)
        comp_has_unit |= comp[i] == '@';
    return node_name[len] == '\0' || (node_name[len] == '@' && !comp_has_unit);
}

int fdt_path_offset(const struct fdt *f, const char *path, size_t len)
{
    if (len == 0 || path[0] != '/')
        return FDT_ERR_NOTFOUND;
    int node = 0;
    size_t i = 1;
    while (i < len) {
        size_t j = i;
        while (j < len && path[j] != '/')
            j++;
        if (j > i) {
            int child = fdt_first_child(f, node);
            while (child >= 0) {
                const char *n = fdt_node_name(f, child);
                if (n && name_matches(n, path + i, j - i))
                    break;
                child = fdt_next_sibling(f, child);
            }
            if (child < 0)
                return child;
            node = child;
        }
        i = j + 1;
    }
    return node;
}

const void *fdt_getprop(const struct fdt *f, int node, const char *name, uint32_t *len)
{
    int b = node_body(f, node);
    if (b < 0)
        return NULL;
    uint32_t off = (uint32_t)b;
    for (;;) {
        uint32_t here = off;
        int tok = next_token(f, &off);
        if (tok == TOK_NOP)
            continue;
        if (tok != TOK_PROP)
            return NULL;
        const uint8_t *p = f->blob + f->off_struct + here;
        const char *pname = string_at(f, fdt_be32(p + 8));
        if (pname && strcmp(pname, name) == 0) {
            if (len)
                *len = fdt_be32(p + 4);
            return p + 12;
        }
    }
}

bool fdt_prop_has_string(const struct fdt *f, int node, const char *prop, const char *s)
{
    uint32_t len;
    const char *v = fdt_getprop(f, node, prop, &len);
    if (!v)
        return false;
    size_t slen = strlen(s);
    for (uint32_t i = 0; i < len;) {
        size_t n = strnlen(v + i, len - i);
        if (n == slen && memcmp(v + i, s, n) == 0)
            return true;
        i += (uint32_t)n + 1;
    }
    return false;
}

bool fdt_is_compatible(const struct fdt *f, int node, const char *compat)
{
    return fdt_prop_has_string(f, node, "compatible", compat);
}

int fdt_find_compatible(const struct fdt *f, int after, const char *compat)
{
    for (int n = fdt_next_node(f, after); n >= 0; n = fdt_next_node(f, n))
        if (fdt_is_compatible(f, n, compat))
            return n;
    return FDT_ERR_NOTFOUND;
}

bool fdt_getprop_u32(const struct fdt *f, int node, const char *name, uint32_t *out)
{
    uint32_t len;
    const void *p = fdt_getprop(f, node, name, &len);
    if (!p || len < 4)
        return false;
    *out = fdt_be32(p);
    return true;
}

void fdt_cells(const struct fdt *f, int node, uint32_t *ac, uint32_t *sc)
{
    int parent = fdt_parent(f, node);
    *ac = 2;
    *sc = 1;
    if (parent < 0)
        parent = 0;
    fdt_getprop_u32(f, parent, "#address-cells", ac);
    fdt_getprop_u32(f, parent, "#size-cells", sc);
}

static uint64_t read_cells(const uint8_t *p, uint32_t n)
{
    uint64_t v = 0;
    for (uint32_t i = 0; i < n; i++)
        v = (v << 32) | fdt_be32(p + 4 * i);
    return v;
}

/* Translates a bus address of `node`'s children through `node`'s ranges. */
static int translate(const struct fdt *f, int bus, uint64_t *addr, int depth)
{
    if (bus <= 0 || depth > FDT_MAX_DEPTH)
        return 0;
    uint32_t len;
    const uint8_t *r = fdt_getprop(f, bus, "ranges", &len);
    if (!r)
        return FDT_ERR_NOTFOUND;   /* no ranges: not translatable to the CPU */
    if (len == 0)
        return translate(f, fdt_parent(f, bus), addr, depth + 1);
    uint32_t cac = 2, csc = 1, pac, psc;
    fdt_getprop_u32(f, bus, "#address-cells", &cac);
    fdt_getprop_u32(f, bus, "#size-cells", &csc);
    fdt_cells(f, bus, &pac, &psc);
    if (cac > 2 || csc > 2 || pac > 2 || psc > 2)
        return FDT_ERR_BADSTRUCT;
    uint32_t entry = 4 * (cac + pac + csc);
    for (uint32_t o = 0; entry && o + entry <= len; o += entry) {
        uint64_t child = read_cells(r + o, cac);
        uint64_t parent = read_cells(r + o + 4 * cac, pac);
        uint64_t size = read_cells(r + o + 4 * (cac + pac), csc);
        if (*addr >= child && *addr - child < size) {
            *addr = *addr - child + parent;
            return translate(f, fdt_parent(f, bus), addr, depth + 1);
        }
    }
    return FDT_ERR_NOTFOUND;
}

int fdt_get_reg(const struct fdt *f, int node, int idx, struct fdt_reg *out)
{
    uint32_t ac, sc, len;
    fdt_cells(f, node, &ac, &sc);
    if (ac > 2 || sc > 2 || ac == 0)
        return FDT_ERR_BADSTRUCT;
    const uint8_t *p = fdt_getprop(f, node, "reg", &len);
    uint32_t entry = 4 * (ac + sc);
    if (!p || idx < 0 || (uint64_t)(idx + 1) * entry > len)
        return FDT_ERR_NOTFOUND;
    p += (uint32_t)idx * entry;
    out->addr = read_cells(p, ac);
    out->size = read_cells(p + 4 * ac, sc);
    return translate(f, fdt_parent(f, node), &out->addr, 0);
}

int fdt_rsvmap_get(const struct fdt *f, int idx, struct fdt_reg *out)
{
    if (idx < 0)
        return FDT_ERR_NOTFOUND;
    uint64_t off = f->off_rsvmap + (uint64_t)idx * 16;
    if (off + 16 > f->size)
        return FDT_ERR_BADSTRUCT;
    out->addr = ((uint64_t)fdt_be32(f->blob + off) << 32) | fdt_be32(f->blob + off + 4);
    out->size = ((uint64_t)fdt_be32(f->blob + off + 8) << 32) | fdt_be32(f->blob + off + 12);
    if (out->addr == 0 && out->size == 0)
        return FDT_ERR_NOTFOUND;
    return 0;
}

/* Resolves a path or an alias name (possibly followed by ":options"). */
static int resolve_path_or_alias(const struct fdt *f, const char *p, uint32_t len)
{
    uint32_t n = 0;
    while (n < len && p[n] && p[n] != ':')
        n++;
    if (n == 0)
        return FDT_ERR_NOTFOUND;
    if (p[0] == '/')
        return fdt_path_offset(f, p, n);
    int aliases = fdt_path_offset(f, "/aliases", 8);
    if (aliases < 0)
        return aliases;
    char name[32];
    if (n >= sizeof(name))
        return FDT_ERR_NOTFOUND;
    memcpy(name, p, n);
    name[n] = '\0';
    uint32_t alen;
    const char *target = fdt_getprop(f, aliases, name, &alen);
    if (!target || alen == 0 || target[0] != '/')
        return FDT_ERR_NOTFOUND;
    return fdt_path_offset(f, target, strnlen(target, alen));
}

int fdt_stdout_node(const struct fdt *f)
{
    int chosen = fdt_path_offset(f, "/chosen", 7);
    uint32_t len;
    const char *p = chosen >= 0 ? fdt_getprop(f, chosen, "stdout-path", &len) : NULL;
    if (p) {
        int n = resolve_path_or_alias(f, p, len);
        if (n >= 0)
            return n;
    }
    return resolve_path_or_alias(f, "serial0", 7);
}
