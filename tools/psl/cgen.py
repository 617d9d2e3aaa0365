"""Tables (tools.psl.compiler) -> policy.c defining `const struct sec_tables sec_policy`."""

from tools.nk.cgen import LayoutEmitter, c_string as c_str

OPS = {1: "SEC_OP_LOAD", 2: "SEC_OP_CONST", 3: "SEC_OP_EQ", 4: "SEC_OP_NE", 5: "SEC_OP_LT",
       6: "SEC_OP_LE", 7: "SEC_OP_GT", 8: "SEC_OP_GE", 9: "SEC_OP_AND", 10: "SEC_OP_OR",
       11: "SEC_OP_NOT", 12: "SEC_OP_ASSERT", 13: "SEC_OP_REFUTE", 14: "SEC_OP_FAIL",
       15: "SEC_OP_SID", 16: "SEC_OP_FLOW_INIT", 17: "SEC_OP_FLOW_FINI", 18: "SEC_OP_FLOW_ENTER",
       19: "SEC_OP_FLOW_ALLOW", 20: "SEC_OP_FLOW_QUERY", 21: "SEC_OP_HS_INIT", 22: "SEC_OP_HS_FINI",
       23: "SEC_OP_HS_ADD", 24: "SEC_OP_HS_REMOVE", 25: "SEC_OP_HS_CONTAINS", 26: "SEC_OP_FIELD_CMP",
       27: "SEC_OP_CHECK_EQ", 28: "SEC_OP_CHECK_NE", 29: "SEC_OP_CHECK_LT", 30: "SEC_OP_CHECK_LE",
       31: "SEC_OP_CHECK_GT", 32: "SEC_OP_CHECK_GE", 33: "SEC_OP_ADD", 34: "SEC_OP_SUB",
       35: "SEC_OP_MUL", 36: "SEC_OP_NEG", 37: "SEC_OP_ABS", 38: "SEC_OP_SIZE", 39: "SEC_OP_JZ",
       40: "SEC_OP_JMP", 41: "SEC_OP_SM_INIT", 42: "SEC_OP_SM_FINI", 43: "SEC_OP_SM_SET",
       44: "SEC_OP_SM_COMMIT", 45: "SEC_OP_SM_ROLLBACK", 46: "SEC_OP_SM_GET",
       47: "SEC_OP_SM_GET_UNCOMMITTED", 48: "SEC_OP_MIC_EXECUTE", 49: "SEC_OP_MIC_CREATE",
       50: "SEC_OP_MIC_UPGRADE", 51: "SEC_OP_MIC_CALL", 52: "SEC_OP_MIC_INVOKE", 53: "SEC_OP_MIC_QUERY",
       54: "SEC_OP_AUDIT"}
INSN_FLAGS = ((1, "SEC_INSN_SIGNED"), (2, "SEC_INSN_UNSIGNED"), (4, "SEC_INSN_SID_SRC"),
              (8, "SEC_INSN_SID_DST"), (16, "SEC_INSN_FINAL"), (32, "SEC_INSN_MIC_OWN"))


def insn_flags(fl):
    return " | ".join(name for bit, name in INSN_FLAGS if fl & bit) or "0"


def insn(op, w, fl, arg, imm, pad=0):
    pad_text = "0"
    if pad == 0x80:
        pad_text = "SEC_CHECK_REFUTE"
    elif pad:
        pad_text = OPS[pad]
    return "{ %s, %d, %s, %s, %du, %s }" % (
        OPS[op], w, insn_flags(fl), pad_text, arg,
        "INT64_C(%d)" % imm if imm >= 0 else "-INT64_C(%d) - 1" % (-imm - 1))


