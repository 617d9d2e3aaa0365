"""PAL (Policy Assertion Language): the policy tests inside .psl files.

    assert ["set"] {
        [setup { <case>... }]
        sequence ["test"] { <case>... }          (any number)
        [finally { <case>... }]
    }
    <case>:  <var> <- execute [src=<sid>] dst=<Class>        expects grant; <var> names the new task
             [grant|deny|any] ["name"] <event> <selectors> [{ <param> : <value>, ... }]
             [grant|deny|any] ["name"] <sid> ~> <sid> : <endpoint>.<Method> [{ ... }]   (a request)
    <event>: execute request response error security; selectors src= dst= endpoint= method=
    <sid>:   a variable bound by `<-` (or a class name); <value>: integer, string, [list], {dict}

parse_assert(parser) is called by tools/psl/parser.py at a top-level `assert "..."`/`assert {`
and returns a Node("pal_assert"); the compiler ignores it. build_tests(comp, items) checks
every name against the compiled policy (errors at their place) and returns Tests whose steps
are the engine queries tools/psl/pal_run.py feeds to tests/host/pal_runner.c.
"""

import struct

from tools.psl.errors import PslError
from tools.psl.parser import Node

EXPECT = ("grant", "deny", "any")
PAL_EVENTS = ("execute", "request", "response", "error", "security")
PAL_SELECTORS = ("src", "dst", "endpoint", "method")
CORE = "kl.core.Core"
NO_HANDLE = 0xFFFFFFFF
ARENA_ALIGN = 8


# ------------------------------------------------------------------ parsing

def parse_assert(p):
    """At `assert`: the whole test set."""
    t = p.next()
    name = "assert@%d" % t.pos.line
    if p.tok.kind == "str":
        name = p.next().value
    p.expect("{", "`{` after `assert \"...\"`")
    setup, fin, seqs = [], [], []
    while not p.at("}", "punct"):
        k = p.tok
        if k.is_("setup", "name") or k.is_("finally", "name"):
            p.next()
            cases = parse_cases(p)
            if k.value == "setup":
                if setup:
                    raise PslError(k.pos, "`setup` is given twice in this test set")
                setup = cases or [None]
            else:
                if fin:
                    raise PslError(k.pos, "`finally` is given twice in this test set")
                fin = cases or [None]
        elif k.is_("sequence", "name"):
            p.next()
            sname = "sequence@%d" % k.pos.line
            if p.tok.kind == "str":
                sname = p.next().value
            seqs.append((sname, k.pos, parse_cases(p)))
        elif k.kind == "eof":
            raise PslError(k.pos, "missing `}` of the test set `%s`" % name)
        else:
            raise PslError(k.pos, "expected `setup`, `sequence` or `finally` in a test set, found %s"
                           % p.describe(k))
    p.next()
    if not seqs:
        raise PslError(t.pos, "test set `%s` has no `sequence`" % name)
    return Node("pal_assert", t.pos, name=name, setup=[c for c in setup if c],
                fin=[c for c in fin if c], seqs=seqs)


def parse_cases(p):
    p.expect("{", "`{`")
    cases = []
    while not p.at("}", "punct"):
        if p.tok.kind == "eof":
            raise PslError(p.tok.pos, "missing `}`")
        cases.append(parse_case(p))
    p.next()
    return cases


