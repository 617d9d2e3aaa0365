"""PSL tokens: names, numbers, strings, punctuation; // and /* */ comments."""

from tools.psl.errors import PslError, Pos

PUNCT3 = ("==>",)
PUNCT2 = ("==", "!=", "<=", ">=", "&&", "||", "~>", "<-", "->")
PUNCT1 = "{}()[]:,=<>!.;+-*/%|&^~@"
DIGITS = frozenset("0123456789")                 # ASCII only: class names reach the kernel
IDENT_START = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_")
IDENT_CHARS = IDENT_START | DIGITS
NUMBER_MAX_CHARS = 66                            # 0b and 64 binary digits


class Token:
    __slots__ = ("kind", "value", "pos")

    def __init__(self, kind, value, pos):
        self.kind = kind        # 'name', 'num', 'str', 'punct', 'eof'
        self.value = value
        self.pos = pos

    def is_(self, value, kind=None):
        return self.value == value and (kind is None or self.kind == kind) and self.kind != "str"

    def __repr__(self):
        return "Token(%s %r @%s)" % (self.kind, self.value, self.pos)


def tokenize(text, file, line_map=None):
    def pos_at(line, col):
        if line_map and 0 < line <= len(line_map):
            return Pos(file, line_map[line - 1], col)
        return Pos(file, line, col)

    toks = []
    i, n = 0, len(text)
    line, lstart = 1, 0
    while i < n:
        c = text[i]
        if c == "\n":
            line += 1
            i += 1
            lstart = i
            continue
        if c in " \t\r\f\v":
            i += 1
            continue
        col = i - lstart + 1
        if text.startswith("//", i):
            j = text.find("\n", i)
            i = n if j < 0 else j
            continue
        if text.startswith("/*", i):
            j = text.find("*/", i + 2)
            if j < 0:
                raise PslError(pos_at(line, col), "unterminated comment")
            seg = text[i:j + 2]
            nl = seg.count("\n")
            if nl:
                line += nl
                lstart = i + seg.rfind("\n") + 1
            i = j + 2
            continue
        p = pos_at(line, col)
        if c in IDENT_START:
            j = i + 1
            while j < n and text[j] in IDENT_CHARS:
                j += 1
            toks.append(Token("name", text[i:j], p))
            i = j
            continue
        if c in DIGITS:
            j = i + 1
            while j < n and text[j] in IDENT_CHARS:
                j += 1
            lit = text[i:j]
            if len(lit.replace("_", "")) > NUMBER_MAX_CHARS:
                raise PslError(p, "number `%s...` is too long (more than %d characters)"
                               % (lit[:20], NUMBER_MAX_CHARS))
            try:
                s = lit.replace("_", "").lower()
                if s.startswith("0x"):
                    v = int(s[2:], 16)
                elif s.startswith("0o"):
                    v = int(s[2:], 8)
                elif s.startswith("0b"):
                    v = int(s[2:], 2)
                else:
                    v = int(s, 10)
            except ValueError:
                raise PslError(p, "bad number `%s`" % lit) from None
            toks.append(Token("num", v, p))
            i = j
            continue
        if c == '"':
            j = i + 1
            buf = []
            while True:
                if j >= n or text[j] == "\n":
                    raise PslError(p, "unterminated string")
                if text[j] == "\\" and j + 1 < n:
                    buf.append({"n": "\n", "t": "\t"}.get(text[j + 1], text[j + 1]))
                    j += 2
                    continue
                if text[j] == '"':
                    break
                buf.append(text[j])
                j += 1
            toks.append(Token("str", "".join(buf), p))
            i = j + 1
            continue
        for group in (PUNCT3, PUNCT2):
            hit = next((s for s in group if text.startswith(s, i)), None)
            if hit:
                break
        if hit:
            toks.append(Token("punct", hit, p))
            i += len(hit)
            continue
        if c in PUNCT1:
            toks.append(Token("punct", c, p))
            i += 1
            continue
        raise PslError(p, "unexpected character %s" % (
            "`%s`" % c if c.isascii() and c.isprintable() else "U+%04X" % ord(c)))
    toks.append(Token("eof", None, pos_at(line, i - lstart + 1)))
    return toks
