"""PSL policy -> decision tables (see kernel/security/sec_tables.h, docs/POLICY.md).

compile_policy(path, include_dirs, defines) -> Tables (a plain model that
tools.psl.cgen turns into C and the tests inspect). Errors raise PslError.
"""

import operator
import os

from tools import cli, limits, template
from tools.nk.errors import NkError, Pos as NkPos
from tools.nk.model import SYSROOT, Loader
from tools.psl.errors import PslError, Pos, unsupported, print_warning
from tools.psl.lexer import tokenize
from tools.psl.parser import Parser, Node

CORE = "kl.core.Core"

# The model packages a KasperskyOS policy includes. They define the base
# rules (grant, deny, assert) and operators this compiler knows natively;
# the models' objects and rules themselves are not supported yet.
BUILTIN_PACKAGES = {
    "nk.base", "nk.basic", "nk.flow", "nk.bool", "nk.pred", "nk.math", "nk.struct",
    "nk.regex", "nk.hashset", "nk.staticmap", "nk.mic", "nk.scoped", "nk.bs",
}
# Grants every event of the classes the policy declares.
NONSECURITY_PSL = """\
execute { grant () }
request { grant () }
response { grant () }
error { grant () }
security { grant () }
"""

V_NO_BINDING, V_GRANT, V_PROGRAM = 0, 1, 2
OP = {"LOAD": 1, "CONST": 2, "==": 3, "!=": 4, "<": 5, "<=": 6, ">": 7, ">=": 8,
      "&&": 9, "||": 10, "!": 11, "ASSERT": 12, "REFUTE": 13, "FAIL": 14}
OP_NAMES = {v: k for k, v in OP.items()}
INSN_SIGNED, INSN_UNSIGNED = 1, 2
STACK_MAX = 16
INT64_MIN, INT64_MAX, UINT64_MAX = -(1 << 63), (1 << 63) - 1, (1 << 64) - 1

AUDIT_GRANTED, AUDIT_DENIED = 2, 4
PERMISSIVE = 1


class ClassInfo:
    def __init__(self, cid, name, tc, pos):
        self.id = cid
        self.name = name
        self.tc = tc                   # tools.nk TaskClass
        self.pos = pos
        self.slots = []                # [(Endpoint, Method)]
        self.slot_base = []            # per riid
        for ep in tc.endpoints:
            self.slot_base.append(len(self.slots))
            for m in ep.interface.methods:
                self.slots.append((ep, m))
        self.security = list(tc.security.methods) if tc.security else []


class Tables:
    """The compiled policy: what cgen emits."""

    def __init__(self):
        self.source = ""
        self.flags = 0
        self.classes = []              # ClassInfo, id order; [0] = kl.core.Core
        self.execute = []              # n*n verdict codes
        self.request_rows = []         # n*n row offsets or -1
        self.response_rows = []
        self.error_rows = []
        self.security_rows = []        # n
        self.verdicts = []
        self.programs = []             # [(first, count)]
        self.insns = []                # [(op, width, flags, arg, imm)]
        self.reasons = []
        self.origins = {}              # reason index -> "request binding at f:l:c" (decision trace)
        self.warnings = []

    def class_id(self, name):
        for c in self.classes:
            if c.name == name:
                return c.id
        return None


def nkpos(p):
    return NkPos(p.file, p.line, p.col)


def from_nk(e):
    return PslError(Pos(e.file, e.line, e.col), e.msg)


