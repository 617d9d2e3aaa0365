"""init.yaml (KasperskyOS init description) -> the C table Einit runs.

Keys (KasperskyOS): `entities:` (a list, may be empty); per item `name` (the
class, an EDL name), `task` (instance name, default `name`), `path` (program,
default the last dotted part of `name`), `connections:` (list of
{target: <server task>, id: <channel> | {var: MACRO, include: header.h}}),
`args:` (list of strings), `env:` (map of strings). Extensions: `priority:`
(0..THREAD_PRIORITY_MAX, default THREAD_PRIORITY_DEFAULT), `memory_limit:` (bytes the
task's memory may hold, e.g. `64M`; default: the kernel's, half of RAM). Unknown keys are
warnings; every error names the file and the line of the template the value came from.
Names and arguments are checked against the kernel's limits (tools/limits.py, docs/INIT.md).
"""
import pathlib
import re

import yaml

from tools import cli, limits, template
from tools.einit import sdk

# libyaml when there (linear and fast on big inputs), the same rules without it.
LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
KNOWN_ENTITY_KEYS = {"name", "task", "path", "connections", "args", "env", "priority",
                     "memory_limit"}
KNOWN_CONNECTION_KEYS = {"target", "id"}
SYSCALL_H = "kernel/uapi/syscall.h"
PRIORITY_DEFAULT = limits.header(SYSCALL_H, "THREAD_PRIORITY_DEFAULT")
PRIORITY_MAX = limits.header(SYSCALL_H, "THREAD_PRIORITY_MAX")
PAGE_SIZE = 4096
MEMORY_LIMIT_MAX = 1 << 48  # far above any RAM, far below UInt64 (Task.Create memPages)
# The SDK's system programs under their class names (tools/einit/sdk.py): an entity
# of such a class without `path:`, or with the SDK's program name (`path: VfsNet`),
# runs the program that answers to it here.
SDK_PROGRAMS = sdk.PROGRAMS
MEMORY_UNITS = {"": 1, "k": 1 << 10, "K": 1 << 10, "m": 1 << 20, "M": 1 << 20,
                "g": 1 << 30, "G": 1 << 30}


def memory_limit(src, node):
    """`memory_limit: 64M` -> pages (whole 4 KiB pages, at least one)."""
    m = re.fullmatch(r"([0-9]{1,16})([kKmMgG]?)", node.value) if isinstance(node, yaml.ScalarNode) else None
    size = int(m.group(1)) * MEMORY_UNITS[m.group(2)] if m else 0
    if not m or size == 0 or size % PAGE_SIZE or size > MEMORY_LIMIT_MAX:
        raise src.error(node, "memory_limit must be a size in bytes, a multiple of 4096 from 4096 "
                              "to 2^48, with an optional k, M or G (e.g. 64M)")
    return size // PAGE_SIZE


class InitError(Exception):
    pass


class Source:
    """The input file and the map from expanded lines back to template lines."""

    def __init__(self, path, line_map=None, warn=None):
        self.path = path
        self.line_map = line_map
        self.warnings = []
        self._warn = warn

    def line(self, mark_line):              # 0-based expanded line -> 1-based template line
        if self.line_map and 0 <= mark_line < len(self.line_map):
            return self.line_map[mark_line]
        return mark_line + 1

    def where(self, node):
        return f"{self.path}:{self.line(node.start_mark.line)}:{node.start_mark.column + 1}"

    def error(self, node, msg):
        loc = self.where(node) if node is not None else self.path
        return InitError(f"{loc}: error: {msg}")

    def warn(self, node, msg):
        text = f"{self.where(node)}: warning: {msg}"
        self.warnings.append(text)
        if self._warn:
            self._warn(text)


def is_null(node):
    return isinstance(node, yaml.ScalarNode) and node.tag == "tag:yaml.org,2002:null"


