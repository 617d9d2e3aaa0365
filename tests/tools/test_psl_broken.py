"""A table of broken policies (syntax, unknown names, wrong types, `use` cycles, bad
PAL tests): tools/psl answers each with exactly one `file:line:col: error: ...` line
and exit status 1, never a traceback, whether it compiles (-o), lints or runs tests."""
import pathlib
import re
import subprocess

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
IDL = ROOT / "tests/tools/data/psl/idl"
PYTHON = "/usr/bin/python3"

HEAD = """execute: kl.core.Execute
use EDL Einit
use EDL kl.core.Core
use EDL demo.Door
use EDL demo.Panel
request src=demo.Panel dst=demo.Door endpoint=ctl method=Open { assert (message.code != 0) }
"""       # 6 lines: a case's own text starts on line 7
T = 'assert "t" {\n    setup { p <- execute src=Einit dst=demo.Panel\n            d <- execute src=Einit dst=demo.Door }\n'
# seq(): the case is on line 10, from column 20


def seq(case):
    return T + '    sequence "s" { ' + case + " }\n}\n"


# (name, main text after HEAD, {other file: text}, file, line, col, message fragment)
CASES = [
    # syntax
    ("grant with an argument", "request { grant (message.code) }\n", {}, "security.psl", 7, 18,
     "`grant` takes no argument"),
    ("missing brace", "request src=demo.Panel {\n    grant ()\n", {}, "security.psl", 9, 1, "missing `}`"),
    ("unterminated string", 'assert "t\n', {}, "security.psl", 7, 8, "unterminated string"),
    ("bad character", "request $ { grant () }\n", {}, "security.psl", 7, 9, "unexpected character `$`"),
    ("number too long", "request { assert (message.code == 1%s) }\n" % ("0" * 70), {}, "security.psl", 7, 35,
     "is too long"),
    ("chained comparison", "request { assert (message.code < 1 < 2) }\n", {}, "security.psl", 7, 36,
     "comparisons do not chain"),
    # unknown names
    ("unknown class", "request src=demo.Nobody { grant () }\n", {}, "security.psl", 7, 13,
     "unknown class `demo.Nobody`"),
    ("unknown endpoint", "request dst=demo.Door endpoint=nope { grant () }\n", {}, "security.psl", 7, 32,
     "no endpoint `nope`"),
    ("unknown method", "request dst=demo.Door method=Fly { grant () }\n", {}, "security.psl", 7, 30,
     "no method `Fly`"),
    ("unknown selector", "request colour=red { grant () }\n", {}, "security.psl", 7, 9, "unknown selector `colour`"),
    ("unknown field", "request dst=demo.Door method=Open { assert (message.nope != 0) }\n", {},
     "security.psl", 7, 45, "has no field `nope`"),
    ("unknown package", "use missing.pkg._\n", {}, "security.psl", 7, 5, "cannot find PSL package"),
    ("unknown audit profile", "audit default = nobody 0\n", {}, "security.psl", 7, 17, "no audit profile `nobody`"),
    # wrong types
    ("integer as a condition", "request dst=demo.Door method=Open { assert (message.code) }\n", {},
     "security.psl", 7, 45, "a condition must be a comparison"),
    ("condition compared", "request dst=demo.Door method=Open { assert ((message.code == 1) == true) }\n", {},
     "security.psl", 7, 65, "compares integers, not conditions"),
    ("message in execute", "execute { assert (message.code == 1) }\n", {}, "security.psl", 7, 19,
     "`message` is not available in execute bindings"),
    # recursion in `use`
    ("use cycle", "use a._\n", {"a.psl": "use b._\n", "b.psl": "\n\nuse a._\n"}, "b.psl", 3, 5,
     "`use` cycle: a._ -> b._ -> a._"),
    ("use self-cycle", "use a._\n", {"a.psl": "// a\nuse a._\n"}, "a.psl", 2, 5, "`use` cycle: a._ -> a._"),
    # expressions (Math, Bool, Struct, aliases, choice)
    ("alias cycle", "use a = b\nuse b = a + 1\nrequest dst=demo.Door method=Open { assert (a > 0) }\n", {},
     "security.psl", 8, 9, "`use` alias cycle: a -> b -> a"),
    ("unknown name", "request dst=demo.Door method=Open { assert (zz > 0) }\n", {}, "security.psl", 7, 45,
     "unknown name `zz`"),
    ("constant overflow", "request dst=demo.Door method=Open { assert (message.code < 9223372036854775807 + 1) }\n",
     {}, "security.psl", 7, 80, "integer overflow"),
    ("choice default twice", "request dst=demo.Door method=Wide { choice (message.b) { _ : grant () _ : deny () } }\n",
     {}, "security.psl", 7, 71, "`_` is given twice"),
    ("choice string on a number", 'request dst=demo.Door method=Open { choice (message.code) { "a" : grant () } }\n',
     {}, "security.psl", 7, 61, "a string compares only with a Flow state"),
    ("bool.cond without else", "request dst=demo.Door method=Wide { assert (bool.cond { if : true, then : false }) }\n",
     {}, "security.psl", 7, 45, "`bool.cond` needs `else`"),
    ("size of an integer", "request dst=demo.Door method=Open { assert (size (message.code) > 1) }\n", {},
     "security.psl", 7, 51, "`message.code` has no size"),
    ("sum of a non-list", "request dst=demo.Door method=Open { assert (sum (message.code) > 1) }\n", {},
     "security.psl", 7, 50, "`sum` takes a list"),
    ("string contents", 'request dst=demo.Door method=SetName { assert (message.name == "x") }\n', {},
     "security.psl", 7, 48, "the contents of `message.name`"),
    ("UInt64 arithmetic", "request dst=demo.Door method=Wide { assert (message.u + 1 > 1) }\n", {},
     "security.psl", 7, 45, "on a UInt64 field"),
    ("reserved alias", "use message = 1\n", {}, "security.psl", 7, 5, "`message` is a reserved name"),
    # bad PAL
    ("PAL without sequence", T + "}\n", {}, "security.psl", 7, 1, "has no `sequence`"),
    ("PAL setup twice", T + "    setup { }\n    sequence { }\n}\n", {}, "security.psl", 10, 5,
     "`setup` is given twice"),
    ("PAL unknown SID", seq("grant x ~> d : ctl.Open { code : 1 }"), {}, "security.psl", 10, 26,
     "unknown SID `x`"),
    ("PAL unknown method", seq("p ~> d : ctl.Fly {}"), {}, "security.psl", 10, 29, "has no method `Fly`"),
    ("PAL unknown endpoint", seq("p ~> d : door.Open {}"), {}, "security.psl", 10, 29,
     "has no endpoint `door`"),
    ("PAL unknown parameter", seq("p ~> d : ctl.Open { colour : 1 }"), {}, "security.psl", 10, 40,
     "no parameter or field `colour`"),
    ("PAL value out of range", seq("p ~> d : ctl.Open { code : 0x100000000 }"), {}, "security.psl", 10, 47,
     "does not fit `code`"),
    ("PAL negative into unsigned", seq("p ~> d : ctl.Open { code : -1 }"), {}, "security.psl", 10, 47,
     "does not fit `code`"),
    ("PAL string for an integer", seq('p ~> d : ctl.Open { code : "x" }'), {}, "security.psl", 10, 47,
     "`code` is an integer field"),
    ("PAL string too long", seq('p ~> d : ctl.SetName { name : "%s" }' % ("x" * 16)), {}, "security.psl", 10, 50,
     "holds at most 16 bytes"),
    ("PAL handle value", seq("p ~> d : ctl.Pass { h : 1 }"), {}, "security.psl", 10, 44, "PAL tests cannot pass handles"),
    ("PAL bad case", seq("maybe p ~> d : ctl.Open {}"), {}, "security.psl", 10, 20,
     "expected a test case"),
    ("PAL execute without dst", seq("deny execute src=p"), {}, "security.psl", 10, 20,
     "needs `dst=<Class>`"),
    ("PAL selector of another event", seq("deny execute src=p dst=demo.Door endpoint=ctl"), {},
     "security.psl", 10, 53, "`endpoint=` does not apply to execute test cases"),
    ("PAL bind without execute", seq("x <- request src=p"), {}, "security.psl", 10, 25,
     "expected `execute` after `x <-`"),
]


