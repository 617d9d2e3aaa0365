"""Public API of the NK compiler: load EDL/CDL/IDL by qualified name.

    load_class("demo.Server", ["userland/idl"])    -> TaskClass
    load_interface("demo.IStore", include_dirs)     -> Interface
    Loader(include_dirs) caches files and shares objects between calls.

`a.b.Name` is the file a/b/Name.edl|.cdl|.idl in the first include directory
that has it; tools/sysroot is always searched last. Errors raise NkError
(.file .line .col .msg); warnings go to `on_warning` (default: stderr).
"""

import os

from tools.cli import decode
from tools.limits import NESTING_MAX

from .edl import parse_edl
from .errors import NkError, NkWarning, Pos, print_warning
from .idl import Resolver, parse_idl
from .layout import RIID_MAX, Field, Layout
from .objects import Component, Endpoint, Interface, Method, Package, Param, TaskClass

__all__ = ["load_class", "load_interface", "load_component", "Loader", "NkError", "NkWarning",
           "TaskClass", "Component", "Endpoint", "Interface", "Method", "Param", "Package",
           "Layout", "Field", "SYSROOT"]

SYSROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                        "..", "sysroot"))
EXTS = {"idl": "IDL package", "edl": "EDL class", "cdl": "CDL component"}


def valid_qname(q):
    return bool(q) and all(p.isidentifier() for p in q.split("."))