def scalar(src, node, what):
    if not isinstance(node, yaml.ScalarNode) or is_null(node) or node.value == "":
        raise src.error(node, f"{what} must be a non-empty string")
    return node.value


def mapping(src, node, what):
    if not isinstance(node, yaml.MappingNode):
        raise src.error(node, f"{what} must be a mapping")
    return [(scalar(src, k, "a key"), k, v) for k, v in node.value]


def sequence(src, node, what):
    if is_null(node):
        return []
    if not isinstance(node, yaml.SequenceNode):
        raise src.error(node, f"{what} must be a list")
    return node.value


def check_name(src, node, value, what, size, limit_name, charset="kernel"):
    problem = limits.name_problem(value, size, what, limit_name, charset)
    if problem:
        raise src.error(node, problem)


def check_strings(src, node, strings, what):
    """argv or env as Task.Create carries them: at most TASK_MAX_ARGS strings, no NUL
    inside one, all of them (each with its NUL) within kl.core.Task ArgsMax bytes."""
    count_max = limits.header(SYSCALL_H, "TASK_MAX_ARGS")
    bytes_max = limits.idl_const("kl.core.Task", "ArgsMax")
    if len(strings) > count_max:
        raise src.error(node, "%d %s strings, more than TASK_MAX_ARGS (%d)" % (len(strings), what, count_max))
    for s in strings:
        if "\0" in s:
            raise src.error(node, "%s string `%s` contains a NUL byte" % (what, limits.shown(s)))
    total = sum(len(s.encode("utf-8", "surrogateescape")) + 1 for s in strings)
    if total > bytes_max:
        raise src.error(node, "%s strings take %d bytes, more than kl.core.Task ArgsMax (%d)"
                        % (what, total, bytes_max))


def check_depth(src, text):
    """Refuses nesting deeper than limits.NESTING_MAX before the composer (which
    recurses) sees it; the event parser does not recurse."""
    depth = 0
    for ev in yaml.parse(text, Loader=LOADER):
        if isinstance(ev, yaml.CollectionStartEvent):
            depth += 1
            if depth > limits.NESTING_MAX:
                raise src.error(ev, "nesting deeper than %d levels" % limits.NESTING_MAX)
        elif isinstance(ev, yaml.CollectionEndEvent):
            depth -= 1


_DEFINE = re.compile(r"^[ \t]*#[ \t]*define[ \t]+([A-Za-z_][A-Za-z0-9_]*)(?![(A-Za-z0-9_])(.*)$", re.M)
_VALUE_TOKEN = re.compile(r'\s*(?:"((?:[^"\\\n]|\\.)*)"|([A-Za-z_][A-Za-z0-9_]*)|(\S+?)(?=\s|"|$))')


def header_defines(text):
    """Object-like macros of a header: {name: replacement text}. Comments are
    dropped and backslash-newlines joined first."""
    text = re.sub(r"/\*.*?\*/", " ", text, flags=re.S)
    text = re.sub(r"//[^\n]*", "", text)
    text = text.replace("\\\n", " ")
    return {m.group(1): m.group(2).strip() for m in _DEFINE.finditer(text)}


def macro_value(defines, name, seen=()):
    """The channel name a macro stands for: its string literal(s), adjacent ones
    joined; a macro naming another macro of the header is followed; any other
    replacement (`42`, `demo.Vfs`) is taken as written. None: not a usable name."""
    if name in seen or name not in defines:
        return None
    text = defines[name]
    parts, pos = [], 0
    while pos < len(text):
        m = _VALUE_TOKEN.match(text, pos)
        if not m or m.end() == pos:
            break
        pos = m.end()
        if m.group(1) is not None:
            parts.append(("str", re.sub(r"\\(.)", r"\1", m.group(1))))
        elif m.group(2) is not None:
            parts.append(("name", m.group(2)))
        elif m.group(3):
            parts.append(("other", m.group(3)))
    if parts and all(k == "str" for k, _ in parts):
        return "".join(v for _, v in parts)
    if len(parts) == 1 and parts[0][0] == "name" and parts[0][1] in defines:
        return macro_value(defines, parts[0][1], seen + (name,))
    text = text.strip()
    return text or None


