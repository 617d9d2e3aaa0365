"""The limits the kernel and the VFS enforce, read by the host tools from their one
definition (a C header or a kernel IDL constant), so a tool never checks against a copy.
Also the one rule for the names that reach the kernel (docs/INIT.md, "Limits").

    limits.header("kernel/uapi/msg.h", "MSG_MAX_CONST")   -> 512
    limits.idl_const("kl.core.Task", "NameMax")            -> 48
"""

import functools
import os
import re

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# Nesting any parser of a host tool accepts (parentheses, `!`/`-` chains, types inside
# types, `match` inside `match`, include/import chains): deep enough for any real
# input, shallow enough that no tool runs out of Python stack.
NESTING_MAX = 64
# Depth of what is built from the input: operators applied to operators (a chain
# `a || b || c ...` is one level per operator), definitions that use definitions.
DEPTH_MAX = 256

_DEFINE = re.compile(r"^[ \t]*#[ \t]*define[ \t]+([A-Za-z_][A-Za-z0-9_]*)[ \t]+"
                     r"\(?[ \t]*(-?(?:0[xX][0-9a-fA-F]+|[0-9]+))[uUlL]*[ \t]*\)?[ \t]*"
                     r"(?:/\*.*?\*/[ \t]*|//.*)?$", re.M)


class LimitError(Exception):
    """A limit could not be read from its definition (a broken tree, not bad input)."""


@functools.lru_cache(maxsize=None)
def _header_ints(relpath):
    path = os.path.join(ROOT, relpath)
    try:
        with open(path, encoding="utf-8") as f:
            text = f.read()
    except (OSError, UnicodeDecodeError) as e:
        raise LimitError("%s: cannot read the limits defined there: %s" % (path, e)) from None
    return {m.group(1): _c_int(m.group(2)) for m in _DEFINE.finditer(text)}


def _c_int(lit):
    sign, digits = (-1, lit[1:]) if lit.startswith("-") else (1, lit)
    if digits[:2] in ("0x", "0X"):
        return sign * int(digits[2:], 16)
    return sign * int(digits, 8 if len(digits) > 1 and digits[0] == "0" else 10)


def header(relpath, name):
    """The integer value of `#define NAME <int>` in ROOT/relpath."""
    values = _header_ints(relpath)
    if name not in values:
        raise LimitError("%s: no integer #define %s" % (os.path.join(ROOT, relpath), name))
    return values[name]


@functools.lru_cache(maxsize=None)
def idl_const(package, name):
    """The value of constant `name` of an IDL package of tools/sysroot (kl.core.*)."""
    from tools.nk.errors import NkError
    from tools.nk.model import Loader
    try:
        pkg = Loader((), on_warning=None).load_package(package)
    except NkError as e:
        raise LimitError(str(e)) from None
    const = pkg.decls.get(name)
    if const is None or const.value is None:
        raise LimitError("%s: no constant %s" % (pkg.file, name))
    return const.value


# ---- names that reach the kernel (task, program, channel, boot-image entry) --------
# 1..max-1 bytes (the kernel's buffers keep the NUL) of printable ASCII without space:
# no NUL that would cut the name short, no bytes the console or a log would garble.
KERNEL_NAME_CHARS = "printable ASCII without space (0x21..0x7e)"
_KERNEL_NAME = re.compile(rb"[\x21-\x7e]+")
# Class names are EDL qualified names: the PSL tables and the EDL files use them.
CLASS_NAME_CHARS = "dot-separated ASCII identifiers"
_CLASS_NAME = re.compile(rb"[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*")


def shown(raw, limit=80):
    """bytes or str for an error message: non-printable bytes as \\xNN, long ones cut."""
    if isinstance(raw, str):
        raw = raw.encode("utf-8", "surrogateescape")
    text = "".join(chr(b) if 0x20 <= b < 0x7f else "\\x%02x" % b for b in raw[:limit])
    return text + ("..." if len(raw) > limit else "")


def name_problem(value, size_with_nul, what, limit_name, charset="kernel"):
    """None if `value` is a valid kernel name fitting a buffer of size_with_nul
    bytes (the limit called limit_name), else the reason for an error message."""
    pattern, chars = ((_CLASS_NAME, CLASS_NAME_CHARS) if charset == "class"
                      else (_KERNEL_NAME, KERNEL_NAME_CHARS))
    raw = value.encode("utf-8", "surrogateescape") if isinstance(value, str) else value
    if not raw:
        return "%s is empty" % what
    text = shown(raw)
    if not pattern.fullmatch(raw):
        return "%s `%s` must be %s" % (what, text, chars)
    if len(raw) > size_with_nul - 1:
        return "%s `%s` is %d bytes, more than the maximum of %d (%s, with the NUL)" % (
            what, text, len(raw), size_with_nul - 1, limit_name)
    return None
