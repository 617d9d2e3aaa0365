"""tools/psl: good policies compile; every kind of bad input is reported as
file:line:column with a clear message; unsupported PSL says so; templates."""
import pathlib
import re
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tools.psl.compiler import compile_text, permissive_tables  # noqa: E402
from tools.psl.errors import PslError  # noqa: E402

DATA = ROOT / "tests/tools/data/psl"
IDL = DATA / "idl"
PYTHON = "/usr/bin/python3"
HEAD = """execute: kl.core.Execute
use nk.base._
use EDL Einit
use EDL kl.core.Core
use EDL demo.Door
use EDL demo.Panel
"""          # 6 lines: the case's own text starts on line 7


def run(tmp_path, text, name="security.psl", extra=()):
    f = tmp_path / name
    f.write_text(text)
    return subprocess.run([PYTHON, "-m", "tools.psl", "-I", str(IDL), "-I", str(DATA), *extra,
                           "-o", str(tmp_path / "out.c"), str(f)], cwd=ROOT, capture_output=True, text=True)


def test_good_policy_compiles(tmp_path):
    res = run(tmp_path, (DATA / "good.psl").read_text())
    assert res.returncode == 0, res.stderr
    c = (tmp_path / "out.c").read_text()
    assert "const struct sec_tables sec_policy = {" in c
    assert "SEC_F_AUDIT_GRANTED | SEC_F_AUDIT_DENIED" in c
    assert "0=kl.core.Core, 1=Einit, 2=demo.Door, 3=demo.Panel, 4=demo.Server" in c


def test_echo_solution_policy(tmp_path):
    res = subprocess.run([PYTHON, "-m", "tools.psl", "-I", str(ROOT / "solutions/echo/idl"), "-Werror",
                          "-o", str(tmp_path / "policy.c"), str(DATA / "echo.psl")],
                         cwd=ROOT, capture_output=True, text=True)
    assert res.returncode == 0, res.stderr


def test_list_classes(tmp_path):
    res = run(tmp_path, HEAD, extra=["--list-classes"])
    assert res.stdout.split() == ["kl.core.Core", "Einit", "demo.Door", "demo.Panel"]


def test_concepts_example_with_its_flow_object_compiles(tmp_path):
    res = run(tmp_path, (DATA / "door_example.psl").read_text())
    assert res.returncode == 0, res.stderr
    c = (tmp_path / "out.c").read_text()
    assert '{ "door", 2u, 0u, sec_flow_0_transitions, ' in c
    assert "SEC_OP_FLOW_ENTER" in c and "SEC_OP_FLOW_INIT" in c


def test_task_class_forms_and_kernel_class_always_known():
    t = compile_text("task class demo.Door\ntask class Other : demo.Panel\nexecute { grant () }\n",
                     include_dirs=[IDL])
    assert [c.name for c in t.classes] == ["kl.core.Core", "demo.Door", "Other"]
    assert t.classes[2].tc.name == "demo.Panel"


def test_permissive_tables():
    t = permissive_tables()
    assert t.flags & 1 and [c.name for c in t.classes] == ["kl.core.Core"]


def test_policy_tests_are_checked_not_skipped(tmp_path):
    # PAL tests are parsed and checked at build time (run by --test:
    # tests/tools/test_psl_pal.py); a set without a sequence is an error
    res = run(tmp_path, HEAD + 'assert "t" { setup { p <- execute dst=demo.Panel } }\n')
    assert res.returncode == 1
    assert res.stderr.endswith('security.psl:7:1: error: test set `t` has no `sequence`\n')
    res = run(tmp_path, HEAD + 'assert "t" { sequence "s" { p <- execute dst=demo.Panel } }\n')
    assert res.returncode == 0 and "warning" not in res.stderr, res.stderr


