"""Command line of the NK compiler (docs/IDL.md):

    python3 -m tools.nk [-I DIR]... [--out DIR] [--dump] [-M DEPFILE] INPUT...

INPUT is a file (x.idl, x.edl, x.cdl) or a qualified name (demo.Server,
looked up as .edl, then .cdl, then .idl in the include path). Without --out
the inputs are only checked.
"""

import argparse
import os
import sys

if __package__ in (None, ""):      # run as a script: import the package from the repo root
    _here = os.path.dirname(os.path.abspath(__file__))
    sys.path[:] = [p for p in sys.path if os.path.abspath(p or ".") != _here]
    sys.path.insert(0, os.path.dirname(os.path.dirname(_here)))

from tools.cli import guarded  # noqa: E402
from tools.nk.errors import NkError, Pos  # noqa: E402
from tools.nk.model import Loader, valid_qname  # noqa: E402
from tools.nk.objects import Component, Package, TaskClass  # noqa: E402


def load_input(loader, arg):
    ext = os.path.splitext(arg)[1]
    if ext in (".idl", ".edl", ".cdl") or os.sep in arg:
        if not os.path.isfile(arg):
            raise NkError(Pos(arg), "no such file")
        return loader.load_file(arg)
    if not valid_qname(arg):
        raise NkError(Pos(arg), "not a file name nor a qualified name")
    for kind, fn in (("edl", loader.load_class), ("cdl", loader.load_component),
                     ("idl", loader.load_package)):
        try:
            loader.find(arg, kind)
        except NkError:
            continue
        return fn(arg)
    raise NkError(Pos(arg), "cannot find '%s' (.edl, .cdl or .idl) in the include path (%s)"
                  % (arg, ", ".join(loader.dirs)))


def dump(obj, out):
    def lay(name, layout, ind):
        out.write("%s%s: size %d, arena_max %d, max_handles %d\n"
                  % (ind, name, layout.size, layout.arena_max, layout.max_handles))
        for f in layout.fields:
            out.write("%s    %r\n" % (ind, f))

    def iface(i, ind):
        for m in i.methods:
            out.write("%s%s mid %d (%s)\n" % (ind, m.name, m.mid,
                                             ", ".join("%s %s %s" % (p.direction, p.type_name, p.name)
                                                       for p in m.params)))
            lay("request", m.request, ind + "    ")
            lay("response", m.response, ind + "    ")

    if isinstance(obj, Package):
        out.write("package %s (%s)\n" % (obj.name, obj.file))
        if obj.interface:
            iface(obj.interface, "    ")
        return
    kind = "class" if isinstance(obj, TaskClass) else "component"
    out.write("%s %s (%s)\n" % (kind, obj.name, obj.file))
    if obj.security:
        out.write("    security %s\n" % obj.security.name)
    for e in obj.endpoints:
        out.write("    endpoint %s riid %d: %s\n" % (e.path, e.riid, e.interface.name))
        iface(e.interface, "        ")


def main(argv=None):
    ap = argparse.ArgumentParser(
        prog="python3 -m tools.nk",
        description="Check EDL/CDL/IDL files and generate C headers (docs/IDL.md).")
    ap.add_argument("inputs", nargs="+", metavar="INPUT",
                    help="x.idl / x.edl / x.cdl, or a qualified name such as demo.Server")
    ap.add_argument("-I", dest="include", action="append", default=[], metavar="DIR",
                    help="include directory, searched in order (tools/sysroot is always last)")
    ap.add_argument("--out", "-o", metavar="DIR", help="write generated headers under DIR")
    ap.add_argument("--dump", action="store_true", help="print endpoints, methods and layouts")
    ap.add_argument("-M", dest="depfile", metavar="FILE",
                    help="write a make dependency file (needs --out)")
    ap.add_argument("-Werror", dest="werror", action="store_true", help="treat warnings as errors")
    args = ap.parse_args(argv)
    return guarded(args.inputs[0], lambda: run(args))


def run(args):
    loader = Loader(args.include)
    try:
        objs = [load_input(loader, a) for a in args.inputs]
        if args.werror and loader.warnings:
            print("nk: warnings treated as errors", file=sys.stderr)
            return 1
        if args.dump:
            for o in objs:
                dump(o, sys.stdout)
        if args.out:
            from tools.nk.cgen import generate
            pkgs = [o for o in objs if isinstance(o, Package)]
            classes = [o for o in objs if isinstance(o, TaskClass)]
            for o in objs:
                if isinstance(o, Component) and not isinstance(o, TaskClass):
                    pkgs += [e.interface.package for e in o.endpoints]
            written = generate(pkgs, classes, args.out)
            if args.depfile:
                deps = sorted({o.file for o in list(loader.packages.values()) +
                               list(loader.classes.values()) + list(loader.components.values())})
                with open(args.depfile, "w") as f:
                    f.write("%s: %s\n" % (" ".join(written), " ".join(deps)))
                    for d in deps:
                        f.write("%s:\n" % d)
    except NkError as e:
        print(str(e), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