def parse_case(p):
    t = p.tok
    # <var> <- execute ...
    if t.kind == "name" and p.peek().is_("<-", "punct"):
        p.next()
        p.next()
        ev = p.tok
        if not ev.is_("execute", "name"):
            raise PslError(ev.pos, "expected `execute` after `%s <-`, found %s" % (t.value, p.describe(ev)))
        p.next()
        sels = parse_selectors(p, "execute")
        return Node("pal_case", t.pos, expect="grant", label=None, event="execute", sels=sels,
                    bind=(t.value, t.pos), values=None, vpos=None)
    expect = "grant"
    if t.kind == "name" and t.value in EXPECT and not p.peek().is_("~>", "punct"):
        expect = p.next().value
    label = None
    if p.tok.kind == "str":
        label = p.next().value
    t2 = p.tok
    if t2.kind == "name" and t2.value in PAL_EVENTS and not p.peek().is_("~>", "punct"):
        p.next()
        event = t2.value
        sels = parse_selectors(p, event)
    elif t2.kind == "name" and p.peek().is_("~>", "punct"):
        # <src> ~> <dst> : <endpoint path>.<Method>
        src = p.next()
        p.next()
        dst, dpos = p.dotted("the server's SID after `~>`")
        p.expect(":", "`:` after the server")
        path, ppos = p.dotted("`<endpoint>.<Method>`")
        if "." not in path:
            raise PslError(ppos, "expected `<endpoint>.<Method>`, found `%s`" % path)
        ep, meth = path.rsplit(".", 1)
        event = "request"
        sels = [Node("sel", src.pos, key="src", value=src.value, vpos=src.pos),
                Node("sel", dpos, key="dst", value=dst, vpos=dpos),
                Node("sel", ppos, key="endpoint", value=ep, vpos=ppos),
                Node("sel", ppos, key="method", value=meth, vpos=ppos)]
    else:
        raise PslError(t2.pos, "expected a test case (`grant|deny|any [\"name\"] <event> src=... "
                               "dst=...`, `a ~> b : endpoint.Method`, `x <- execute dst=...`), found %s"
                       % p.describe(t2))
    values, vpos = None, None
    if p.at("{", "punct"):
        vpos = p.tok.pos
        values = parse_value(p)
    return Node("pal_case", t.pos, expect=expect, label=label, event=event, sels=sels, bind=None,
                values=values, vpos=vpos)


def parse_selectors(p, event):
    sels = []
    while p.tok.kind == "name" and p.peek().is_("=", "punct"):
        k = p.next()
        if k.value not in PAL_SELECTORS:
            raise PslError(k.pos, "unknown selector `%s` in a test case (src, dst, endpoint, method)" % k.value)
        p.next()
        val, vpos = p.dotted("the value of `%s=`" % k.value)
        if any(s.key == k.value for s in sels):
            raise PslError(k.pos, "`%s=` is given twice" % k.value)
        sels.append(Node("sel", k.pos, key=k.value, value=val, vpos=vpos))
        if p.at(",", "punct"):
            p.next()
    return sels


def parse_value(p):
    """{k : v, ...}, [v, ...], integers (also negative), strings, true/false."""
    with p.nested():
        t = p.tok
        if t.is_("{", "punct"):
            p.next()
            items = []
            while not p.at("}", "punct"):
                k = p.tok
                if k.kind != "name":
                    raise PslError(k.pos, "expected a parameter name, found %s" % p.describe(k))
                p.next()
                p.expect(":", "`:` after `%s`" % k.value)
                items.append((k.value, k.pos, parse_value(p)))
                if p.at(",", "punct"):
                    p.next()
                elif not p.at("}", "punct"):
                    raise PslError(p.tok.pos, "expected `,` or `}`, found %s" % p.describe(p.tok))
            p.next()
            return Node("dict", t.pos, items=items)
        if t.is_("[", "punct"):
            p.next()
            items = []
            while not p.at("]", "punct"):
                items.append(parse_value(p))
                if p.at(",", "punct"):
                    p.next()
                elif not p.at("]", "punct"):
                    raise PslError(p.tok.pos, "expected `,` or `]`, found %s" % p.describe(p.tok))
            p.next()
            return Node("list", t.pos, items=items)
        if t.kind == "num":
            p.next()
            return Node("atom", t.pos, value=t.value)
        if t.is_("-", "punct") and p.peek().kind == "num":
            p.next()
            return Node("atom", t.pos, value=-p.next().value)
        if t.kind == "str":
            p.next()
            return Node("atom", t.pos, value=t.value.encode("utf-8"))
        if t.kind == "name" and t.value in ("true", "false"):
            p.next()
            return Node("atom", t.pos, value=int(t.value == "true"))
        raise PslError(t.pos, "expected a value (integer, string, [list] or {dict}), found %s"
                       % p.describe(t))


