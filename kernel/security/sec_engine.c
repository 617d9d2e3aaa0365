/*
 * The security module's decision engine (sec_engine.h). Order of a decision:
 * classes known -> message well formed (layout) -> verdict cell -> condition
 * program. Anything out of range denies. Freestanding: no library calls.
 */
#include "sec_engine.h"

static const char R_NO_BINDING[] = "no_binding";
static const char R_UNKNOWN_CLASS[] = "unknown_class";
static const char R_BAD_ENDPOINT[] = "malformed: no such endpoint";
static const char R_BAD_METHOD[] = "malformed: no such method";
static const char R_BAD_SIZE[] = "malformed: constant part size";
static const char R_BAD_TAG[] = "malformed: union tag";
static const char R_BAD_ARENA[] = "malformed: arena descriptor";
static const char R_BAD_HANDLE[] = "malformed: handle slot";
static const char R_BAD_NHANDLES[] = "malformed: handle count";
static const char R_NO_MESSAGE[] = "malformed: no message";
static const char R_POLICY[] = "policy_error";

bool sec_tables_valid(const struct sec_tables *t)
{
    return t && t->magic == SEC_TABLES_MAGIC && t->version == SEC_TABLES_VERSION;
}

static bool name_eq(const char *a, const char *b)
{
    while (*a && *a == *b) {
        a++;
        b++;
    }
    return *a == *b;
}

uint32_t sec_class_find(const struct sec_tables *t, const char *name)
{
    if (!t || !name || !t->classes)
        return SEC_CLASS_NONE;
    for (uint32_t i = 0; i < t->nclasses; i++)
        if (t->classes[i].name && name_eq(t->classes[i].name, name))
            return i;
    return SEC_CLASS_NONE;
}

const char *sec_class_name(const struct sec_tables *t, uint32_t class_id)
{
    if (!t || class_id >= t->nclasses)
        return "?";
    return t->classes[class_id].name;
}

const char *sec_event_name(enum sec_event ev)
{
    switch (ev) {
    case SEC_EV_EXECUTE:
        return "execute";
    case SEC_EV_REQUEST:
        return "request";
    case SEC_EV_RESPONSE:
        return "response";
    case SEC_EV_ERROR:
        return "error";
    case SEC_EV_SECURITY:
        return "security";
    }
    return "?";
}

const char *sec_reason_name(enum sec_reason code)
{
    switch (code) {
    case SEC_R_GRANTED:
        return "granted";
    case SEC_R_NO_BINDING:
        return "no_binding";
    case SEC_R_DENIED_BY_RULE:
        return "denied_by_rule";
    case SEC_R_MALFORMED:
        return "malformed";
    case SEC_R_UNKNOWN_CLASS:
        return "unknown_class";
    case SEC_R_POLICY_ERROR:
        return "policy_error";
    }
    return "?";
}

static bool finish(struct sec_result *r, enum sec_reason code, const char *reason)
{
    r->code = code;
    r->granted = code == SEC_R_GRANTED;
    r->malformed = code == SEC_R_MALFORMED;
    r->reason = r->granted ? NULL : reason;
    return r->granted;
}

static bool grant(struct sec_result *r)
{
    return finish(r, SEC_R_GRANTED, NULL);
}

static bool policy_error(struct sec_result *r)
{
    return finish(r, SEC_R_POLICY_ERROR, R_POLICY);
}

static bool malformed(struct sec_result *r, const char *reason)
{
    return finish(r, SEC_R_MALFORMED, reason);
}

/* ---- layout validation ---------------------------------------------------- */

static uint32_t rd32(const uint8_t *p)
{
    return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}

/* Offsets in the tables are trusted only after the size check; still,
 * every read stays within `size`. */
static bool cond_holds(const struct sec_msg_layout *l, const uint8_t *data, uint32_t size,
                       uint16_t c)
{
    uint32_t steps = 0;
    while (c != SEC_NO_COND) {
        if (c >= l->nconds || ++steps > l->nconds)
            return false;
        const struct sec_cond *k = &l->conds[c];
        if ((uint32_t)k->tag_offset + 4u > size || rd32(data + k->tag_offset) != k->value)
            return false;
        c = k->parent;
    }
    return true;
}

/* NULL when well formed, else the reason. Strings' contents are in the
 * sender's arena, which the kernel has not copied yet: their NUL is checked
 * by the receiving dispatcher; here only the descriptor. */
__attribute__((always_inline)) static inline const char *
check_layout(const struct sec_msg_layout *l, const struct sec_message *m)
{
    uint32_t i;
    if (m->size != l->size)
        return R_BAD_SIZE;
    if (m->size && !m->data)
        return R_NO_MESSAGE;
    if (m->nhandles > l->nhandles)
        return R_BAD_NHANDLES;
    if ((l->narena && !l->arena) || (l->nhandles && !l->handles) || (l->nunions && !l->unions) ||
        (l->nconds && !l->conds))
        return R_POLICY;
    for (i = 0; i < l->nunions; i++) {
        const struct sec_union_ref *u = &l->unions[i];
        if ((uint32_t)u->offset + 4u > m->size)
            return R_POLICY;
        if (cond_holds(l, m->data, m->size, u->cond) && rd32(m->data + u->offset) >= u->nmembers)
            return R_BAD_TAG;
    }
    for (i = 0; i < l->narena; i++) {
        const struct sec_arena_ref *a = &l->arena[i];
        if ((uint32_t)a->offset + 8u > m->size || a->elem_size == 0 || a->elem_align == 0)
            return R_POLICY;
        if (!cond_holds(l, m->data, m->size, a->cond))
            continue;
        uint32_t off = rd32(m->data + a->offset), sz = rd32(m->data + a->offset + 4);
        if (off > m->arena_size || sz > m->arena_size - off || sz % a->elem_size != 0 ||
            off % a->elem_align != 0 || sz / a->elem_size > a->max)
            return R_BAD_ARENA;
        if (a->kind == SEC_ARENA_STRING && sz == 0)
            return R_BAD_ARENA;
    }
    for (i = 0; i < l->nhandles; i++) {
        const struct sec_handle_ref *h = &l->handles[i];
        if ((uint32_t)h->offset + 4u > m->size)
            return R_POLICY;
        if (!cond_holds(l, m->data, m->size, h->cond))
            continue;
        uint32_t slot = rd32(m->data + h->offset);
        if (slot != SEC_NO_HANDLE && slot >= m->nhandles)
            return R_BAD_HANDLE;
    }
    return NULL;
}

