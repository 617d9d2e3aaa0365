"""PSL parser: tokens -> a list of top-level declarations (plain tuples/objects).

Supported subset (docs/POLICY.md):
  execute: kl.core.Execute
  use nk.base._ | use <own.path>._ | use EDL <Class> | task class <Class> [: <Edl>]
  <event> [selectors] { body }        event: execute request response error security
      selectors: src= dst= endpoint= method= component= interface=  (commas optional)
      body: grant () | deny () | deny (<cond>) | assert (<cond>) | match <selectors> { body }
      cond: message.<param>[.<field>|.[i]]..., integers, true/false,
            == != < <= > >=, !, &&, ||, ==>, ( )
      Math + - *, neg, abs, sum, product; bool.all, bool.any, bool.cond; size;
      lists, dictionaries, tuples, (); names of `use <name> = <expr>` aliases
      choice (<expr>) { <pattern> : <rule or block> ... _ : ... }; audit <profile>
  policy object <name> : Flow|HashSet|StaticMap|Mic { type <T> = ... config = { ... } }
      model rules in a body: <object>.<rule> { key : <expr>, ... }
      model expressions in conditions: <object>.query {...}, <object>.contains {...};
      src_sid, dst_sid, strings (Flow states), lists ([...], `states` of allow)
  audit profile <name> = { <level> : { <model> : { kss : [ "granted", "denied" ] } } }
  audit default = <profile> <level>
"""

from tools.limits import DEPTH_MAX
from tools.token_cursor import TokenCursor
from tools.psl.errors import PslError, unsupported

EVENTS = ("execute", "request", "response", "error", "security")
SELECTOR_KEYS = ("src", "dst", "endpoint", "method", "component", "interface")
CMP_OPS = ("==", "!=", "<", "<=", ">", ">=")
UNARY = ("neg", "abs", "size", "empty", "math.neg", "math.abs")          # Math, Struct
FOLDS = ("sum", "product", "math.sum", "math.product", "bool.all", "bool.any")


class Node:
    def __init__(self, kind, pos, **kw):
        self.kind = kind
        self.pos = pos
        self.__dict__.update(kw)
        # depth of the tree below: the compiler walks conditions recursively
        self.depth = 1 + max([v.depth for v in kw.values() if isinstance(v, Node)] + [0])
        if self.depth > DEPTH_MAX:
            raise PslError(pos, "condition nested deeper than %d operators" % DEPTH_MAX)

    def __repr__(self):
        return "Node(%s %s)" % (self.kind, {k: v for k, v in self.__dict__.items()
                                            if k not in ("kind", "pos")})


