"""Template expansion for init.yaml and security.psl, plain or .in (KasperskyOS SDK style).

    python3 -m tools.template [-D NAME=VALUE]... [--vars FILE]... [-o OUT] FILE

tools/einit and tools/psl run every file they read through expand(), whatever its
name ends with (the SDK expands `.in` files with CMake and `{% %}` lines in both).
What is expanded, in this order, line by line:

1. Jinja-like lines (CE 1.3+), alone on their line, nested freely:
       {% if BOARD == "RPI4_BCM2711" %}   {% if X != "v" %}   {% if FLAG %}
       {% if not FLAG %}   {% elif ... %}   {% else %}   {% endif %}
   Conditions may be joined with `and` / `or`. A bare name is true when it is
   defined (-D) with a CMake-true value (not "", 0, OFF, NO, FALSE, N, IGNORE,
   NOTFOUND, *-NOTFOUND). Lines of branches not taken are dropped.
2. Lines holding only an SDK marker `@INIT_EXTERNAL_ENTITIES@`,
   `@INIT_<prog>_ENTITY_CONNECTIONS[+]@`, `@INIT_<prog>_ENTITY_ENV[+]@`,
   `@INIT_<prog>_ENTITY_ARGS@`, `@INIT_<prog>_PATH@`: replaced by the value of
   that name (without the @), a multi-line value giving several lines.
3. `@NAME@` anywhere: its value. The SDK markers may stand inline too
   (`path: @INIT_Client_PATH@`). A marker not defined has the SDK generator's
   default: `@INIT_<prog>_PATH@` is `<prog>`, the others are empty. Any other
   name not defined is an error `file:line:col: error: ...` (never an empty
   string); `@@` and an `@` not followed by NAME@ are left as they are.

Values come from -D NAME=VALUE and from variables files (--vars FILE, e.g. a
solution's `solution.vars`, or the one CMake writes in SDK mode): one
`NAME=VALUE` a line (VALUE as written: leading spaces count, as YAML
indentation), `#` comments and blank lines ignored, `\\n` in VALUE a
newline, `\\\\` a backslash. -D wins over a file.

Dropped lines become empty lines so that line numbers in later error messages
still match the template (`expand()` also returns a line map for multi-line
values). Unbalanced directives are errors `file:line:col: error: ...`.
"""

import argparse
import os
import re
import sys

if __package__ in (None, ""):      # run as a script: import the package from the repo root
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from tools import cli  # noqa: E402
from tools.limits import NESTING_MAX  # noqa: E402

FALSE_VALUES = {"", "0", "OFF", "NO", "FALSE", "N", "IGNORE", "NOTFOUND"}
DIRECTIVE = re.compile(r"^\s*\{%-?\s*(.*?)\s*-?%\}\s*$")
SDK_MARKER = re.compile(r"^\s*@(INIT_EXTERNAL_ENTITIES|INIT_[A-Za-z0-9_]+?_(?:ENTITY_CONNECTIONS\+?|"
                        r"ENTITY_ENV\+?|ENTITY_ARGS|PATH))@\s*$")
AT_NAME = re.compile(r"@([A-Za-z_][A-Za-z0-9_]*\+?)@")
SDK_NAME = re.compile(r"^(INIT_EXTERNAL_ENTITIES|INIT_([A-Za-z0-9_]+?)_(ENTITY_CONNECTIONS\+?|ENTITY_ENV\+?|"
                      r"ENTITY_ARGS|PATH))$")
VAR_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*\+?$")


def sdk_default(name):
    """The value the SDK's generator gives a marker nobody set; None: not a marker."""
    m = SDK_NAME.match(name)
    if not m:
        return None
    return m.group(2) if m.group(3) == "PATH" else ""


class TemplateError(Exception):
    def __init__(self, file, line, msg, col=1):
        self.file, self.line, self.col, self.msg = file, line, col, msg
        super().__init__(f"{file}:{line}:{col}: error: {msg}")


def truthy(value):
    if value is None:
        return False
    v = value.strip().upper()
    return v not in FALSE_VALUES and not v.endswith("-NOTFOUND")


_COND_TOKEN = re.compile(r'\s*(?:(==|!=)|(\(|\))|"((?:[^"\\]|\\.)*)"|\'([^\']*)\'|([A-Za-z_][A-Za-z0-9_]*)|(\S))')


