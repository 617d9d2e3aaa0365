"""Compile a KasperskyOS init description (init.yaml or init.yaml.in) into the
C table Einit runs (userland/einit/einit_table.h).

usage: python3 -m tools.einit [-I DIR]... [-D NAME=VALUE]... --programs a,b,... -o out.c init.yaml

Keys (KasperskyOS): entities: [ {name, task, path, connections: [{target, id}], args, env} ].
`id` is a string or {var: MACRO, include: header.h}; the macro is looked up as
`#define MACRO "value"` in header.h under the -I directories. Unknown keys are
warnings; every error names the file and line and stops with status 1.
"""
import argparse
import pathlib
import re
import sys

import yaml

KNOWN_ENTITY_KEYS = {"name", "task", "path", "connections", "args", "env"}


class InitError(Exception):
    pass


def where(path, node):
    return f"{path}:{node.start_mark.line + 1}:{node.start_mark.column + 1}"


def expand_template(text, defines, path):
    """@NAME@ markers from -D (unknown ones expand to nothing, with a warning);
    lines holding only @INIT_...@ markers (SDK hooks) disappear."""
    out = []
    for line in text.splitlines(keepends=True):
        if re.fullmatch(r"\s*@INIT_[A-Za-z0-9_]*\+?@\s*", line):
            continue

        def sub(m):
            name = m.group(1)
            if name not in defines:
                print(f"{path}: warning: @{name}@ is not defined (-D {name}=...): expands to nothing",
                      file=sys.stderr)
            return defines.get(name, "")
        out.append(re.sub(r"@([A-Za-z_][A-Za-z0-9_]*)@", sub, line))
    return "".join(out)


def scalar(path, node, what):
    if not isinstance(node, yaml.ScalarNode) or node.value == "":
        raise InitError(f"{where(path, node)}: error: {what} must be a non-empty string")
    return node.value


def mapping(path, node, what):
    if not isinstance(node, yaml.MappingNode):
        raise InitError(f"{where(path, node)}: error: {what} must be a mapping")
    return [(scalar(path, k, "a key"), k, v) for k, v in node.value]


def sequence(path, node, what):
    if isinstance(node, yaml.ScalarNode) and node.tag == "tag:yaml.org,2002:null":
        return []
    if not isinstance(node, yaml.SequenceNode):
        raise InitError(f"{where(path, node)}: error: {what} must be a list")
    return node.value


def resolve_macro(path, node, var, header, include_dirs):
    for d in include_dirs:
        f = pathlib.Path(d) / header
        if f.is_file():
            m = re.search(rf'^\s*#\s*define\s+{re.escape(var)}\s+"([^"]*)"', f.read_text(), re.M)
            if m:
                return m.group(1)
            raise InitError(f"{where(path, node)}: error: {header} does not define {var} as a string")
    raise InitError(f"{where(path, node)}: error: include file {header} not found "
                    f"(searched: {', '.join(map(str, include_dirs)) or 'no -I'})")


def channel_id(path, node, include_dirs):
    if isinstance(node, yaml.ScalarNode):
        return scalar(path, node, "id")
    keys = dict((k, v) for k, _, v in mapping(path, node, "id"))
    if set(keys) != {"var", "include"}:
        raise InitError(f"{where(path, node)}: error: id must be a string or {{var: MACRO, include: header.h}}")
    return resolve_macro(path, node, scalar(path, keys["var"], "var"),
                         scalar(path, keys["include"], "include"), include_dirs)