int sec_check_strings(const struct sec_msg_layout *l, const struct sec_message *m,
                      const uint8_t *arena)
{
    if (!l || !m || (l->narena && !l->arena))
        return -1;
    for (uint32_t i = 0; i < l->narena; i++) {
        const struct sec_arena_ref *a = &l->arena[i];
        if (a->kind != SEC_ARENA_STRING || !cond_holds(l, m->data, m->size, a->cond))
            continue;
        if ((uint32_t)a->offset + 8u > m->size)
            return -1;
        uint32_t off = rd32(m->data + a->offset), sz = rd32(m->data + a->offset + 4);
        if (!arena || sz == 0 || off > m->arena_size || sz > m->arena_size - off ||
            arena[off + sz - 1u] != 0)
            return -1;
        for (uint32_t k = 0; k + 1u < sz; k++)
            if (arena[off + k] == 0)
                return -1;
    }
    return 0;
}

int sec_check_layout(const struct sec_msg_layout *l, const struct sec_message *m,
                     const char **reason)
{
    const char *bad = !l ? R_POLICY : !m ? R_NO_MESSAGE : check_layout(l, m);
    if (reason)
        *reason = bad;
    return bad ? -1 : 0;
}

/* ---- condition programs ---------------------------------------------------- */

_Static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "messages are little-endian");

/* The little-endian integer of `width` bytes at p (unaligned loads: the
 * message copy is byte-addressed); 0 for a width the tables should not hold. */
__attribute__((always_inline)) static inline int64_t load(const uint8_t *p, unsigned width,
                                                          bool sign)
{
    if (width == 4) { /* the common case first: no table dispatch */
        uint32_t v;
        __builtin_memcpy(&v, p, 4);
        return sign ? (int64_t)(int32_t)v : (int64_t)v;
    }
    if (width == 8) {
        uint64_t v;
        __builtin_memcpy(&v, p, 8);
        return (int64_t)v;
    }
    if (width == 2) {
        uint16_t v;
        __builtin_memcpy(&v, p, 2);
        return sign ? (int64_t)(int16_t)v : (int64_t)v;
    }
    if (width == 1)
        return sign ? (int64_t)(int8_t)p[0] : (int64_t)p[0];
    return 0; /* corrupt tables: reads nothing */
}

__attribute__((always_inline)) static inline bool compare(uint8_t op, int64_t a, int64_t b,
                                                          bool uns)
{
    uint64_t ua = (uint64_t)a, ub = (uint64_t)b;
    switch (op) {
    case SEC_OP_EQ:
        return a == b;
    case SEC_OP_NE:
        return a != b;
    case SEC_OP_LT:
        return uns ? ua < ub : a < b;
    case SEC_OP_LE:
        return uns ? ua <= ub : a <= b;
    case SEC_OP_GT:
        return uns ? ua > ub : a > b;
    default:
        return uns ? ua >= ub : a >= b;
    }
}

static const char *reason_at(const struct sec_tables *t, uint32_t k)
{
    return k < t->nreasons ? t->reasons[k] : R_POLICY;
}

/* ---- security models: state writes journaled, a failed decision undone ---- */

/* Every write to model state during one decision, with the old value: if a
 * later rule of the same decision fails, rollback() restores them (a
 * decision is atomic). Bounded: tools/psl refuses a decision that could make
 * more than SEC_JOURNAL_MAX writes; past it the engine denies. */
struct journal {
    uint32_t n;
    struct {
        void *p;
        uint64_t old;
        uint8_t width; /* 1, 4 or 8 */
    } e[SEC_JOURNAL_MAX];
};

/* A one-byte state write (Flow states, HashSet table links). */
__attribute__((always_inline)) static inline bool put8(struct journal *j, uint8_t *p, uint8_t v)
{
    if (j->n >= SEC_JOURNAL_MAX)
        return false;
    j->e[j->n].p = p;
    j->e[j->n].old = *p;
    j->e[j->n].width = 1;
    j->n++;
    *p = v;
    return true;
}

static bool put(struct journal *j, void *p, uint8_t width, uint64_t v)
{
    if (j->n >= SEC_JOURNAL_MAX)
        return false;
    j->e[j->n].p = p;
    j->e[j->n].width = width;
    if (width == 1) {
        j->e[j->n].old = *(uint8_t *)p;
        *(uint8_t *)p = (uint8_t)v;
    } else if (width == 4) {
        j->e[j->n].old = *(uint32_t *)p;
        *(uint32_t *)p = (uint32_t)v;
    } else {
        j->e[j->n].old = *(uint64_t *)p;
        *(uint64_t *)p = v;
    }
    j->n++;
    return true;
}

static void rollback(struct journal *j)
{
    while (j->n) {
        j->n--;
        void *p = j->e[j->n].p;
        uint64_t old = j->e[j->n].old;
        if (j->e[j->n].width == 1)
            *(uint8_t *)p = (uint8_t)old;
        else if (j->e[j->n].width == 4)
            *(uint32_t *)p = (uint32_t)old;
        else
            *(uint64_t *)p = old;
    }
}

static const struct sec_hashset *hashset_at(const struct sec_tables *t, int64_t imm)
{
    uint32_t k = (uint32_t)imm & 0xFFFFu;
    if (!t->hashsets || k >= t->nhashsets)
        return NULL;
    const struct sec_hashset *h = &t->hashsets[k];
    if (!h->table_of || !h->owner || !h->count || !h->entries || h->pool_size == 0 ||
        h->pool_size > SEC_SID_MAX || h->set_size == 0)
        return NULL;
    return h;
}