class Loader:
    def __init__(self, include_dirs=(), on_warning=print_warning):
        self.include_dirs = [str(d) for d in include_dirs]
        self.dirs = self.include_dirs + [SYSROOT]
        self.on_warning = on_warning
        self.warnings = []
        self.packages = {}      # qname -> Package
        self.components = {}    # qname -> Component
        self.classes = {}       # qname -> TaskClass
        self.active = []        # (kind, qname) being loaded, for cycle messages

    # -- diagnostics
    def warn(self, pos, msg):
        w = NkWarning(pos, msg)
        self.warnings.append(w)
        if self.on_warning:
            self.on_warning(w)

    # -- files
    def find(self, qname, ext, pos=None, what=None):
        what = what or EXTS[ext]
        if not valid_qname(qname):
            raise NkError(pos, "'%s' is not a valid qualified name" % qname)
        rel = os.path.join(*qname.split(".")) + "." + ext
        for d in self.dirs:
            p = os.path.join(d, rel)
            if os.path.isfile(p):
                return p
        raise NkError(pos or Pos(qname), "cannot find %s '%s': no %s in the include path (%s)"
                      % (what, qname, rel, ", ".join(self.dirs)))

    def read(self, path, pos=None):
        try:
            with open(path, "rb") as f:
                data = f.read()
        except OSError as e:
            raise NkError(pos or Pos(path), "cannot read '%s': %s" % (path, e.strerror)) from None
        return decode(data, path, lambda line, col, msg: NkError(Pos(path, line, col), msg))

    def enter(self, kind, qname, pos):
        if len(self.active) >= NESTING_MAX:
            raise NkError(pos, "imports or components nested deeper than %d files" % NESTING_MAX)
        if (kind, qname) in self.active:
            chain = [q for k, q in self.active[self.active.index((kind, qname)):]] + [qname]
            what = "import cycle" if kind == "idl" else "component cycle"
            raise NkError(pos, "%s: %s" % (what, " -> ".join(chain)))
        self.active.append((kind, qname))

    def leave(self):
        self.active.pop()

    def check_name(self, declared, wanted, pos, path, by_path):
        if wanted is not None and declared != wanted:
            raise NkError(pos, "the file declares '%s' but is found as '%s': the name "
                          "must match the file's path" % (declared, wanted))
        base = os.path.splitext(os.path.basename(path))[0]
        if by_path and declared.split(".")[-1] != base:
            self.warn(pos, "'%s' is declared in a file named '%s'" % (declared, os.path.basename(path)))

    # -- IDL
    def load_package(self, qname, pos=None):
        if qname in self.packages:
            return self.packages[qname]
        path = self.find(qname, "idl", pos)
        return self._load_package(path, qname, pos)

    def _load_package(self, path, qname, pos):
        text = self.read(path, pos)
        pkg = parse_idl(text, path, self.warn)
        self.check_name(pkg.name, qname, pkg.pos, path, qname is None)
        if pkg.name in self.packages:
            old = self.packages[pkg.name]
            if os.path.abspath(old.file) != os.path.abspath(path):
                raise NkError(pkg.pos, "package '%s' is already loaded from %s" % (pkg.name, old.file))
            return old
        self.enter("idl", pkg.name, pos)
        try:
            seen = set()
            for iname, ipos in pkg.import_names:
                if iname in seen:
                    self.warn(ipos, "'%s' is imported twice" % iname)
                    continue
                seen.add(iname)
                if iname == pkg.name:
                    raise NkError(ipos, "package '%s' imports itself" % iname)
                pkg.imports.append(self.load_package(iname, ipos))
            Resolver(pkg, self, self.warn).run()
        finally:
            self.leave()
        self.packages[pkg.name] = pkg
        return pkg

    def load_interface(self, qname, pos=None):
        pkg = self.load_package(qname, pos)
        return self.interface_of(pkg, pos)

    def interface_of(self, pkg, pos=None):
        if pkg.interface is None:
            raise NkError(pos or pkg.pos, "package '%s' declares no interface" % pkg.name)
        return pkg.interface

    # -- EDL / CDL
    def load_component(self, qname, pos=None):
        if qname in self.components:
            return self.components[qname]
        path = self.find(qname, "cdl", pos)
        return self._load_edl(path, "cdl", qname, pos)

    def load_class(self, qname, pos=None):
        if qname in self.classes:
            return self.classes[qname]
        path = self.find(qname, "edl", pos)
        return self._load_edl(path, "edl", qname, pos)

    def _load_edl(self, path, ext, qname, pos):
        obj = parse_edl(self.read(path, pos), path, ext, self.warn)
        self.check_name(obj.name, qname, obj.pos, path, qname is None)
        cache = self.classes if ext == "edl" else self.components
        if obj.name in cache:
            return cache[obj.name]
        self.enter(ext, obj.name, pos)
        try:
            self.resolve_component(obj)
        finally:
            self.leave()
        cache[obj.name] = obj
        return obj

    def resolve_component(self, c):
        for e in c.endpoint_decls:
            e.interface = self.load_interface(e.iface_name, e.pos)
        for inst in c.instances:
            if ("cdl", inst.comp_name) in self.active:
                self.enter("cdl", inst.comp_name, inst.pos)
            inst.component = self.load_component(inst.comp_name, inst.pos)
        if c.security_name:
            c.security = self.load_interface(c.security_name, c.security_pos)
            self.check_security(c)
        flat = [(e.name, e.interface, e.pos) for e in c.endpoint_decls]
        for inst in c.instances:
            for sub in inst.component.endpoints:
                flat.append((inst.name + "." + sub.path, sub.interface, sub.pos))
        if len(flat) > RIID_MAX + 1:
            raise NkError(c.pos, "%s '%s' has %d endpoints: a RIID is 16 bits (at most %d)"
                          % (c.kind, c.name, len(flat), RIID_MAX + 1))
        c.endpoints = [Endpoint(p, i, iface, pos) for i, (p, iface, pos) in enumerate(flat)]

    def check_security(self, c):
        """A security interface is asked of the security module, which only
        grants or denies: out/error parameters stay empty and handles are not
        transferred to it (warnings: the file is still valid EDL)."""
        if c.kind != "class":
            self.warn(c.security_pos, "the security interface of component '%s' is not used: "
                      "only a class's own (EDL) security interface can be called" % c.name)
            return
        for m in c.security.methods:
            for p in m.out_params:
                self.warn(p.pos, "security method '%s' of %s: '%s' parameters are never filled "
                          "(the security module answers only grant or deny)"
                          % (m.name, c.name, p.direction))
            if m.request.max_handles:
                self.warn(m.pos, "security method '%s' of %s carries handles: a security call "
                          "cannot transfer them (rcInvalidArgument)" % (m.name, c.name))

    # -- any file by path
    def load_file(self, path):
        """Load an .idl/.edl/.cdl file given by path; returns Package, TaskClass
        or Component. Its dependencies are still found through the include path."""
        ext = os.path.splitext(path)[1][1:]
        if ext == "idl":
            return self._load_package(path, None, None)
        if ext in ("edl", "cdl"):
            return self._load_edl(path, ext, None, None)
        raise NkError(Pos(path), "unknown file type '.%s' (expected .idl, .edl or .cdl)" % ext)


def load_class(qualified_name, include_dirs, on_warning=print_warning):
    """The EDL class `qualified_name` with its endpoints resolved (RIID order)."""
    return Loader(include_dirs, on_warning).load_class(qualified_name)


def load_interface(qualified_name, include_dirs, on_warning=print_warning):
    """The interface declared in the IDL package `qualified_name`."""
    return Loader(include_dirs, on_warning).load_interface(qualified_name)


def load_component(qualified_name, include_dirs, on_warning=print_warning):
    return Loader(include_dirs, on_warning).load_component(qualified_name)
