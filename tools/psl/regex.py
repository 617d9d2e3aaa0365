"""Regex patterns of the Regex model (`re.match`, `re.select`) compiled at build
time into DFAs the kernel runs in time linear in the text (docs/POLICY.md
"Regex").

Syntax (a byte-oriented subset of POSIX ERE, which is what the KasperskyOS
examples use): literals, `.` (any byte), `[...]` / `[^...]` with ranges and the
escapes below, `\\d \\D \\w \\W \\s \\S`, `\\` before any punctuation, `*`
`+` `?` `{m}` `{m,}` `{m,n}` (n <= 255), `|`, `( )`; `^` only at the start of
the pattern and `$` only at its end. Semantics: search, like regexec: the
pattern matches when it matches some substring of the text; `^` / `$` anchor
it to the start / end. A pattern whose DFA has more than DFA_STATES_MAX states
is an error (a policy must not make the kernel's tables explode).

compile_regex(pattern) -> Dfa or raises RegexError(offset, message).
"""

DFA_STATES_MAX = 512          # SEC_RE_STATES_MAX
REPEAT_MAX = 255
NFA_MAX = 20000               # NFA states: bounds the work of the construction


class RegexError(Exception):
    def __init__(self, offset, msg):
        super().__init__(msg)
        self.offset = offset
        self.msg = msg


ALL = frozenset(range(256))
DIGIT = frozenset(range(0x30, 0x3A))
WORD = frozenset(list(range(0x30, 0x3A)) + list(range(0x41, 0x5B)) + list(range(0x61, 0x7B)) + [0x5F])
SPACE = frozenset(b" \t\n\r\f\v")
CLASS_ESC = {"d": DIGIT, "D": ALL - DIGIT, "w": WORD, "W": ALL - WORD, "s": SPACE, "S": ALL - SPACE}
CHAR_ESC = {"n": 0x0A, "t": 0x09, "r": 0x0D, "f": 0x0C, "v": 0x0B, "0": 0x00}


