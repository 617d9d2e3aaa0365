"""IDL: parse one file into a Package, then resolve names, constants, types
and message layouts. Imports are loaded through the Loader passed in."""

import contextlib

from tools.limits import DEPTH_MAX

from .errors import NkError
from .objects import Const, Interface, Method, Package, Param, Typedef
from .parser import Parser
from . import layout as T

DIRECTIONS = ("in", "out", "error")
KEYWORDS = ("package", "import", "const", "typedef", "struct", "union", "interface")


# ---------------------------------------------------------------- parsing

class IdlParser(Parser):
    def parse(self):
        if not self.tok.is_ident("package"):
            raise self.expected("'package <name>' at the start of an IDL file")
        self.next()
        name, pos = self.qname("a package name")
        self.tolerate_semicolon("the package line")
        pkg = Package(name, self.file, pos)
        while self.tok.is_ident("import"):
            self.next()
            iname, ipos = self.qname("a package name to import")
            self.tolerate_semicolon("an import")
            pkg.import_names.append((iname, ipos))
        while self.tok.kind != "eof":
            t = self.tok
            if t.is_punct(";"):
                self.next()
                continue
            if t.is_ident("const"):
                self.parse_const(pkg)
            elif t.is_ident("typedef"):
                self.parse_typedef(pkg)
            elif t.is_ident("struct") or t.is_ident("union"):
                self.parse_struct(pkg)
            elif t.is_ident("interface"):
                self.parse_interface(pkg)
            elif t.is_ident("import"):
                raise self.error("'import' must come before all declarations")
            else:
                raise self.expected("a declaration (const, typedef, struct, union, interface)")
        return pkg

    def declare(self, pkg, decl):
        prev = pkg.decls.get(decl.name)
        if prev is not None:
            raise NkError(decl.pos, "'%s' is already declared at %s" % (decl.name, prev.pos))
        pkg.decls[decl.name] = decl
        pkg.order.append(decl)

    def decl_name(self, what):
        t = self.expect_ident("a %s name" % what)
        if t.value in KEYWORDS or t.value in DIRECTIONS:
            raise NkError(t.pos, "'%s' is a keyword and cannot name a %s" % (t.value, what))
        return t

    def parse_const(self, pkg):
        self.next()
        texpr = self.parse_type()
        name = self.decl_name("constant")
        self.expect_punct("=")
        expr = self.parse_expr()
        self.expect_punct(";", "';' after the constant")
        self.declare(pkg, Const(pkg, name.value, name.pos, texpr, expr))

    def parse_typedef(self, pkg):
        self.next()
        texpr = self.parse_type()
        name = self.decl_name("type")
        self.expect_punct(";", "';' after the typedef")
        self.declare(pkg, Typedef(pkg, name.value, name.pos, texpr))

    def parse_struct(self, pkg):
        kind = self.next().value
        name = self.decl_name(kind)
        self.expect_punct("{")
        members = []
        seen = {}
        while not self.at_punct("}"):
            if self.tok.kind == "eof":
                raise self.expected("'}' closing %s '%s'" % (kind, name.value))
            texpr = self.parse_type()
            mname = self.expect_ident("a member name")
            self.expect_punct(";", "';' after the member")
            if mname.value in seen:
                raise NkError(mname.pos, "duplicate member '%s' (first at %s)"
                              % (mname.value, seen[mname.value]))
            seen[mname.value] = mname.pos
            members.append(T.Member(mname.value, texpr, mname.pos))
        self.next()
        self.accept_punct(";")
        if not members:
            raise NkError(name.pos, "%s '%s' has no members" % (kind, name.value))
        self.declare(pkg, T.StructType(kind, pkg, name.value, name.pos, members))

    def parse_interface(self, pkg):
        it = self.next()
        if pkg.interface is not None:
            raise NkError(it.pos, "a package declares one interface; the first is at %s"
                          % pkg.interface.pos)
        if self.tok.kind == "ident":
            n = self.next()
            if n.value != pkg.name.split(".")[-1]:
                self.warn(n.pos, "interface name '%s' ignored: the interface is named "
                          "after its package '%s'" % (n.value, pkg.name))
        self.expect_punct("{", "'{' after 'interface'")
        methods = []
        seen = {}
        while not self.at_punct("}"):
            if self.tok.kind == "eof":
                raise self.expected("'}' closing the interface")
            m = self.parse_method()
            if m.name in seen:
                raise NkError(m.pos, "duplicate method '%s' (first declared at %s)"
                              % (m.name, seen[m.name]))
            seen[m.name] = m.pos
            methods.append(m)
        self.next()
        self.accept_punct(";")
        pkg.interface = Interface(pkg, it.pos, methods)

    def parse_method(self):
        name = self.expect_ident("a method name")
        if "_" in name.value:
            raise NkError(name.pos, "method name '%s' must not contain '_'" % name.value)
        if name.value in KEYWORDS:
            raise NkError(name.pos, "'%s' is a keyword" % name.value)
        self.expect_punct("(", "'(' after the method name")
        params = []
        seen = {}
        if not self.at_punct(")"):
            while True:
                d = self.tok
                if not (d.kind == "ident" and d.value in DIRECTIONS):
                    raise self.expected("a parameter direction (in, out, error)")
                self.next()
                start = self.i
                texpr = self.parse_type()
                tname = self.text_of(start, self.i)
                pname = self.expect_ident("a parameter name")
                if pname.value in seen:
                    raise NkError(pname.pos, "duplicate parameter '%s' (first at %s)"
                                  % (pname.value, seen[pname.value]))
                seen[pname.value] = pname.pos
                params.append(Param(d.value, pname.value, texpr, d.pos, tname))
                if not self.accept_punct(","):
                    break
        self.expect_punct(")", "',' or ')' in the parameter list")
        self.expect_punct(";", "';' after the method")
        return Method(name.value, name.pos, params)

    def text_of(self, a, b):
        out = ""
        for t in self.toks[a:b]:
            out += t.text + (" " if t.is_punct(",") else "")
        return out

    # types: ('name', qname, pos) ('string'|'bytes', expr, pos)
    #        ('sequence'|'array', texpr, expr, pos) ('handle', qname, pos)
    def parse_type(self):
        with self.nested():
            return self._parse_type()

    def _parse_type(self):
        t = self.tok
        if t.kind != "ident":
            raise self.expected("a type")
        if t.value in ("string", "bytes") and self.peek().is_punct("<"):
            self.next()
            self.next()
            n = self.parse_expr(in_angle=True)
            self.expect_close_angle()
            return (t.value, n, t.pos)
        if t.value in ("sequence", "array") and self.peek().is_punct("<"):
            self.next()
            self.next()
            elem = self.parse_type()
            self.expect_punct(",", "',' and a size in %s<...>" % t.value)
            n = self.parse_expr(in_angle=True)
            self.expect_close_angle()
            return (t.value, elem, n, t.pos)
        if t.value == "handle" and self.peek().is_punct("<"):
            self.next()
            self.next()
            iname, _ = self.qname("an interface name")
            self.expect_close_angle()
            return ("handle", iname, t.pos)
        if t.value in ("string", "bytes", "sequence", "array"):
            raise NkError(t.pos, "'%s' needs a size: %s<...>" % (t.value, t.value))
        name, pos = self.qname("a type")
        return ("name", name, pos)

    # expressions: ('num', v, pos) ('ref', qname, pos) ('un', op, e, pos)
    #              ('bin', op, a, b, pos)
    BINARY = [("|",), ("^",), ("&",), ("<<", ">>"), ("+", "-"), ("*", "/", "%")]

    def parse_expr(self, in_angle=False, level=0):
        if level == len(self.BINARY):
            return self.parse_unary(in_angle)
        ops = self.BINARY[level]
        left = self.parse_expr(in_angle, level + 1)
        while self.tok.kind == "punct" and self.tok.value in ops:
            if in_angle and self.tok.value == ">>":
                break
            op = self.next()
            right = self.parse_expr(in_angle, level + 1)
            left = ("bin", op.value, left, right, op.pos)
        return left

    def parse_unary(self, in_angle):
        with self.nested():
            return self._parse_unary(in_angle)

    def _parse_unary(self, in_angle):
        t = self.tok
        if t.kind == "punct" and t.value in ("-", "+", "~"):
            self.next()
            return ("un", t.value, self.parse_unary(in_angle), t.pos)
        if t.kind == "num":
            self.next()
            return ("num", t.value, t.pos)
        if t.kind == "ident":
            name, pos = self.qname()
            return ("ref", name, pos)
        if t.is_punct("("):
            self.next()
            e = self.parse_expr(False)
            self.expect_punct(")")
            return e
        raise self.expected("a number or a constant")


