"""Tables (tools.psl.compiler) -> policy.c defining `const struct sec_tables sec_policy`."""

from tools.nk.cgen import cond_table
from tools.nk.layout import MSG_MAX_ARENA

OPS = {1: "SEC_OP_LOAD", 2: "SEC_OP_CONST", 3: "SEC_OP_EQ", 4: "SEC_OP_NE", 5: "SEC_OP_LT",
       6: "SEC_OP_LE", 7: "SEC_OP_GT", 8: "SEC_OP_GE", 9: "SEC_OP_AND", 10: "SEC_OP_OR",
       11: "SEC_OP_NOT", 12: "SEC_OP_ASSERT", 13: "SEC_OP_REFUTE", 14: "SEC_OP_FAIL"}
INSN_FLAGS = {0: "0", 1: "SEC_INSN_SIGNED", 2: "SEC_INSN_UNSIGNED"}
KINDS = {"bytes": "SEC_ARENA_BYTES", "string": "SEC_ARENA_STRING", "sequence": "SEC_ARENA_SEQUENCE"}


def c_str(s):
    out = []
    for ch in s:
        if ch in '\\"':
            out.append("\\" + ch)
        elif ch == "?":
            out.append("\\?")
        elif 32 <= ord(ch) < 127:
            out.append(ch)
        else:
            out.extend("\\%03o" % b for b in ch.encode("utf-8"))
    return '"' + "".join(out) + '"'


def cond_rows(fields):
    """The message's union conditions as sec_cond rows (the same walk as tools/nk's)."""
    return cond_table(fields, no_cond="SEC_NO_COND")


class Emitter:
    def __init__(self):
        self.lines = []
        self.arrays = {}          # (ctype, body) -> name
        self.n = 0

    def array(self, ctype, rows, prefix):
        """A static const array (deduplicated); returns its name or NULL."""
        if not rows:
            return "NULL"
        body = "\n".join("    %s," % r for r in rows)
        key = (ctype, body)
        if key not in self.arrays:
            name = "%s_%d" % (prefix, self.n)
            self.n += 1
            self.arrays[key] = name
            self.lines.append("static const %s %s[] = {\n%s\n};" % (ctype, name, body))
        return self.arrays[key]

    def msg_layout(self, lay):
        arena = [f for f in lay.fields if f.kind == "arena"]
        handles = [f for f in lay.fields if f.kind == "handle"]
        unions = [f for f in lay.fields if f.is_tag]
        rows, ci = cond_rows(arena + handles + unions)
        conds = self.array("struct sec_cond", [
            "{ %d, %s, %du }" % (off, "SEC_NO_COND" if p is None else "%du" % p, v) for off, p, v in rows],
            "sec_conds")
        ar = self.array("struct sec_arena_ref", [
            "{ %d, %s, %du, %d, %d, %s }" % (f.offset, ci(f.cond), f.max, f.elem_size, f.elem_align,
                                            KINDS[f.arena_kind]) for f in arena], "sec_arena")
        hd = self.array("struct sec_handle_ref", ["{ %d, %s }" % (f.offset, ci(f.cond)) for f in handles],
                        "sec_handles")
        un = self.array("struct sec_union_ref", ["{ %d, %s, %du }" % (f.offset, ci(f.cond), f.nmembers)
                                                 for f in unions], "sec_unions")
        return "{ %du, %du, %d, %d, %d, %d, %s, %s, %s, %s }" % (
            lay.size, min(lay.arena_max, MSG_MAX_ARENA), len(arena), len(handles), len(unions), len(rows), ar, hd, un, conds)

    def methods(self, methods, prefix):
        rows = ["{ %s, %s, %s }" % (c_str(m.name), self.msg_layout(m.request), self.msg_layout(m.response))
                for m in methods]
        return self.array("struct sec_method", rows, prefix)


def generate(t, symbol="sec_policy"):
    e = Emitter()
    n = len(t.classes)
    class_rows = []
    for c in t.classes:
        eps = e.array("struct sec_endpoint", [
            "{ %s, %s, %du, %du }" % (c_str(ep.path), c_str(ep.interface.name), len(ep.interface.methods),
                                      c.slot_base[i]) for i, ep in enumerate(c.tc.endpoints)],
            "sec_endpoints")
        meths = e.methods([m for _, m in c.slots], "sec_methods")
        sec = e.methods(c.security, "sec_security")
        class_rows.append("{ %s, %du, %s, %du, %s, %du, %s }  /* class %d */"
                          % (c_str(c.name), len(c.tc.endpoints), eps, len(c.slots), meths,
                             len(c.security), sec, c.id))

    def table(ctype, name, values, per_line=16):
        if not values:
            return "NULL"
        lines = ["    " + ", ".join(str(v) for v in values[i:i + per_line]) + ","
                 for i in range(0, len(values), per_line)]
        e.lines.append("static const %s %s[] = {\n%s\n};" % (ctype, name, "\n".join(lines)))
        return name

    classes = e.array("struct sec_class", class_rows, "sec_classes")
    execute = table("uint16_t", "sec_execute", t.execute)
    req = table("int32_t", "sec_request_rows", t.request_rows)
    res = table("int32_t", "sec_response_rows", t.response_rows)
    err = table("int32_t", "sec_error_rows", t.error_rows)
    secr = table("int32_t", "sec_security_rows", t.security_rows)
    verdicts = table("uint16_t", "sec_verdicts", t.verdicts, 32)
    progs = e.array("struct sec_program", ["{ %du, %du }" % p for p in t.programs], "sec_programs")
    insns = e.array("struct sec_insn", [
        "{ %s, %d, %s, 0, %du, %s }" % (OPS[op], w, INSN_FLAGS[fl], arg,
                                        "INT64_C(%d)" % imm if imm >= 0 else "-INT64_C(%d) - 1" % (-imm - 1))
        for op, w, fl, arg, imm in t.insns], "sec_insns")
    reasons = e.array("char *const", [c_str(r) for r in t.reasons], "sec_reasons")
    origins_of = getattr(t, "origins", {})     # decision trace: the binding of reasons[k]
    origins = e.array("char *const", [c_str(origins_of[k]) if k in origins_of else "NULL"
                                      for k in range(len(t.reasons))], "sec_origins") \
        if origins_of else "NULL"
    flags = []
    if t.flags & 1:
        flags.append("SEC_F_PERMISSIVE")
    if t.flags & 2:
        flags.append("SEC_F_AUDIT_GRANTED")
    if t.flags & 4:
        flags.append("SEC_F_AUDIT_DENIED")
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
            "};"]
    return "\n".join(head + e.lines + tail) + "\n"
