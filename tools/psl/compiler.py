"""PSL policy -> decision tables (see kernel/security/sec_tables.h, docs/POLICY.md).

compile_policy(path, include_dirs, defines) -> Tables (a plain model that
tools.psl.cgen turns into C and the tests inspect). Errors raise PslError.
"""

import contextlib
import operator
import os
import re

from tools import cli, limits, template
from tools.einit import sdk
from tools.nk.errors import NkError, Pos as NkPos
from tools.nk.model import SYSROOT, Loader
from tools.psl.errors import PslError, Pos, unsupported, print_warning
from tools.psl.lexer import tokenize
from tools.psl.parser import Parser, Node
from tools.psl.regex import compile_regex, RegexError

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
      "&&": 9, "||": 10, "!": 11, "ASSERT": 12, "REFUTE": 13, "FAIL": 14,
      "SID": 15, "FLOW_INIT": 16, "FLOW_FINI": 17, "FLOW_ENTER": 18, "FLOW_ALLOW": 19,
      "FLOW_QUERY": 20, "HS_INIT": 21, "HS_FINI": 22, "HS_ADD": 23, "HS_REMOVE": 24,
      "HS_CONTAINS": 25, "FIELD_CMP": 26, "CHECK_EQ": 27, "CHECK_NE": 28, "CHECK_LT": 29,
      "CHECK_LE": 30, "CHECK_GT": 31, "CHECK_GE": 32, "+": 33, "-": 34, "*": 35,
      "NEG": 36, "ABS": 37, "SIZE": 38, "JZ": 39, "JMP": 40, "SM_INIT": 41, "SM_FINI": 42,
      "SM_SET": 43, "SM_COMMIT": 44, "SM_ROLLBACK": 45, "SM_GET": 46, "SM_GET_UNCOMMITTED": 47,
      "MIC_EXECUTE": 48, "MIC_CREATE": 49, "MIC_UPGRADE": 50, "MIC_CALL": 51, "MIC_INVOKE": 52,
      "MIC_QUERY": 53, "AUDIT": 54, "CONTENTS": 55, "TEXT": 56, "TEXT_CONST": 57, "TEXT_CMP": 58,
      "ELEM": 59, "RE_MATCH": 60, "COUNT": 61, "HANDLE_RIGHTS": 62}
INSN_HANDLES = 0x40                # CONTENTS: the program reads handle rights
# ops that read the arena: a program with one starts with CONTENTS (docs/POLICY.md)
CONTENT_OPS = {56, 59, 62}          # TEXT, ELEM, HANDLE_RIGHTS
INSN_MIC_OWN = 0x20
MIC_DEGREES_MAX, MIC_CATEGORIES_MAX = 64, 16
MODEL_OPS = set(range(16, 26)) | set(range(41, 48))
SM_KEYS_MAX = 8                   # SEC_SMAP_KEYS_MAX
LABEL = -1                        # pseudo-op: a jump target, resolved after fuse()
CHECK_REFUTE = 0x80
# stack effect of each op (values pushed minus popped)
STACK_EFFECT = {OP["LOAD"]: 1, OP["CONST"]: 1, OP["SID"]: 1, OP["!"]: 0, OP["FLOW_QUERY"]: 0,
                OP["FLOW_INIT"]: -1, OP["FLOW_FINI"]: -1, OP["FLOW_ENTER"]: -1,
                OP["FLOW_ALLOW"]: -1, OP["HS_INIT"]: -1, OP["HS_FINI"]: -1, OP["HS_ADD"]: -2,
                OP["HS_REMOVE"]: -2, OP["HS_CONTAINS"]: -1, OP["FAIL"]: 0, OP["FIELD_CMP"]: 1, OP["CHECK_EQ"]: 0, OP["CHECK_NE"]: 0,
                OP["CHECK_LT"]: 0, OP["CHECK_LE"]: 0, OP["CHECK_GT"]: 0, OP["CHECK_GE"]: 0,
                OP["NEG"]: 0, OP["ABS"]: 0, OP["SIZE"]: 1, OP["JZ"]: -1, OP["JMP"]: 0, LABEL: 0,
                OP["SM_INIT"]: -1, OP["SM_FINI"]: -1, OP["SM_SET"]: -2, OP["SM_COMMIT"]: -1,
                OP["SM_ROLLBACK"]: -1, OP["SM_GET"]: 0, OP["SM_GET_UNCOMMITTED"]: 0,
                OP["MIC_EXECUTE"]: -1, OP["MIC_CREATE"]: -4, OP["MIC_UPGRADE"]: -4,
                OP["MIC_CALL"]: -2, OP["MIC_INVOKE"]: -2, OP["MIC_QUERY"]: 0,
                OP["CONTENTS"]: 0, OP["TEXT"]: 1, OP["TEXT_CONST"]: 1, OP["TEXT_CMP"]: -1,
                OP["ELEM"]: 0, OP["RE_MATCH"]: 0, OP["COUNT"]: 0, OP["HANDLE_RIGHTS"]: 1}
# model state writes of each rule (the kernel journals them: SEC_JOURNAL_MAX a decision)
JOURNAL_WRITES = {OP["MIC_EXECUTE"]: 2, OP["MIC_CREATE"]: 2, OP["MIC_UPGRADE"]: 2, OP["FLOW_INIT"]: 1, OP["FLOW_FINI"]: 1, OP["FLOW_ENTER"]: 1, OP["HS_INIT"]: 3,
                  OP["HS_FINI"]: 3, OP["HS_ADD"]: 2, OP["HS_REMOVE"]: 2}
JOURNAL_MAX = 32                  # SEC_JOURNAL_MAX
SID_MAX = 128                     # SEC_SID_MAX: SIDs 0 .. 127
FLOW_STATES_MAX = 48              # SEC_FLOW_STATES_MAX
HS_SET_SIZE_MAX = 1024
HS_POOL_SIZE_MAX = SID_MAX - 1
OP_NAMES = {v: k for k, v in OP.items()}
INSN_SIGNED, INSN_UNSIGNED, INSN_SID_SRC, INSN_SID_DST, INSN_FINAL = 1, 2, 4, 8, 16
# a comparison with its operands swapped: `c < x` is `x > c`
MIRROR = {"==": "==", "!=": "!=", "<": ">", "<=": ">=", ">": "<", ">=": "<="}
STACK_MAX = 16
INT64_MIN, INT64_MAX, UINT64_MAX = -(1 << 63), (1 << 63) - 1, (1 << 64) - 1
UINT64_MAX_ = UINT64_MAX

RESERVED_NAMES = ("message", "src_sid", "dst_sid", "true", "false", "neg", "abs", "size", "empty",
                  "sum", "product")

AUDIT_GRANTED, AUDIT_ALL_GRANTS, AUDIT_DENIED = 2, 4, 8    # SEC_F_AUDIT_*
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


INT_TYPES = {"UInt8": (0, 0xFF), "UInt16": (0, 0xFFFF), "UInt32": (0, 0xFFFFFFFF),
             "UInt64": (0, UINT64_MAX_), "SInt8": (-0x80, 0x7F), "SInt16": (-0x8000, 0x7FFF),
             "SInt32": (-(1 << 31), (1 << 31) - 1), "SInt64": (-(1 << 63), (1 << 63) - 1),
             "Boolean": (0, 1)}
MODEL_RULES = {
    # model: {rule: (required args, op, kind)}; kind: "rule" or the expression's type
    "Flow": {"init": (("sid",), "FLOW_INIT", "rule"), "fini": (("sid",), "FLOW_FINI", "rule"),
             "enter": (("sid", "state"), "FLOW_ENTER", "rule"),
             "allow": (("sid", "states"), "FLOW_ALLOW", "rule"),
             "query": (("sid",), "FLOW_QUERY", "state")},
    "HashSet": {"init": (("sid",), "HS_INIT", "rule"), "fini": (("sid",), "HS_FINI", "rule"),
                "add": (("sid", "entry"), "HS_ADD", "rule"),
                "remove": (("sid", "entry"), "HS_REMOVE", "rule"),
                "contains": (("sid", "entry"), "HS_CONTAINS", "bool")},
    "StaticMap": {"init": (("sid",), "SM_INIT", "rule"), "fini": (("sid",), "SM_FINI", "rule"),
                  "set": (("sid", "key", "value"), "SM_SET", "rule"),
                  "commit": (("sid",), "SM_COMMIT", "rule"),
                  "rollback": (("sid",), "SM_ROLLBACK", "rule"),
                  "get": (("sid", "key"), "SM_GET", "int"),
                  "get_uncommitted": (("sid", "key"), "SM_GET_UNCOMMITTED", "int")},
    "Mic": {"execute": (("target", "level"), "MIC_EXECUTE", "rule"),
            "create": (("source", "target", "driver"), "MIC_CREATE", "rule"),
            "upgrade": (("source", "target", "driver", "level"), "MIC_UPGRADE", "rule"),
            "call": (("source", "target"), "MIC_CALL", "rule"),
            "read": (("source", "target"), "MIC_CALL", "rule"),
            "invoke": (("source", "target"), "MIC_INVOKE", "rule"),
            "write": (("source", "target"), "MIC_INVOKE", "rule"),
            "query_level": (("source",), "MIC_QUERY", "miclevel")},
    "Regex": {"match": (("text", "pattern"), "RE_MATCH", "bool"),
              "select": (("text",), "RE_SELECT", "select")},
}
# optional arguments (`()` or absent)
MODEL_OPTIONAL = {("Mic", "execute"): ("levelR", "image"), ("Mic", "create"): ("container", "level"),
                  ("Mic", "upgrade"): ("container",)}