def parse_idl(text, filename, warn):
    return IdlParser(text, filename, warn).parse()


# ---------------------------------------------------------------- resolution

class Resolver:
    """Resolves one Package whose imports are already loaded."""

    def __init__(self, pkg, loader, warn):
        self.pkg = pkg
        self.loader = loader
        self.warn = warn
        self.level = 0

    @contextlib.contextmanager
    def deeper(self, pos):
        """Around each recursive step (an operator, a definition that uses another):
        bounds the depth (limits.DEPTH_MAX) so that no input exhausts the stack."""
        self.level += 1
        if self.level > DEPTH_MAX:
            raise NkError(pos, "definitions or expressions nested deeper than %d levels" % DEPTH_MAX)
        try:
            yield
        finally:
            self.level -= 1

    def run(self):
        pkg = self.pkg
        for d in pkg.order:
            if isinstance(d, Const):
                self.const_value(d)
            elif isinstance(d, Typedef):
                self.typedef_type(d)
            else:
                self.struct_type(d, d.pos)
        if pkg.interface is not None:
            for m in pkg.interface.methods:
                self.method(m)

    # -- names
    def lookup(self, qname, pos):
        """Find a declaration: bare local, bare imported, Pkg.Name, a.b.Pkg.Name."""
        pkg = self.pkg
        if "." not in qname:
            if qname in pkg.decls:
                return pkg.decls[qname]
            found = [p.decls[qname] for p in pkg.imports if qname in p.decls]
            if len(found) > 1:
                raise NkError(pos, "'%s' is ambiguous: declared in %s"
                              % (qname, " and ".join(d.package.name for d in found)))
            return found[0] if found else None
        prefix, name = qname.rsplit(".", 1)
        for p in [pkg] + pkg.imports:
            if prefix == p.name or prefix == p.name.split(".")[-1]:
                if name in p.decls:
                    return p.decls[name]
                raise NkError(pos, "package '%s' declares no '%s'" % (p.name, name))
        raise NkError(pos, "'%s': package '%s' is not imported" % (qname, prefix))

    # -- constants
    def const_value(self, c):
        if c.state == 2:
            return c.value
        if c.state == 1:
            raise NkError(c.pos, "constant '%s' depends on itself" % c.name)
        c.state = 1
        with self.deeper(c.pos):
            self._const_value(c)
        return c.value

    def _const_value(self, c):
        t = self.resolve(c.texpr)
        if not isinstance(t, T.IntType):
            raise NkError(c.pos, "constant '%s' must have an integer type, not %s"
                          % (c.name, T.type_name(t)))
        v = self.eval(c.expr)
        lo, hi = T.int_range(t)
        if not lo <= v <= hi:
            raise NkError(c.pos, "value %d of constant '%s' does not fit in %s"
                          % (v, c.name, t.name))
        c.type = t
        c.value = v
        c.state = 2

    def eval(self, e):
        with self.deeper(e[-1]):
            return self._eval(e)

    def _eval(self, e):
        k = e[0]
        if k == "num":
            return e[1]
        if k == "ref":
            d = self.lookup(e[1], e[2])
            if d is None:
                raise NkError(e[2], "undefined constant '%s'" % e[1])
            if not isinstance(d, Const):
                raise NkError(e[2], "'%s' is a type, not a constant" % e[1])
            if d.package is self.pkg:
                return self.const_value(d)
            return d.value
        if k == "un":
            v = self.eval(e[2])
            return {"-": -v, "+": v, "~": ~v}[e[1]]
        op, a, b, pos = e[1], self.eval(e[2]), self.eval(e[3]), e[4]
        if op in ("/", "%"):
            if b == 0:
                raise NkError(pos, "division by zero")
            q = abs(a) // abs(b)
            if (a < 0) != (b < 0):
                q = -q
            return q if op == "/" else a - q * b
        if op in ("<<", ">>"):
            if b < 0 or b > 63:
                raise NkError(pos, "shift count %d out of range 0..63" % b)
            return a << b if op == "<<" else a >> b
        return {"+": a + b, "-": a - b, "*": a * b, "|": a | b, "&": a & b,
                "^": a ^ b}[op]

    def size_value(self, e, what):
        v = self.eval(e)
        if v < 1:
            raise NkError(expr_pos(e), "%s must be at least 1, not %d" % (what, v))
        if v > 0xFFFFFFFF:
            raise NkError(expr_pos(e), "%s %d is too large" % (what, v))
        return v

    # -- types
    def typedef_type(self, d):
        if d.state == 2:
            return d.type
        if d.state == 1:
            raise NkError(d.pos, "typedef '%s' refers to itself" % d.name)
        d.state = 1
        with self.deeper(d.pos):
            d.type = self.resolve(d.texpr)
        d.state = 2
        return d.type

    def struct_type(self, s, use_pos):
        if s.state == 2:
            return s
        if s.state == 1:
            raise NkError(use_pos, "%s '%s' contains itself" % (s.kind, s.name))
        s.state = 1
        with self.deeper(use_pos):
            for m in s.members:
                m.type = self.resolve(m.texpr)
        s.compute_layout()
        if s.size > T.TYPE_SIZE_MAX:
            raise NkError(s.pos, "%s '%s' is %d bytes: no message can carry it (MSG_MAX_ARENA = %d)"
                          % (s.kind, s.name, s.size, T.TYPE_SIZE_MAX))
        s.state = 2
        return s

    def resolve(self, te):
        k = te[0]
        if k == "name":
            name, pos = te[1], te[2]
            if name in T.BUILTIN_INTS:
                return T.BUILTIN_INTS[name]
            if name == "Handle":
                return T.HandleType()
            d = self.lookup(name, pos)
            if d is None:
                raise NkError(pos, "unknown type '%s'" % name)
            if isinstance(d, Const):
                raise NkError(pos, "'%s' is a constant, not a type" % name)
            if d.package is not self.pkg:
                return d.type if isinstance(d, Typedef) else d
            if isinstance(d, Typedef):
                if d.state == 1:
                    raise NkError(pos, "typedef '%s' refers to itself" % d.name)
                return self.typedef_type(d)
            return self.struct_type(d, pos)
        if k in ("string", "bytes"):
            n = self.size_value(te[1], "the size of %s<N>" % k)
            return T.ArenaType(k, T.UINT8, n)
        if k in ("sequence", "array"):
            elem = self.resolve(te[1])
            n = self.size_value(te[2], "the size of %s<T, N>" % k)
            if k == "array":
                if elem.size * n > T.TYPE_SIZE_MAX:
                    raise NkError(te[3], "array<%s, %d> is %d bytes: no message can carry it "
                                  "(MSG_MAX_ARENA = %d)" % (T.type_name(elem), n, elem.size * n,
                                                            T.TYPE_SIZE_MAX))
                return T.ArrayType(elem, n)
            if elem.has_arena or elem.has_handle:
                raise NkError(te[3], "sequence elements must be fixed-size data without "
                              "handles, strings, bytes or sequences (%s)" % T.type_name(elem))
            if elem.size > T.SEQ_ELEM_SIZE_MAX:
                raise NkError(te[3], "sequence element %s is %d bytes, more than %d (the policy "
                              "tables' elem_size is 16 bits)" % (T.type_name(elem), elem.size,
                                                                 T.SEQ_ELEM_SIZE_MAX))
            return T.ArenaType("sequence", elem, n)
        if k == "handle":
            iname, pos = te[1], te[2]
            full = self.interface_name(iname, pos)
            return T.HandleType(full)
        raise AssertionError(te)

    def interface_name(self, iname, pos):
        if iname == self.pkg.name or iname == self.pkg.name.split(".")[-1]:
            return self.pkg.name
        for p in self.pkg.imports:
            if iname == p.name or iname == p.name.split(".")[-1]:
                return p.name
        self.loader.find(iname, "idl", pos, what="interface")
        return iname

    # -- methods
    def method(self, m):
        rank = 0
        for p in m.params:
            p.type = self.resolve(p.texpr)
            r = DIRECTIONS.index(p.direction)
            if r < rank:
                self.warn(p.pos, "'%s' parameter '%s' after '%s' parameters: the order "
                          "is in, out, error" % (p.direction, p.name, DIRECTIONS[rank]))
            rank = max(rank, r)
        m.request = T.Layout([(p.name, p.type) for p in m.in_params])
        m.response = T.Layout([(p.name, p.type) for p in m.out_params])
        for what, lay in (("request", m.request), ("response", m.response)):
            if lay.size > T.MSG_MAX_CONST:
                raise NkError(m.pos, "the %s of '%s' needs %d bytes of constant part, "
                              "more than MSG_MAX_CONST (%d)"
                              % (what, m.name, lay.size, T.MSG_MAX_CONST))
            if lay.max_handles > T.MSG_MAX_HANDLES:
                raise NkError(m.pos, "the %s of '%s' can carry %d handles, more than "
                              "MSG_MAX_HANDLES (%d)"
                              % (what, m.name, lay.max_handles, T.MSG_MAX_HANDLES))
            if lay.arena_max > T.MSG_MAX_ARENA:
                self.warn(m.pos, "the %s of '%s' can need %d bytes of arena, more than "
                          "MSG_MAX_ARENA (%d): only smaller values can be sent"
                          % (what, m.name, lay.arena_max, T.MSG_MAX_ARENA))


def expr_pos(e):
    return e[-1]