def run(tmp_path, main, others, *mode):
    for name, text in others.items():
        (tmp_path / name).write_text(text)
    f = tmp_path / "security.psl"
    f.write_text(HEAD + main)
    return subprocess.run([PYTHON, "-m", "tools.psl", "-I", str(IDL), "-I", str(tmp_path), *mode, str(f)],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)


def test_table_is_big_enough():
    assert len(CASES) >= 20
    assert len({c[0] for c in CASES}) == len(CASES)


@pytest.mark.parametrize("mode", [("-o", "policy.c"), ("--test",), ("--lint",)], ids=["compile", "test", "lint"])
@pytest.mark.parametrize("name,main,others,file,line,col,message", CASES, ids=[c[0] for c in CASES])
def test_broken_policy(tmp_path, mode, name, main, others, file, line, col, message):
    if mode[0] == "-o":
        mode = ("-o", str(tmp_path / "policy.c"))
    res = run(tmp_path, main, others, *mode)
    out = (res.stdout + res.stderr)
    assert res.returncode == 1, out
    assert "Traceback" not in out
    lines = [ln for ln in out.splitlines() if ln]
    assert len(lines) == 1, out
    m = re.fullmatch(r"(.+):(\d+):(\d+): error: (.+)", lines[0])
    assert m, lines[0]
    assert pathlib.Path(m.group(1)).name == file, lines[0]
    assert (int(m.group(2)), int(m.group(3))) == (line, col), lines[0]
    assert message in m.group(4), lines[0]
    assert not (tmp_path / "policy.c").exists()