def resolve_macro(src, node, var, header, include_dirs):
    for d in include_dirs:
        f = pathlib.Path(d) / header
        if f.is_file():
            defines = header_defines(f.read_text(encoding="utf-8", errors="replace"))
            if var not in defines:
                raise src.error(node, f"unknown macro {var}: {f} does not define it")
            value = macro_value(defines, var)
            if value is None:
                raise src.error(node, f"macro {var} in {f} is empty or circular: not a channel name")
            return value
    raise src.error(node, f"include file {header} not found "
                          f"(searched: {', '.join(map(str, include_dirs)) or 'no -I'})")


def channel_id(src, node, include_dirs):
    if isinstance(node, yaml.ScalarNode):
        return scalar(src, node, "id")
    if not isinstance(node, yaml.MappingNode):
        raise src.error(node, "id must be a string or {var: MACRO, include: header.h}")
    keys = {k: v for k, _, v in mapping(src, node, "id")}
    if set(keys) != {"var", "include"}:
        raise src.error(node, "id must be a string or {var: MACRO, include: header.h}")
    return resolve_macro(src, keys["var"], scalar(src, keys["var"], "var"),
                         scalar(src, keys["include"], "include"), include_dirs)


def parse(src, text, include_dirs, programs):
    """Returns (tasks, connections): tasks are dicts, connections (client, server, channel)
    index triples."""
    check_depth(src, text)
    root = yaml.compose(text, Loader=LOADER)     # nodes keep their lines; no objects built
    if root is None:
        raise InitError(f"{src.path}: error: empty init description (it needs `entities:`)")
    if isinstance(root, yaml.SequenceNode):
        ents = root                                     # the seed page's bare list
    else:
        ents = None
        for key, knode, v in mapping(src, root, "the init description"):
            if key == "entities":
                if ents is not None:
                    raise src.error(knode, "`entities` given twice")
                ents = v
            else:
                src.warn(knode, f"unknown key `{key}` ignored")
        if ents is None:
            raise InitError(f"{src.path}: error: no `entities:` list")
    tasks, conns = [], []
    index = {}                                          # task name -> its index
    for item in sequence(src, ents, "entities"):
        fields = {}
        for key, knode, v in mapping(src, item, "an entity"):
            if key not in KNOWN_ENTITY_KEYS:
                src.warn(knode, f"unknown key `{key}` ignored")
            elif key in fields:
                raise src.error(knode, f"`{key}` given twice")
            fields[key] = v
        if "name" not in fields:
            raise src.error(item, "entity without `name`")
        cls = scalar(src, fields["name"], "name")
        task = scalar(src, fields["task"], "task") if "task" in fields else cls
        prog = scalar(src, fields["path"], "path") if "path" in fields else cls.split(".")[-1]
        if cls in SDK_PROGRAMS and prog == cls.split(".")[-1]:    # the SDK's program name
            prog = SDK_PROGRAMS[cls]
        name_max = limits.idl_const("kl.core.Task", "NameMax")
        check_name(src, fields.get("task", fields["name"]), task, "task name", name_max,
                   "kl.core.Task NameMax")
        check_name(src, fields["name"], cls, "class name", name_max, "kl.core.Task NameMax", "class")
        check_name(src, fields.get("path", fields["name"]), prog, "program name",
                   min(name_max, limits.header("kernel/uapi/bootimage.h", "BOOTIMAGE_NAME_MAX")),
                   "BOOTIMAGE_NAME_MAX and kl.core.Task NameMax")
        if programs is not None and prog not in programs and sdk.absent(cls):
            raise src.error(fields["name"],
                            f"no task can start with class `{cls}`: its KasperskyOS SDK program is "
                            f"not part of KOS-A64 ({sdk.absent(cls)}; docs/SDK.md, "
                            f"\"Program classes\")")
        if programs is not None and prog not in programs:
            raise src.error(fields.get("path", fields["name"]),
                            f"no program `{prog}` in the boot image (programs: "
                            f"{', '.join(sorted(programs)) or 'none'})")
        if task in index:
            raise src.error(fields.get("task", fields["name"]), f"duplicate task name `{task}`")
        args = []
        for a in sequence(src, fields["args"], "args") if "args" in fields else []:
            if not isinstance(a, yaml.ScalarNode) or is_null(a):
                raise src.error(a, "an argument must be a string")
            args.append(a.value)
        check_strings(src, fields.get("args", fields["name"]), [task] + args, "argv")
        env = []
        if "env" in fields and not is_null(fields["env"]):
            for k, knode, v in mapping(src, fields["env"], "env"):
                if not isinstance(v, yaml.ScalarNode):
                    raise src.error(v, f"env value of `{k}` must be a string")
                if "=" in k:
                    raise src.error(knode, f"env name `{limits.shown(k)}` contains `=`")
                env.append(f"{k}={'' if is_null(v) else v.value}")
            check_strings(src, fields["env"], env, "env")
        priority = PRIORITY_DEFAULT
        if "priority" in fields:
            p = fields["priority"]
            if not (isinstance(p, yaml.ScalarNode) and re.fullmatch(r"[0-9]{1,9}", p.value)) \
                    or int(p.value) > PRIORITY_MAX:
                raise src.error(p, f"priority must be an integer 0..{PRIORITY_MAX}")
            priority = int(p.value)
        mem_pages = memory_limit(src, fields["memory_limit"]) if "memory_limit" in fields else 0
        for c in (sequence(src, fields["connections"], "connections") if "connections" in fields else []):
            cf = {}
            for k, knode, v in mapping(src, c, "a connection"):
                if k not in KNOWN_CONNECTION_KEYS:
                    src.warn(knode, f"unknown key `{k}` ignored")
                cf[k] = v
            if "target" not in cf or "id" not in cf:
                raise src.error(c, "a connection needs `target` and `id`")
            chan = channel_id(src, cf["id"], include_dirs)
            check_name(src, cf["id"], chan, "channel name", limits.header(SYSCALL_H, "SERVICE_NAME_MAX"),
                       "SERVICE_NAME_MAX")
            conns.append((task, scalar(src, cf["target"], "target"), chan, cf["target"], cf["id"]))
        index[task] = len(tasks)
        tasks.append({"task": task, "cls": cls, "program": prog, "args": args, "env": env,
                      "priority": priority, "mem_pages": mem_pages})
    seen = set()
    for client, target, chan, tnode, inode in conns:
        if target not in index and sdk.absent(target):
            # a real init.yaml connects to the SDK's programs @INIT_EXTERNAL_ENTITIES@ adds
            raise src.error(tnode, f"connection target `{target}` is a KasperskyOS SDK program "
                                   f"that is not part of KOS-A64 ({sdk.absent(target)}; "
                                   f"docs/SDK.md, \"Program classes\")")
        if target not in index:
            names = [t["task"] for t in tasks]
            hint = ""
            if target in SDK_PROGRAMS:          # the SDK adds it with @INIT_EXTERNAL_ENTITIES@
                hint = (f"; add an entity `- name: {target}`, or in SDK mode put its program in "
                        f"IMAGE_FILES and @INIT_EXTERNAL_ENTITIES@ in init.yaml.in (docs/SDK.md)")
            raise src.error(tnode, f"connection target `{target}` is not a task of this solution "
                                   f"(tasks: {limits.shown(', '.join(names), 300)}){hint}")
        if (client, chan) in seen:
            raise src.error(inode, f"task `{client}` has two connections named `{chan}`")
        seen.add((client, chan))
    return tasks, [(index[c], index[t], chan) for c, t, chan, _, _ in conns]