/* Outcome of one model rule. */
enum model_rc { M_OK, M_DENY, M_ERROR };

/* Flow rules and query: *out receives the state (query). */
static enum model_rc flow_op(const struct sec_flow *f, uint8_t op, int64_t imm, uint64_t sid,
                             struct journal *j, int64_t *out)
{
    if (sid >= SEC_SID_MAX)
        return M_DENY;
    if (!f->state || !f->transitions || f->nstates > SEC_FLOW_STATES_MAX)
        return M_ERROR;
    uint8_t st = f->state[sid];
    if (st > f->nstates)
        return M_ERROR;
    uint32_t arg = (uint32_t)((uint64_t)imm >> 16);
    switch (op) {
    case SEC_OP_FLOW_INIT:
        if (f->initial >= f->nstates)
            return M_ERROR;
        if (st)
            return M_DENY;
        return put8(j, &f->state[sid], (uint8_t)(f->initial + 1u)) ? M_OK : M_ERROR;
    case SEC_OP_FLOW_FINI:
        if (!st)
            return M_DENY;
        return put8(j, &f->state[sid], 0) ? M_OK : M_ERROR;
    case SEC_OP_FLOW_ENTER:
        if (arg >= f->nstates)
            return M_ERROR;
        if (!st || !((f->transitions[st - 1u] >> arg) & 1u))
            return M_DENY;
        return put8(j, &f->state[sid], (uint8_t)(arg + 1u)) ? M_OK : M_ERROR;
    case SEC_OP_FLOW_ALLOW:
        return st && (((uint64_t)imm >> 16) >> (st - 1u)) & 1u ? M_OK : M_DENY;
    default: /* SEC_OP_FLOW_QUERY */
        if (!st)
            return M_DENY;
        *out = st - 1;
        return M_OK;
    }
}

/* HashSet rules and contains: *out receives "entry is in the table". A
 * table is scanned linearly: at most set_size entries (bounded at build
 * time). */
static enum model_rc hashset_op(const struct sec_hashset *h, uint8_t op, uint64_t sid,
                                uint64_t entry, struct journal *j, int64_t *out)
{
    if (sid >= SEC_SID_MAX)
        return M_DENY;
    uint32_t k = h->table_of[sid];
    if (k > h->pool_size)
        return M_ERROR;
    if (op == SEC_OP_HS_INIT) {
        if (k)
            return M_DENY;
        for (uint32_t i = 0; i < h->pool_size; i++) {
            if (h->owner[i])
                continue;
            return put(j, &h->table_of[sid], 1, i + 1u) && put(j, &h->owner[i], 1, sid + 1u) &&
                           put(j, &h->count[i], 4, 0)
                       ? M_OK
                       : M_ERROR;
        }
        return M_DENY; /* every table of the pool is taken */
    }
    if (!k)
        return M_DENY;
    k--;
    if (op == SEC_OP_HS_FINI)
        return put(j, &h->table_of[sid], 1, 0) && put(j, &h->owner[k], 1, 0) &&
                       put(j, &h->count[k], 4, 0)
                   ? M_OK
                   : M_ERROR;
    uint64_t *e = &h->entries[(uint64_t)k * h->set_size];
    uint32_t n = h->count[k], at = n;
    if (n > h->set_size)
        return M_ERROR;
    for (uint32_t i = 0; i < n; i++)
        if (e[i] == entry) {
            at = i;
            break;
        }
    switch (op) {
    case SEC_OP_HS_ADD:
        if (at < n)
            return M_OK;
        if (n == h->set_size)
            return M_DENY; /* the table is full */
        return put(j, &e[n], 8, entry) && put(j, &h->count[k], 4, n + 1u) ? M_OK : M_ERROR;
    case SEC_OP_HS_REMOVE:
        if (at == n)
            return M_OK;
        return put(j, &e[at], 8, e[n - 1u]) && put(j, &h->count[k], 4, n - 1u) ? M_OK : M_ERROR;
    default: /* SEC_OP_HS_CONTAINS */
        *out = at < n;
        return M_OK;
    }
}

static const struct sec_staticmap *staticmap_at(const struct sec_tables *t, int64_t imm)
{
    uint32_t k = (uint32_t)imm & 0xFFFFu;
    if (!t->staticmaps || k >= t->nstaticmaps)
        return NULL;
    const struct sec_staticmap *m = &t->staticmaps[k];
    if (!m->defaults || !m->table_of || !m->owner || !m->base || !m->work || m->nkeys == 0 ||
        m->nkeys > SEC_SMAP_KEYS_MAX || m->pool_size == 0 || m->pool_size > SEC_SID_MAX)
        return NULL;
    return m;
}

/* StaticMap rules and get/get_uncommitted (*out). Bounded: at most nkeys
 * (<= SEC_SMAP_KEYS_MAX) values per rule, pool_size tables for init. */
