"""Token-stream helpers shared by the IDL and EDL/CDL parsers."""

from tools.token_cursor import TokenCursor

from .errors import NkError
from .lexer import tokenize


class Parser(TokenCursor):
    def __init__(self, text, filename, warn):
        super().__init__(tokenize(text, filename, warn))
        self.file = filename
        self.warn = warn

    def nesting_error(self, msg):
        return self.error(msg)

    def error(self, msg, tok=None):
        tok = tok or self.tok
        return NkError(tok.pos, msg)

    def expected(self, what):
        return self.error("expected %s, found %s" % (what, self.tok.describe()))

    def at_punct(self, p):
        return self.tok.is_punct(p)

    def accept_punct(self, p):
        if self.tok.is_punct(p):
            return self.next()
        return None

    def expect_punct(self, p, what=None):
        if not self.tok.is_punct(p):
            raise self.expected(what or "'%s'" % p)
        return self.next()

    def expect_close_angle(self):
        """Consume one '>' (splitting a '>>' token, as in array<array<T,2>,2>>)."""
        t = self.tok
        if t.is_punct(">>"):
            from .lexer import Token
            from .errors import Pos
            first = Token("punct", ">", t.pos, ">")
            second = Token("punct", ">", Pos(t.pos.file, t.pos.line, t.pos.col + 1), ">")
            self.toks[self.i:self.i + 1] = [first, second]
        return self.expect_punct(">")

    def accept_ident(self, name):
        if self.tok.is_ident(name):
            return self.next()
        return None

    def expect_ident(self, what="a name"):
        if self.tok.kind != "ident":
            raise self.expected(what)
        return self.next()

    def qname(self, what="a qualified name"):
        """ident ('.' ident)* -> (text, pos of the first token)."""
        first = self.expect_ident(what)
        parts = [first.value]
        while self.tok.is_punct(".") and self.peek().kind == "ident":
            self.next()
            parts.append(self.next().value)
        if self.tok.is_punct("."):
            self.next()
            raise self.expected("a name after '.'")
        return ".".join(parts), first.pos

    def tolerate_semicolon(self, context):
        t = self.accept_punct(";")
        if t:
            self.warn(t.pos, "';' after %s is not needed" % context)