class Source:
    """Reads the policy files: the main one, `use <pkg>._` includes (own files
    from -I, built-in model packages), each once."""

    def __init__(self, include_dirs, defines, warn):
        self.include_dirs = list(include_dirs)
        self.defines = defines
        self.warn = warn
        self.seen = set()
        self.depth = 0                 # `use` chain being read
        self.active = []               # packages of that chain: a cycle is an error

    def read(self, path, display=None):
        display = display or path
        try:
            with open(path, "rb") as f:
                data = f.read()
        except OSError as e:
            raise PslError(Pos(display), "cannot read: %s" % e.strerror) from None
        text = cli.decode(data, display, lambda line, col, msg: PslError(Pos(display, line, col), msg))
        line_map = None
        try:                       # plain files too: the SDK allows {% %} lines in both
            text, line_map = template.expand(text, self.defines, display)
        except template.TemplateError as e:
            raise PslError(Pos(e.file, e.line, e.col), e.msg) from None
        return self.parse(text, display, line_map)

    def parse(self, text, display, line_map=None):
        items = Parser(tokenize(text, display, line_map), self.warn).parse()
        out = []
        for it in items:
            if it.kind == "use_psl":
                out.extend(self.include(it))
            else:
                out.append(it)
        return out

    def include(self, node):
        pkg = node.package
        if pkg in self.active:
            chain = self.active[self.active.index(pkg):] + [pkg]
            raise PslError(node.ppos, "`use` cycle: %s" % " -> ".join(p + "._" for p in chain))
        if pkg in self.seen:
            return []
        self.seen.add(pkg)
        rel = os.path.join(*pkg.split(".")) + ".psl"
        for d in self.include_dirs + [SYSROOT]:      # the SDK's fragments (use kl.VfsNet._) last
            for cand in (rel, rel + ".in"):
                p = os.path.join(d, cand)
                if os.path.isfile(p):
                    if self.depth >= limits.NESTING_MAX:
                        raise PslError(node.ppos, "`use` nested deeper than %d files" % limits.NESTING_MAX)
                    self.depth += 1
                    self.active.append(pkg)
                    try:
                        return self.read(p)
                    finally:
                        self.depth -= 1
                        self.active.pop()
        if pkg in BUILTIN_PACKAGES:
            return []
        if pkg == "nonsecurity":
            return self.parse(NONSECURITY_PSL, "<nonsecurity>")
        raise PslError(node.ppos, "cannot find PSL package `%s._`: no %s in the include path (%s)"
                       % (pkg, rel, ", ".join(self.include_dirs) or "no -I"))