static enum model_rc staticmap_op(const struct sec_staticmap *m, uint8_t op, uint32_t key,
                                  uint64_t sid, int64_t value, struct journal *j, int64_t *out)
{
    if (sid >= SEC_SID_MAX)
        return M_DENY;
    uint32_t k = m->table_of[sid];
    if (k > m->pool_size)
        return M_ERROR;
    if (op == SEC_OP_SM_INIT) {
        if (k)
            return M_DENY;
        for (uint32_t i = 0; i < m->pool_size; i++) {
            if (m->owner[i])
                continue;
            if (!put(j, &m->table_of[sid], 1, i + 1u) || !put(j, &m->owner[i], 1, sid + 1u))
                return M_ERROR;
            for (uint32_t n = 0; n < m->nkeys; n++)
                if (!put(j, &m->base[i * m->nkeys + n], 8, (uint64_t)m->defaults[n]) ||
                    !put(j, &m->work[i * m->nkeys + n], 8, (uint64_t)m->defaults[n]))
                    return M_ERROR;
            return M_OK;
        }
        return M_DENY; /* every table of the pool is taken */
    }
    if (!k)
        return M_DENY;
    k--;
    int64_t *base = &m->base[k * m->nkeys], *work = &m->work[k * m->nkeys];
    if (op != SEC_OP_SM_FINI && op != SEC_OP_SM_COMMIT && op != SEC_OP_SM_ROLLBACK &&
        key >= m->nkeys)
        return M_ERROR;
    switch (op) {
    case SEC_OP_SM_FINI:
        return put(j, &m->table_of[sid], 1, 0) && put(j, &m->owner[k], 1, 0) ? M_OK : M_ERROR;
    case SEC_OP_SM_SET:
        return put(j, &work[key], 8, (uint64_t)value) ? M_OK : M_ERROR;
    case SEC_OP_SM_COMMIT:
    case SEC_OP_SM_ROLLBACK:
        for (uint32_t n = 0; n < m->nkeys; n++) {
            int64_t *to = op == SEC_OP_SM_COMMIT ? &base[n] : &work[n];
            int64_t from = op == SEC_OP_SM_COMMIT ? work[n] : base[n];
            if (*to != from && !put(j, to, 8, (uint64_t)from))
                return M_ERROR;
        }
        return M_OK;
    case SEC_OP_SM_GET:
        *out = base[key];
        return M_OK;
    default: /* SEC_OP_SM_GET_UNCOMMITTED */
        *out = work[key];
        return M_OK;
    }
}

static const struct sec_mic *mic_at(const struct sec_tables *t, int64_t imm)
{
    uint32_t k = (uint32_t)imm & 0xFFFFu;
    if (!t->mics || k >= t->nmics)
        return NULL;
    const struct sec_mic *m = &t->mics[k];
    if (!m->level || !m->level_r || m->ndegrees == 0 || m->ndegrees > SEC_MIC_DEGREES_MAX ||
        m->ncategories > SEC_MIC_CATEGORIES_MAX)
        return NULL;
    return m;
}

/* a <= b in the lattice: degree not above, categories a subset */
static bool level_le(uint32_t a, uint32_t b)
{
    return (a & 0xFFu) <= (b & 0xFFu) && ((a >> 8) & ~(b >> 8)) == 0;
}

/* The level of sid + 1, 0 when none (or out of range). */
static uint32_t mic_get(const struct sec_mic *m, uint64_t sid)
{
    return sid < SEC_SID_MAX ? m->level[sid] : 0u;
}

/* Mic rules; *out: query_level. sids[]: in the order the op pops them,
 * reversed: source, target, container, driver. */
static enum model_rc mic_op(const struct sec_mic *m, uint8_t op, uint8_t flags, int64_t imm,
                            const uint64_t *sid, struct journal *j, int64_t *out)
{
    uint32_t level = (uint32_t)(((uint64_t)imm >> 16) & 0xFFFFFFu);
    uint32_t level_r = (uint32_t)(((uint64_t)imm >> 40) & 0xFFFFFFu);
    uint32_t src = mic_get(m, sid[0]), tgt;
    switch (op) {
    case SEC_OP_MIC_EXECUTE: /* sid[0]: the target */
        if (sid[0] >= SEC_SID_MAX || src || !level_le(level_r, level))
            return M_DENY;
        return put(j, &m->level[sid[0]], 4, level + 1u) && put(j, &m->level_r[sid[0]], 4, level_r + 1u)
                   ? M_OK
                   : M_ERROR;
    case SEC_OP_MIC_CREATE:
    case SEC_OP_MIC_UPGRADE: {
        uint32_t drv = mic_get(m, sid[3]), cont = 0;
        bool has_cont = (int64_t)sid[2] != -1;
        if (has_cont && !(cont = mic_get(m, sid[2])))
            return M_DENY;
        if (!src || !drv || sid[1] >= SEC_SID_MAX)
            return M_DENY;
        if (op == SEC_OP_MIC_CREATE && (flags & SEC_INSN_MIC_OWN))
            level = src - 1u;
        if (!level_le(level, src - 1u) || !level_le(level, drv - 1u) ||
            (has_cont && !level_le(level, cont - 1u)))
            return M_DENY;
        tgt = m->level[sid[1]];
        if (op == SEC_OP_MIC_UPGRADE &&
            (!tgt || level_le(level, tgt - 1u) || !level_le(tgt - 1u, level) ||
             !level_le(tgt - 1u, src - 1u)))
            return M_DENY; /* not assigned, not above it, or above the source */
        return put(j, &m->level[sid[1]], 4, level + 1u) && put(j, &m->level_r[sid[1]], 4, level + 1u)
                   ? M_OK
                   : M_ERROR;
    }
    case SEC_OP_MIC_CALL: /* data from target to source */
        tgt = mic_get(m, sid[1]);
        if (!src || !tgt)
            return M_DENY;
        return level_le(src - 1u, tgt - 1u) || level_le(m->level_r[sid[0]] - 1u, tgt - 1u) ? M_OK
                                                                                           : M_DENY;
    case SEC_OP_MIC_INVOKE: /* data from source to target */
        tgt = mic_get(m, sid[1]);
        return src && tgt && level_le(tgt - 1u, src - 1u) ? M_OK : M_DENY;
    default: /* SEC_OP_MIC_QUERY */
        if (!src)
            return M_DENY;
        *out = src - 1u;
        return M_OK;
    }
}

