"""EDL (process class) and CDL (component) parser.

Accepts `task class X` (CE 1.3+), `entity X` (up to 1.2) and `component X`,
then any of `components { i : pkg.C }`, `endpoints { e : pkg.I }` (1.1:
`interfaces`), `security pkg.I`. Produces unresolved objects; model.Loader
resolves the names."""

from .errors import NkError
from .objects import Component, EndpointDecl, Instance, TaskClass
from .parser import Parser


class EdlParser(Parser):
    def parse(self, ext):
        t = self.tok
        if t.is_ident("task") and self.peek().is_ident("class"):
            self.next()
            self.next()
            kind = "class"
        elif t.is_ident("entity"):
            self.next()
            kind = "class"
        elif t.is_ident("component"):
            self.next()
            kind = "component"
        else:
            want = "'component <name>'" if ext == "cdl" else "'task class <name>' or 'entity <name>'"
            raise self.expected(want)
        if ext == "edl" and kind != "class":
            raise NkError(t.pos, "an EDL file describes a process class: "
                          "'task class <name>' or 'entity <name>'")
        if ext == "cdl" and kind != "component":
            raise NkError(t.pos, "a CDL file describes a component: 'component <name>'")
        name, pos = self.qname("a class name" if kind == "class" else "a component name")
        self.tolerate_semicolon("the header")
        obj = (TaskClass if kind == "class" else Component)(name, self.file, pos)
        seen_blocks = {}
        names = {}
        while self.tok.kind != "eof":
            b = self.tok
            if b.is_ident("components"):
                self.block_once(seen_blocks, b, "components")
                self.entries(obj, names, "instance", "a component")
            elif b.is_ident("endpoints") or b.is_ident("interfaces"):
                self.block_once(seen_blocks, b, "endpoints")
                self.entries(obj, names, "endpoint", "an interface")
            elif b.is_ident("security"):
                self.block_once(seen_blocks, b, "security")
                self.next()
                self.accept_punct(":")
                obj.security_name, obj.security_pos = self.qname("an interface name")
                self.tolerate_semicolon("'security <interface>'")
            else:
                raise self.expected("'components', 'endpoints' or 'security'")
        return obj

    def block_once(self, seen, tok, key):
        if key in seen:
            raise NkError(tok.pos, "second '%s' block (the first is at %s)" % (tok.value, seen[key]))
        seen[key] = tok.pos

    def entries(self, obj, names, what, target):
        self.next()
        self.expect_punct("{")
        while not self.at_punct("}"):
            if self.tok.kind == "eof":
                raise self.expected("'}'")
            n = self.expect_ident("%s name" % ("an instance" if what == "instance" else "an endpoint"))
            if "_" in n.value:
                raise NkError(n.pos, "%s name '%s' must not contain '_'" % (what, n.value))
            if n.value in names:
                raise NkError(n.pos, "duplicate name '%s' (first at %s)" % (n.value, names[n.value]))
            names[n.value] = n.pos
            self.expect_punct(":", "':' after '%s'" % n.value)
            tname, _ = self.qname("%s name" % target)
            t = self.accept_punct(";") or self.accept_punct(",")
            if t:
                self.warn(t.pos, "'%s' after an entry is not needed: one entry per line" % t.value)
            if what == "instance":
                obj.instances.append(Instance(n.value, tname, n.pos))
            else:
                obj.endpoint_decls.append(EndpointDecl(n.value, tname, n.pos))
        self.next()
        self.accept_punct(";")


def parse_edl(text, filename, ext, warn):
    return EdlParser(text, filename, warn).parse(ext)