class Compiler:
    def __init__(self, include_dirs=(), defines=None, warn=None):
        self.include_dirs = list(include_dirs)
        self.defines = defines or {}
        self.warnings = []
        self._warn_sink = warn if warn is not None else print_warning
        self.loader = Loader(self.include_dirs, on_warning=lambda w: self.warn(str(w)))
        self.t = Tables()
        self.prog_index = {}
        self.reason_index = {}
        self.row_index = {}
        self.cexpr_cache = {}

    def warn(self, text):
        self.warnings.append(text)
        self._warn_sink(text)

    # ------------------------------------------------------------ classes
    def load_class(self, name, edl, pos):
        problem = limits.name_problem(name, limits.idl_const("kl.core.Task", "NameMax"),
                                      "class name", "kl.core.Task NameMax", "class")
        if problem:
            raise PslError(pos, problem)
        try:
            tc = self.loader.load_class(edl, nkpos(pos))
        except NkError as e:
            raise from_nk(e) from None
        for c in self.t.classes:
            if c.name == name:
                if c.tc is not tc:
                    raise PslError(pos, "class `%s` is already declared with EDL `%s`" % (name, c.tc.name))
                return c
        c = ClassInfo(len(self.t.classes), name, tc, pos)
        self.t.classes.append(c)
        return c

    def by_name(self, name):
        for c in self.t.classes:
            if c.name == name:
                return c
        return None

    # ------------------------------------------------------------ top level
    def compile(self, items, source_name):
        self.t.source = source_name
        self.load_class(CORE, CORE, Pos(source_name))
        bindings = {e: [] for e in ("execute", "request", "response", "error", "security")}
        profiles, default = {}, None
        have_execute_decl = False
        for it in items:
            if it.kind == "use_edl":
                self.load_class(it.cls, it.cls, it.cpos)
            elif it.kind == "task_class":
                self.load_class(it.cls, it.edl, it.epos)
        for it in items:
            if it.kind == "execute_decl":
                if it.iface != "kl.core.Execute":
                    raise unsupported(it.ipos, "the execute interface `%s` (only kl.core.Execute)" % it.iface)
                have_execute_decl = True
            elif it.kind == "binding":
                bindings[it.event].append(it)
            elif it.kind == "audit_profile":
                if it.name in profiles:
                    raise PslError(it.npos, "audit profile `%s` is defined twice" % it.name)
                profiles[it.name] = it
            elif it.kind == "audit_default":
                if default is not None:
                    raise PslError(it.pos, "`audit default` is given twice")
                default = it
        if bindings["execute"] and not have_execute_decl:
            self.warn("%s: warning: no `execute: kl.core.Execute` declaration" % source_name)
        self.t.flags = self.audit_flags(profiles, default)
        for event, bs in bindings.items():
            for b in bs:
                self.check_selectors(event, b.sels, b.body, {})
        self.build(bindings)
        return self.t

    def audit_flags(self, profiles, default):
        """Flags of the default profile's level; every profile is checked."""
        levels_of = {name: self.audit_levels(p) for name, p in profiles.items()}
        if default is None:
            return AUDIT_DENIED
        if default.name not in levels_of:
            raise PslError(default.npos, "no audit profile `%s`" % default.name)
        levels = levels_of[default.name]
        if default.level not in levels:
            raise PslError(default.pos, "audit profile `%s` has no level %d" % (default.name, default.level))
        return levels[default.level]

    def audit_levels(self, prof):
        if prof.value.kind != "dict":
            raise PslError(prof.value.pos, "an audit profile is `{ <level> : { <model> : { kss : [...] } } }`")
        levels = {}
        for k, kpos, lv in prof.value.items:
            if not isinstance(k, int):
                raise PslError(kpos, "an audit level is a number")
            if lv.kind != "dict":
                raise PslError(lv.pos, "an audit level is `{ <model> : { kss : [...] } }`")
            flags = 0
            for model, mpos, mv in lv.items:
                if mv.kind != "dict":
                    raise PslError(mv.pos, "expected `{ kss : [...] }`")
                if model != "base":
                    self.warn("%s: warning: audit of model `%s` is not supported; only `base`" % (mpos, model))
                    continue
                for key, kp, kv in mv.items:
                    if key != "kss":
                        self.warn("%s: warning: audit of `%s` is not supported; ignored" % (kp, key))
                        continue
                    if kv.kind != "list":
                        raise PslError(kv.pos, "`kss` is a list of \"granted\", \"denied\"")
                    for a in kv.items:
                        if a.kind != "atom" or a.value not in ("granted", "denied"):
                            raise PslError(a.pos, "`kss` takes \"granted\" and \"denied\"")
                        flags |= AUDIT_GRANTED if a.value == "granted" else AUDIT_DENIED
            levels[k] = flags
        return levels

    # ------------------------------------------------------------ selectors
    def check_selectors(self, event, sels, body, ctx):
        """Static checks: names exist. ctx: selectors in effect (outer ones)."""
        ctx = dict(ctx)
        for s in sels:
            k = s.key
            if event == "execute" and k not in ("src", "dst"):
                raise PslError(s.pos, "`%s=` does not apply to execute events (src=, dst=)" % k)
            if event == "security" and k not in ("src", "method", "interface"):
                raise PslError(s.pos, "`%s=` does not apply to security events (src=, method=, interface=)" % k)
            if k in ("src", "dst"):
                if self.by_name(s.value) is None:
                    raise PslError(s.vpos, "unknown class `%s` (declare it with `use EDL %s`)" % (s.value, s.value))
            ctx.setdefault(k, []).append(s)
        server_key = "dst" if event == "request" else "src"
        if event == "security":
            servers = [self.by_name(x.value) for x in ctx.get("src", [])] or self.t.classes
            for s in sels:
                if s.key == "method":
                    if not any(m.name == s.value for c in servers for m in c.security):
                        raise PslError(s.vpos, "no security method `%s` in %s" % (s.value, self.names(servers)))
                if s.key == "interface":
                    if not any(c.tc.security and c.tc.security.name == s.value for c in servers):
                        raise PslError(s.vpos, "no security interface `%s` in %s" % (s.value, self.names(servers)))
        elif event != "execute":
            given = ctx.get(server_key, [])
            servers = [self.by_name(x.value) for x in given] if given else self.t.classes
            eps = [(c, ep) for c in servers for ep in c.tc.endpoints]
            for s in sels:
                if s.key == "endpoint":
                    if not any(ep.path == s.value for _, ep in eps):
                        raise PslError(s.vpos, "no endpoint `%s` in %s" % (s.value, self.names(servers)))
                elif s.key == "component":
                    if not any(ep.path.startswith(s.value + ".") for _, ep in eps):
                        raise PslError(s.vpos, "no component `%s` in %s" % (s.value, self.names(servers)))
                elif s.key == "interface":
                    if not any(ep.interface.name == s.value for _, ep in eps):
                        raise PslError(s.vpos, "no endpoint of interface `%s` in %s" % (s.value, self.names(servers)))
            for s in sels:
                if s.key == "method":
                    cand = [(c, ep) for c, ep in eps if self.ep_ok(ctx, ep)]
                    if not any(m.name == s.value for _, ep in cand for m in ep.interface.methods):
                        where = ", ".join(sorted({"%s.%s" % (c.name, ep.path) for c, ep in cand})) \
                            or self.names(servers)
                        raise PslError(s.vpos, "no method `%s` in %s" % (s.value, where))
        for st in body:
            if st.kind == "match":
                self.check_selectors(event, st.sels, st.body, ctx)
            elif st.kind == "rule" and st.cond is not None:
                self.check_cond_static(event, st.cond)

    @staticmethod
    def names(classes):
        if len(classes) == 1:
            return "class `%s`" % classes[0].name
        return "any class of the policy"

    @staticmethod
    def ep_ok(ctx, ep):
        for s in ctx.get("endpoint", []):
            if ep.path != s.value:
                return False
        for s in ctx.get("component", []):
            if not ep.path.startswith(s.value + "."):
                return False
        for s in ctx.get("interface", []):
            if ep.interface.name != s.value:
                return False
        return True

    def check_cond_static(self, event, node):
        if node.kind == "msg" and event in ("execute", "error"):
            raise PslError(node.pos, "`message` is not available in %s bindings" % event)
        for k in ("a", "b"):
            if hasattr(node, k):
                self.check_cond_static(event, getattr(node, k))

    # ------------------------------------------------------------ matching
    @staticmethod
    def pair_ok(sels, src, dst):
        for s in sels:
            if s.key == "src" and s.value != src.name:
                return False
            if s.key == "dst" and (dst is None or s.value != dst.name):
                return False
        return True

    @staticmethod
    def slot_ok(sels, ep, m, iface_name=None):
        for s in sels:
            if s.key == "endpoint" and (ep is None or ep.path != s.value):
                return False
            if s.key == "component" and (ep is None or not ep.path.startswith(s.value + ".")):
                return False
            if s.key == "interface":
                name = iface_name if ep is None else ep.interface.name
                if name != s.value:
                    return False
            if s.key == "method" and m.name != s.value:
                return False
        return True

    def collect(self, bindings, src, dst, slots, iface_name=None):
        """Rules run for each slot: [(rule node, binding)] per slot, or None when no
        binding matched it. slots: [(ep, method)] ([(None, None)] for execute)."""
        out = [None] * len(slots)

        def walk(body, idxs, b):
            for st in body:
                if st.kind == "rule":
                    for i in idxs:
                        out[i].append((st, b))
                elif st.kind == "match":
                    if not self.pair_ok(st.sels, src, dst):
                        continue
                    sub = [i for i in idxs if slots[i][1] is None or
                           self.slot_ok(st.sels, slots[i][0], slots[i][1], iface_name)]
                    if sub:
                        walk(st.body, sub, b)

        for b in bindings:
            if not self.pair_ok(b.sels, src, dst):
                continue
            idxs = [i for i, (ep, m) in enumerate(slots)
                    if m is None or self.slot_ok(b.sels, ep, m, iface_name)]
            for i in idxs:
                if out[i] is None:
                    out[i] = []
            walk(b.body, idxs, b)
        return out

    # ------------------------------------------------------------ verdicts
    def reason(self, text):
        if text not in self.reason_index:
            self.reason_index[text] = len(self.t.reasons)
            self.t.reasons.append(text)
        return self.reason_index[text]

    def rule_reason(self, text, binding):
        """reason() of a rule, remembering its binding for the decision trace."""
        k = self.reason(text)
        self.t.origins.setdefault(k, "%s binding at %s" % (binding.event, self.where(binding.pos)))
        return k

    def where(self, pos):
        return "%s:%d:%d" % (os.path.basename(pos.file), pos.line, pos.col) if pos.line else str(pos.file)

    def verdict(self, rules, layout, what):
        """rules: None (no binding) or [(rule, binding)]; layout: nk Layout of the
        message the conditions read (None: none)."""
        if not rules:
            return V_NO_BINDING
        code = []
        for rule, b in rules:
            if rule.rule == "grant":
                continue
            if rule.rule == "deny" and rule.cond is None:
                code.append((OP["FAIL"], 0, 0, self.rule_reason("deny at %s" % self.where(rule.pos), b), 0))
                break
            kind, val, insns = self.cond(rule.cond, layout, what)
            if kind != "bool":
                raise PslError(rule.cond.pos, "a condition must be a comparison or a boolean "
                                              "expression (e.g. `message.x != 0`)")
            label = "%s at %s" % (rule.rule, self.where(rule.pos))
            if insns is None:                               # folded to a constant
                if val == (rule.rule == "assert"):
                    continue
                code.append((OP["FAIL"], 0, 0, self.rule_reason(label, b), 0))
                break
            code.extend(insns)
            code.append((OP["ASSERT" if rule.rule == "assert" else "REFUTE"], 0, 0,
                         self.rule_reason(label, b), 0))
        if not code:
            return V_GRANT
        key = tuple(code)
        if key not in self.prog_index:
            self.prog_index[key] = len(self.t.programs)
            self.t.programs.append((len(self.t.insns), len(code)))
            self.t.insns.extend(code)
        k = self.prog_index[key]
        if V_PROGRAM + k > 0xFFFF:
            raise PslError(Pos(self.t.source), "too many distinct condition programs")
        return V_PROGRAM + k

    def cond(self, node, layout, what):
        """-> (type 'bool'|'int', constant value or None, insns or None). For a
        field, val is the Field."""
        key = (id(node), id(layout))
        if key in self.cexpr_cache:
            return self.cexpr_cache[key]
        r = self._cond(node, layout, what)
        if r[2] is not None and self.depth(r[2]) > STACK_MAX:
            raise PslError(node.pos, "condition too complex (more than %d values at once)" % STACK_MAX)
        self.cexpr_cache[key] = r
        return r

    @staticmethod
    def depth(insns):
        d = m = 0
        for op, *_ in insns:
            if op in (OP["LOAD"], OP["CONST"]):
                d += 1
            elif op != OP["!"]:
                d -= 1
            m = max(m, d)
        return m

    def _cond(self, node, layout, what):
        k = node.kind
        if k == "int":
            return ("int", node.value, None)
        if k == "bool":
            return ("bool", node.value, None)
        if k == "msg":
            if layout is None:
                raise PslError(node.pos, "`message` is not available here")
            f = next((f for f in layout.fields if f.name == node.field), None)
            if f is None:
                names = ", ".join(f.name for f in layout.fields if f.kind == "int") or "none"
                raise PslError(node.pos, "%s has no integer field `%s` (fields: %s)" % (what, node.field, names))
            if f.kind != "int":
                raise unsupported(node.pos, "`message.%s` (a %s; only integer fields of the constant part)"
                                  % (node.field, "handle" if f.kind == "handle" else f.arena_kind))
            return ("field", f, None)
        if k == "not":
            t, v, ins = self.cond(node.a, layout, what)
            if t != "bool":
                raise PslError(node.pos, "`!` needs a condition")
            return ("bool", not v, None) if ins is None else ("bool", None, ins + [(OP["!"], 0, 0, 0, 0)])
        op = node.op
        a = self.cond(node.a, layout, what)
        b = self.cond(node.b, layout, what)
        if op in ("&&", "||", "==>"):
            for x, n in ((a, node.a), (b, node.b)):
                if x[0] != "bool":
                    raise PslError(n.pos, "`%s` needs conditions on both sides" % op)
            if op == "==>":
                if a[2] is None:
                    a = ("bool", not a[1], None)
                else:
                    a = ("bool", None, a[2] + [(OP["!"], 0, 0, 0, 0)])
                op = "||"
            if a[2] is None and b[2] is None:
                return ("bool", (a[1] and b[1]) if op == "&&" else (a[1] or b[1]), None)
            for x, y in ((a, b), (b, a)):
                if x[2] is None:                            # one side constant
                    if op == "&&":
                        return y if x[1] else ("bool", False, None)
                    return ("bool", True, None) if x[1] else y
            return ("bool", None, a[2] + b[2] + [(OP[op], 0, 0, 0, 0)])
        # comparison
        for x in (a, b):
            if x[0] == "bool":
                raise PslError(node.pos, "`%s` compares integers, not conditions" % op)
        return self.compare(op, a, b, node)

    def compare(self, op, a, b, node):
        pyop = {"==": operator.eq, "!=": operator.ne, "<": operator.lt, "<=": operator.le,
                ">": operator.gt, ">=": operator.ge}[op]
        if a[0] == "int" and b[0] == "int":
            return ("bool", pyop(a[1], b[1]), None)

        def rng(x):
            if x[0] == "int":
                return x[1], x[1]
            f = x[1]
            bits = 8 * f.size
            return (-(1 << (bits - 1)), (1 << (bits - 1)) - 1) if f.signed else (0, (1 << bits) - 1)
        (alo, ahi), (blo, bhi) = rng(a), rng(b)
        # decided by the ranges alone?
        if all(pyop(x, y) for x in (alo, ahi) for y in (blo, bhi)) and op not in ("==", "!="):
            return ("bool", True, None)
        if not any(pyop(x, y) for x in (alo, ahi) for y in (blo, bhi)) and op not in ("==", "!="):
            return ("bool", False, None)
        if op in ("==", "!=") and (ahi < blo or bhi < alo):
            return ("bool", op == "!=", None)
        u64 = any(x[0] == "field" and x[1].size == 8 and not x[1].signed for x in (a, b))
        if u64 and any(x[0] == "field" and x[1].signed for x in (a, b)):
            raise unsupported(node.pos, "comparing a UInt64 field with a signed field")
        insns = []
        for x in (a, b):
            if x[0] == "int":
                v = x[1]
                if u64:
                    if v < 0 or v > UINT64_MAX:
                        raise AssertionError("range check should have folded this")
                    v = v - (1 << 64) if v > INT64_MAX else v
                elif v < INT64_MIN or v > INT64_MAX:
                    raise AssertionError("range check should have folded this")
                insns.append((OP["CONST"], 0, 0, 0, v))
            else:
                f = x[1]
                insns.append((OP["LOAD"], f.size, INSN_SIGNED if f.signed else 0, f.offset, 0))
        insns.append((OP[op], 0, INSN_UNSIGNED if u64 else 0, 0, 0))
        return ("bool", None, insns)

    def row(self, rows_list, cells):
        if all(v == V_NO_BINDING for v in cells):
            rows_list.append(-1)
            return
        key = tuple(cells)
        if key not in self.row_index:
            self.row_index[key] = len(self.t.verdicts)
            self.t.verdicts.extend(cells)
        rows_list.append(self.row_index[key])

    def build(self, bindings):
        cls = self.t.classes
        for src in cls:
            for dst in cls:
                r = self.collect(bindings["execute"], src, dst, [(None, None)])
                self.t.execute.append(self.verdict(r[0], None, "execute"))
        for event, rows in (("request", self.t.request_rows), ("response", self.t.response_rows),
                            ("error", self.t.error_rows)):
            for src in cls:
                for dst in cls:
                    server = dst if event == "request" else src
                    rules = self.collect(bindings[event], src, dst, server.slots)
                    cells = []
                    for (ep, m), rl in zip(server.slots, rules):
                        lay = m.request if event == "request" else m.response if event == "response" else None
                        what = "%s %s.%s of %s" % ("request" if event == "request" else "response",
                                                    ep.path, m.name, server.name)
                        cells.append(self.verdict(rl, lay, what))
                    if event == "error":
                        cells.extend(self.endpoint_error_verdicts(server, cells))
                    self.row(rows, cells)
        for src in cls:
            slots = [(None, m) for m in src.security]
            iface = src.tc.security.name if src.tc.security else None
            rules = self.collect(bindings["security"], src, None, slots, iface)
            cells = [self.verdict(rl, m.request, "security %s of %s" % (m.name, src.name))
                     for (_, m), rl in zip(slots, rules)]
            self.row(self.t.security_rows, cells)

    def endpoint_error_verdicts(self, server, cells):
        """For an error whose request method the kernel no longer knows: the
        endpoint's verdict is the common one of its methods, else deny."""
        out = []
        for riid, ep in enumerate(server.tc.endpoints):
            base = server.slot_base[riid]
            vs = set(cells[base:base + len(ep.interface.methods)])
            if len(vs) == 1:
                out.append(vs.pop())
            elif not vs:
                out.append(V_NO_BINDING)
            else:
                out.append(self.fail_program("error from %s (method unknown): its methods differ"
                                             % ep.path))
        return out

    def fail_program(self, text):
        key = ((OP["FAIL"], 0, 0, self.reason(text), 0),)
        if key not in self.prog_index:
            self.prog_index[key] = len(self.t.programs)
            self.t.programs.append((len(self.t.insns), 1))
            self.t.insns.extend(key)
        return V_PROGRAM + self.prog_index[key]


def compile_policy(path, include_dirs=(), defines=None, warn=None):
    """Compile the policy file at `path` (.psl or .psl.in)."""
    comp = Compiler(include_dirs, defines, warn)
    src = Source(include_dirs, defines or {}, comp.warn)
    items = src.read(str(path))
    tables = comp.compile(items, os.path.basename(str(path)))
    tables.warnings = comp.warnings
    return tables


def compile_text(text, name="security.psl", include_dirs=(), defines=None, warn=None):
    comp = Compiler(include_dirs, defines, warn)
    src = Source(include_dirs, defines or {}, comp.warn)
    items = src.parse(text, name)
    tables = comp.compile(items, name)
    tables.warnings = comp.warnings
    return tables


def permissive_tables():
    """No policy: every event granted, any class may start (logged at boot)."""
    comp = Compiler(())
    comp.load_class(CORE, CORE, Pos("<nonsecurity>"))
    t = comp.t
    t.source = "<nonsecurity>"
    t.flags = PERMISSIVE
    comp.build({e: [] for e in ("execute", "request", "response", "error", "security")})
    return t


__all__ = ["compile_policy", "compile_text", "permissive_tables", "Tables", "PslError", "Node"]