def test_no_execute_declaration_warns(tmp_path):
    res = run(tmp_path, "use EDL Einit\nexecute { grant () }\n")
    assert res.returncode == 0 and "no `execute: kl.core.Execute`" in res.stderr
    assert run(tmp_path, "use EDL Einit\nexecute { grant () }\n", extra=["-Werror"]).returncode == 1


def test_audit_default_without_granted():
    t = compile_text(HEAD + 'audit profile p = { 0 : { base : { kss : ["denied"] } } }\naudit default = p 0\n',
                     include_dirs=[IDL])
    assert t.flags == 8                 # SEC_F_AUDIT_DENIED


@pytest.mark.parametrize("text,line,col,message", [
    # syntax
    ("request src=demo.Panel { grant () \n", 8, 1, "missing `}`"),
    ("request src demo.Panel { grant () }\n", 7, 9, "expected a selector"),
    ("request colour=red { grant () }\n", 7, 9, "unknown selector `colour`"),
    ("request { grant (1) }\n", 7, 18, "`grant` takes no argument"),
    ("request { assert () }\n", 7, 19, "`assert` needs a condition"),
    ("request { grant }\n", 7, 17, "expected `(` after `grant`"),
    ("request { assert (message.code < 1 < 2) }\n", 7, 36, "comparisons do not chain"),
    ("frobnicate\n", 7, 1, "unexpected `frobnicate`"),
    ("use foo\n", 7, 5, "expected `use <package>._`"),
    ("request { grant () } /* open\n", 7, 22, "unterminated comment"),
    ("request dst=demo.Door { deny (message.code == \"x) }\n", 7, 47, "unterminated string"),
    ("request { grant () } $\n", 7, 22, "unexpected character `$`"),
    # names
    ("request src=demo.Nobody { grant () }\n", 7, 13, "unknown class `demo.Nobody`"),
    ("use EDL demo.Nobody\n", 7, 9, "cannot find EDL class 'demo.Nobody'"),
    ("use missing._\n", 7, 5, "cannot find PSL package `missing._`"),
    ("request dst=demo.Door endpoint=nope { grant () }\n", 7, 32, "no endpoint `nope` in class `demo.Door`"),
    ("request endpoint=nope { grant () }\n", 7, 18, "no endpoint `nope` in any class"),
    ("request dst=demo.Door method=Fly { grant () }\n", 7, 30, "no method `Fly` in demo.Door.ctl"),
    ("request dst=demo.Door {\n  match endpoint=ctl method=Fly { grant () }\n}\n", 8, 29, "no method `Fly`"),
    ("request interface=demo.INope { grant () }\n", 7, 19, "no endpoint of interface `demo.INope`"),
    ("request component=main { grant () }\n", 7, 19, "no component `main`"),
    ("execute endpoint=ctl { grant () }\n", 7, 9, "does not apply to execute"),
    ("security dst=demo.Door { grant () }\n", 7, 10, "does not apply to security"),
    ("security src=demo.Panel method=Nope { grant () }\n", 7, 32, "no security method `Nope`"),
    # conditions
    ("request dst=demo.Door method=Open {\n  assert (message.colour != 0)\n}\n", 8, 11,
     "request ctl.Open of demo.Door has no field `colour` (fields: code, delta)"),
    ("request dst=demo.Door method=SetName { assert (message.name != 0) }\n", 7, 48,
     "the contents of `message.name` (a string in the arena"),
    ("request dst=demo.Door method=Open { assert (message.code) }\n", 7, 45, "a condition must be a comparison"),
    ("request dst=demo.Door method=Open { assert (message.code && true) }\n", 7, 45, "`&&` needs conditions"),
    ("request dst=demo.Door method=Open { assert ((1 < 2) == true) }\n", 7, 53, "compares integers"),
    ("execute { assert (message.x == 1) }\n", 7, 19, "`message` is not available in execute bindings"),
    ("request dst=demo.Door method=Open { assert (self_sid == 1) }\n", 7, 45, "unknown name `self_sid`"),
    # unsupported PSL
    ("policy object door : Regex { }\n", 7, 22, "the Regex security model is not supported yet"),
    ("request { choice (x) { _ : grant () } }\n", 7, 19, "unknown name `x`"),
    ("request { door.enter { sid : dst_sid } }\n", 7, 11, "unknown policy object `door`"),
    ("request { door.enter }\n", 7, 11, "expected a rule"),
    ("request dst=demo.Door method=Open { assert (message.code == \"a\") }\n", 7, 58,
     "a string compares only with a Flow state"),
    ("execute: kl.core.Other\n", 7, 10, "the execute interface `kl.core.Other`"),
    ("use x = y\n", 7, 9, "unknown name `y`"),
    ("request { audit trace\n grant () }\n", 7, 17, "no audit profile `trace`"),
    # audit
    ("audit default = nope 0\n", 7, 17, "no audit profile `nope`"),
    ("audit profile p = { 0 : { base : { kss : [\"maybe\"] } } }\n", 7, 43, "`kss` takes"),
])
def test_errors_have_file_line_column(tmp_path, text, line, col, message):
    res = run(tmp_path, HEAD + text)
    assert res.returncode == 1, res.stderr
    first = res.stderr.strip().splitlines()[-1]
    assert f"security.psl:{line}:{col}: error: " in first and message in first, res.stderr