class _Parser:
    """Pattern text -> AST: ('set', frozenset) | ('cat', [a]) | ('alt', [a]) |
    ('rep', a, lo, hi or None) | ('empty',)."""

    def __init__(self, text):
        self.b = text.encode("utf-8")
        self.i = 0

    def peek(self):
        return self.b[self.i] if self.i < len(self.b) else None

    def err(self, msg, at=None):
        raise RegexError(self.i if at is None else at, msg)

    def parse(self):
        anchored_start = anchored_end = False
        if self.peek() == ord("^"):
            anchored_start = True
            self.i += 1
        end = len(self.b)
        if end > self.i and self.b[end - 1] == ord("$") and not self._escaped(end - 1):
            anchored_end = True
            self.b = self.b[:end - 1]
        node = self.alt()
        if self.i < len(self.b):
            self.err("unbalanced `)`" if self.b[self.i] == ord(")") else "unexpected `%s`" % chr(self.b[self.i]))
        return node, anchored_start, anchored_end

    def _escaped(self, k):
        n = 0
        while k - 1 - n >= 0 and self.b[k - 1 - n] == ord("\\"):
            n += 1
        return n % 2 == 1

    def alt(self):
        items = [self.cat()]
        while self.peek() == ord("|"):
            self.i += 1
            items.append(self.cat())
        return items[0] if len(items) == 1 else ("alt", items)

    def cat(self):
        items = []
        while self.peek() is not None and self.peek() not in (ord("|"), ord(")")):
            items.append(self.repeat())
        if not items:
            return ("empty",)
        return items[0] if len(items) == 1 else ("cat", items)

    def repeat(self):
        a = self.atom()
        while True:
            c = self.peek()
            if c in (ord("*"), ord("+"), ord("?")):
                self.i += 1
                a = ("rep", a, 1 if c == ord("+") else 0, 1 if c == ord("?") else None)
            elif c == ord("{"):
                lo, hi = self.braces()
                a = ("rep", a, lo, hi)
            else:
                return a
            if self.peek() in (ord("*"), ord("+"), ord("?"), ord("{")):
                self.err("a repetition of a repetition (use parentheses)")

    def number(self):
        s = self.i
        while self.peek() is not None and 0x30 <= self.peek() <= 0x39:
            self.i += 1
        if s == self.i:
            self.err("expected a number in `{...}`")
        v = int(self.b[s:self.i])
        if v > REPEAT_MAX:
            self.err("a repetition count is at most %d" % REPEAT_MAX, s)
        return v

    def braces(self):
        at = self.i
        self.i += 1
        lo = self.number()
        hi = lo
        if self.peek() == ord(","):
            self.i += 1
            hi = None if self.peek() == ord("}") else self.number()
        if self.peek() != ord("}"):
            self.err("expected `}`")
        self.i += 1
        if hi is not None and hi < lo:
            self.err("`{%d,%d}`: the maximum is below the minimum" % (lo, hi), at)
        return lo, hi

    def atom(self):
        c = self.peek()
        if c == ord("("):
            at = self.i
            self.i += 1
            a = self.alt()
            if self.peek() != ord(")"):
                self.err("unbalanced `(`", at)
            self.i += 1
            return a
        if c == ord("["):
            return ("set", self.bracket())
        if c == ord("."):
            self.i += 1
            return ("set", ALL)
        if c == ord("\\"):
            return ("set", self.escape(in_class=False))
        if c in (ord("*"), ord("+"), ord("?"), ord("{")):
            self.err("nothing to repeat before `%s`" % chr(c))
        if c == ord("^"):
            self.err("`^` only at the start of a pattern")
        if c == ord("$"):
            self.err("`$` only at the end of a pattern")
        self.i += 1
        return ("set", frozenset([c]))

    def escape(self, in_class):
        self.i += 1
        c = self.peek()
        if c is None:
            self.err("a pattern cannot end with `\\`")
        self.i += 1
        ch = chr(c)
        if ch in CLASS_ESC:
            return CLASS_ESC[ch]
        if ch in CHAR_ESC:
            return frozenset([CHAR_ESC[ch]])
        if ch.isalnum():
            self.err("unknown escape `\\%s`" % ch, self.i - 2)
        return frozenset([c])

    def bracket(self):
        at = self.i
        self.i += 1
        neg = False
        if self.peek() == ord("^"):
            neg = True
            self.i += 1
        s = set()
        first = True
        while True:
            c = self.peek()
            if c is None:
                self.err("unbalanced `[`", at)
            if c == ord("]") and not first:
                self.i += 1
                break
            first = False
            if c == ord("\\"):
                e = self.escape(in_class=True)
                if len(e) != 1:
                    s |= e
                    continue
                lo = next(iter(e))
            else:
                self.i += 1
                lo = c
            if self.peek() == ord("-") and self.i + 1 < len(self.b) and self.b[self.i + 1] != ord("]"):
                self.i += 1
                h = self.peek()
                if h == ord("\\"):
                    e = self.escape(in_class=True)
                    if len(e) != 1:
                        self.err("a range ends with a character, not a class")
                    hi = next(iter(e))
                else:
                    self.i += 1
                    hi = h
                if hi < lo:
                    self.err("range `%s-%s` is reversed" % (chr(lo), chr(hi)))
                s.update(range(lo, hi + 1))
            else:
                s.add(lo)
        return frozenset(ALL - s if neg else s)