def c_str(s):
    out = []
    for ch in s:
        if ch in '\\"':
            out.append("\\" + ch)
        elif ch == "?":
            out.append("\\?")                               # no trigraphs
        elif 32 <= ord(ch) < 127:
            out.append(ch)
        else:
            out.extend(f"\\{b:03o}" for b in ch.encode("utf-8"))
    return '"' + "".join(out) + '"'


def emit(tasks, conns, source_name="init.yaml"):
    servers = {s for _, s, _ in conns}
    out = [f"/* Generated by tools/einit from {source_name}: do not edit. */",
           '#include "einit_table.h"', ""]
    for i, t in enumerate(tasks):
        argv = [t["task"]] + t["args"]
        out.append(f"static const char *const argv_{i}[] = {{ {', '.join(map(c_str, argv))} }};")
        out.append(f"static const char *const envp_{i}[] = {{ {', '.join(map(c_str, t['env'])) or '0'} }};")
    out.append("")
    if tasks:
        out.append("static const struct einit_task tasks[] = {")
        for i, t in enumerate(tasks):
            out.append(f"    {{ {c_str(t['task'])}, {c_str(t['cls'])}, {c_str(t['program'])}, argv_{i}, "
                       f"{1 + len(t['args'])}, envp_{i}, {len(t['env'])}, {int(i in servers)}, "
                       f"{t['priority']}, {t['mem_pages']}ULL }},")
        out.append("};")
        out.append("")
    if conns:
        out.append("static const struct einit_connection connections[] = {")
        for c, s, chan in conns:
            out.append(f"    {{ {c}, {s}, {c_str(chan)} }},")
        out.append("};")
        out.append("")
    out.append("const struct einit_table einit_table = {")
    out.append(f"    {'tasks' if tasks else '0'}, {len(tasks)}, "
               f"{'connections' if conns else '0'}, {len(conns)},")
    out.append("};")
    return "\n".join(out) + "\n"


