"""Command line of the PSL compiler (docs/POLICY.md)."""
import argparse
import pathlib
import sys

from tools import cli, template
from tools.psl.cgen import generate
from tools.psl.compiler import compile_policy, permissive_tables
from tools.psl.errors import PslError


def main(argv=None):
    ap = argparse.ArgumentParser(prog="python3 -m tools.psl",
                                 description="PSL policy -> security module tables (C)")
    ap.add_argument("input", nargs="?", help="security.psl or security.psl.in")
    ap.add_argument("-o", "--output", help="C file to write (default: stdout)")
    ap.add_argument("-I", dest="include", action="append", default=[], metavar="DIR",
                    help="where EDL/CDL/IDL files and `use <pkg>._` PSL files are found")
    ap.add_argument("-D", dest="defines", action="append", default=[], metavar="NAME=VALUE",
                    help="template variable (.psl.in)")
    ap.add_argument("--nonsecurity", action="store_true",
                    help="no policy: tables that grant every event (logged at boot)")
    ap.add_argument("--list-classes", action="store_true", help="print the classes the policy knows")
    ap.add_argument("-Werror", dest="werror", action="store_true", help="warnings are errors")
    args = ap.parse_args(argv)
    if args.nonsecurity == bool(args.input):
        ap.error("give a policy file or --nonsecurity")
    return cli.guarded(args.input or "<nonsecurity>", lambda: run(args))


def run(args):
    try:
        if args.nonsecurity:
            tables = permissive_tables()
        else:
            tables = compile_policy(args.input, args.include, template.parse_defines(args.defines))
    except PslError as e:
        print(str(e), file=sys.stderr)
        return 1
    if args.werror and tables.warnings:
        print("%s: error: warnings treated as errors" % args.input, file=sys.stderr)
        return 1
    if args.list_classes:
        print(" ".join(c.name for c in tables.classes))
        return 0
    text = generate(tables)
    if args.output:
        out = pathlib.Path(args.output)
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(text)
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