def eval_condition(text, defines, file, line):
    """A small boolean language: comparisons of names and strings, not/and/or, ()."""
    toks = []
    for m in _COND_TOKEN.finditer(text):
        if m.group(6) is not None:
            raise TemplateError(file, line, f"unexpected `{m.group(6)}` in condition `{text}`")
        if m.group(1):
            toks.append(("op", m.group(1)))
        elif m.group(2):
            toks.append(("op", m.group(2)))
        elif m.group(3) is not None:
            toks.append(("str", m.group(3)))
        elif m.group(4) is not None:
            toks.append(("str", m.group(4)))
        elif m.group(5) is not None:
            w = m.group(5)
            toks.append(("op", w) if w in ("and", "or", "not") else ("name", w))
    pos = [0]
    nest = [0]

    def deeper():
        nest[0] += 1
        if nest[0] > NESTING_MAX:
            bad("nesting deeper than %d levels" % NESTING_MAX)

    def peek():
        return toks[pos[0]] if pos[0] < len(toks) else (None, None)

    def take():
        t = peek()
        pos[0] += 1
        return t

    def bad(what):
        shown = text if len(text) <= 60 else text[:60] + "..."
        raise TemplateError(file, line, f"{what} in condition `{shown}`")

    def operand():
        k, v = take()
        if k == "str":
            return ("str", v)
        if k == "name":
            if v in ("true", "True"):
                return ("bool", True)
            if v in ("false", "False"):
                return ("bool", False)
            return ("name", v)
        if (k, v) == ("op", "("):
            deeper()
            r = or_expr()
            if take() != ("op", ")"):
                bad("missing `)`")
            nest[0] -= 1
            return ("bool", r)
        bad("expected a name or a string")

    def value(o):
        k, v = o
        if k == "name":
            return defines.get(v, "")
        if k == "bool":
            return "1" if v else ""
        return v

    def truth(o):
        k, v = o
        if k == "name":
            return truthy(defines.get(v))
        if k == "bool":
            return v
        return v != ""

    def comparison():
        if peek() == ("op", "not"):
            take()
            deeper()
            r = not comparison()
            nest[0] -= 1
            return r
        a = operand()
        if peek() in (("op", "=="), ("op", "!=")):
            op = take()[1]
            b = operand()
            eq = value(a) == value(b)
            return eq if op == "==" else not eq
        return truth(a)

    def and_expr():
        r = comparison()
        while peek() == ("op", "and"):
            take()
            r = comparison() and r
        return r

    def or_expr():
        r = and_expr()
        while peek() == ("op", "or"):
            take()
            r = and_expr() or r
        return r

    if not toks:
        bad("empty condition")
    r = or_expr()
    if pos[0] != len(toks):
        bad(f"unexpected `{toks[pos[0]][1]}`")
    return r