def to_json(tasks, conns):
    """The solution as plain data (--json): what the build needs to know."""
    servers = {srv for _, srv, _ in conns}
    return {
        "tasks": [{"task": t["task"], "class": t["cls"], "program": t["program"], "args": t["args"],
                   "env": t["env"], "priority": t["priority"], "memory_pages": t["mem_pages"],
                   "is_server": i in servers}
                  for i, t in enumerate(tasks)],
        "connections": [{"client": tasks[c]["task"], "server": tasks[srv]["task"], "channel": chan}
                        for c, srv, chan in conns],
        "classes": sorted({t["cls"] for t in tasks}),
        "programs": sorted({t["program"] for t in tasks}),
    }


def compile_file(path, include_dirs=(), defines=None, programs=None, warn=None):
    """Read init.yaml or init.yaml.in; returns (tasks, connections). Raises InitError
    (also for template and YAML errors)."""
    try:
        data = pathlib.Path(path).read_bytes()
    except OSError as e:
        raise InitError(f"{path}: error: {e.strerror}") from None
    text = cli.decode(data, path, lambda line, col, msg: InitError(f"{path}:{line}:{col}: error: {msg}"))
    line_map = None
    try:                           # plain init.yaml too: the SDK allows {% %} lines in both
        text, line_map = template.expand(text, defines or {}, str(path))
    except template.TemplateError as e:
        raise InitError(str(e)) from None
    src = Source(str(path), line_map, warn)
    try:
        return parse(src, text, list(include_dirs), programs)
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        if mark is None and isinstance(getattr(e, "position", None), int):   # ReaderError
            mark = yaml.Mark(path, e.position, text.count("\n", 0, e.position),
                             e.position - (text.rfind("\n", 0, e.position) + 1), None, None)
        loc = f"{path}:{src.line(mark.line)}:{mark.column + 1}" if mark else str(path)
        problem = getattr(e, "problem", None) or str(e).split("\n")[0]
        raise InitError(f"{loc}: error: YAML syntax: {problem}") from None
