"""Diagnostics of the NK compiler: positions, errors and warnings.

Every problem in an input file is reported as `file:line:column: error: message`;
nothing here prints unless asked to.
"""

import sys


class Pos:
    """A place in an input file (line and column count from 1)."""

    __slots__ = ("file", "line", "col")

    def __init__(self, file, line=0, col=0):
        self.file = file
        self.line = line
        self.col = col

    def __str__(self):
        if self.line:
            return "%s:%d:%d" % (self.file, self.line, self.col)
        return str(self.file)

    def __repr__(self):
        return "Pos(%r, %d, %d)" % (self.file, self.line, self.col)


class NkError(Exception):
    """An error in an EDL, CDL or IDL file (or a file that cannot be found).

    Attributes: .file, .line, .col (0 when unknown) and .msg (the bare message).
    str(e) is the full `file:line:column: error: message` line.
    """

    def __init__(self, pos, msg):
        if pos is None:
            pos = Pos("<nk>")
        self.pos = pos
        self.file = pos.file
        self.line = pos.line
        self.col = pos.col
        self.msg = msg
        super().__init__("%s: error: %s" % (pos, msg))


class NkWarning:
    """A warning: same attributes as NkError; str() is the full line."""

    def __init__(self, pos, msg):
        self.pos = pos
        self.file = pos.file
        self.line = pos.line
        self.col = pos.col
        self.msg = msg

    def __str__(self):
        return "%s: warning: %s" % (self.pos, self.msg)

    def __repr__(self):
        return "NkWarning(%r)" % str(self)


def print_warning(w):
    """Default warning sink: one line on stderr."""
    print(str(w), file=sys.stderr)
