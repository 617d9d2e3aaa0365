"""Diagnostics of the PSL compiler: `file:line:column: error: message`."""

import sys


class Pos:
    __slots__ = ("file", "line", "col")

    def __init__(self, file, line=0, col=0):
        self.file, self.line, self.col = file, line, col

    def __str__(self):
        return "%s:%d:%d" % (self.file, self.line, self.col) if self.line else str(self.file)

    def __repr__(self):
        return "Pos(%r, %d, %d)" % (self.file, self.line, self.col)


class PslError(Exception):
    """.file .line .col .msg; str() is the full line."""

    def __init__(self, pos, msg):
        pos = pos or Pos("<psl>")
        self.pos, self.file, self.line, self.col, self.msg = pos, pos.file, pos.line, pos.col, msg
        super().__init__("%s: error: %s" % (pos, msg))


def unsupported(pos, what):
    return PslError(pos, "%s is not supported yet (docs/POLICY.md lists the supported subset)" % what)


def print_warning(text):
    print(text, file=sys.stderr)