bool sec_tables_check(const struct sec_tables *t)
{
    if (!sec_tables_valid(t) || (t->nflows && !t->flows) || (t->nhashsets && !t->hashsets) ||
        (t->nprograms && (!t->programs || !t->insns)))
        return false;
    for (uint32_t i = 0; i < t->nprograms; i++) {
        const struct sec_program *p = &t->programs[i];
        if (p->count == 0 || (uint64_t)p->first + p->count > t->ninsns)
            return false; /* every program is inside insns[] and not empty */
        for (uint32_t k = 0; k < p->count; k++) {
            const struct sec_insn *in = &t->insns[p->first + k];
            if ((in->op == SEC_OP_JZ || in->op == SEC_OP_JMP) &&
                (uint64_t)k + 1u + in->arg > p->count)
                return false; /* a jump lands inside its program or at its end */
        }
    }
    for (uint32_t i = 0; i < t->ninsns; i++) {
        /* a Flow rule names an existing object, enter an existing state */
        const struct sec_insn *in = &t->insns[i];
        uint32_t o = (uint32_t)in->imm & 0xFFFFu;
        if (in->op >= SEC_OP_FLOW_INIT && in->op <= SEC_OP_FLOW_QUERY && o >= t->nflows)
            return false;
        if (in->op == SEC_OP_FLOW_ENTER &&
            ((uint64_t)in->imm >> 16 >= t->flows[o].nstates || in->imm < 0))
            return false;
    }
    for (uint32_t i = 0; i < t->nflows; i++) {
        const struct sec_flow *f = &t->flows[i];
        if (!f->state || !f->transitions || f->nstates == 0 || f->nstates > SEC_FLOW_STATES_MAX ||
            f->initial >= f->nstates)
            return false;
        for (uint32_t k = 0; k < f->nstates; k++)
            if (f->transitions[k] >> f->nstates)
                return false; /* a transition to a state past the last */
    }
    for (uint32_t i = 0; i < t->nhashsets; i++)
        if (!hashset_at(t, i))
            return false;
    if (t->nstaticmaps && !t->staticmaps)
        return false;
    for (uint32_t i = 0; i < t->nstaticmaps; i++)
        if (!staticmap_at(t, i))
            return false;
    if (t->nmics && !t->mics)
        return false;
    for (uint32_t i = 0; i < t->nmics; i++)
        if (!mic_at(t, i))
            return false;
    return true;
}

void sec_release_sid(const struct sec_tables *t, uint32_t sid)
{
    if (!sec_tables_valid(t) || sid >= SEC_SID_MAX)
        return;
    for (uint32_t i = 0; t->flows && i < t->nflows; i++)
        if (t->flows[i].state)
            t->flows[i].state[sid] = 0;
    for (uint32_t i = 0; t->hashsets && i < t->nhashsets; i++) {
        const struct sec_hashset *h = &t->hashsets[i];
        if (!h->table_of || !h->owner || !h->count)
            continue;
        uint32_t k = h->table_of[sid];
        if (k && k <= h->pool_size) {
            h->owner[k - 1u] = 0;
            h->count[k - 1u] = 0;
        }
        h->table_of[sid] = 0;
    }
    for (uint32_t i = 0; t->staticmaps && i < t->nstaticmaps; i++) {
        const struct sec_staticmap *m = &t->staticmaps[i];
        if (!m->table_of || !m->owner)
            continue;
        uint32_t k = m->table_of[sid];
        if (k && k <= m->pool_size)
            m->owner[k - 1u] = 0; /* init resets its values */
        m->table_of[sid] = 0;
    }
    for (uint32_t i = 0; t->mics && i < t->nmics; i++)
        if (t->mics[i].level && t->mics[i].level_r)
            t->mics[i].level[sid] = t->mics[i].level_r[sid] = 0;
}

/* The SID operand of a model op: from a subject (flags SEC_INSN_SID_SRC /
 * SEC_INSN_SID_DST, the common `sid : src_sid`) or popped from the stack. */
#define SID_FLAGS (SEC_INSN_SID_SRC | SEC_INSN_SID_DST)

