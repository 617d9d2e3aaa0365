"""Contents of strings, bytes and sequences in conditions and the Regex model,
on the host engine. tests/tools/data/psl/contents.psl carries PAL tests: string
== and < (bytes, unsigned, a prefix first), elements of strings and sequences
(out of range denies; `||` evaluates an element only when needed), `empty`,
`re.match` and `re.select` in a `choice`. The runner decides as the kernel does:
first without the arena (SEC_R_NEEDS_ARENA), then on a copy of it. Also the
Regex compiler (tools/psl/regex.py) against Python's re, and its bounds."""
import random
import re

import pytest

from test_psl_e2e import DATA, pal, pal_flipped, policy_c_text
from tools.psl.regex import DFA_STATES_MAX, RegexError, compile_regex

POLICY = DATA / "contents.psl"


def test_contents_pal_tests_pass():
    res = pal(POLICY)
    assert res.returncode == 0, res.stdout + res.stderr
    assert re.search(r"PAL: 4 tests, \d+ cases, all passed", res.stdout), res.stdout


@pytest.mark.parametrize("old,new,msg", [
    ('deny "root is refused"', 'grant "root is refused"', "expected grant, denied: deny at contents.psl:20:5"),
    ('grant "a prefix of root"', 'deny "a prefix of root"', "expected deny, granted"),
    ('deny "x itself"', 'grant "x itself"', "expected grant, denied: assert at contents.psl:21:5"),
    ('deny "a dot first"', 'grant "a dot first"', "expected grant, denied: assert at contents.psl:22:5"),
    ('deny "the empty name: no element 0"', 'grant "the empty name: no element 0"',
     "expected grant, denied: `message.name.[0]`: no such element at contents.psl:22:13"),
    ('deny "a slash"', 'grant "a slash"', "expected grant, denied: assert at contents.psl:23:5"),
    ('deny "second byte zero"', 'grant "second byte zero"', "expected grant, denied: assert at contents.psl:27:5"),
    ('"^fix" : grant ()', '"^fux" : grant ()', "expected grant, denied: deny at contents.psl:"),
])
def test_a_wrong_expectation_fails(tmp_path, old, new, msg):
    res = pal_flipped(POLICY, tmp_path, old, new)
    assert res.returncode == 1, res.stdout
    assert msg in res.stdout, res.stdout


def compile_c(tmp_path, text):
    f = tmp_path / "security.psl"
    f.write_text(text)
    return policy_c_text(f, tmp_path / "policy.c")


def test_only_programs_that_read_contents_ask_for_the_arena(tmp_path):
    """SEC_OP_CONTENTS starts exactly the programs with TEXT/ELEM: the others (and
    a Regex on a constant) cost what they did."""
    c = compile_c(tmp_path, POLICY.read_text())
    progs = re.findall(r"\{ (\d+)u, (\d+)u \}", c.split("struct sec_program")[1].split("};")[0])
    insns = re.findall(r"\{ (SEC_OP_\w+),", c.split("struct sec_insn")[1].split("};")[0])
    with_text = 0
    for first, count in progs:
        ops = insns[int(first):int(first) + int(count)]
        reads = any(o in ("SEC_OP_TEXT", "SEC_OP_ELEM", "SEC_OP_HANDLE_RIGHTS") for o in ops)
        assert (ops[0] == "SEC_OP_CONTENTS") == reads, ops
        assert ops.count("SEC_OP_CONTENTS") == (1 if reads else 0), ops
        with_text += reads
    assert with_text == 3
    assert "SEC_OP_RE_MATCH" in c and "struct sec_regex" in c


def test_regex_tables_are_emitted_once_per_pattern(tmp_path):
    head = POLICY.read_text().split("assert \"contents\"")[0]
    c = compile_c(tmp_path, head + 'request src=demo.Panel dst=demo.Door method=Close {\n'
                  '    assert (re.match { text : "abc", pattern : "^[a-z][a-z0-9_.]*$" }) }\n')
    assert c.count("/* pattern \"^[a-z][a-z0-9_.]*$\"") == 1


PATTERNS = ["^[0-9]*$", "^/data/[a-z]+[.]txt$", "world", "^(ab|cd){2,3}$", "a.c", r"^\d{3}-\w+$",
            "[^/]+", "^a?b+c*$", "x|y|zz", "^$", "(foo|foobar)baz", r"^\s*#", "[a-c-]+$", "^.{2,4}$"]


@pytest.mark.parametrize("pattern", PATTERNS)
def test_regex_matches_like_python_search(pattern):
    d = compile_regex(pattern)
    rng = random.Random(pattern)
    alphabet = "abcdxyz0129/._- #"
    texts = ["", "abc", "world", "/data/abc.txt", "123", "abab", "foobarbaz", "  # c", "zz"]
    texts += ["".join(rng.choice(alphabet) for _ in range(rng.randrange(8))) for _ in range(300)]
    for t in texts:
        assert d.matches(t.encode()) == bool(re.search(pattern, t)), (pattern, t)


@pytest.mark.parametrize("pattern,offset,msg", [
    ("(ab", 0, "unbalanced `(`"), ("ab)", 2, "unbalanced `)`"), ("a**", 2, "repetition of a repetition"),
    ("*a", 0, "nothing to repeat"), ("[z-a]", 4, "reversed"), ("a{3,1}", 1, "below the minimum"),
    ("a^b", 1, "`^` only at the start"), ("a$b", 1, "`$` only at the end"), ("\\q", 0, "unknown escape"),
    ("a{300}", 2, "at most 255"), ("[ab", 0, "unbalanced `[`"),
    ("(a|b)*a(a|b){12}", 0, "more than %d states" % DFA_STATES_MAX),
])
def test_bad_patterns(pattern, offset, msg):
    with pytest.raises(RegexError) as e:
        compile_regex(pattern)
    assert e.value.offset == offset and msg in e.value.msg


def test_matching_is_one_step_per_byte():
    """The DFA has no state for backtracking: the classic exponential pattern is small."""
    d = compile_regex("^(a+)+$")
    assert d.nstates <= 5
    assert d.matches(b"a" * 5000) and not d.matches(b"a" * 5000 + b"b")