def parse(path, text, include_dirs, programs):
    root = yaml.compose(text)
    if root is None:
        raise InitError(f"{path}: error: empty init description (it needs `entities:`)")
    top = mapping(path, root, "the init description")
    ents = None
    for key, knode, v in top:
        if key == "entities":
            ents = v
        else:
            print(f"{where(path, knode)}: warning: unknown key `{key}` ignored", file=sys.stderr)
    if ents is None:
        raise InitError(f"{path}: error: no `entities:` list")
    tasks, conns = [], []
    for item in sequence(path, ents, "entities"):
        fields = {}
        for key, knode, v in mapping(path, item, "an entity"):
            if key not in KNOWN_ENTITY_KEYS:
                print(f"{where(path, knode)}: warning: unknown key `{key}` ignored", file=sys.stderr)
            fields[key] = v
        if "name" not in fields:
            raise InitError(f"{where(path, item)}: error: entity without `name`")
        cls = scalar(path, fields["name"], "name")
        task = scalar(path, fields["task"], "task") if "task" in fields else cls
        prog = scalar(path, fields["path"], "path") if "path" in fields else cls.split(".")[-1]
        if programs is not None and prog not in programs:
            raise InitError(f"{where(path, fields.get('path', item))}: error: no program `{prog}` "
                            f"in the boot image (programs: {', '.join(sorted(programs))})")
        if any(t["task"] == task for t in tasks):
            raise InitError(f"{where(path, item)}: error: duplicate task name `{task}`")
        args = [scalar(path, a, "an argument") for a in sequence(path, fields["args"], "args")] \
            if "args" in fields else []
        env = [f"{k}={scalar(path, v, 'an env value')}" for k, _, v in mapping(path, fields["env"], "env")] \
            if "env" in fields else []
        for c in (sequence(path, fields["connections"], "connections") if "connections" in fields else []):
            cf = dict((k, v) for k, _, v in mapping(path, c, "a connection"))
            if "target" not in cf or "id" not in cf:
                raise InitError(f"{where(path, c)}: error: a connection needs `target` and `id`")
            conns.append((task, scalar(path, cf["target"], "target"), channel_id(path, cf["id"], include_dirs),
                          where(path, cf["target"])))
        tasks.append({"task": task, "cls": cls, "program": prog, "args": args, "env": env})
    names = [t["task"] for t in tasks]
    for client, target, chan, loc in conns:
        if target not in names:
            raise InitError(f"{loc}: error: connection target `{target}` is not a task of this solution")
    return tasks, [(names.index(c), names.index(t), chan) for c, t, chan, _ in conns]


def c_str(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def emit(tasks, conns):
    servers = {s for _, s, _ in conns}
    out = ["/* Generated by tools/einit from init.yaml: do not edit. */",
           '#include "einit_table.h"', ""]
    for i, t in enumerate(tasks):
        argv = [t["task"]] + t["args"]
        out.append(f"static const char *const argv_{i}[] = {{ {', '.join(map(c_str, argv))} }};")
        out.append(f"static const char *const envp_{i}[] = {{ {', '.join(map(c_str, t['env'])) or '0'} }};")
    out.append("")
    out.append("static const struct einit_task tasks[] = {")
    for i, t in enumerate(tasks):
        out.append(f"    {{ {c_str(t['task'])}, {c_str(t['cls'])}, {c_str(t['program'])}, argv_{i}, "
                   f"{1 + len(t['args'])}, envp_{i}, {len(t['env'])}, {int(i in servers)} }},")
    out.append("};")
    out.append("")
    out.append("static const struct einit_connection connections[] = {")
    for c, s, chan in conns:
        out.append(f"    {{ {c}, {s}, {c_str(chan)} }},")
    if not conns:
        out.append("    { 0, 0, 0 },")
    out.append("};")
    out.append("")
    out.append("const struct einit_table einit_table = {")
    out.append(f"    tasks, {len(tasks)}, connections, {len(conns)},")
    out.append("};")
    return "\n".join(out) + "\n"


def main(argv=None):
    ap = argparse.ArgumentParser(prog="python3 -m tools.einit", description=__doc__.splitlines()[0])
    ap.add_argument("input")
    ap.add_argument("-o", "--output")
    ap.add_argument("-I", dest="include", action="append", default=[])
    ap.add_argument("-D", dest="defines", action="append", default=[])
    ap.add_argument("--programs", help="comma-separated programs of the boot image")
    ap.add_argument("--list-programs", action="store_true", help="print the programs the solution runs")
    ap.add_argument("--list-classes", action="store_true", help="print the classes (EDL names) it uses")
    args = ap.parse_args(argv)
    path = args.input
    defines = dict(d.split("=", 1) if "=" in d else (d, "") for d in args.defines)
    programs = set(args.programs.split(",")) if args.programs else None
    try:
        text = pathlib.Path(path).read_text()
        if path.endswith(".in"):
            text = expand_template(text, defines, path)
        tasks, conns = parse(path, text, args.include, programs)
    except (OSError, InitError) as e:
        print(f"{e}" if isinstance(e, InitError) else f"{path}: error: {e.strerror}", file=sys.stderr)
        return 1
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        loc = f"{path}:{mark.line + 1}:{mark.column + 1}" if mark else path
        print(f"{loc}: error: YAML syntax: {getattr(e, 'problem', e)}", file=sys.stderr)
        return 1
    if args.list_programs or args.list_classes:
        print(" ".join(sorted({t["program" if args.list_programs else "cls"] for t in tasks})))
        return 0
    text = emit(tasks, conns)
    if args.output:
        pathlib.Path(args.output).parent.mkdir(parents=True, exist_ok=True)
        pathlib.Path(args.output).write_text(text)
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