__attribute__((always_inline)) static inline bool
exec_program(const struct sec_tables *t, uint32_t k, const uint8_t *data, uint32_t size,
             const struct sec_result *subj, struct sec_result *r, struct journal *j)
{
    if (k >= t->nprograms)
        return policy_error(r);
    /* inside insns[] and not empty: sec_tables_check, at load */
    const struct sec_program *p = &t->programs[k];
    int64_t st[SEC_STACK_MAX];
    uint32_t sp = 0;
    const struct sec_insn *in = t->insns + p->first, *end = in + p->count;
    do { /* count >= 1 */
        switch (in->op) {
        case 0: /* not an op; listed so the dispatch needs no rebasing */
            return policy_error(r);
        case SEC_OP_LOAD:
        case SEC_OP_FIELD_CMP:
            /* inside the constant part (a width other than 1, 2, 4, 8 loads
             * nothing; with size 0 only width 0 passes: data is never read) */
            if (sp >= SEC_STACK_MAX || in->arg > size || in->width > size - in->arg)
                return policy_error(r);
            if (in->op == SEC_OP_LOAD) {
                st[sp++] = load(data + in->arg, in->width, in->flags & SEC_INSN_SIGNED);
                break;
            }
            /* fused LOAD field, CONST imm, compare (pad): one dispatch */
            if (in->pad < SEC_OP_EQ || in->pad > SEC_OP_GE)
                return policy_error(r);
            st[sp++] =
                compare(in->pad, load(data + in->arg, in->width, in->flags & SEC_INSN_SIGNED),
                        in->imm, in->flags & SEC_INSN_UNSIGNED);
            break;
            /* a whole `assert (message.f <cmp> c)` / `deny (...)`, one opcode per
             * comparison so that compare() folds: arg = field offset | reason
             * index << 16, pad = SEC_CHECK_REFUTE for deny */
#define CHECK_CASE(OPC, CMP)                                                                       \
    case OPC: {                                                                                    \
        uint32_t off = in->arg & 0xFFFFu;                                                          \
        if (off + (uint32_t)in->width > size) /* both < 2^16: no wrap */                           \
            return policy_error(r);                                                                \
        bool holds = compare(CMP, load(data + off, in->width, in->flags & SEC_INSN_SIGNED),        \
                             in->imm, in->flags & SEC_INSN_UNSIGNED);                              \
        if (holds == !!(in->pad & SEC_CHECK_REFUTE))                                               \
            return finish(r, SEC_R_DENIED_BY_RULE, reason_at(t, in->arg >> 16));                   \
        break;                                                                                     \
    }
            CHECK_CASE(SEC_OP_CHECK_EQ, SEC_OP_EQ)
            CHECK_CASE(SEC_OP_CHECK_NE, SEC_OP_NE)
            CHECK_CASE(SEC_OP_CHECK_LT, SEC_OP_LT)
            CHECK_CASE(SEC_OP_CHECK_LE, SEC_OP_LE)
            CHECK_CASE(SEC_OP_CHECK_GT, SEC_OP_GT)
            CHECK_CASE(SEC_OP_CHECK_GE, SEC_OP_GE)
#undef CHECK_CASE
        case SEC_OP_CONST:
            if (sp >= SEC_STACK_MAX)
                return policy_error(r);
            st[sp++] = in->imm;
            break;
        case SEC_OP_EQ:
        case SEC_OP_NE:
        case SEC_OP_LT:
        case SEC_OP_LE:
        case SEC_OP_GT:
        case SEC_OP_GE:
            if (sp < 2)
                return policy_error(r);
            sp--;
            st[sp - 1] = compare(in->op, st[sp - 1], st[sp], in->flags & SEC_INSN_UNSIGNED);
            break;
        case SEC_OP_AND:
        case SEC_OP_OR:
            if (sp < 2)
                return policy_error(r);
            sp--;
            st[sp - 1] = in->op == SEC_OP_AND ? (st[sp - 1] && st[sp]) : (st[sp - 1] || st[sp]);
            break;
        case SEC_OP_NOT:
            if (sp < 1)
                return policy_error(r);
            st[sp - 1] = !st[sp - 1];
            break;
        case SEC_OP_ASSERT:
        case SEC_OP_REFUTE:
            if (sp < 1)
                return policy_error(r);
            sp--;
            if ((st[sp] != 0) != (in->op == SEC_OP_ASSERT))
                return finish(r, SEC_R_DENIED_BY_RULE, reason_at(t, in->arg));
            break;
        case SEC_OP_FAIL:
            return finish(r, SEC_R_DENIED_BY_RULE, reason_at(t, in->arg));
        case SEC_OP_SID:
            if (sp >= SEC_STACK_MAX)
                return policy_error(r);
            st[sp++] = (int64_t)((in->width ? subj->dst : subj->src) >> 32);
            break;
        case SEC_OP_FLOW_ENTER: {
            /* the hot model rule, on its own: state[sid] -> imm >> 16 when the
             * transition is in the config */
            /* object and target state exist (sec_tables_check, at load) */
            const struct sec_flow *f = &t->flows[(uint32_t)in->imm & 0xFFFFu];
            uint32_t to = (uint32_t)((uint64_t)in->imm >> 16);
            uint64_t sid;
            if (in->flags & SEC_INSN_SID_DST) /* the usual `sid : dst_sid` first */
                sid = subj->dst >> 32;
            else if (in->flags & SEC_INSN_SID_SRC)
                sid = subj->src >> 32;
            else if (sp < 1)
                return policy_error(r);
            else
                sid = (uint64_t)st[--sp];
            /* a state byte holds 0 (none) or state + 1 < nstates + 1: only
             * the engine writes it, with checked states */
            uint32_t cur = sid < SEC_SID_MAX ? f->state[sid] : 0u;
            if (!cur || !((f->transitions[cur - 1u] >> to) & 1u))
                return finish(r, SEC_R_DENIED_BY_RULE, reason_at(t, in->arg));
            if (in->flags & SEC_INSN_FINAL)
                f->state[sid] = (uint8_t)(to + 1u); /* nothing after it can fail */
            else if (!put8(j, &f->state[sid], (uint8_t)(to + 1u)))
                return policy_error(r);
            break;
        }
        case SEC_OP_FLOW_INIT:
        case SEC_OP_FLOW_FINI:
        case SEC_OP_FLOW_ALLOW:
        case SEC_OP_FLOW_QUERY: {
            uint32_t o = (uint32_t)in->imm & 0xFFFFu;
            if (!t->flows || o >= t->nflows)
                return policy_error(r);
            uint64_t sid;
            if (in->flags & SID_FLAGS)
                sid = ((in->flags & SEC_INSN_SID_DST) ? subj->dst : subj->src) >> 32;
            else if (sp < 1)
                return policy_error(r);
            else
                sid = (uint64_t)st[--sp];
            int64_t out = 0;
            enum model_rc rc = flow_op(&t->flows[o], in->op, in->imm, sid, j, &out);
            if (rc == M_ERROR)
                return policy_error(r);
            if (rc == M_DENY)
                return finish(r, SEC_R_DENIED_BY_RULE, reason_at(t, in->arg));
            if (in->op == SEC_OP_FLOW_QUERY) {
                if (sp >= SEC_STACK_MAX)
                    return policy_error(r);
                st[sp++] = out;
            }
            break;
        }
        case SEC_OP_HS_INIT:
        case SEC_OP_HS_FINI:
        case SEC_OP_HS_ADD:
        case SEC_OP_HS_REMOVE:
        case SEC_OP_HS_CONTAINS: {
            const struct sec_hashset *h = hashset_at(t, in->imm);
            uint32_t need = (in->op == SEC_OP_HS_INIT || in->op == SEC_OP_HS_FINI ? 0u : 1u) +
                            ((in->flags & SID_FLAGS) ? 0u : 1u);
            if (sp < need || !h)
                return policy_error(r);
            uint64_t entry = 0, sid;
            if (in->op != SEC_OP_HS_INIT && in->op != SEC_OP_HS_FINI)
                entry = (uint64_t)st[--sp];
            if (in->flags & SID_FLAGS)
                sid = ((in->flags & SEC_INSN_SID_DST) ? subj->dst : subj->src) >> 32;
            else
                sid = (uint64_t)st[--sp];
            int64_t out = 0;
            enum model_rc rc = hashset_op(h, in->op, sid, entry, j, &out);
            if (rc == M_ERROR)
                return policy_error(r);
            if (rc == M_DENY)
                return finish(r, SEC_R_DENIED_BY_RULE, reason_at(t, in->arg));
            if (in->op == SEC_OP_HS_CONTAINS)
                st[sp++] = out;
            break;
        }
        case SEC_OP_SM_INIT:
        case SEC_OP_SM_FINI:
        case SEC_OP_SM_SET:
        case SEC_OP_SM_COMMIT:
        case SEC_OP_SM_ROLLBACK:
        case SEC_OP_SM_GET:
        case SEC_OP_SM_GET_UNCOMMITTED: {
            const struct sec_staticmap *m = staticmap_at(t, in->imm);
            uint32_t need = (in->op == SEC_OP_SM_SET ? 1u : 0u) + ((in->flags & SID_FLAGS) ? 0u : 1u);
            if (sp < need || !m)
                return policy_error(r);
            int64_t value = 0, out = 0;
            uint64_t sid;
            if (in->op == SEC_OP_SM_SET)
                value = st[--sp];
            if (in->flags & SID_FLAGS)
                sid = ((in->flags & SEC_INSN_SID_DST) ? subj->dst : subj->src) >> 32;
            else
                sid = (uint64_t)st[--sp];
            enum model_rc rc = staticmap_op(m, in->op, (uint32_t)((uint64_t)in->imm >> 16) & 0xFFFFu,
                                            sid, value, j, &out);
            if (rc == M_ERROR)
                return policy_error(r);
            if (rc == M_DENY)
                return finish(r, SEC_R_DENIED_BY_RULE, reason_at(t, in->arg));
            if (in->op == SEC_OP_SM_GET || in->op == SEC_OP_SM_GET_UNCOMMITTED) {
                if (sp >= SEC_STACK_MAX)
                    return policy_error(r);
                st[sp++] = out;
            }
            break;
        }
        case SEC_OP_MIC_EXECUTE:
        case SEC_OP_MIC_CREATE:
        case SEC_OP_MIC_UPGRADE:
        case SEC_OP_MIC_CALL:
        case SEC_OP_MIC_INVOKE:
        case SEC_OP_MIC_QUERY: {
            const struct sec_mic *m = mic_at(t, in->imm);
            uint32_t n = in->op == SEC_OP_MIC_CREATE || in->op == SEC_OP_MIC_UPGRADE ? 4u
                         : in->op == SEC_OP_MIC_CALL || in->op == SEC_OP_MIC_INVOKE  ? 2u
                                                                                     : 1u;
            if (sp < n || !m)
                return policy_error(r);
            uint64_t sid[4];
            sp -= n;
            for (uint32_t i = 0; i < n; i++)
                sid[i] = (uint64_t)st[sp + i];
            int64_t out = 0;
            enum model_rc rc = mic_op(m, in->op, in->flags, in->imm, sid, j, &out);
            if (rc == M_ERROR)
                return policy_error(r);
            if (rc == M_DENY)
                return finish(r, SEC_R_DENIED_BY_RULE, reason_at(t, in->arg));
            if (in->op == SEC_OP_MIC_QUERY)
                st[sp++] = out;
            break;
        }
        case SEC_OP_ADD:
        case SEC_OP_SUB:
        case SEC_OP_MUL: {
            if (sp < 2)
                return policy_error(r);
            sp--;
            int64_t a = st[sp - 1], b = st[sp], v;
            bool ovf = in->op == SEC_OP_ADD   ? __builtin_add_overflow(a, b, &v)
                       : in->op == SEC_OP_SUB ? __builtin_sub_overflow(a, b, &v)
                                              : __builtin_mul_overflow(a, b, &v);
            if (ovf)
                return finish(r, SEC_R_DENIED_BY_RULE, reason_at(t, in->arg));
            st[sp - 1] = v;
            break;
        }
        case SEC_OP_NEG:
        case SEC_OP_ABS:
            if (sp < 1)
                return policy_error(r);
            if (st[sp - 1] == INT64_MIN) /* -INT64_MIN does not exist */
                return finish(r, SEC_R_DENIED_BY_RULE, reason_at(t, in->arg));
            if (in->op == SEC_OP_NEG || st[sp - 1] < 0)
                st[sp - 1] = -st[sp - 1];
            break;
        case SEC_OP_SIZE: {
            /* the descriptor's byte size, checked against the arena by the
             * layout check already; only its count is derived here */
            if (sp >= SEC_STACK_MAX || in->arg > size || 8u > size - in->arg || in->imm <= 0)
                return policy_error(r);
            uint32_t bytes;
            __builtin_memcpy(&bytes, data + in->arg + 4, 4);
            if (in->width == 1) /* a string: without its NUL (absent: 0) */
                bytes = bytes ? bytes - 1u : 0u;
            st[sp++] = (int64_t)(bytes / (uint64_t)in->imm);
            break;
        }
        case SEC_OP_JZ:
        case SEC_OP_JMP:
            /* forward, inside the program: sec_tables_check, at load */
            if (in->op == SEC_OP_JZ) {
                if (sp < 1)
                    return policy_error(r);
                if (st[--sp] != 0)
                    break;
            }
            in += in->arg;
            break;
        default:
            if (in->op == SEC_OP_AUDIT) {
                /* always last: a grant the audit records (the reason names the
                 * profile); out of the jump table, off every other path */
                finish(r, SEC_R_GRANTED, NULL);
                r->reason = reason_at(t, in->arg);
                return true;
            }
            return policy_error(r);
        }
    } while (++in != end);
    return grant(r);
}

