"""Compile a KasperskyOS init description (init.yaml or init.yaml.in) into the
C table Einit runs (userland/einit/einit_table.h). docs/INIT.md describes it.

usage: python3 -m tools.einit [-I DIR]... [-D NAME=VALUE]... [--programs a,b,...]
                              [-o out.c] [--json | --list-classes | --list-programs | --list-tasks]
                              init.yaml[.in]
"""
import argparse
import json
import pathlib
import sys

from tools import cli, template
from tools.einit.compiler import InitError, compile_file, emit, to_json


def main(argv=None):
    ap = argparse.ArgumentParser(prog="python3 -m tools.einit",
                                 description="init.yaml -> Einit's task and channel table")
    ap.add_argument("input")
    ap.add_argument("-o", "--output")
    ap.add_argument("-I", dest="include", action="append", default=[], metavar="DIR",
                    help="where `include:` headers are looked up")
    template.add_arguments(ap)
    ap.add_argument("--programs", help="comma-separated programs of the boot image")
    ap.add_argument("--list-programs", action="store_true", help="print the programs the solution runs")
    ap.add_argument("--list-classes", action="store_true", help="print the classes (EDL names) it uses")
    ap.add_argument("--list-tasks", action="store_true", help="print the task names")
    ap.add_argument("--json", action="store_true",
                    help="write the solution as JSON (tasks, classes, programs, channels) instead of C")
    args = ap.parse_args(argv)
    return cli.guarded(args.input, lambda: run(args))


def run(args):
    try:
        defines = template.defines_from(args.defines, args.vars)
    except template.TemplateError as e:
        print(str(e), file=sys.stderr)
        return 1
    except OSError as e:
        print("%s: error: %s" % (e.filename, e.strerror), file=sys.stderr)
        return 1
    programs = set(p for p in args.programs.split(",") if p) if args.programs is not None else None

    def warn(msg):
        print(msg, file=sys.stderr)
    try:
        tasks, conns = compile_file(args.input, args.include, defines, programs, warn)
    except InitError as e:
        print(str(e), file=sys.stderr)
        return 1
    if args.list_programs or args.list_classes or args.list_tasks:
        key = "program" if args.list_programs else "cls" if args.list_classes else "task"
        print(" ".join(sorted({t[key] for t in tasks})))
        return 0
    if args.json:
        text = json.dumps(to_json(tasks, conns), indent=2) + "\n"
    else:
        text = emit(tasks, conns, pathlib.Path(args.input).name)
    return cli.write_output(text, args.output)


if __name__ == "__main__":
    sys.exit(main())