# KasperskyOS models this compiler knows of but does not implement yet.
MODELS_NOT_YET = ()


class _Const:
    """An already compiled operand (kind 'const'): lets fold() reuse _cond."""
    kind = "const"
    pos = None

    def __init__(self, value):
        self.value = value


class ElemField:
    """An integer element of a sequence, bytes or string (`message.s.[i]`):
    read from the arena by ELEM, so it behaves as an integer field whose load
    is `insns`."""
    kind = "int"
    is_tag = False

    def __init__(self, name, size, signed, insns):
        self.name, self.size, self.signed, self.insns = name, size, signed, insns
        self.offset = None


class PolicyObject:
    """`policy object <name> : <model> {...}` with its checked config."""

    def __init__(self, name, model, index, pos):
        self.name, self.model, self.index, self.pos = name, model, index, pos
        self.states = []               # Flow
        self.initial = 0
        self.transitions = []          # [from] -> bit mask
        self.entry = ("UInt64", INT_TYPES["UInt64"])   # HashSet: (type name, range)
        self.set_size = self.pool_size = 0
        self.keys, self.defaults = [], []   # StaticMap
        self.value = ("UInt64", INT_TYPES["UInt64"])


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
        self.flows = []                # PolicyObject (Flow), index order
        self.hashsets = []             # PolicyObject (HashSet), index order
        self.staticmaps = []           # PolicyObject (StaticMap), index order
        self.mics = []                 # PolicyObject (Mic), index order
        self.regexes = []              # tools.psl.regex.Dfa, with .pattern
        self.texts = []                # bytes: string literals compared with contents
        self.counters = False          # coverage build: hits[] and SEC_OP_COUNT
        self.origins = {}              # reason index -> "request binding at f:l:c" (decision trace)
        self.warnings = []

    def class_id(self, name):
        for c in self.classes:
            if c.name == name:
                return c.id
        return None


def is_sysroot(path):
    """True for a file of tools/sysroot (not a project's file of the same name)."""
    return os.path.dirname(os.path.abspath(path)).startswith(SYSROOT + os.sep)


def nkpos(p):
    return NkPos(p.file, p.line, p.col)


def from_nk(e):
    return PslError(Pos(e.file, e.line, e.col), e.msg)