class Parser(TokenCursor):
    def __init__(self, toks, warn=None):
        super().__init__(toks)
        self.warn = warn

    def nesting_error(self, msg):
        return PslError(self.tok.pos, msg)

    # -- helpers
    def at(self, value, kind=None):
        return self.tok.is_(value, kind)

    def describe(self, t):
        if t.kind == "eof":
            return "end of file"
        if t.kind == "str":
            return '"%s"' % t.value
        return "`%s`" % t.value

    def expect(self, value, what=None):
        t = self.tok
        if not t.is_(value):
            raise PslError(t.pos, "expected %s, found %s" % (what or "`%s`" % value, self.describe(t)))
        return self.next()

    def name(self, what="a name"):
        t = self.tok
        if t.kind != "name":
            raise PslError(t.pos, "expected %s, found %s" % (what, self.describe(t)))
        return self.next()

    def dotted(self, what="a qualified name"):
        first = self.name(what)
        parts = [first.value]
        while self.at(".", "punct") and self.peek().kind == "name":
            self.next()
            parts.append(self.next().value)
        return ".".join(parts), first.pos

    # -- top level
    def parse(self):
        items = []
        while self.tok.kind != "eof":
            items.append(self.top())
        return [i for i in items if i is not None]

    def top(self):
        t = self.tok
        if t.kind != "name":
            raise PslError(t.pos, "expected a declaration or a binding, found %s" % self.describe(t))
        v = t.value
        if v == "execute" and self.peek().is_(":", "punct"):
            self.next()
            self.next()
            iface, ipos = self.dotted("the execute interface")
            return Node("execute_decl", t.pos, iface=iface, ipos=ipos)
        if v in EVENTS:
            self.next()
            sels = self.selectors()
            body = self.block()
            return Node("binding", t.pos, event=v, sels=sels, body=body)
        if v == "use":
            return self.use()
        if v == "task":
            self.next()
            self.expect("class", "`class` after `task`")
            cls, cpos = self.dotted("a class name")
            edl, epos = cls, cpos
            if self.at(":", "punct"):
                self.next()
                edl, epos = self.dotted("an EDL name")
            return Node("task_class", t.pos, cls=cls, cpos=cpos, edl=edl, epos=epos)
        if v == "policy":
            return self.policy_object()
        if v == "audit":
            return self.audit()
        if v == "assert" and (self.peek().kind == "str" or self.peek().is_("{", "punct")):
            # policy tests (PAL): checked and run by tools/psl/pal*.py; the compiler ignores them
            from tools.psl.pal import parse_assert
            return parse_assert(self)
        if v in ("import", "pragma", "type", "const"):
            raise unsupported(t.pos, "`%s`" % v)
        raise PslError(t.pos, "unexpected %s: expected `use`, `execute`, a binding "
                              "(execute, request, response, error, security) or `audit`" % self.describe(t))

    def policy_object(self):
        """policy object <name> : <Model> { type <T> = <type> [;] ... config = <value> [;] }"""
        t = self.next()
        self.expect("object", "`object` after `policy`")
        name = self.name("the object's name")
        self.expect(":", "`:` and a security model")
        model = self.name("a security model (Flow, HashSet)")
        types, config, cpos = [], None, None
        if model.value == "Regex" and not self.at("{", "punct"):
            # a Regex object has no parameters: `policy object re : Regex` (the body may be omitted)
            return Node("policy_object", t.pos, name=name.value, npos=name.pos, model=model.value,
                        mpos=model.pos, types=types, config=config, cpos=cpos)
        self.expect("{", "`{`")
        while not self.at("}", "punct"):
            k = self.tok
            if k.is_("type", "name"):
                self.next()
                tname = self.name("a type name")
                self.expect("=")
                types.append(Node("type_decl", tname.pos, name=tname.value, type=self.type_expr()))
            elif k.is_("config", "name"):
                if config is not None:
                    raise PslError(k.pos, "`config` is given twice")
                self.next()
                self.expect("=")
                cpos = k.pos
                config = self.value()
            else:
                raise PslError(k.pos, "expected `type`, `config` or `}` in a policy object, found %s"
                               % self.describe(k))
            if self.at(";", "punct"):
                self.next()
        self.next()
        return Node("policy_object", t.pos, name=name.value, npos=name.pos, model=model.value,
                    mpos=model.pos, types=types, config=config, cpos=cpos)

    def type_expr(self):
        """A type: string literals or type names joined by `|` (a tuple `(A, B)` or a
        record `{...}` is refused by the compiler)."""
        alts = []
        while True:
            t = self.tok
            if t.kind == "str":
                self.next()
                alts.append(Node("atom", t.pos, value=t.value, is_str=True))
            elif t.kind == "name":
                v, p = self.dotted("a type")
                alts.append(Node("atom", p, value=v, is_str=False))
            elif t.is_("(", "punct"):
                self.next()                     # a tuple type (A, B, ...)
                elems = []
                while True:
                    n, npos = self.dotted("a type in the tuple")
                    elems.append(Node("atom", npos, value=n, is_str=False))
                    if self.at(",", "punct"):
                        self.next()
                        continue
                    self.expect(")", "`,` or `)`")
                    break
                alts.append(Node("tuple_type", t.pos, items=elems, is_str=False, value=None))
            elif t.is_("{", "punct") or t.is_("[", "punct"):
                raise unsupported(t.pos, "a %s type in a policy object (integer types and string "
                                         "literals only)" % ("tuple" if t.value == "(" else "record"))
            else:
                raise PslError(t.pos, "expected a type, found %s" % self.describe(t))
            if not self.at("|", "punct"):
                return alts
            self.next()

    def model_args(self):
        """{ key : <expr>, ... } of a model rule or expression."""
        with self.nested():
            self.expect("{", "`{`")
            args = []
            while not self.at("}", "punct"):
                k = self.name("an argument name (sid, state, states, entry)")
                self.expect(":")
                args.append((k.value, k.pos, self.expr()))
                if self.at(",", "punct"):
                    self.next()
                elif not self.at("}", "punct"):
                    raise PslError(self.tok.pos, "expected `,` or `}`, found %s" % self.describe(self.tok))
            self.next()
            return args

    def skip_block(self):
        self.expect("{")
        depth = 1
        while depth:
            t = self.next()
            if t.kind == "eof":
                raise PslError(t.pos, "missing `}`")
            if t.is_("{", "punct"):
                depth += 1
            elif t.is_("}", "punct"):
                depth -= 1

    def use(self):
        t = self.next()
        if self.at("EDL", "name"):
            self.next()
            cls, cpos = self.dotted("a class name after `use EDL`")
            return Node("use_edl", t.pos, cls=cls, cpos=cpos)
        path, ppos = self.dotted("a PSL package (`use nk.base._`)")
        if self.at("=", "punct"):
            if "." in path:
                raise PslError(ppos, "an alias is one name: `use <name> = <expression>`")
            self.next()
            return Node("alias", t.pos, name=path, npos=ppos, value=self.expr())
        parts = path.split(".")
        if parts[-1] != "_" or len(parts) < 2:
            raise PslError(ppos, "expected `use <package>._` or `use EDL <Class>`, found `use %s`" % path)
        return Node("use_psl", t.pos, package=".".join(parts[:-1]), ppos=ppos)

    def audit(self):
        t = self.next()
        if self.at("profile", "name"):
            self.next()
            name = self.name("a profile name")
            self.expect("=")
            value = self.value()
            return Node("audit_profile", t.pos, name=name.value, npos=name.pos, value=value)
        if self.at("default", "name"):
            self.next()
            self.expect("=")
            name = self.name("a profile name")
            level = 0
            if self.tok.kind == "num":
                level = self.next().value
            return Node("audit_default", t.pos, name=name.value, npos=name.pos, level=level)
        raise unsupported(self.tok.pos, "`audit %s`" % (self.tok.value or ""))

    def value(self):
        """A PSL value for audit profiles: {k : v, ..}, [v, ..], string, number, name."""
        with self.nested():
            return self._value()

    def _value(self):
        t = self.tok
        if t.is_("{", "punct"):
            self.next()
            out = []
            while not self.at("}", "punct"):
                k = self.next()
                if k.kind not in ("name", "num", "str"):
                    raise PslError(k.pos, "expected a key, found %s" % self.describe(k))
                self.expect(":")
                out.append((k.value, k.pos, self.value()))
                if self.at(",", "punct"):
                    self.next()
            self.next()
            return Node("dict", t.pos, items=out)
        if t.is_("[", "punct"):
            self.next()
            out = []
            while not self.at("]", "punct"):
                out.append(self.value())
                if self.at(",", "punct"):
                    self.next()
                elif not self.at("]", "punct"):
                    raise PslError(self.tok.pos, "expected `,` or `]`, found %s" % self.describe(self.tok))
            self.next()
            return Node("list", t.pos, items=out)
        if t.kind in ("str", "num"):
            self.next()
            return Node("atom", t.pos, value=t.value, is_name=False)
        if t.kind == "name":
            v, p = self.dotted()
            return Node("atom", p, value=v, is_name=True)
        raise PslError(t.pos, "expected a value, found %s" % self.describe(t))

    # -- bindings
    def selectors(self):
        sels = []
        while not self.at("{", "punct"):
            t = self.tok
            if t.kind != "name" or not self.peek().is_("=", "punct"):
                raise PslError(t.pos, "expected a selector (src=, dst=, endpoint=, method=, "
                                      "component=, interface=) or `{`, found %s" % self.describe(t))
            if t.value not in SELECTOR_KEYS:
                raise PslError(t.pos, "unknown selector `%s` (src, dst, endpoint, method, "
                                      "component, interface)" % t.value)
            self.next()
            self.next()
            val, vpos = self.dotted("the value of `%s=`" % t.value)
            sels.append(Node("sel", t.pos, key=t.value, value=val, vpos=vpos))
            if self.at(",", "punct"):
                self.next()
        return sels

    def block(self):
        with self.nested():
            return self._block()

    def _block(self):
        self.expect("{", "`{`")
        body = []
        while not self.at("}", "punct"):
            if self.tok.kind == "eof":
                raise PslError(self.tok.pos, "missing `}`")
            body.append(self.statement())
        self.next()
        return body

    def statement(self):
        t = self.tok
        if t.kind != "name":
            raise PslError(t.pos, "expected a rule or `match`, found %s" % self.describe(t))
        v = t.value
        if v == "match":
            self.next()
            sels = self.selectors()
            return Node("match", t.pos, sels=sels, body=self.block())
        if v == "choice":
            return self.choice()
        if v == "audit" and self.peek().kind == "name":
            self.next()                         # `audit <profile>`: for the rules of this section
            p = self.next()
            return Node("audit_stmt", t.pos, profile=p.value, ppos=p.pos, rule="audit", cond=None)
        if v in ("grant", "deny", "assert") and self.peek().is_("(", "punct"):
            self.next()
            self.next()
            cond = None
            if not self.at(")", "punct"):
                if v == "grant":
                    raise PslError(self.tok.pos, "`grant` takes no argument: `grant ()`")
                cond = self.expr()
            elif v == "assert":
                raise PslError(self.tok.pos, "`assert` needs a condition: `assert (<cond>)`")
            self.expect(")", "`)`")
            return Node("rule", t.pos, rule=v, cond=cond)
        if v in ("grant", "deny", "assert"):
            raise PslError(self.peek().pos, "expected `(` after `%s`" % v)
        name, npos = self.dotted()
        parts = name.split(".")
        if len(parts) != 2 or not self.at("{", "punct"):
            raise PslError(npos, "expected a rule (`grant ()`, `<object>.<rule> {...}`) or `match`, "
                                 "found `%s`" % name)
        # rule / cond: what tools that walk rules (lint) read of any rule
        return Node("model_rule", npos, obj=parts[0], method=parts[1], args=self.model_args(),
                    rule=name, cond=None)

    def choice(self):
        """choice (<expr>) { <pattern> : <rule or { body }> ... _ : ... }"""
        t = self.next()
        self.expect("(", "`(` after `choice`")
        with self.nested():
            scrut = self.expr()
        self.expect(")", "`)`")
        self.expect("{", "`{`")
        branches = []
        with self.nested():
            while not self.at("}", "punct"):
                p = self.tok
                if p.kind in ("str", "num"):
                    pat = Node("str" if p.kind == "str" else "int", p.pos, value=p.value)
                elif p.is_("-", "punct") and self.peek().kind == "num":
                    self.next()
                    pat = Node("int", p.pos, value=-self.peek(0).value)
                elif p.is_("_", "name"):
                    pat = None
                else:
                    raise PslError(p.pos, "expected a choice pattern (a string, a number or `_`), "
                                          "found %s" % self.describe(p))
                self.next()
                self.expect(":", "`:` after the pattern")
                body = self.block() if self.at("{", "punct") else [self.statement()]
                branches.append((pat, p.pos, body))
        self.next()
        return Node("choice", t.pos, scrut=scrut, branches=branches, rule="choice", cond=None)

    # -- conditions
    def expr(self):
        a = self.or_()
        if self.at("==>", "punct"):
            t = self.next()
            with self.nested():             # `a ==> b ==> c` nests to the right
                b = self.expr()
            return Node("bin", t.pos, op="==>", a=a, b=b)
        return a

    def or_(self):
        a = self.and_()
        while self.at("||", "punct"):
            t = self.next()
            a = Node("bin", t.pos, op="||", a=a, b=self.and_())
        return a

    def and_(self):
        a = self.not_()
        while self.at("&&", "punct"):
            t = self.next()
            a = Node("bin", t.pos, op="&&", a=a, b=self.not_())
        return a

    def not_(self):
        if self.at("!", "punct"):
            t = self.next()
            with self.nested():
                return Node("not", t.pos, a=self.not_())
        return self.cmp()

    def cmp(self):
        a = self.arith()
        if self.tok.kind == "punct" and self.tok.value in CMP_OPS:
            t = self.next()
            b = self.arith()
            if self.tok.kind == "punct" and self.tok.value in CMP_OPS:
                raise PslError(self.tok.pos, "comparisons do not chain: use parentheses and `&&`")
            return Node("bin", t.pos, op=t.value, a=a, b=b)
        return a

    def arith(self):
        a = self.term()
        while self.tok.kind == "punct" and self.tok.value in ("+", "-"):
            t = self.next()
            a = Node("arith", t.pos, op=t.value, a=a, b=self.term())
        return a

    def term(self):
        a = self.primary()
        while self.at("*", "punct"):
            t = self.next()
            a = Node("arith", t.pos, op="*", a=a, b=self.primary())
        return a

    def call_arg(self):
        """The argument of `neg`, `abs`, `size`, `sum`, ...: `(<expr>)` or a primary."""
        with self.nested():
            if self.at("(", "punct"):
                self.next()
                e = self.expr()
                self.expect(")", "`)`")
                return e
            return self.primary()

    def primary(self):
        t = self.tok
        if t.is_("(", "punct"):
            self.next()
            if self.at(")", "punct"):           # `()`: no value (Mic's optional arguments)
                self.next()
                return Node("unit", t.pos)
            with self.nested():
                e = self.expr()
                if self.at(",", "punct"):       # a tuple (a, b, ...)
                    items = [e]
                    while self.at(",", "punct"):
                        self.next()
                        items.append(self.expr())
                    self.expect(")", "`,` or `)`")
                    return Node("tuple", t.pos, items=items)
            self.expect(")", "`)`")
            return e
        if t.kind == "num":
            self.next()
            return Node("int", t.pos, value=t.value)
        if t.is_("-", "punct") and self.peek().kind == "num":
            self.next()
            return Node("int", t.pos, value=-self.next().value)
        if t.kind == "name" and t.value in ("true", "false"):
            self.next()
            return Node("bool", t.pos, value=t.value == "true")
        if t.kind == "name" and t.value == "message":
            self.next()
            parts = []
            while self.at(".", "punct"):
                self.next()
                if self.at("[", "punct"):
                    self.next()
                    n = self.tok
                    if n.kind != "num":
                        raise PslError(n.pos, "expected an index, found %s" % self.describe(n))
                    self.next()
                    self.expect("]", "`]`")
                    if not parts:
                        raise PslError(n.pos, "`message` is not an array")
                    parts[-1] += "[%d]" % n.value
                else:
                    parts.append(self.name("a parameter or field name").value)
            if self.tok.is_("[", "punct"):
                raise unsupported(self.tok.pos, "indexing without `.` (write `.[i]`)")
            if not parts:
                raise unsupported(t.pos, "`message` as a whole (name an integer field)")
            return Node("msg", t.pos, field=".".join(parts))
        if t.kind == "str":
            self.next()
            return Node("str", t.pos, value=t.value)
        if t.kind == "name" and t.value in ("src_sid", "dst_sid"):
            self.next()
            return Node("sid", t.pos, side=t.value[:3])
        if t.kind == "name":
            name, npos = self.dotted()
            parts = name.split(".")
            if name in UNARY:
                return Node("unary", npos, fn=name, a=self.call_arg())
            if name in FOLDS:
                return Node("fold", npos, fn=name, a=self.call_arg())
            if name == "bool.cond" and self.at("{", "punct"):
                return Node("model_expr", npos, obj="bool", method="cond", args=self.model_args())
            if len(parts) == 2 and self.at("{", "punct"):
                return Node("model_expr", npos, obj=parts[0], method=parts[1], args=self.model_args())
            if len(parts) == 1:
                return Node("name", npos, value=name)
            raise unsupported(npos, "the expression `%s`" % name)
        if t.is_("[", "punct"):
            self.next()
            items = []
            with self.nested():
                while not self.at("]", "punct"):
                    items.append(self.expr())
                    if self.at(",", "punct"):
                        self.next()
                    elif not self.at("]", "punct"):
                        raise PslError(self.tok.pos, "expected `,` or `]`, found %s" % self.describe(self.tok))
            self.next()
            return Node("list", t.pos, items=items)
        if t.kind == "punct" and t.value == "{":
            self.next()                         # a dictionary { key : value, ... }
            items = []
            with self.nested():
                while not self.at("}", "punct"):
                    k = self.next()
                    if k.kind not in ("name", "str", "num"):
                        raise PslError(k.pos, "expected a key, found %s" % self.describe(k))
                    self.expect(":")
                    items.append((k.value, k.pos, self.expr()))
                    if self.at(",", "punct"):
                        self.next()
                    elif not self.at("}", "punct"):
                        raise PslError(self.tok.pos, "expected `,` or `}`, found %s" % self.describe(self.tok))
            self.next()
            return Node("dict", t.pos, items=items)
        raise PslError(t.pos, "expected a condition, found %s" % self.describe(t))