# ------------------------------------------------------------------ checking / building

class Step:
    """One engine query: event, class ids, and for IPC the message."""

    def __init__(self, case, expect, event, src, dst, where):
        self.case, self.expect, self.event = case, expect, event
        self.src, self.dst = src, dst            # ClassInfo (dst None for security)
        self.where = where                       # e.g. `request echo.Client -> echo.Server ping.Ping`
        self.riid = self.mid = 0
        self.slot = None                         # (ep, method) of the server, or (None, method)
        self.data = b""
        self.arena = 0

    def line(self):
        """The query line for tests/host/pal_runner.c (subjects: class id | SID << 32)."""
        if self.event == "execute":
            return "x %d %d" % (subject(self.src), subject(self.dst))
        dst = subject(self.dst) if self.dst is not None else 0
        return "q %s %d %d %d %d %d %d 0 %s" % (self.event, subject(self.src), dst, self.riid, self.mid,
                                                len(self.data), self.arena, self.data.hex() or "-")


class TaskRef:
    """A task a test started (`x <- execute dst=C`): its class and its SID, as
    the kernel gives them (1, 2, ... in the order of the sequence)."""

    def __init__(self, cls, sid):
        self.cls, self.sid = cls, sid

    def __getattr__(self, name):
        return getattr(self.cls, name)


def subject(x):
    """The engine's subject of a class (SID 0) or of a started task."""
    return x.id | (getattr(x, "sid", 0) << 32)


class Test:
    def __init__(self, set_name, name, pos, steps):
        self.set_name, self.name, self.pos, self.steps = set_name, name, pos, steps

    @property
    def title(self):
        return '"%s" / sequence "%s"' % (self.set_name, self.name)


def build_tests(comp, items):
    """Every pal_assert of items -> [Test]. comp: the Compiler that compiled items."""
    tests = []
    for a in items:
        if a.kind != "pal_assert":
            continue
        for sname, spos, cases in a.seqs:
            env = {}                       # "__sid": the last SID given to a task
            steps = [build_step(comp, c, env) for c in a.setup + cases + a.fin]
            tests.append(Test(a.name, sname, spos, [s for s in steps if s is not None]))
    return tests


def sid(comp, env, sel, default=None):
    if sel is None:
        return default
    if sel.value in env:
        return env[sel.value]
    c = comp.by_name(sel.value)
    if c is None:
        raise PslError(sel.vpos, "unknown SID `%s`: bind it first (`%s <- execute dst=<Class>`) "
                                 "or name a class of the policy" % (sel.value, sel.value))
    return c