/* A decision's program: all of its state writes apply, or (a rule denied)
 * none. */
static bool run_program(const struct sec_tables *t, uint32_t k, const uint8_t *data, uint32_t size,
                        struct sec_result *r)
{
    struct journal j;
    j.n = 0;
    if (exec_program(t, k, data, size, r, r, &j))
        return true;
    rollback(&j);
    return false;
}

static bool verdict(const struct sec_tables *t, uint32_t v, const uint8_t *data, uint32_t size,
                    struct sec_result *r)
{
    if (v == SEC_V_NO_BINDING)
        return finish(r, SEC_R_NO_BINDING, R_NO_BINDING);
    if (v == SEC_V_GRANT)
        return grant(r);
    return run_program(t, v - SEC_V_PROGRAM, data, size, r);
}

/* verdicts[row + index], or no binding */
static bool cell(const struct sec_tables *t, const int32_t *rows, uint32_t row, uint32_t index,
                 const uint8_t *data, uint32_t size, struct sec_result *r)
{
    int32_t base = rows ? rows[row] : SEC_NO_ROW;
    if (base < 0)
        return finish(r, SEC_R_NO_BINDING, R_NO_BINDING);
    if ((uint32_t)base > t->nverdicts || index >= t->nverdicts - (uint32_t)base)
        return policy_error(r);
    return verdict(t, t->verdicts[(uint32_t)base + index], data, size, r);
}

