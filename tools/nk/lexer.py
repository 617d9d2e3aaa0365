"""Tokenizer shared by the EDL, CDL and IDL parsers.

Produces identifiers, integer literals and punctuation with their positions;
drops `//` and `/* */` comments and white space. Never evaluates anything.
"""

from .errors import NkError, Pos

PUNCT2 = ("<<", ">>")
PUNCT1 = "{}()<>,;:=+-*/%|&^~.[]"
DIGITS = frozenset("0123456789")                 # ASCII only: names become C identifiers
IDENT_START = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_")
IDENT_CHARS = IDENT_START | DIGITS


class Token:
    __slots__ = ("kind", "value", "pos", "text")

    def __init__(self, kind, value, pos, text):
        self.kind = kind      # 'ident', 'num', 'punct', 'eof'
        self.value = value    # str for ident/punct, int for num
        self.pos = pos
        self.text = text      # as written, for messages

    def is_punct(self, p):
        return self.kind == "punct" and self.value == p

    def is_ident(self, name=None):
        return self.kind == "ident" and (name is None or self.value == name)

    def describe(self):
        if self.kind == "eof":
            return "end of file"
        return "'%s'" % self.text

    def __repr__(self):
        return "Token(%s, %r, %s)" % (self.kind, self.value, self.pos)


def tokenize(text, filename, warn):
    """Split `text` into tokens; `warn(pos, msg)` receives lexical warnings."""
    toks = []
    i = 0
    n = len(text)
    line = 1
    line_start = 0

    def pos_at(k):
        return Pos(filename, line, k - line_start + 1)

    while i < n:
        c = text[i]
        if c == "\n":
            line += 1
            i += 1
            line_start = i
            continue
        if c in " \t\r\f\v":
            i += 1
            continue
        if text.startswith("//", i):
            j = text.find("\n", i)
            i = n if j < 0 else j
            continue
        if text.startswith("/*", i):
            start = pos_at(i)
            j = text.find("*/", i + 2)
            if j < 0:
                raise NkError(start, "unterminated comment")
            # keep line numbers right across the comment
            seg = text[i:j + 2]
            nl = seg.count("\n")
            if nl:
                line += nl
                line_start = i + seg.rfind("\n") + 1
            i = j + 2
            continue
        if c in IDENT_START:
            j = i + 1
            while j < n and text[j] in IDENT_CHARS:
                j += 1
            word = text[i:j]
            toks.append(Token("ident", word, pos_at(i), word))
            i = j
            continue
        if c in DIGITS:
            start = pos_at(i)
            j = i + 1
            while j < n and text[j] in IDENT_CHARS:
                j += 1
            word = text[i:j]
            toks.append(Token("num", parse_int(word, start, warn), start, word))
            i = j
            continue
        two = text[i:i + 2]
        if two in PUNCT2:
            toks.append(Token("punct", two, pos_at(i), two))
            i += 2
            continue
        if c in PUNCT1:
            toks.append(Token("punct", c, pos_at(i), c))
            i += 1
            continue
        raise NkError(pos_at(i), "unexpected character %s" % (
            repr(c) if c.isascii() and c.isprintable() else "U+%04X" % ord(c)))
    toks.append(Token("eof", None, pos_at(i), ""))
    return toks


NUMBER_MAX_CHARS = 66           # 0b and 64 binary digits


def parse_int(word, pos, warn):
    if len(word) > NUMBER_MAX_CHARS:
        raise NkError(pos, "integer literal '%s...' is too long (more than %d characters)"
                      % (word[:20], NUMBER_MAX_CHARS))
    w = word.lower()
    try:
        if w.startswith("0x"):
            return int(w[2:], 16)
        if w.startswith("0o"):
            return int(w[2:], 8)
        if w.startswith("0b"):
            return int(w[2:], 2)
        if not w.isdigit():
            raise ValueError
        if len(w) > 1 and w[0] == "0":
            warn(pos, "'%s' is read as decimal; write 0o%s for octal"
                 % (word, w.lstrip("0") or "0"))
        return int(w, 10)
    except ValueError:
        raise NkError(pos, "bad integer literal '%s'" % word) from None