def expand(text, defines, file="<template>", warn=None):
    """Returns (expanded text, line map): line_map[i] is the template line (1-based)
    of output line i+1."""
    out, line_map = [], []
    # stack of [taking_now, some_branch_taken, parent_active, opening line, seen_else]
    stack = []

    def active():
        return all(s[0] for s in stack)

    def subst(s, lineno):
        def one(m):
            name = m.group(1)
            if name in defines:
                return defines[name]
            default = sdk_default(name)
            if default is None:
                raise TemplateError(file, lineno, f"unknown variable @{name}@ (define it: -D {name}=..., "
                                    "--vars FILE, VARS=, or a CMake variable)", m.start() + 1)
            return default
        return AT_NAME.sub(one, s)

    lines = text.split("\n")
    for lineno, raw in enumerate(lines, 1):
        last = lineno == len(lines)
        d = DIRECTIVE.match(raw)
        if d:
            body = d.group(1)
            kw, _, rest = body.partition(" ")
            rest = rest.strip()
            if kw == "if":
                if not rest:
                    raise TemplateError(file, lineno, "`{% if %}` needs a condition")
                if len(stack) >= NESTING_MAX:
                    raise TemplateError(file, lineno, f"`{{% if %}}` nested deeper than {NESTING_MAX} levels")
                parent = active()
                cond = parent and eval_condition(subst(rest, lineno), defines, file, lineno)
                stack.append([bool(cond), bool(cond), parent, lineno, False])
            elif kw == "elif":
                if not stack:
                    raise TemplateError(file, lineno, "`{% elif %}` without `{% if %}`")
                s = stack[-1]
                if s[4]:
                    raise TemplateError(file, lineno, "`{% elif %}` after `{% else %}`")
                if not rest:
                    raise TemplateError(file, lineno, "`{% elif %}` needs a condition")
                take = s[2] and not s[1] and eval_condition(subst(rest, lineno), defines, file, lineno)
                s[0] = bool(take)
                s[1] = s[1] or bool(take)
            elif kw == "else":
                if not stack:
                    raise TemplateError(file, lineno, "`{% else %}` without `{% if %}`")
                s = stack[-1]
                if s[4]:
                    raise TemplateError(file, lineno, "second `{% else %}`")
                s[4] = True
                s[0] = s[2] and not s[1]
                s[1] = True
            elif kw == "endif":
                if not stack:
                    raise TemplateError(file, lineno, "`{% endif %}` without `{% if %}`")
                stack.pop()
            else:
                raise TemplateError(file, lineno, f"unknown directive `{{% {body} %}}` "
                                    "(supported: if, elif, else, endif)")
            if not last:
                out.append("")
                line_map.append(lineno)
            continue
        if "{%" in raw and "%}" in raw:
            raise TemplateError(file, lineno, "a `{% ... %}` directive must be alone on its line")
        if not active():
            out.append("")
            line_map.append(lineno)
            continue
        m = SDK_MARKER.match(raw)
        if m:
            name = m.group(1)
            value = defines[name] if name in defines else sdk_default(name)
            parts = value.split("\n") if value else [""]
        else:
            parts = subst(raw, lineno).split("\n")
        for p in parts:
            out.append(p)
            line_map.append(lineno)
    if stack:
        raise TemplateError(file, stack[-1][3], "`{% if %}` without `{% endif %}`")
    return "\n".join(out), line_map


def parse_defines(items):
    d = {}
    for item in items or ():
        name, eq, value = item.partition("=")
        d[name] = value if eq else "1"
    return d


def load_vars(path, into=None):
    """Variables of a file `NAME=VALUE` a line (module docstring); returns the dict.
    Raises TemplateError (file:line) on a bad line, OSError if unreadable."""
    d = {} if into is None else into
    with open(path, "rb") as f:
        data = f.read()
    text = cli.decode(data, path, lambda line, col, msg: TemplateError(path, line, msg, col))
    for lineno, raw in enumerate(text.split("\n"), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        name, eq, value = raw.lstrip().partition("=")
        name = name.strip()
        if not eq or not VAR_NAME.match(name):
            raise TemplateError(path, lineno, "expected NAME=VALUE (NAME: letters, digits, `_`)")
        d[name] = re.sub(r"\\(.)", lambda m: "\n" if m.group(1) == "n" else m.group(1),
                         value.rstrip("\r"))
    return d


def defines_from(items, vars_files=()):
    """-D items over the variables files, in order (a later file wins)."""
    d = {}
    for path in vars_files or ():
        load_vars(path, d)
    d.update(parse_defines(items))
    return d


def add_arguments(ap):
    """The template options every tool that expands *.in files takes: -D and --vars
    (read back with defines_from(args.defines, args.vars))."""
    # argparse %-formats help strings: the `{%` of the syntax is written `{%%`.
    ap.add_argument("-D", dest="defines", action="append", default=[], metavar="NAME=VALUE",
                    help="template variable (@NAME@, {%% if %%})")
    ap.add_argument("--vars", action="append", default=[], metavar="FILE",
                    help="template variables file: NAME=VALUE lines (tools/template.py)")


def main(argv=None):
    ap = argparse.ArgumentParser(prog="python3 -m tools.template",
                                 description="Expand @NAME@ markers and {%% if %%} lines.")
    ap.add_argument("input")
    add_arguments(ap)
    ap.add_argument("-o", "--output")
    args = ap.parse_args(argv)
    return cli.guarded(args.input, lambda: run(args))


def run(args):
    try:
        with open(args.input, "rb") as f:
            data = f.read()
        text = cli.decode(data, args.input, lambda line, col, msg: TemplateError(args.input, line, msg, col))
        result, _ = expand(text, defines_from(args.defines, args.vars), args.input)
    except OSError as e:
        print(f"{args.input}: error: {e.strerror}", file=sys.stderr)
        return 1
    except TemplateError as e:
        print(str(e), file=sys.stderr)
        return 1
    return cli.write_output(result, args.output)
    return 0


if __name__ == "__main__":
    sys.exit(main())
