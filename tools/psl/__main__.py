"""Command line of the PSL compiler (docs/POLICY.md)."""
import argparse
import sys

from tools import cli, template
from tools.psl.cgen import generate
from tools.psl.compiler import permissive_tables
from tools.psl.errors import PslError
from tools.psl import lint, pal_run
from tools.psl.pal import build_tests


def main(argv=None):
    ap = argparse.ArgumentParser(prog="python3 -m tools.psl",
                                 description="PSL policy -> security module tables (C)")
    ap.add_argument("input", nargs="?", help="security.psl or security.psl.in")
    ap.add_argument("-o", "--output", help="C file to write (default: stdout)")
    ap.add_argument("-I", dest="include", action="append", default=[], metavar="DIR",
                    help="where EDL/CDL/IDL files and `use <pkg>._` PSL files are found")
    template.add_arguments(ap)
    ap.add_argument("--nonsecurity", action="store_true",
                    help="no policy: tables that grant every event (logged at boot)")
    ap.add_argument("--list-classes", action="store_true", help="print the classes the policy knows")
    ap.add_argument("-Werror", dest="werror", action="store_true", help="warnings are errors")
    ap.add_argument("--test", action="store_true",
                    help="run the policy's PAL tests (assert blocks) on the host engine")
    ap.add_argument("--coverage", action="store_true",
                    help="run the PAL tests and report how often each binding and rule decided")
    ap.add_argument("--console", metavar="LOG",
                    help="with --coverage: merge the counters a coverage kernel dumped on this console log")
    ap.add_argument("--counters", action="store_true",
                    help="coverage build: count each rule's grants and denials in the kernel "
                         "(dumped at power-off; docs/POLICY.md \"Coverage\")")
    ap.add_argument("--lint", action="store_true",
                    help="warn about bindings that never match, over-wide grants, shadowed rules")
    ap.add_argument("--init", metavar="INIT_YAML",
                    help="the solution's init.yaml: --lint checks execute grants against it")
    args = ap.parse_args(argv)
    if args.nonsecurity == bool(args.input):
        ap.error("give a policy file or --nonsecurity")
    return cli.guarded(args.input or "<nonsecurity>", lambda: run(args))


def run(args):
    try:
        defines = template.defines_from(args.defines, args.vars)
    except template.TemplateError as e:
        print(str(e), file=sys.stderr)
        return 1
    except OSError as e:
        print("%s: error: %s" % (e.filename, e.strerror), file=sys.stderr)
        return 1
    if args.test or args.coverage:
        return pal_run.run(args.input, args.include, defines, out=sys.stdout, err=sys.stderr,
                           coverage=args.coverage, console_log=args.console)
    try:
        if args.nonsecurity:
            tables = permissive_tables()
        else:
            # the PAL tests are checked too (names, values): a broken test is a build error
            comp, items, tables = pal_run.load(args.input, args.include, defines,
                                               counters=args.counters)
            build_tests(comp, items)
            if args.lint:
                for w in lint.lint(comp, items, args.init, defines):
                    print(w, file=sys.stderr)
                    tables.warnings.append(w)
    except PslError as e:
        print(str(e), file=sys.stderr)
        return 1
    if args.lint and not args.output and not args.list_classes:
        if args.werror and tables.warnings:
            print("%s: error: lint warnings treated as errors" % args.input, file=sys.stderr)
            return 1
        return 0
    if args.werror and tables.warnings:
        print("%s: error: warnings treated as errors" % args.input, file=sys.stderr)
        return 1
    if args.list_classes:
        print(" ".join(c.name for c in tables.classes))
        return 0
    text = generate(tables)
    return cli.write_output(text, args.output)


if __name__ == "__main__":
    sys.exit(main())