class _Nfa:
    """Thompson NFA: states with byte-set edges and epsilon edges."""

    def __init__(self):
        self.edges = []     # [(set, to)] per state
        self.eps = []       # [to] per state

    def new(self):
        if len(self.eps) >= NFA_MAX:
            raise RegexError(0, "pattern too big (its automaton has more than %d states)" % NFA_MAX)
        self.edges.append([])
        self.eps.append([])
        return len(self.eps) - 1

    def build(self, node):
        """-> (start, end) of a fragment."""
        k = node[0]
        if k == "empty":
            s = self.new()
            return s, s
        if k == "set":
            s, e = self.new(), self.new()
            self.edges[s].append((node[1], e))
            return s, e
        if k == "cat":
            s, e = self.build(node[1][0])
            for sub in node[1][1:]:
                s2, e2 = self.build(sub)
                self.eps[e].append(s2)
                e = e2
            return s, e
        if k == "alt":
            s, e = self.new(), self.new()
            for sub in node[1]:
                s2, e2 = self.build(sub)
                self.eps[s].append(s2)
                self.eps[e2].append(e)
            return s, e
        _, a, lo, hi = node
        s = self.new()
        e = s
        for _ in range(lo):
            s2, e2 = self.build(a)
            self.eps[e].append(s2)
            e = e2
        if hi is None:
            s2, e2 = self.build(a)
            self.eps[e].append(s2)
            self.eps[e2].append(s2)
            end = self.new()
            self.eps[e].append(end)
            self.eps[e2].append(end)
            return s, end
        end = self.new()
        self.eps[e].append(end)
        for _ in range(hi - lo):
            s2, e2 = self.build(a)
            self.eps[e].append(s2)
            self.eps[e2].append(end)
            e = e2
        return s, end


class Dfa:
    """nstates (state 0: dead, never accepts), start, classes[256] (byte ->
    class), nclasses, next[state * nclasses + class], accept[state] (0/1).
    Matching: state = start; for each byte: state = next[state*nclasses +
    classes[byte]]; match when accept[state] at the end."""

    def __init__(self, nstates, start, classes, nclasses, nxt, accept):
        self.nstates, self.start, self.classes = nstates, start, classes
        self.nclasses, self.next, self.accept = nclasses, nxt, accept

    def matches(self, data):
        s = self.start
        for byte in data:
            s = self.next[s * self.nclasses + self.classes[byte]]
        return bool(self.accept[s])


def compile_regex(pattern):
    node, a_start, a_end = _Parser(pattern).parse()
    if not a_start:
        node = ("cat", [("rep", ("set", ALL), 0, None), node])
    if not a_end:
        node = ("cat", [node, ("rep", ("set", ALL), 0, None)])
    nfa = _Nfa()
    start, end = nfa.build(node)
    # byte classes: bytes no edge set tells apart share a class
    sets = {st for edges in nfa.edges for st, _ in edges}
    sig = {}
    for byte in range(256):
        key = tuple(byte in st for st in sorted(sets, key=sorted))
        sig.setdefault(key, []).append(byte)
    classes = [0] * 256
    reps = []
    for ci, (_, members) in enumerate(sorted(sig.items(), key=lambda kv: kv[1][0])):
        for byte in members:
            classes[byte] = ci
        reps.append(members[0])

    def closure(states):
        stack, seen = list(states), set(states)
        while stack:
            s = stack.pop()
            for t in nfa.eps[s]:
                if t not in seen:
                    seen.add(t)
                    stack.append(t)
        return frozenset(seen)

    dead = frozenset()
    index = {dead: 0}
    order = [dead]
    first = closure([start])
    index[first] = 1 if first else 0
    if first:
        order.append(first)
    nxt = []
    k = 0
    while k < len(order):
        cur = order[k]
        for rep in reps:
            moved = closure([t for s in cur for st, t in nfa.edges[s] if rep in st])
            if moved not in index:
                if len(order) >= DFA_STATES_MAX:
                    raise RegexError(0, "pattern too big: its automaton needs more than %d states"
                                        % DFA_STATES_MAX)
                index[moved] = len(order)
                order.append(moved)
            nxt.append(index[moved])
        k += 1
    accept = [1 if end in st else 0 for st in order]
    return Dfa(len(order), index[first], classes, len(reps), nxt, accept)