class Source:
    """Reads the policy files: the main one, `use <pkg>._` includes (own files
    from -I, built-in model packages), each once."""

    def __init__(self, include_dirs, defines, warn):
        self.include_dirs = list(include_dirs)
        # @INIT_EXTERNAL_ENTITIES@ in a policy declares the SDK programs of the image
        # (`use EDL kl.VfsNet` ...); SDK mode gives that text as INIT_EXTERNAL_ENTITIES_PSL,
        # beside the init.yaml entities of INIT_EXTERNAL_ENTITIES (docs/POLICY.md).
        self.defines = dict(defines)
        if "INIT_EXTERNAL_ENTITIES_PSL" in defines:
            self.defines["INIT_EXTERNAL_ENTITIES"] = defines["INIT_EXTERNAL_ENTITIES_PSL"]
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
    def __init__(self, include_dirs=(), defines=None, warn=None, counters=False):
        self.counters = counters       # coverage build: SEC_OP_COUNT after each rule (docs/POLICY.md)
        self.include_dirs = list(include_dirs)
        self.defines = defines or {}
        self.warnings = []
        self.notes = []
        self._warn_sink = warn if warn is not None else print_warning
        self.loader = Loader(self.include_dirs, on_warning=lambda w: self.warn(str(w)))
        self.t = Tables()
        self.prog_index = {}
        self.reason_index = {}
        self.row_index = {}
        self.cexpr_cache = {}
        self.aliases = {}              # `use <name> = <expr>`
        self.alias_stack = []
        self.objects = {}              # name -> PolicyObject

    def warn(self, text):
        self.warnings.append(text)
        self._warn_sink(text)

    def note(self, text):
        """Printed like a warning, not counted by -Werror: a fact about this system, not a
        fault of the policy (docs/SDK.md, "SDK programs that are not here")."""
        self.notes.append(text)
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
            elif it.kind == "policy_object":
                self.policy_object(it)
            elif it.kind == "alias":
                if it.name in self.aliases:
                    raise PslError(it.npos, "alias `%s` is defined twice (first at %s)"
                                   % (it.name, self.aliases[it.name].pos))
                if it.name in RESERVED_NAMES:
                    raise PslError(it.npos, "`%s` is a reserved name" % it.name)
                self.aliases[it.name] = it
        if "re" not in self.objects:       # nk/regex.psl's object, always there
            self.objects["re"] = PolicyObject("re", "Regex", 0, Pos(source_name))
        for a in self.aliases.values():     # every alias resolves, used or not
            with self.alias(Node("name", a.npos, value=a.name)) as v:
                self.alias_names(v)
        if bindings["execute"] and not have_execute_decl:
            self.warn("%s: warning: no `execute: kl.core.Execute` declaration" % source_name)
        self.t.flags = self.audit_flags(profiles, default)
        self.profiles = {name: self.audit_objects(p) for name, p in profiles.items()}
        self.audit_default = default
        for event, bs in bindings.items():
            for b in bs:
                self.assign_audit(b.body, None)
        for event, bs in bindings.items():
            for b in bs:
                self.check_selectors(event, b.sels, b.body, {})
        self.build(bindings)
        self.t.counters = self.counters
        return self.t

    # ------------------------------------------------------------ policy objects
    def policy_object(self, it):
        if it.name in self.objects:
            raise PslError(it.npos, "policy object `%s` is defined twice (first at %s)"
                           % (it.name, self.objects[it.name].pos))
        if it.model in MODELS_NOT_YET:
            raise unsupported(it.mpos, "the %s security model" % it.model)
        if it.model not in MODEL_RULES:
            raise PslError(it.mpos, "unknown security model `%s` (Flow, HashSet, StaticMap, Mic, Regex)" % it.model)
        if it.model == "Regex":
            if it.config is not None:
                raise PslError(it.config.pos, "a Regex object has no config")
            self.objects[it.name] = PolicyObject(it.name, it.model, 0, it.pos)
            return
        if it.config is None:
            raise PslError(it.pos, "policy object `%s` has no `config = {...}`" % it.name)
        if it.model == "Mic":
            lst = self.t.mics
            o = PolicyObject(it.name, it.model, len(lst), it.pos)
            self.mic_config(o, it.config)
            self.objects[it.name] = o
            lst.append(o)
            return
        if it.config.kind != "dict":
            raise PslError(it.config.pos, "`config` of a %s object is a dictionary `{ ... }`" % it.model)
        lst = {"Flow": self.t.flows, "HashSet": self.t.hashsets, "StaticMap": self.t.staticmaps,
               "Mic": self.t.mics}[it.model]
        o = PolicyObject(it.name, it.model, len(lst), it.pos)
        cfg = {}
        for k, kpos, v in it.config.items:
            if k in cfg:
                raise PslError(kpos, "`%s` is given twice in the config" % k)
            cfg[k] = (kpos, v)
        known = {"Flow": ("states", "initial", "transitions"), "HashSet": ("set_size", "pool_size"),
                 "StaticMap": ("keys", "pool_size")}[it.model]
        for k, (kpos, _) in cfg.items():
            if k not in known:
                raise PslError(kpos, "unknown %s config key `%s` (%s)" % (it.model, k, ", ".join(known)))
        for k in known:
            if k not in cfg:
                raise PslError(it.config.pos, "the %s config of `%s` has no `%s`" % (it.model, it.name, k))
        types = {}
        for td in it.types:
            if td.name in types:
                raise PslError(td.pos, "type `%s` is declared twice" % td.name)
            types[td.name] = td
        if it.model == "Flow":
            self.flow_config(o, cfg, types)
        elif it.model == "HashSet":
            self.hashset_config(o, cfg, types)
        else:
            self.staticmap_config(o, cfg, types, it)
        self.objects[it.name] = o
        lst.append(o)

    @staticmethod
    def str_list(v, what):
        if v.kind != "list":
            raise PslError(v.pos, "%s is a list of strings `[\"a\", ...]`" % what)
        for a in v.items:
            if a.kind != "atom" or not isinstance(a.value, str) or a.is_name:
                raise PslError(a.pos, "%s is a list of strings `[\"a\", ...]`" % what)
        return v.items

    def flow_config(self, o, cfg, types):
        spos, sv = cfg["states"]
        states = self.str_list(sv, "`states`")
        if not states:
            raise PslError(sv.pos, "`states` is empty")
        if len(states) > FLOW_STATES_MAX:
            raise PslError(sv.pos, "more than %d states" % FLOW_STATES_MAX)
        allowed = None
        for td in types.values():
            if td.name in ("State", "States") or all(a.is_str for a in td.type):
                if not all(a.is_str for a in td.type):
                    raise PslError(td.pos, "the state type of a Flow object is string literals `\"a\" | \"b\"`")
                allowed = [a.value for a in td.type]
        for a in states:
            if a.value in o.states:
                raise PslError(a.pos, "state \"%s\" is listed twice" % a.value)
            if allowed is not None and a.value not in allowed:
                raise PslError(a.pos, "state \"%s\" is not of the object's state type (%s)"
                               % (a.value, " | ".join('"%s"' % x for x in allowed)))
            o.states.append(a.value)
        ipos, iv = cfg["initial"]
        if iv.kind != "atom" or not isinstance(iv.value, str) or iv.is_name:
            raise PslError(iv.pos, "`initial` is a state (a string)")
        o.initial = self.state_index(o, iv.value, iv.pos)
        tpos, tv = cfg["transitions"]
        if tv.kind != "dict":
            raise PslError(tv.pos, "`transitions` is a dictionary `{ \"from\" : [\"to\", ...], ... }`")
        o.transitions = [0] * len(o.states)
        seen = set()
        for k, kpos, v in tv.items:
            if not isinstance(k, str):
                raise PslError(kpos, "a transition starts at a state (a string)")
            frm = self.state_index(o, k, kpos)
            if frm in seen:
                raise PslError(kpos, "transitions from \"%s\" are given twice" % k)
            seen.add(frm)
            for a in self.str_list(v, "the transitions from \"%s\"" % k):
                o.transitions[frm] |= 1 << self.state_index(o, a.value, a.pos, "a transition to nowhere: ")

    @staticmethod
    def state_index(o, name, pos, prefix=""):
        if name not in o.states:
            raise PslError(pos, "%sstate \"%s\" is not in the states of `%s` (%s)"
                           % (prefix, name, o.name, ", ".join('"%s"' % x for x in o.states)))
        return o.states.index(name)

    def hashset_config(self, o, cfg, types):
        if "Entry" in types and len(types["Entry"].type) == 1 and types["Entry"].type[0].kind == "tuple_type":
            tt = types["Entry"].type[0]
            if len(tt.items) > 4:
                raise PslError(tt.pos, "a HashSet tuple has at most 4 elements")
            elems, bits = [], 0
            for a in tt.items:
                if a.value not in INT_TYPES:
                    raise PslError(a.pos, "a tuple element is an integer type or Boolean (%s)"
                                   % ", ".join(INT_TYPES))
                lo, hi = INT_TYPES[a.value]
                w = (hi - lo).bit_length()
                elems.append((a.value, (lo, hi), bits))
                bits += w
            if bits > 63:
                raise PslError(tt.pos, "this tuple needs %d bits; a HashSet entry holds at most 63" % bits)
            o.entry = ("(%s)" % ", ".join(e[0] for e in elems), (0, (1 << bits) - 1))
            o.tuple = elems
        elif "Entry" in types:
            td = types["Entry"]
            if len(td.type) != 1 or td.type[0].is_str or td.type[0].value not in INT_TYPES:
                raise unsupported(td.pos, "a HashSet entry type other than an integer type or "
                                          "Boolean (%s)" % ", ".join(INT_TYPES))
            o.entry = (td.type[0].value, INT_TYPES[td.type[0].value])
        for k, top in (("set_size", HS_SET_SIZE_MAX), ("pool_size", HS_POOL_SIZE_MAX)):
            kpos, v = cfg[k]
            if v.kind != "atom" or not isinstance(v.value, int) or not 1 <= v.value <= top:
                raise PslError(v.pos, "`%s` is a number from 1 to %d" % (k, top))
            setattr(o, k, v.value)

    def staticmap_config(self, o, cfg, types, it):
        if "Value" not in types:
            raise PslError(it.pos, "a StaticMap object needs `type Value = <integer type>`")
        td = types["Value"]
        if len(td.type) != 1 or td.type[0].is_str or td.type[0].value not in INT_TYPES:
            raise PslError(td.pos, "the Value type of a StaticMap object is an integer type (%s)"
                           % ", ".join(INT_TYPES))
        o.value = (td.type[0].value, INT_TYPES[td.type[0].value])
        if o.value[0] == "UInt64":
            o.value = ("UInt64", (0, INT64_MAX))   # values are signed 64-bit in the kernel
        kpos, kv = cfg["keys"]
        if kv.kind != "dict" or not kv.items:
            raise PslError(kv.pos, "`keys` is a dictionary `{ \"key\" : <default value>, ... }`")
        if len(kv.items) > SM_KEYS_MAX:
            raise PslError(kv.pos, "more than %d keys" % SM_KEYS_MAX)
        for k, p, v in kv.items:
            if not isinstance(k, str):
                raise PslError(p, "a StaticMap key is a string")
            if k in o.keys:
                raise PslError(p, "key \"%s\" is listed twice" % k)
            lo, hi = o.value[1]
            if v.kind != "atom" or not isinstance(v.value, int) or isinstance(v.value, bool) \
                    or v.is_name or not lo <= v.value <= hi:
                raise PslError(v.pos, "the default of \"%s\" is a number of type %s (%d .. %d)"
                               % (k, o.value[0], lo, hi))
            o.keys.append(k)
            o.defaults.append(v.value)
        ppos, pv = cfg["pool_size"]
        if pv.kind != "atom" or not isinstance(pv.value, int) or not 1 <= pv.value <= HS_POOL_SIZE_MAX:
            raise PslError(pv.pos, "`pool_size` is a number from 1 to %d" % HS_POOL_SIZE_MAX)
        o.pool_size = pv.value

    def mic_config(self, o, cfg):
        """config = ["LOW", "HIGH"] (degrees, linear) or { degrees : [...], categories : [...] }."""
        if cfg.kind == "list":
            o.degrees = self.str_list(cfg, "`config`")
            o.categories = []
        elif cfg.kind == "dict":
            got = {}
            for k, kpos, v in cfg.items:
                if k not in ("degrees", "categories"):
                    raise PslError(kpos, "unknown Mic config key `%s` (degrees, categories)" % k)
                if k in got:
                    raise PslError(kpos, "`%s` is given twice in the config" % k)
                got[k] = self.str_list(v, "`%s`" % k)
            if "degrees" not in got:
                raise PslError(cfg.pos, "the Mic config of `%s` has no `degrees`" % o.name)
            o.degrees, o.categories = got["degrees"], got.get("categories", [])
        else:
            raise PslError(cfg.pos, "`config` of a Mic object is a list of levels or "
                                    "`{ degrees : [...], categories : [...] }`")
        for what, lst, top in (("degrees", o.degrees, MIC_DEGREES_MAX),
                               ("categories", o.categories, MIC_CATEGORIES_MAX)):
            if what == "degrees" and not lst:
                raise PslError(cfg.pos, "a Mic object needs at least one level")
            if len(lst) > top:
                raise PslError(lst[top].pos, "more than %d %s" % (top, what))
            seen = set()
            for a in lst:
                if a.value in seen:
                    raise PslError(a.pos, "\"%s\" is listed twice" % a.value)
                seen.add(a.value)
        o.degrees = [a.value for a in o.degrees]
        o.categories = [a.value for a in o.categories]

    def mic_level(self, o, v):
        """A Level: "deg" or { degree : "deg" | (), categories : [...] | () } -> degree | cats << 8."""
        if v.kind == "str":
            v = Node("dict", v.pos, items=[("degree", v.pos, v)])
        if v.kind != "dict":
            raise PslError(v.pos, "expected a level of `%s` (\"%s\" or { degree : ..., categories : [...] })"
                           % (o.name, o.degrees[0]))
        deg, cats = 0, 0
        for k, kpos, x in v.items:
            if k == "degree":
                if x.kind == "unit":
                    continue
                if x.kind != "str" or x.value not in o.degrees:
                    raise PslError(x.pos, "not a degree of `%s` (%s)" % (o.name, ", ".join(
                        '"%s"' % d for d in o.degrees)))
                deg = o.degrees.index(x.value)
            elif k == "categories":
                if x.kind == "unit":
                    continue
                if x.kind != "list":
                    raise PslError(x.pos, "`categories` is a list of strings")
                for c in x.items:
                    if c.kind != "str" or c.value not in o.categories:
                        raise PslError(c.pos, "not a category of `%s` (%s)" % (o.name, ", ".join(
                            '"%s"' % d for d in o.categories) or "none"))
                    cats |= 1 << o.categories.index(c.value)
            else:
                raise PslError(kpos, "a level has `degree` and `categories`, not `%s`" % k)
        return deg | cats << 8

    def mic_call(self, node, o, spec, args, layout, what):
        req, opname, kind = spec
        insns, flags = [], 0
        imm = o.index

        def sid(name):
            v = args[name]
            return self.int_value(v, layout, what, (0, SID_MAX - 1), "a SID")
        if opname == "MIC_EXECUTE":
            if "image" in args and args["image"].kind != "unit":
                raise PslError(args["image"].pos, "`image` must be `()` here: it names the SID of "
                                                  "the executable file, and programs come from the "
                                                  "kernel's boot image, which has no SID and no "
                                                  "integrity level (give `level`; docs/POLICY.md)")
            level = self.mic_level(o, args["level"])
            lr = args.get("levelR")
            level_r = level if lr is None or lr.kind == "unit" else self.mic_level(o, lr)
            insns = sid("target")
            imm |= level << 16 | level_r << 40
        elif opname in ("MIC_CREATE", "MIC_UPGRADE"):
            insns = sid("source") + sid("target")
            c = args.get("container")
            insns += [(OP["CONST"], 0, 0, 0, -1)] if c is None or c.kind == "unit" else sid("container")
            insns += sid("driver")
            lv = args.get("level")
            if lv is None or lv.kind == "unit":
                flags |= INSN_MIC_OWN
            else:
                imm |= self.mic_level(o, lv) << 16
        elif opname in ("MIC_CALL", "MIC_INVOKE"):
            insns = sid("source") + sid("target")
        else:
            insns = sid("source")
        if imm > INT64_MAX:
            imm -= 1 << 64
        label = "%s.%s at %s" % (node.obj, node.method, self.where(node.pos))
        return o, kind, insns + [(OP[opname], 0, flags, self.reason(label), imm)]

    def key_index(self, o, v):
        if v.kind != "str":
            raise PslError(v.pos, "expected a key of `%s` (a string: %s)"
                           % (o.name, ", ".join('"%s"' % x for x in o.keys)))
        if v.value not in o.keys:
            raise PslError(v.pos, "key \"%s\" is not in the keys of `%s` (%s)"
                           % (v.value, o.name, ", ".join('"%s"' % x for x in o.keys)))
        return o.keys.index(v.value)

    def journal_writes(self, ins):
        """State writes of one op (SEC_JOURNAL_MAX a decision)."""
        op = ins[0]
        if op in (OP["SM_INIT"], OP["SM_COMMIT"], OP["SM_ROLLBACK"], OP["SM_FINI"], OP["SM_SET"]):
            nkeys = len(self.t.staticmaps[ins[4] & 0xFFFF].keys)
            return {OP["SM_INIT"]: 2 + 2 * nkeys, OP["SM_FINI"]: 2, OP["SM_SET"]: 1}.get(op, nkeys)
        return JOURNAL_WRITES.get(op, 0)

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

    def audit_objects(self, prof):
        """{level: {object or "base": set of kss}} of a profile (checked by audit_levels)."""
        out = {}
        for k, _, lv in prof.value.items:
            objs = {}
            for model, _, mv in lv.items:
                for key, _, kv in mv.items:
                    if key == "kss" and kv.kind == "list":
                        objs[model] = {a.value for a in kv.items}
            out[k] = objs
        return out

    def assign_audit(self, body, profile):
        """Each rule's audit profile: the innermost `audit <p>` of its sections."""
        for st in body:
            if st.kind == "audit_stmt":
                if st.profile not in self.profiles:
                    raise PslError(st.ppos, "no audit profile `%s`" % st.profile)
                profile = st
        for st in body:
            st.audit_profile = profile
            if st.kind == "match":
                self.assign_audit(st.body, profile)
            elif st.kind == "choice":
                for _, _, br in st.branches:
                    self.assign_audit(br, profile)

    def audit_grants(self, rules):
        """The profile and level that ask to record a grant by these rules, or None."""
        if self.audit_default is None or self.t.flags & AUDIT_ALL_GRANTS:
            return None
        level = self.audit_default.level
        for rule, _ in rules:
            st = getattr(rule, "audit_profile", None)
            name = st.profile if st is not None else self.audit_default.name
            objs = self.profiles[name].get(level, {})
            stack = [rule]
            while stack:
                r = stack.pop()
                if r.kind == "choice":
                    stack.extend(x for _, _, br in r.branches for x in br)
                    obj = "base"
                else:
                    obj = r.obj if r.kind == "model_rule" else "base"
                if "granted" in objs.get(obj, ()):
                    return name, level
        return None

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
                if model != "base" and model not in self.objects:
                    self.warn("%s: warning: audit of `%s`: no such policy object; ignored" % (mpos, model))
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
                        flags |= AUDIT_GRANTED | AUDIT_ALL_GRANTS if a.value == "granted" else AUDIT_DENIED
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
                if s.key in ("method", "interface") and self.absent_only(ctx.get("src"), s):
                    continue
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
            absent = False
            for s in sels:
                if s.key in ("endpoint", "component", "interface", "method") and \
                        self.absent_only(given, s):
                    absent = True
                    continue
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
                if s.key == "method" and not absent:
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
            elif st.kind == "model_rule":
                self.check_cond_static(event, st)
                self.model_spec(st)
            elif st.kind == "choice":
                self.check_cond_static(event, st.scrut)
                for _, _, body in st.branches:
                    for x in body:
                        if x.kind == "match":
                            raise unsupported(x.pos, "`match` inside a `choice` branch (put the "
                                                     "`choice` inside the `match`)")
                    self.check_selectors(event, [], body, ctx)

    @staticmethod
    def absent(c):
        """True for an SDK class whose program is not here (tools/einit/sdk.py ABSENT)
        declared by the sysroot's header-only EDL."""
        return bool(sdk.absent(c.name)) and is_sysroot(c.tc.file)

    def absent_only(self, given, sel):
        """True (after a note) when the classes `given` selects are all SDK classes
        whose program is not here (tools/einit/sdk.py ABSENT) with the sysroot's
        header-only EDL: their endpoints and methods are not known, so a name in
        `sel` cannot be checked, and the rule can never apply (no such task starts)."""
        if not given:
            return False
        classes = [self.by_name(x.value) for x in given]
        if not all(self.absent(c) for c in classes):
            return False
        self.note("%s: note: `%s=%s`: class `%s` is a KasperskyOS SDK program that KOS-A64 "
                  "does not have (%s; docs/SDK.md): its %ss are not known here, and this rule "
                  "never applies" % (sel.vpos, sel.key, sel.value, classes[0].name,
                                     sdk.absent(classes[0].name), sel.key))
        return True

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
        if node.kind == "sid" and node.side == "dst" and event == "security":
            raise PslError(node.pos, "`dst_sid` is not available in security bindings (the "
                                     "query has no receiver)")
        if node.kind == "model_expr" and not (node.obj == "bool" and node.method == "cond"
                                               and "bool" not in self.objects):
            self.model_spec(node)
        if node.kind == "name":
            with self.alias(node) as v:
                self.check_cond_static(event, v)
        for k in ("a", "b"):
            if hasattr(node, k):
                self.check_cond_static(event, getattr(node, k))
        for _, _, v in getattr(node, "args", ()):
            self.check_cond_static(event, v)
        for v in getattr(node, "items", ()) if node.kind == "list" else ():
            self.check_cond_static(event, v)

    # ------------------------------------------------------------ model calls
    def model_spec(self, node):
        """The object, (required args, op, kind) and args dict of a model rule or
        expression; every name checked at its position."""
        o = self.objects.get(node.obj)
        if o is None:
            raise PslError(node.pos, "unknown policy object `%s`%s" % (
                node.obj, " (declare it with `policy object %s : <Model> {...}`)" % node.obj))
        rules = MODEL_RULES[o.model]
        spec = rules.get(node.method)
        if spec is None:
            raise PslError(node.pos, "a %s object has no rule or expression `%s` (%s)"
                           % (o.model, node.method, ", ".join(rules)))
        req, _, kind = spec
        if node.kind == "model_rule" and kind != "rule":
            raise PslError(node.pos, "`%s.%s` is an expression: use it in a condition "
                                     "(`assert (...)`)" % (node.obj, node.method))
        if node.kind == "model_expr" and kind == "rule":
            raise PslError(node.pos, "`%s.%s` is a rule, not an expression" % (node.obj, node.method))
        args = {}
        opt = MODEL_OPTIONAL.get((o.model, node.method), ())
        for k, kpos, v in node.args:
            if k not in req and k not in opt:
                raise PslError(kpos, "`%s.%s` takes %s, not `%s`" % (
                    node.obj, node.method, ", ".join("`%s`" % r for r in req), k))
            if k in args:
                raise PslError(kpos, "argument `%s` is given twice" % k)
            args[k] = v
        for r in req:
            if r not in args:
                raise PslError(node.pos, "`%s.%s` needs `%s`" % (node.obj, node.method, r))
        if "key" in args:
            self.key_index(o, args["key"])
        if "state" in args:
            self.state_arg(o, args["state"])
        if "states" in args:
            v = args["states"]
            for a in (v.items if v.kind == "list" else [v]):
                self.state_arg(o, a)
        return o, spec, args

    def state_arg(self, o, v):
        if v.kind != "str":
            raise PslError(v.pos, "expected a state of `%s` (a string: %s)"
                           % (o.name, ", ".join('"%s"' % x for x in o.states)))
        return self.state_index(o, v.value, v.pos)

    def model_call(self, node, layout, what):
        """Instructions of a model rule (the op denies when the rule fails) or of a
        model expression (pushes its value)."""
        o, spec, args = self.model_spec(node)
        if o.model == "Mic":
            return self.mic_call(node, o, spec, args, layout, what)
        if o.model == "Regex":
            if node.method == "select":
                return o, "select", self.text_value(args["text"], layout, what, "`text`")
            ins = self.text_value(args["text"], layout, what, "`text`")
            return o, "bool", ins + [(OP["RE_MATCH"], 0, 0, 0, self.regex_index(args["pattern"]))]
        req, opname, kind = spec
        sid, flags = args["sid"], 0
        if sid.kind == "sid":               # `sid : src_sid`: the op reads the subject itself
            insns, flags = [], INSN_SID_DST if sid.side == "dst" else INSN_SID_SRC
        else:
            insns = self.int_value(sid, layout, what, (0, SID_MAX - 1), "a SID")
        imm = o.index
        if opname == "FLOW_ENTER":
            imm |= self.state_arg(o, args["state"]) << 16
        elif opname == "FLOW_ALLOW":
            v = args["states"]
            mask = 0
            for a in (v.items if v.kind == "list" else [v]):
                mask |= 1 << self.state_arg(o, a)
            imm |= mask << 16
        if "entry" in args and getattr(o, "tuple", None):
            insns = insns + self.tuple_value(o, args["entry"], layout, what)
        elif "entry" in args:
            insns = insns + self.int_value(args["entry"], layout, what, o.entry[1],
                                           "an entry of `%s` (%s)" % (o.name, o.entry[0]))
        if "key" in args:
            imm |= self.key_index(o, args["key"]) << 16
        if "value" in args:
            insns = insns + self.int_value(args["value"], layout, what, o.value[1],
                                           "a value of `%s` (%s)" % (o.name, o.value[0]))
        if imm > INT64_MAX:
            imm -= 1 << 64
        label = "%s.%s at %s" % (node.obj, node.method, self.where(node.pos))
        return o, kind, insns + [(OP[opname], 0, flags, self.reason(label), imm)]

    def tuple_value(self, o, node, layout, what):
        """A tuple entry packed into one integer: element i (minus its type's
        minimum) at bit offset i; the constant parts folded."""
        if node.kind != "tuple" or len(node.items) != len(o.tuple):
            raise PslError(node.pos, "an entry of `%s` is a tuple of %d (%s)"
                           % (o.name, len(o.tuple), o.entry[0]))
        const, insns = 0, []
        for item, (tname, (lo, hi), off) in zip(node.items, o.tuple):
            ins = self.int_value(item, layout, what, (lo, hi), "an element %s of `%s`" % (tname, o.name))
            if ins[0][0] == OP["CONST"] and len(ins) == 1:
                const += ((ins[0][4] % (1 << 64) if lo >= 0 else ins[0][4]) - lo) << off
                continue
            if lo:
                ins = ins + [(OP["CONST"], 0, 0, 0, -lo), (OP["+"], 0, 0, self.reason("tuple"), 0)]
            if off:
                ins = ins + [(OP["CONST"], 0, 0, 0, 1 << off), (OP["*"], 0, 0, self.reason("tuple"), 0)]
            insns = insns + ins + ([(OP["+"], 0, 0, self.reason("tuple"), 0)] if insns else [])
        if not insns:
            return [(OP["CONST"], 0, 0, 0, const)]
        if const:
            insns = insns + [(OP["CONST"], 0, 0, 0, const), (OP["+"], 0, 0, self.reason("tuple"), 0)]
        return insns

    def int_value(self, node, layout, what, rng, desc):
        """Instructions pushing an integer (a constant, a message field, a SID)
        whose values all fit rng."""
        t, v, ins = self.cond(node, layout, what)
        lo, hi = rng
        if t == "bool":                     # true / false, a condition: 1 / 0
            if ins is None:
                t, v = "int", int(v)
            else:
                t, v = "dyn", (0, 1)
        if t == "int":
            if not lo <= v <= hi:
                raise PslError(node.pos, "%d is out of range for %s (%d .. %d)" % (v, desc, lo, hi))
            return [(OP["CONST"], 0, 0, 0, v - (1 << 64) if v > INT64_MAX else v)]
        if t == "field":
            flo, fhi = self.field_range(v)
            if flo < lo or fhi > hi:
                raise PslError(node.pos, "`message.%s` (%d .. %d) does not fit %s (%d .. %d)"
                               % (v.name, flo, fhi, desc, lo, hi))
            return self.load_field(v)
        if t == "dyn":
            flo, fhi = v
            if flo < lo or fhi > hi:
                raise PslError(node.pos, "this value (%d .. %d) does not fit %s" % (flo, fhi, desc))
            return ins
        raise PslError(node.pos, "expected %s (an integer, `message.<field>`, `src_sid` or "
                                 "`dst_sid`)" % desc)

    @staticmethod
    def field_range(f):
        bits = 8 * f.size
        return (-(1 << (bits - 1)), (1 << (bits - 1)) - 1) if f.signed else (0, (1 << bits) - 1)

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
                if st.kind in ("rule", "model_rule", "choice"):
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
        self.rules_code(rules, layout, what, code)
        audit = self.audit_grants(rules)
        if audit is not None and not (code and code[-1][0] == OP["FAIL"]):
            code.append((OP["AUDIT"], 0, 0, self.reason("audit %s %d" % audit), 0))
            self.t.flags |= AUDIT_GRANTED
        if not code:
            return V_GRANT
        if any(i[0] in CONTENT_OPS for i in code):
            flags = INSN_HANDLES if any(i[0] == OP["HANDLE_RIGHTS"] for i in code) else 0
            code = [(OP["CONTENTS"], 0, flags, 0, 0)] + code  # the decision reads the arena
        code = self.resolve_jumps(self.fuse(code))
        key = tuple(code)
        if key not in self.prog_index:
            self.prog_index[key] = len(self.t.programs)
            self.t.programs.append((len(self.t.insns), len(code)))
            self.t.insns.extend(code)
        k = self.prog_index[key]
        if V_PROGRAM + k > 0xFFFF:
            raise PslError(Pos(self.t.source), "too many distinct condition programs")
        return V_PROGRAM + k

    def new_label(self):
        self.nlabels = getattr(self, "nlabels", 0) + 1
        return self.nlabels

    @staticmethod
    def resolve_jumps(code):
        """Labels -> forward distances: a jump goes to the next occurrence of its
        label after it (a cached expression used twice repeats its labels)."""
        if not any(i[0] == LABEL for i in code):
            return code
        out = []
        for k, ins in enumerate(code):
            if ins[0] == LABEL:
                continue
            if ins[0] in (OP["JZ"], OP["JMP"]):
                skip = 0
                for later in code[k + 1:]:
                    if later[0] == LABEL and later[4] == ins[4]:
                        break
                    if later[0] != LABEL:
                        skip += 1
                ins = (ins[0], 0, 0, skip, 0)
            out.append(ins)
        return out

    def choice_code(self, ch, b, layout, what, code):
        """choice (x) { p : ... _ : ... }: each branch tests x == p; the first that
        holds runs its rules; none (and no `_`): deny."""
        end = self.new_label()
        default = None
        scrut, sel = ch.scrut, None
        while scrut.kind == "name":
            with self.alias(scrut) as v:
                scrut = v
        if scrut.kind == "model_expr" and getattr(self.objects.get(scrut.obj), "model", None) == "Regex":
            o, kind, sel = self.model_call(scrut, layout, what)
            if kind != "select":
                sel = None
        for pat, ppos, body in ch.branches:
            if pat is None:
                if default is not None:
                    raise PslError(ppos, "`_` is given twice in this `choice`")
                default = body
                continue
            if sel is not None:             # re.select: the branch's pattern matches the text
                if pat.kind != "str":
                    raise PslError(ppos, "a branch of `choice (%s.select {...})` is a pattern in "
                                         "quotes or `_`" % scrut.obj)
                t, v, ins = "bool", None, sel + [(OP["RE_MATCH"], 0, 0, 0, self.regex_index(pat))]
            else:
                t, v, ins = self.cond(Node("bin", ppos, op="==", a=ch.scrut, b=pat), layout, what)
            nxt = self.new_label()
            if ins is None:
                if not v:
                    continue            # never taken
                self.rules_code([(r, b) for r in body], layout, what, code)
                code.append((LABEL, 0, 0, 0, end))
                return
            code.extend(ins)
            code.append((OP["JZ"], 0, 0, 0, nxt))
            self.rules_code([(r, b) for r in body], layout, what, code)
            code.append((OP["JMP"], 0, 0, 0, end))
            code.append((LABEL, 0, 0, 0, nxt))
        if default is None:
            code.append((OP["FAIL"], 0, 0, self.rule_reason(
                "choice at %s: no branch" % self.where(ch.pos), b), 0))
        else:
            self.rules_code([(r, b) for r in default], layout, what, code)
        code.append((LABEL, 0, 0, 0, end))

    def count(self, rule, code):
        """Coverage build: the rule at rule.pos granted (reached when it did not deny)."""
        if self.counters:
            code.append((OP["COUNT"], 0, 0, self.reason("cover %s" % self.where(rule.pos)), 0))

    def rules_code(self, rules, layout, what, code):
        for rule, b in rules:
            if rule.kind == "choice":
                self.choice_code(rule, b, layout, what, code)
                self.count(rule, code)
                continue
            if rule.kind == "model_rule":
                ins = self.model_call(rule, layout, what)[2]
                self.t.origins.setdefault(ins[-1][3], "%s binding at %s" % (b.event, self.where(b.pos)))
                code.extend(ins)
                if sum(self.journal_writes(i) for i in code) > JOURNAL_MAX:
                    raise PslError(rule.pos, "this decision (%s) writes model state more than %d "
                                             "times (the kernel's journal)" % (what, JOURNAL_MAX))
                if self.depth(code) > STACK_MAX:
                    raise PslError(rule.pos, "rule too complex (more than %d values at once)" % STACK_MAX)
                self.count(rule, code)
                continue
            if rule.rule == "grant":
                self.count(rule, code)
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
                    self.count(rule, code)
                    continue
                code.append((OP["FAIL"], 0, 0, self.rule_reason(label, b), 0))
                break
            code.extend(insns)
            code.append((OP["ASSERT" if rule.rule == "assert" else "REFUTE"], 0, 0,
                         self.rule_reason(label, b), 0))
            self.count(rule, code)

    def cond(self, node, layout, what):
        """-> (type 'bool'|'int', constant value or None, insns or None). For a
        field, val is the Field."""
        if node.kind == "const":
            return node.value
        key = (id(node), id(layout))
        if key in self.cexpr_cache:
            return self.cexpr_cache[key][0]
        r = self._cond(node, layout, what)
        if r[2] is not None and self.depth(r[2]) > STACK_MAX:
            raise PslError(node.pos, "condition too complex (more than %d values at once)" % STACK_MAX)
        self.cexpr_cache[key] = (r, node, layout)    # keeps both alive: their ids stay unique
        return r

    @staticmethod
    def depth(insns):
        d = m = 0
        for op, _, flags, *_ in insns:
            d += STACK_EFFECT.get(op, -1)
            if op in MODEL_OPS and flags & (INSN_SID_SRC | INSN_SID_DST):
                d += 1                      # the SID is not on the stack
            m = max(m, d)
        return m

    @staticmethod
    def fuse(code):
        """Peephole: LOAD, CONST, compare (either order) -> one FIELD_CMP (the
        engine dispatches once instead of three times)."""
        out, i = [], 0
        cmp_ops = {OP[k]: k for k in MIRROR}
        while i < len(code):
            a = code[i]
            if i + 2 < len(code) and code[i + 2][0] in cmp_ops:
                b, c = code[i + 1], code[i + 2]
                op = cmp_ops[c[0]]
                if a[0] == OP["LOAD"] and b[0] == OP["CONST"]:
                    out.append((OP["FIELD_CMP"], a[1], a[2] | c[2], a[3], b[4], OP[op]))
                    i += 3
                    continue
                if a[0] == OP["CONST"] and b[0] == OP["LOAD"]:
                    out.append((OP["FIELD_CMP"], b[1], b[2] | c[2], b[3], a[4], OP[MIRROR[op]]))
                    i += 3
                    continue
            out.append(a)
            i += 1
        # FIELD_CMP then ASSERT / REFUTE -> one CHECK (offset and reason share arg)
        fused = []
        for ins in out:
            prev = fused[-1] if fused else None
            if (prev and prev[0] == OP["FIELD_CMP"] and ins[0] in (OP["ASSERT"], OP["REFUTE"])
                    and prev[3] <= 0xFFFF and ins[3] <= 0xFFFF):
                op = OP["CHECK_EQ"] + prev[5] - OP["=="]
                pad = CHECK_REFUTE if ins[0] == OP["REFUTE"] else 0
                fused[-1] = (op, prev[1], prev[2], prev[3] | ins[3] << 16, prev[4], pad)
                continue
            fused.append(ins)
        # a FLOW_ENTER after which no op can deny writes without a journal entry
        for k in range(len(fused) - 1, -1, -1):
            ins = fused[k]
            if ins[0] == OP["FLOW_ENTER"]:
                fused[k] = (ins[0], ins[1], ins[2] | INSN_FINAL) + tuple(ins[3:])
            if ins[0] not in (OP["LOAD"], OP["CONST"], OP["SID"], OP["FIELD_CMP"], OP["!"],
                              OP["&&"], OP["||"], OP["AUDIT"], OP["COUNT"]) and ins[0] not in cmp_ops:
                break                       # this op can deny: earlier writes need the journal
        return fused

    @contextlib.contextmanager
    def alias(self, node):
        """The expression of alias `node.value`; a cycle is an error at the use
        that closes it."""
        a = self.aliases.get(node.value)
        if a is None:
            raise PslError(node.pos, "unknown name `%s` (define it with `use %s = <expression>`)"
                           % (node.value, node.value))
        if node.value in self.alias_stack:
            chain = self.alias_stack[self.alias_stack.index(node.value):] + [node.value]
            raise PslError(node.pos, "`use` alias cycle: %s" % " -> ".join(chain))
        self.alias_stack.append(node.value)
        try:
            yield a.value
        finally:
            self.alias_stack.pop()

    def alias_names(self, node):
        """Unknown names and cycles in an alias's expression (what it reads of a
        message is checked where it is used)."""
        if not isinstance(node, Node):
            return
        if node.kind == "name":
            with self.alias(node) as v:
                self.alias_names(v)
            return
        for k in ("a", "b", "scrut"):
            self.alias_names(getattr(node, k, None))
        for _, _, v in getattr(node, "args", ()):
            self.alias_names(v)
        for v in getattr(node, "items", ()) if node.kind == "list" else ():
            self.alias_names(v)

    # ------------------------------------------------------------ contents and Regex
    def load_field(self, f):
        """Instructions pushing an integer field: a LOAD from the constant part,
        or (an element of a sequence, bytes or string) its index and an ELEM."""
        if isinstance(f, ElemField):
            return list(f.insns)
        return [(OP["LOAD"], f.size, INSN_SIGNED if f.signed else 0, f.offset, 0)]

    def content_field(self, node, layout, what):
        """The Field of `message.<path>`, or an ElemField for `.[i]` of a
        sequence, bytes or string (its contents, in the arena)."""
        if layout is None:
            raise PslError(node.pos, "`message` is not available here")
        if any(f.name == node.field for f in layout.fields):
            return self.find_field(node, layout, what)
        h = re.match(r"^(.*)\.(rights|handle)$", node.field)
        hf = h and next((f for f in layout.fields if f.name == h.group(1)), None)
        if hf is not None and hf.kind == "handle":
            if h.group(2) == "handle":
                raise unsupported(node.pos, "`message.%s.handle` (the SID of the object a handle "
                                            "names: in this kernel only tasks have SIDs; "
                                            "`message.%s.rights` works)" % (hf.name, hf.name))
            return ElemField("%s.rights" % hf.name, 4, False,
                             [(OP["HANDLE_RIGHTS"], 0, 0, hf.offset, 0)])
        m = re.match(r"^(.*)\[(\d+)\]$", node.field)
        base = m and next((f for f in layout.fields if f.name == m.group(1)), None)
        if base is None or base.kind != "arena":
            return self.find_field(node, layout, what)
        index = int(m.group(2))
        elem = base.elem
        if base.arena_kind == "string":
            size, signed = 1, False
        elif getattr(elem, "size", None) in (1, 2, 4, 8) and hasattr(elem, "signed") \
                and base.elem_size <= 0xFFFF:
            size, signed = elem.size, bool(elem.signed)
        else:
            raise PslError(node.pos, "the elements of `message.%s` are not integers" % base.name)
        limit = base.max - 1 if base.arena_kind == "string" else base.max
        if index >= limit:
            raise PslError(node.pos, "`message.%s` has at most %d elements: index %d is past them"
                           % (base.name, limit, index))
        r = self.reason("`message.%s.[%d]`: no such element at %s" % (base.name, index, self.where(node.pos)))
        if base.offset > 0xFFFF or r > 0xFFFF:
            raise PslError(node.pos, "message or policy too large for an element access")
        ins = [(OP["CONST"], 0, 0, 0, index),
               (OP["ELEM"], size, INSN_SIGNED if signed else 0, base.offset | r << 16,
                base.elem_size if base.arena_kind != "string" else 1, 1 if base.arena_kind == "string" else 0)]
        return ElemField("%s.[%d]" % (base.name, index), size, signed, ins)

    def text_index(self, data):
        if data not in self.t.texts:
            self.t.texts.append(data)
        return self.t.texts.index(data)

    def text_value(self, node, layout, what, desc):
        """Instructions pushing a text: the contents of a string or bytes field,
        or a string literal."""
        t, v, ins = self.cond(node, layout, what)
        if t == "text":
            return list(ins)
        if t == "str":
            return [(OP["TEXT_CONST"], 0, 0, 0, self.text_index(v.encode()))]
        raise PslError(node.pos, "%s is a string: a string or bytes field (`message.<name>`) or "
                                 "a string in quotes" % desc)

    def regex_index(self, node):
        """The DFA of a pattern (a string literal), compiled once per policy."""
        while node.kind == "name":
            with self.alias(node) as v:
                node = v
        if node.kind != "str":
            raise PslError(node.pos, "a pattern is a string in quotes (patterns are compiled "
                                     "when the policy is)")
        for i, d in enumerate(self.t.regexes):
            if d.pattern == node.value:
                return i
        try:
            d = compile_regex(node.value)
        except RegexError as e:
            at = Pos(node.pos.file, node.pos.line, node.pos.col + 1 + e.offset) if node.pos.line else node.pos
            raise PslError(at, "bad pattern \"%s\": %s" % (node.value, e.msg))
        d.pattern = node.value
        self.t.regexes.append(d)
        return len(self.t.regexes) - 1

    def compare_text(self, op, a, b, node):
        """Contents of strings and bytes (and string literals) compared byte by
        byte, unsigned, a proper prefix first: all six operators."""
        for x, n in ((a, node.a), (b, node.b)):
            if x[0] not in ("text", "str"):
                raise PslError(n.pos, "a string compares with a string (a string or bytes field, or "
                                      "a string in quotes)")
        if a[0] == "str" and b[0] == "str":
            pyop = {"==": operator.eq, "!=": operator.ne, "<": operator.lt, "<=": operator.le,
                    ">": operator.gt, ">=": operator.ge}[op]
            return ("bool", pyop(a[1].encode(), b[1].encode()), None)
        ins = []
        for x in (a, b):
            ins.extend(x[2] if x[0] == "text" else
                       [(OP["TEXT_CONST"], 0, 0, 0, self.text_index(x[1].encode()))])
        return ("bool", None, ins + [(OP["TEXT_CMP"], 0, 0, 0, 0, OP[op])])

    def find_field(self, node, layout, what):
        if layout is None:
            raise PslError(node.pos, "`message` is not available here")
        f = next((f for f in layout.fields if f.name == node.field), None)
        if f is None:
            names = ", ".join(f.name for f in layout.fields) or "none"
            raise PslError(node.pos, "%s has no field `%s` (fields: %s)" % (what, node.field, names))
        return f

    def as_int(self, node, layout, what, desc):
        """(lo, hi, insns) of an integer-valued expression; insns None: constant lo."""
        t, v, ins = self.cond(node, layout, what)
        if t == "int":
            return v, v, None
        if t == "field":
            if v.size == 8 and not v.signed:
                raise unsupported(node.pos, "%s on a UInt64 field (Math is signed 64-bit)" % desc)
            lo, hi = self.field_range(v)
            return lo, hi, self.load_field(v)
        if t == "dyn":
            return v[0], v[1], ins
        raise PslError(node.pos, "%s needs a number, not %s" % (desc, {"bool": "a condition",
                       "str": "a string", "text": "a string or bytes field", "state": "a Flow state",
                       "select": "`re.select`"}.get(t, t)))

    def overflow_reason(self, node):
        return self.reason("overflow at %s" % self.where(node.pos))

    def arith(self, op, a, b, node):
        """a op b over (lo, hi, insns) operands: folded when both are constants."""
        f = {"+": operator.add, "-": operator.sub, "*": operator.mul}[op]
        if a[2] is None and b[2] is None:
            v = f(a[0], b[0])
            if not INT64_MIN <= v <= INT64_MAX:
                raise PslError(node.pos, "integer overflow: %d %s %d is out of the signed "
                                         "64-bit range" % (a[0], op, b[0]))
            return ("int", v, None)
        ends = [f(x, y) for x in (a[0], a[1]) for y in (b[0], b[1])]
        lo, hi = max(min(ends), INT64_MIN), min(max(ends), INT64_MAX)
        ins = []
        for x in (a, b):
            ins.extend(x[2] if x[2] is not None else [(OP["CONST"], 0, 0, 0, x[0])])
        return ("dyn", (lo, hi), ins + [(OP[op], 0, 0, self.overflow_reason(node), 0)])

    def _cond(self, node, layout, what):
        k = node.kind
        if k == "name":
            with self.alias(node) as v:
                return self._cond(v, layout, what)
        if k == "arith":
            a = self.as_int(node.a, layout, what, "`%s`" % node.op)
            b = self.as_int(node.b, layout, what, "`%s`" % node.op)
            return self.arith(node.op, a, b, node)
        if k == "unary":
            fn = node.fn.split(".")[-1]
            if fn == "size":
                return self.size_of(node, layout, what)
            if fn == "empty":                   # Pred: size 0 (reads no contents)
                t, v, ins = self.size_of(node, layout, what)
                if ins is None:
                    return ("bool", v == 0, None)
                return ("bool", None, ins + [(OP["CONST"], 0, 0, 0, 0), (OP["=="], 0, 0, 0, 0)])
            lo, hi, ins = self.as_int(node.a, layout, what, "`%s`" % fn)
            if ins is None:
                v = -lo if fn == "neg" else abs(lo)
                if v > INT64_MAX:
                    raise PslError(node.pos, "integer overflow: %s (%d)" % (fn, lo))
                return ("int", v, None)
            if fn == "neg":
                rng = (max(-hi, INT64_MIN), min(-lo, INT64_MAX))
            else:
                rng = (0 if lo <= 0 <= hi else min(abs(lo), abs(hi)), min(max(abs(lo), abs(hi)), INT64_MAX))
            return ("dyn", rng, ins + [(OP["NEG" if fn == "neg" else "ABS"], 0, 0,
                                        self.overflow_reason(node), 0)])
        if k == "fold":
            return self.fold(node, layout, what)
        if k == "model_expr" and node.obj == "bool" and node.method == "cond" and "bool" not in self.objects:
            return self.bool_cond(node, layout, what)
        if k == "int":
            return ("int", node.value, None)
        if k == "tuple":
            raise PslError(node.pos, "a tuple is an entry of a HashSet with a tuple `Entry` type, "
                                     "not a condition")
        if k in ("dict", "unit"):
            raise PslError(node.pos, "a %s is a value of a model argument, not a condition"
                           % ("dictionary" if k == "dict" else "`()`"))
        if k == "bool":
            return ("bool", node.value, None)
        if k == "msg":
            f = self.content_field(node, layout, what)
            if f.kind == "handle":
                raise unsupported(node.pos, "`message.%s` (a handle: the module does not see "
                                            "which object a handle names)" % node.field)
            if f.kind == "arena":
                if f.arena_kind == "sequence":
                    raise PslError(node.pos, "`message.%s` is a sequence: compare its elements "
                                             "(`message.%s.[i]`) or its `size`" % (node.field, node.field))
                return ("text", f, [(OP["TEXT"], 1 if f.arena_kind == "string" else 0, 0, f.offset, 0)])
            return ("field", f, None)
        if k == "sid":
            return ("dyn", (0, SID_MAX - 1), [(OP["SID"], 1 if node.side == "dst" else 0, 0, 0, 0)])
        if k == "str":
            return ("str", node.value, None)
        if k == "list":
            raise PslError(node.pos, "a list is a value of a model rule's argument (`states : [...]`), "
                                     "not a condition")
        if k == "model_expr":
            o, kind, insns = self.model_call(node, layout, what)
            if kind == "bool":
                return ("bool", None, insns)
            if kind == "int":                       # StaticMap get: a value of its Value type
                return ("dyn", o.value[1], insns)
            if kind == "miclevel":
                return ("miclevel", o, insns)
            if kind == "select":
                raise PslError(node.pos, "`%s.select` is the value of a `choice` whose branches are "
                                         "patterns (`choice (%s.select {text : ...}) { \"^a.*\" : "
                                         "grant () _ : deny () }`)" % (node.obj, node.obj))
            return ("state", o, insns)
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
            if any(i[0] == OP["ELEM"] for i in b[2]):
                # the right side reads an element that may not exist: evaluate it only
                # when the left side does not decide (`size (s) > 0 && s.[0] == 1`)
                skip, end = self.new_label(), self.new_label()
                if op == "&&":
                    return ("bool", None, a[2] + [(OP["JZ"], 0, 0, 0, skip)] + b[2] +
                            [(OP["JMP"], 0, 0, 0, end), (LABEL, 0, 0, 0, skip),
                             (OP["CONST"], 0, 0, 0, 0), (LABEL, 0, 0, 0, end)])
                return ("bool", None, a[2] + [(OP["JZ"], 0, 0, 0, skip), (OP["CONST"], 0, 0, 0, 1),
                        (OP["JMP"], 0, 0, 0, end), (LABEL, 0, 0, 0, skip)] + b[2] +
                        [(LABEL, 0, 0, 0, end)])
            return ("bool", None, a[2] + b[2] + [(OP[op], 0, 0, 0, 0)])
        # comparison
        for x in (a, b):
            if x[0] == "bool":
                raise PslError(node.pos, "`%s` compares integers, not conditions" % op)
        if "miclevel" in (a[0], b[0]):
            return self.compare_level(op, a, b, node)
        if "text" in (a[0], b[0]) or (a[0] == "str" and b[0] == "str"):
            return self.compare_text(op, a, b, node)
        if "state" in (a[0], b[0]) or "str" in (a[0], b[0]):
            return self.compare_state(op, a, b, node)
        return self.compare(op, a, b, node)

    def size_of(self, node, layout, what):
        """size (x): elements of a sequence, bytes of a bytes field, bytes of a
        string without its NUL, items of a list literal."""
        a = node.a
        while a.kind == "name":
            with self.alias(a) as v:
                a = v
        if a.kind == "list":
            return ("int", len(a.items), None)
        if a.kind == "str":
            return ("int", len(a.value.encode()), None)
        if a.kind != "msg":
            raise PslError(a.pos, "`size` takes a string, bytes or sequence field or a list")
        f = self.find_field(a, layout, what)
        if f.kind != "arena":
            raise PslError(a.pos, "`message.%s` has no size (not a string, bytes or sequence)" % a.field)
        string = f.arena_kind == "string"
        hi = f.max - 1 if string else f.max
        return ("dyn", (0, hi), [(OP["SIZE"], 1 if string else 0, 0, f.offset, f.elem_size)])

    def fold(self, node, layout, what):
        """sum, product (Math), bool.all, bool.any over a list."""
        fn = node.fn.split(".")[-1]
        a = node.a
        while a.kind == "name":
            with self.alias(a) as v:
                a = v
        if a.kind != "list":
            raise PslError(a.pos, "`%s` takes a list `[...]`" % node.fn)
        if fn in ("all", "any"):
            acc = ("bool", fn == "all", None)
            op = "&&" if fn == "all" else "||"
            for item in a.items:
                acc = self._cond(Node("bin", item.pos, op=op, a=_Const(acc), b=item), layout, what)
            return acc
        op = "+" if fn == "sum" else "*"
        acc = (0, 0, None) if fn == "sum" else (1, 1, None)
        for item in a.items:
            r = self.arith(op, acc, self.as_int(item, layout, what, "`%s`" % node.fn), item)
            acc = (r[1], r[1], None) if r[0] == "int" else (r[1][0], r[1][1], r[2])
        return ("int", acc[0], None) if acc[2] is None else ("dyn", (acc[0], acc[1]), acc[2])

    def bool_cond(self, node, layout, what):
        """bool.cond { if : c, then : a, else : b }: a when c holds, else b (only
        the branch taken runs)."""
        args = {}
        for key, kpos, v in node.args:
            if key not in ("if", "then", "else"):
                raise PslError(kpos, "`bool.cond` takes `if`, `then`, `else`, not `%s`" % key)
            if key in args:
                raise PslError(kpos, "argument `%s` is given twice" % key)
            args[key] = v
        for key in ("if", "then", "else"):
            if key not in args:
                raise PslError(node.pos, "`bool.cond` needs `%s`" % key)
        c = self.cond(args["if"], layout, what)
        if c[0] != "bool":
            raise PslError(args["if"].pos, "`if` of `bool.cond` is a condition")
        a, b = self.cond(args["then"], layout, what), self.cond(args["else"], layout, what)
        if c[2] is None:
            return a if c[1] else b
        if (a[0] == "bool") != (b[0] == "bool"):
            raise PslError(node.pos, "`then` and `else` of `bool.cond` are both conditions or both numbers")
        if a[0] == "bool":
            kind = "bool"
            ia = a[2] if a[2] is not None else [(OP["CONST"], 0, 0, 0, int(a[1]))]
            ib = b[2] if b[2] is not None else [(OP["CONST"], 0, 0, 0, int(b[1]))]
            val = None
        else:
            la, ha, ia = self.as_int(args["then"], layout, what, "`then`")
            lb, hb, ib = self.as_int(args["else"], layout, what, "`else`")
            ia = ia if ia is not None else [(OP["CONST"], 0, 0, 0, la)]
            ib = ib if ib is not None else [(OP["CONST"], 0, 0, 0, lb)]
            kind, val = "dyn", (min(la, lb), max(ha, hb))
        l_else, l_end = self.new_label(), self.new_label()
        ins = (c[2] + [(OP["JZ"], 0, 0, 0, l_else)] + ia + [(OP["JMP"], 0, 0, 0, l_end),
               (LABEL, 0, 0, 0, l_else)] + ib + [(LABEL, 0, 0, 0, l_end)])
        return (kind, val, ins)

    def compare_level(self, op, a, b, node):
        """`mic.query_level { source : S } == "HIGH"` (or a level dictionary; == and != only)."""
        x, other = (a, node.b) if a[0] == "miclevel" else (b, node.a)
        if op not in ("==", "!="):
            raise PslError(node.pos, "levels compare with `==` and `!=` only")
        if other.kind not in ("str", "dict"):
            raise PslError(other.pos, "a level compares with a level of `%s`" % x[1].name)
        lv = self.mic_level(x[1], other)
        return ("bool", None, x[2] + [(OP["CONST"], 0, 0, 0, lv), (OP[op], 0, 0, 0, 0)])

    def compare_state(self, op, a, b, node):
        """`<flow>.query {...} == "state"` (or !=)."""
        if a[0] == "str":
            a, b = b, a
        if a[0] != "state" or b[0] != "str":
            raise PslError(node.pos, "a string compares only with a Flow state (`<object>.query {...} "
                                     "== \"state\"`)")
        if op not in ("==", "!="):
            raise PslError(node.pos, "states compare with `==` and `!=` only")
        o = a[1]
        idx = self.state_index(o, b[1], node.b.pos if node.b.kind == "str" else node.a.pos)
        return ("bool", None, a[2] + [(OP["CONST"], 0, 0, 0, idx), (OP[op], 0, 0, 0, 0)])

    def compare(self, op, a, b, node):
        pyop = {"==": operator.eq, "!=": operator.ne, "<": operator.lt, "<=": operator.le,
                ">": operator.gt, ">=": operator.ge}[op]
        if a[0] == "int" and b[0] == "int":
            return ("bool", pyop(a[1], b[1]), None)

        def rng(x):
            if x[0] == "int":
                return x[1], x[1]
            if x[0] == "dyn":
                return x[1]
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
            elif x[0] == "dyn":
                insns.extend(x[2])
            else:
                f = x[1]
                insns.extend(self.load_field(f))
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


def compile_policy(path, include_dirs=(), defines=None, warn=None, counters=False):
    """Compile the policy file at `path` (.psl or .psl.in)."""
    comp = Compiler(include_dirs, defines, warn, counters)
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