def generate(t, symbol="sec_policy"):
    e = LayoutEmitter("sec")
    n = len(t.classes)
    class_rows = []
    for c in t.classes:
        class_rows.append(e.class_record(c.name, [(ep.path, ep.interface) for ep in c.tc.endpoints],
                                         c.security) + "  /* class %d */" % c.id)

    def table(ctype, name, values, per_line=16):
        if not values:
            return "NULL"
        lines = ["    " + ", ".join(str(v) for v in values[i:i + per_line]) + ","
                 for i in range(0, len(values), per_line)]
        e.lines.append("static const %s %s[] = {\n%s\n};" % (ctype, name, "\n".join(lines)))
        return name

    classes = e.array("struct sec_class", class_rows, "classes")
    execute = table("uint16_t", "sec_execute", t.execute)
    req = table("int32_t", "sec_request_rows", t.request_rows)
    res = table("int32_t", "sec_response_rows", t.response_rows)
    err = table("int32_t", "sec_error_rows", t.error_rows)
    secr = table("int32_t", "sec_security_rows", t.security_rows)
    verdicts = table("uint16_t", "sec_verdicts", t.verdicts, 32)
    progs = e.array("struct sec_program", ["{ %du, %du }" % p for p in t.programs], "programs")
    insns = e.array("struct sec_insn", [insn(*i) for i in t.insns], "insns")
    reasons = e.array("char *const", [c_str(r) for r in t.reasons], "reasons")
    origins_of = getattr(t, "origins", {})     # decision trace: the binding of reasons[k]
    origins = e.array("char *const", [c_str(origins_of[k]) if k in origins_of else "NULL"
                                      for k in range(len(t.reasons))], "origins") \
        if origins_of else "NULL"
    flow_rows, hs_rows = [], []
    for o in t.flows:          # model state: writable, sized from the config
        tr = table("uint64_t", "sec_flow_%d_transitions" % o.index,
                   ["UINT64_C(0x%x)" % m for m in o.transitions], 4)
        e.lines.append("/* %s states: %s */" % (o.name, ", ".join(
            "%d=%s" % (i, c_str(x)) for i, x in enumerate(o.states))))
        e.lines.append("static uint8_t sec_flow_%d_state[SEC_SID_MAX];  /* %s */" % (o.index, o.name))
        flow_rows.append("{ %s, %du, %du, %s, sec_flow_%d_state }"
                         % (c_str(o.name), len(o.states), o.initial, tr, o.index))
    for o in t.hashsets:
        p = "sec_hashset_%d" % o.index
        e.lines.append("/* %s: %d tables of %d %s entries */" % (o.name, o.pool_size, o.set_size, o.entry[0]))
        e.lines.append("static uint8_t %s_table_of[SEC_SID_MAX];" % p)
        e.lines.append("static uint8_t %s_owner[%d];" % (p, o.pool_size))
        e.lines.append("static uint32_t %s_count[%d];" % (p, o.pool_size))
        e.lines.append("static uint64_t %s_entries[%d];" % (p, o.pool_size * o.set_size))
        hs_rows.append("{ %s, %du, %du, %s_table_of, %s_owner, %s_count, %s_entries }"
                       % (c_str(o.name), o.set_size, o.pool_size, p, p, p, p))
    sm_rows = []
    for o in getattr(t, "staticmaps", []):
        p = "sec_staticmap_%d" % o.index
        defaults = table("int64_t", p + "_defaults", ["INT64_C(%d)" % v for v in o.defaults], 4)
        e.lines.append("/* %s: %d tables, keys %s (%s) */" % (o.name, o.pool_size, ", ".join(
            "%d=%s" % (i, c_str(k)) for i, k in enumerate(o.keys)), o.value[0]))
        e.lines.append("static uint8_t %s_table_of[SEC_SID_MAX];" % p)
        e.lines.append("static uint8_t %s_owner[%d];" % (p, o.pool_size))
        e.lines.append("static int64_t %s_base[%d];" % (p, o.pool_size * len(o.keys)))
        e.lines.append("static int64_t %s_work[%d];" % (p, o.pool_size * len(o.keys)))
        sm_rows.append("{ %s, %du, %du, %s, %s_table_of, %s_owner, %s_base, %s_work }"
                       % (c_str(o.name), len(o.keys), o.pool_size, defaults, p, p, p, p))
    staticmaps = e.array("struct sec_staticmap", sm_rows, "staticmaps")
    mic_rows = []
    for o in getattr(t, "mics", []):
        p = "sec_mic_%d" % o.index
        e.lines.append("/* %s: degrees %s; categories %s */" % (o.name, ", ".join(
            "%d=%s" % (i, c_str(x)) for i, x in enumerate(o.degrees)), ", ".join(
            "bit %d=%s" % (i, c_str(x)) for i, x in enumerate(o.categories)) or "none"))
        e.lines.append("static uint32_t %s_level[SEC_SID_MAX];" % p)
        e.lines.append("static uint32_t %s_level_r[SEC_SID_MAX];" % p)
        mic_rows.append("{ %s, %du, %du, %s_level, %s_level_r }"
                        % (c_str(o.name), len(o.degrees), len(o.categories), p, p))
    mics = e.array("struct sec_mic", mic_rows, "mics")
    flows = e.array("struct sec_flow", flow_rows, "flows")
    hashsets = e.array("struct sec_hashset", hs_rows, "hashsets")
    flags = []
    if t.flags & 1:
        flags.append("SEC_F_PERMISSIVE")
    if t.flags & 2:
        flags.append("SEC_F_AUDIT_GRANTED")
    if t.flags & 8:
        flags.append("SEC_F_AUDIT_DENIED")
    if t.flags & 4:
        flags.append("SEC_F_AUDIT_ALL_GRANTS")
    head = ["/* Generated by tools/psl from %s: do not edit. */" % t.source,
            "#include <stddef.h>",
            "#include <stdint.h>",
            '#include "security/sec_tables.h"', "",
            "/* classes: %s */" % ", ".join("%d=%s" % (c.id, c.name) for c in t.classes), ""]
    tail = ["", "const struct sec_tables %s = {" % symbol,
            "    SEC_TABLES_MAGIC, SEC_TABLES_VERSION, %s, %s," % (" | ".join(flags) or "0", c_str(t.source)),
            "    %du, %s, 0u," % (n, classes),
            "    %s, %s, %s, %s, %s," % (execute, req, res, err, secr),
            "    %du, %s," % (len(t.verdicts), verdicts),
            "    %du, %s, %du, %s," % (len(t.programs), progs, len(t.insns), insns),
            "    %du, %s," % (len(t.reasons), reasons),
            "    %du, %s," % (len(t.reasons) if origins != "NULL" else 0, origins),
            "    %du, %s, %du, %s," % (len(t.flows), flows, len(t.hashsets), hashsets),
            "    %du, %s," % (len(sm_rows), staticmaps),
            "    %du, %s," % (len(mic_rows), mics),
            "};"]
    return "\n".join(head + e.lines + tail) + "\n"