def build_step(comp, case, env):
    sels = {s.key: s for s in case.sels}
    ev = case.event
    core = comp.by_name(CORE)
    allowed = {"execute": ("src", "dst"), "security": ("src", "method")}.get(ev, PAL_SELECTORS)
    for s in case.sels:
        if s.key not in allowed:
            raise PslError(s.pos, "`%s=` does not apply to %s test cases (%s)"
                           % (s.key, ev, ", ".join(k + "=" for k in allowed)))
    if ev == "execute":
        if "dst" not in sels:
            raise PslError(case.pos, "an execute test case needs `dst=<Class>`")
        d = sels["dst"]
        dst = comp.by_name(d.value)
        if dst is None:
            raise PslError(d.vpos, "unknown class `%s` (execute's dst= names a class)" % d.value)
        src = sid(comp, env, sels.get("src"), core)
        if case.bind:
            if dst is core and "src" not in sels:
                env[case.bind[0]] = dst
                return None                       # `core <- execute dst=kl.core.Core`: the kernel runs
            env["__sid"] = env.get("__sid", 0) + 1    # the kernel's SID allocation, in order
            dst = TaskRef(dst, env["__sid"])
            env[case.bind[0]] = dst
        return Step(case, case.expect, ev, src, dst, "execute %s -> %s" % (src.name, dst.name))
    for k in ("src", "dst") if ev != "security" else ("src",):
        if k not in sels:
            raise PslError(case.pos, "a %s test case needs `%s=`" % (ev, k))
    if "method" not in sels:
        raise PslError(case.pos, "a %s test case needs `method=`" % ev)
    src = sid(comp, env, sels["src"])
    dst = sid(comp, env, sels.get("dst"))
    msel = sels["method"]
    if ev == "security":
        meth = next((m for m in src.security if m.name == msel.value), None)
        if meth is None:
            raise PslError(msel.vpos, "class `%s` has no security method `%s`" % (src.name, msel.value))
        st = Step(case, case.expect, ev, src, None, "security %s %s" % (src.name, meth.name))
        st.mid, st.slot = src.security.index(meth), (None, meth)
        layout = meth.request
    else:
        server = dst if ev == "request" else src
        esel = sels.get("endpoint")
        if esel is None:
            raise PslError(case.pos, "a %s test case needs `endpoint=`" % ev)
        ep = next((e for e in server.tc.endpoints if e.path == esel.value), None)
        if ep is None:
            raise PslError(esel.vpos, "class `%s` has no endpoint `%s` (endpoints: %s)" % (
                server.name, esel.value, ", ".join(e.path for e in server.tc.endpoints) or "none"))
        meth = next((m for m in ep.interface.methods if m.name == msel.value), None)
        if meth is None:
            raise PslError(msel.vpos, "endpoint `%s` of `%s` has no method `%s` (methods: %s)" % (
                ep.path, server.name, msel.value, ", ".join(m.name for m in ep.interface.methods)))
        st = Step(case, case.expect, ev, src, dst, "%s %s -> %s %s.%s" % (ev, src.name, dst.name,
                                                                          ep.path, meth.name))
        st.riid, st.mid, st.slot = ep.riid, meth.mid, (ep, meth)
        layout = meth.request if ev == "request" else meth.response
    if ev == "error":
        if case.values is not None and case.values.items:
            raise PslError(case.vpos, "an error test case carries no parameters (`{}`)")
        st.data = bytes(4)
        return st
    st.data, st.arena = encode(layout, case.values, "the %s of %s" % (ev, msel.value), case.pos)
    return st