def test_error_in_an_included_file_names_that_file(tmp_path):
    (tmp_path / "inc").mkdir()
    (tmp_path / "inc" / "rules.psl").write_text("\nrequest src=demo.Gone { grant () }\n")
    res = run(tmp_path, HEAD + "use rules._\n", extra=["-I", str(tmp_path / "inc")])
    assert res.returncode == 1
    assert "rules.psl:2:13: error: unknown class `demo.Gone`" in res.stderr


def test_error_in_an_edl_file_is_reported_there(tmp_path):
    d = tmp_path / "idl" / "bad"
    d.mkdir(parents=True)
    (d / "Thing.edl").write_text("task class bad.Thing\nendpoints { x_y : demo.IDoor }\n")
    res = run(tmp_path, "use EDL bad.Thing\n", extra=["-I", str(tmp_path / "idl")])
    assert res.returncode == 1
    assert re.search(r"Thing\.edl:2:\d+: error: ", res.stderr), res.stderr


def test_template_policy(tmp_path):
    text = HEAD + """{% if BOARD == "RPI4_BCM2711" %}
request src=@CLIENT@ dst=demo.Door { grant () }
{% else %}
request src=demo.Nobody { grant () }
{% endif %}
@INIT_EXTERNAL_ENTITIES@
"""
    res = run(tmp_path, text, "security.psl.in", extra=["-D", "BOARD=RPI4_BCM2711", "-D", "CLIENT=demo.Panel"])
    assert res.returncode == 0, res.stderr
    res = run(tmp_path, text, "security.psl.in", extra=["-D", "BOARD=virt", "-D", "CLIENT=demo.Panel"])
    assert "security.psl.in:10:13: error: unknown class `demo.Nobody`" in res.stderr
    res = run(tmp_path, text + "{% endif %}\n", "security.psl.in", extra=["-D", "BOARD=virt"])
    assert "security.psl.in:13:1: error: `{% endif %}` without `{% if %}`" in res.stderr
    # the SDK marker can carry `use EDL` lines
    res = run(tmp_path, "use EDL Einit\n@INIT_EXTERNAL_ENTITIES@\nrequest dst=demo.Door { grant () }\n",
              "security.psl.in", extra=["-D", "INIT_EXTERNAL_ENTITIES=use EDL demo.Door"])
    assert res.returncode == 0, res.stderr


def test_api_error_object():
    with pytest.raises(PslError) as e:
        compile_text("request src=X { grant () }\n", "p.psl", include_dirs=[IDL])
    assert (e.value.file, e.value.line, e.value.col) == ("p.psl", 1, 13)
