"""The resolved model of EDL, CDL and IDL files (what tools consume).

Plain data; built by idl.py/edl.py through model.Loader. No parsing here.
"""


class Const:
    def __init__(self, package, name, pos, texpr, expr):
        self.package = package
        self.name = name
        self.pos = pos
        self.texpr = texpr
        self.expr = expr
        self.type = None      # IntType
        self.value = None     # Python int
        self.state = 0

    @property
    def qname(self):
        return "%s.%s" % (self.package.name, self.name)


class Typedef:
    def __init__(self, package, name, pos, texpr):
        self.package = package
        self.name = name
        self.pos = pos
        self.texpr = texpr
        self.type = None      # the resolved Type (never another Typedef)
        self.state = 0

    @property
    def qname(self):
        return "%s.%s" % (self.package.name, self.name)


class Package:
    """One IDL file: package name, imports, declarations, optional interface."""

    def __init__(self, name, file, pos):
        self.name = name
        self.file = file
        self.pos = pos
        self.import_names = []    # [(qname, pos)]
        self.imports = []         # resolved Packages, same order
        self.decls = {}           # name -> Const | Typedef | StructType
        self.order = []           # declarations in file order
        self.interface = None     # Interface or None

    @property
    def cprefix(self):
        return self.name.replace(".", "_")


class Param:
    """A method parameter: .direction ('in'/'out'/'error'), .name, .type
    (resolved Type), .type_name (as written), .pos."""

    def __init__(self, direction, name, texpr, pos, type_name):
        self.direction = direction
        self.name = name
        self.texpr = texpr
        self.pos = pos
        self.type_name = type_name
        self.type = None

    def __repr__(self):
        return "Param(%s %s %s)" % (self.direction, self.type_name, self.name)


class Method:
    """.name, .mid, .params, .request / .response (types.Layout), .pos."""

    def __init__(self, name, pos, params):
        self.name = name
        self.pos = pos
        self.params = params
        self.mid = None
        self.request = None
        self.response = None
        self.interface = None

    @property
    def in_params(self):
        return [p for p in self.params if p.direction == "in"]

    @property
    def out_params(self):
        """Response parameters in layout order: out, then error."""
        return ([p for p in self.params if p.direction == "out"] +
                [p for p in self.params if p.direction == "error"])

    def __repr__(self):
        return "Method(%s, mid=%s)" % (self.name, self.mid)


class Interface:
    """.name ("demo.IStore"), .methods (MID order), .package, .file, .pos."""

    def __init__(self, package, pos, methods):
        self.package = package
        self.name = package.name
        self.file = package.file
        self.pos = pos
        self.methods = methods
        for i, m in enumerate(methods):
            m.mid = i
            m.interface = self

    def method(self, name):
        for m in self.methods:
            if m.name == name:
                return m
        return None

    @property
    def cprefix(self):
        return self.package.cprefix

    def __repr__(self):
        return "Interface(%s)" % self.name


class EndpointDecl:
    """`name : pkg.Interface` inside an EDL or CDL."""

    def __init__(self, name, iface_name, pos):
        self.name = name
        self.iface_name = iface_name
        self.pos = pos
        self.interface = None


class Instance:
    """`name : pkg.Component` inside an EDL or CDL."""

    def __init__(self, name, comp_name, pos):
        self.name = name
        self.comp_name = comp_name
        self.pos = pos
        self.component = None


class Component:
    """A CDL component (also the base of TaskClass): its own endpoints and
    component instances, in declaration order, and an optional security
    interface."""

    kind = "component"

    def __init__(self, name, file, pos):
        self.name = name
        self.file = file
        self.pos = pos
        self.endpoint_decls = []
        self.instances = []
        self.security_name = None
        self.security_pos = None
        self.security = None
        self.endpoints = []     # flattened Endpoints, relative paths, RIID order

    @property
    def cprefix(self):
        return self.name.replace(".", "_")

    def __repr__(self):
        return "%s(%s)" % (type(self).__name__, self.name)


class TaskClass(Component):
    """An EDL process class. .endpoints: list of Endpoint in RIID order."""

    kind = "class"

    def endpoint(self, path):
        for e in self.endpoints:
            if e.path == path:
                return e
        return None


class Endpoint:
    """.path ("main.store" or "ctl"), .riid, .interface, .pos (declaration)."""

    def __init__(self, path, riid, interface, pos):
        self.path = path
        self.riid = riid
        self.interface = interface
        self.pos = pos

    @property
    def cname(self):
        return self.path.replace(".", "_")

    def __repr__(self):
        return "Endpoint(%s, riid=%d, %s)" % (self.path, self.riid, self.interface.name)
