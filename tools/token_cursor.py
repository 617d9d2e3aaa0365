"""The cursor over a token list that the IDL/EDL/CDL parser (tools/nk) and the PSL
parser (tools/psl) both walk: the current token, look-ahead, advance (never past
`eof`) and the nesting bound every recursive step goes through. Each parser supplies
`nesting_error(msg)`, the exception of its own language for a position-less message
at the current token."""

import contextlib

from tools.limits import NESTING_MAX


class TokenCursor:
    def __init__(self, toks):
        self.toks = toks
        self.i = 0
        self.nest = 0

    def nesting_error(self, msg):
        raise NotImplementedError

    @contextlib.contextmanager
    def nested(self):
        """Around each recursive step of a parser: bounds the nesting (limits.NESTING_MAX)."""
        self.nest += 1
        if self.nest > NESTING_MAX:
            raise self.nesting_error("nested deeper than %d levels" % NESTING_MAX)
        try:
            yield
        finally:
            self.nest -= 1

    @property
    def tok(self):
        return self.toks[self.i]

    def peek(self, k=1):
        return self.toks[min(self.i + k, len(self.toks) - 1)]

    def next(self):
        t = self.toks[self.i]
        if t.kind != "eof":
            self.i += 1
        return t