def encode(layout, values, what, pos):
    """The constant part (bytes) and arena size of a message with `values`
    (a dict Node or None); unnamed parameters are 0 / empty."""
    data = bytearray(layout.size)
    fields = {f.name: f for f in layout.fields}
    arena_vals = {}
    set_tags = set()

    def put_int(f, v, vpos):
        bits = 8 * f.size
        lo, hi = (-(1 << (bits - 1)), (1 << (bits - 1)) - 1) if f.signed else (0, (1 << bits) - 1)
        if not isinstance(v, int) or isinstance(v, bool):
            raise PslError(vpos, "`%s` is an integer field" % f.name)
        if not lo <= v <= hi:
            raise PslError(vpos, "%d does not fit `%s` (%s%d: %d .. %d)"
                           % (v, f.name, "Int" if f.signed else "UInt", bits, lo, hi))
        struct.pack_into(int_fmt(f.size, f.signed), data, f.offset, v)

    def assign(name, node):
        f = fields.get(name)
        if f is not None and f.kind == "int":
            if f.is_tag and node.kind == "dict":
                if len(node.items) != 1:
                    raise PslError(node.pos, "a union value names one member: `{ <member> : <value> }`")
                mname, mpos, mval = node.items[0]
                prefix = name + "." + mname
                members = [g for g in layout.fields if g.name == prefix or g.name.startswith(prefix + ".")
                           or g.name.startswith(prefix + "[")]
                tag = next((v for g in members for off, v in g.cond if off == f.offset), None)
                if tag is None:
                    raise PslError(mpos, "union `%s` has no member `%s`" % (name, mname))
                put_int(f, tag, mpos)
                set_tags.add(name)
                assign(prefix, mval)
                return
            if node.kind != "atom":
                raise PslError(node.pos, "`%s` is an integer field" % name)
            put_int(f, node.value, node.pos)
            return
        if f is not None and f.kind == "arena":
            arena_vals[name] = (f, node)
            return
        if f is not None and f.kind == "handle":
            raise PslError(node.pos, "`%s` is a handle: PAL tests cannot pass handles" % name)
        if node.kind == "dict":
            for k, kpos, v in node.items:
                sub = k if not name else name + "." + k
                if not any(g.name == sub or g.name.startswith(sub + ".") or g.name.startswith(sub + "[")
                           for g in layout.fields):
                    raise PslError(kpos, "%s has no parameter or field `%s` (fields: %s)"
                                   % (what, sub, ", ".join(g.name for g in layout.fields) or "none"))
                assign(sub, v)
            return
        if node.kind == "list":
            for i, v in enumerate(node.items):
                sub = "%s[%d]" % (name, i)
                if not any(g.name == sub or g.name.startswith(sub + ".") for g in layout.fields):
                    raise PslError(v.pos, "`%s` has no element %d" % (name, i))
                assign(sub, v)
            return
        raise PslError(node.pos, "`%s` is not a single field: give `{ ... }` or `[ ... ]`" % name)

    if values is not None:
        if values.kind != "dict":
            raise PslError(values.pos, "the message is `{ <param> : <value>, ... }`")
        assign("", values)

    def holds(f):
        return all(struct.unpack_from("<I", data, off)[0] == v for off, v in f.cond)

    arena = bytearray()
    for f in layout.fields:
        if not holds(f):
            if f.name in arena_vals:
                raise PslError(arena_vals[f.name][1].pos, "`%s` is not the union member selected" % f.name)
            continue
        if f.kind == "handle":
            struct.pack_into("<I", data, f.offset, NO_HANDLE)
        elif f.kind == "arena":
            blob = arena_blob(f, arena_vals.get(f.name, (f, None))[1])
            while len(arena) % max(f.elem_align, ARENA_ALIGN):
                arena.append(0)
            struct.pack_into("<II", data, f.offset, len(arena), len(blob))
            arena.extend(blob)
    return bytes(data), len(arena)


def arena_blob(f, node):
    if f.arena_kind in ("string", "bytes"):
        if node is None:
            b = b""
        elif node.kind == "atom" and isinstance(node.value, bytes):
            b = node.value
        elif node.kind == "list" and f.arena_kind == "bytes":
            b = bytes(int_item(x, 0, 255) for x in node.items)
        else:
            raise PslError(node.pos, "`%s` is a %s: give a string" % (f.name, f.arena_kind))
        if f.arena_kind == "string":
            if b"\0" in b:
                raise PslError(node.pos, "a string cannot hold a NUL byte")
            b += b"\0"
        if len(b) > f.max:
            raise PslError(node.pos, "`%s` holds at most %d bytes%s" % (
                f.name, f.max, " with its NUL" if f.arena_kind == "string" else ""))
        return b
    # sequence of integers
    if node is None:
        return b""
    if node.kind != "list":
        raise PslError(node.pos, "`%s` is a sequence: give `[ ... ]`" % f.name)
    elem = f.elem
    if not hasattr(elem, "signed"):
        raise PslError(node.pos, "`%s`: PAL tests fill sequences of integers only" % f.name)
    if len(node.items) > f.max:
        raise PslError(node.pos, "`%s` holds at most %d elements" % (f.name, f.max))
    bits = 8 * elem.size
    lo, hi = (-(1 << (bits - 1)), (1 << (bits - 1)) - 1) if elem.signed else (0, (1 << bits) - 1)
    fmt = int_fmt(elem.size, elem.signed)
    return b"".join(struct.pack(fmt, int_item(x, lo, hi)) for x in node.items)


def int_fmt(size, signed):
    c = {1: "b", 2: "h", 4: "i", 8: "q"}[size]
    return "<" + (c if signed else c.upper())


def int_item(node, lo, hi):
    if node.kind != "atom" or not isinstance(node.value, int):
        raise PslError(node.pos, "expected an integer")
    if not lo <= node.value <= hi:
        raise PslError(node.pos, "%d is out of range (%d .. %d)" % (node.value, lo, hi))
    return node.value