/* Every decision ends in finish(), which sets the verdict fields; here only
 * what it does not set. The subjects ride in the result: only a program
 * with model rules reads them, and the fast path keeps no extra value live. */
static void clear(struct sec_result *r, sec_subject_t src, sec_subject_t dst)
{
    r->endpoint = NULL;
    r->method = NULL;
    r->src = src;
    r->dst = dst;
}

bool sec_decide_execute(const struct sec_tables *t, sec_subject_t src_s, sec_subject_t dst_s,
                        struct sec_result *r)
{
    uint32_t src = (uint32_t)src_s, dst = (uint32_t)dst_s;
    clear(r, src_s, dst_s);
    if (!sec_tables_valid(t))
        return policy_error(r);
    if (t->flags & SEC_F_PERMISSIVE)
        return grant(r);
    if (src >= t->nclasses || dst >= t->nclasses)
        return finish(r, SEC_R_UNKNOWN_CLASS, R_UNKNOWN_CLASS);
    /* kl.core.Core is the kernel: a task of that class would be judged by the
     * kernel's bindings (and shown as the kernel in the audit), whatever an
     * `execute` wildcard grants. It is never a task's class. */
    if (dst == t->core_class)
        return finish(r, SEC_R_UNKNOWN_CLASS, R_UNKNOWN_CLASS);
    if (!t->execute)
        return policy_error(r);
    return verdict(t, t->execute[src * t->nclasses + dst], NULL, 0, r);
}

bool sec_decide_ipc(const struct sec_tables *t, enum sec_event ev, sec_subject_t src_s,
                    sec_subject_t dst_s, const struct sec_message *m, struct sec_result *r)
{
    uint32_t src = (uint32_t)src_s, dst = (uint32_t)dst_s;
    clear(r, src_s, dst_s);
    if (!sec_tables_valid(t))
        return policy_error(r);
    if (t->flags & SEC_F_PERMISSIVE)
        return grant(r);
    if (src >= t->nclasses || (ev != SEC_EV_SECURITY && dst >= t->nclasses))
        return finish(r, SEC_R_UNKNOWN_CLASS, R_UNKNOWN_CLASS);
    if (!t->classes)
        return policy_error(r);
    if (!m)
        return malformed(r, R_NO_MESSAGE);

    if (ev == SEC_EV_SECURITY) {
        const struct sec_class *c = &t->classes[src];
        if (m->mid >= c->nsecurity)
            return malformed(r, R_BAD_METHOD);
        const struct sec_method *meth = &c->security[m->mid];
        r->method = meth->name;
        const char *bad = check_layout(&meth->req, m);
        if (bad)
            return bad == R_POLICY ? policy_error(r) : malformed(r, bad);
        return cell(t, t->security_rows, src, m->mid, m->data, m->size, r);
    }
    if (ev != SEC_EV_REQUEST && ev != SEC_EV_RESPONSE && ev != SEC_EV_ERROR)
        return policy_error(r);

    /* The server's class holds the method: dst for a request, src for the answer. */
    const struct sec_class *server = &t->classes[ev == SEC_EV_REQUEST ? dst : src];
    if (m->riid >= server->nendpoints)
        return malformed(r, R_BAD_ENDPOINT);
    const struct sec_endpoint *ep = &server->endpoints[m->riid];
    r->endpoint = ep->path;
    uint32_t row = src * t->nclasses + dst;

    if (ev == SEC_EV_ERROR) {
        if (m->size != 4)
            return malformed(r, R_BAD_SIZE);
        if (m->nhandles)
            return malformed(r, R_BAD_NHANDLES);
        if (m->mid == SEC_MID_UNKNOWN) /* per-endpoint verdict */
            return cell(t, t->error_rows, row, server->nslots + m->riid, NULL, 0, r);
        if (m->mid >= ep->nmethods)
            return malformed(r, R_BAD_METHOD);
        if (ep->slot_base + m->mid >= server->nslots)
            return policy_error(r);
        r->method = server->methods[ep->slot_base + m->mid].name;
        return cell(t, t->error_rows, row, ep->slot_base + m->mid, NULL, 0, r);
    }
    if (m->mid >= ep->nmethods)
        return malformed(r, R_BAD_METHOD);
    uint32_t slot = ep->slot_base + m->mid;
    if (slot >= server->nslots)
        return policy_error(r);
    const struct sec_method *meth = &server->methods[slot];
    r->method = meth->name;
    const char *bad = check_layout(ev == SEC_EV_REQUEST ? &meth->req : &meth->res, m);
    if (bad)
        return bad == R_POLICY ? policy_error(r) : malformed(r, bad);
    return cell(t, ev == SEC_EV_REQUEST ? t->request_rows : t->response_rows, row, slot, m->data,
                m->size, r);
}

bool sec_decide(const struct sec_tables *t, enum sec_event ev, sec_subject_t src, sec_subject_t dst,
                const struct sec_message *m, struct sec_result *r)
{
    if (ev == SEC_EV_EXECUTE)
        return sec_decide_execute(t, src, dst, r);
    return sec_decide_ipc(t, ev, src, dst, m, r);
}
