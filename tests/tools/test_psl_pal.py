"""PAL policy tests (tools/psl/pal.py, pal_run.py): every solution's tests pass on the
host engine; passing and failing cases of a test policy give the documented answers
(test name, step, the rule or binding that decided; exit status 1)."""
import pathlib
import subprocess

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
DATA = ROOT / "tests/tools/data/psl"
IDL = DATA / "idl"
PYTHON = "/usr/bin/python3"
VFS_IDL = ROOT / "userland/idl/vfs"
SOLUTIONS = sorted(p.parent.name for p in (ROOT / "solutions").glob("*/security.psl"))

HEAD = """execute: kl.core.Execute
use EDL Einit
use EDL kl.core.Core
use EDL demo.Door
use EDL demo.Panel
use EDL demo.Server
execute src=kl.core.Core dst=Einit { grant () }
execute src=Einit { match dst=demo.Door { grant () } match dst=demo.Panel { grant () } }
request src=demo.Panel dst=demo.Door endpoint=ctl method=Open {
    assert (message.code != 0)
    deny (message.delta < -5 || message.delta > 5)
}
request src=demo.Panel dst=demo.Door endpoint=ctl method=Close { deny () }
request src=demo.Panel dst=demo.Server endpoint=main.store method=Put {
    assert (message.e.key == 0 ==> message.e.key.id < 100)
    assert (message.e.tags.[3] != 7)
}
response src=demo.Door method=Get { assert (message.big >= 0) }
security src=demo.Panel method=Check { assert (message.level <= 3) }
"""       # 19 lines: the 7th and 8th are the execute bindings
SETUP = """    setup {
        einit <- execute src=kl.core.Core dst=Einit
        p <- execute src=einit dst=demo.Panel
        d <- execute src=einit dst=demo.Door
    }
"""


def pal(tmp_path, text, *extra):
    f = tmp_path / "security.psl"
    f.write_text(text)
    return subprocess.run([PYTHON, "-m", "tools.psl", "--test", "-I", str(IDL), *extra, str(f)],
                          cwd=ROOT, capture_output=True, text=True, timeout=300)


@pytest.mark.parametrize("solution", SOLUTIONS)
def test_solution_pal_tests_pass(solution):
    d = ROOT / "solutions" / solution
    text = (d / "security.psl").read_text()
    assert "assert \"" in text and "\n        deny" in text, "every policy carries PAL tests"
    res = subprocess.run([PYTHON, "-m", "tools.psl", "--test", "-I", str(d / "idl"), "-I", str(d),
                          "-I", str(VFS_IDL), str(d / "security.psl")],
                         cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert res.returncode == 0, res.stdout + res.stderr
    assert "all passed" in res.stdout and " 0 cases" not in res.stdout


def test_passing_cases(tmp_path):
    res = pal(tmp_path, HEAD + 'assert "door" {\n' + SETUP + """
    sequence "open" {
        p ~> d : ctl.Open { code : 1, delta : -5 }
        deny "code 0" p ~> d : ctl.Open { code : 0, delta : 0 }
        deny request src=p dst=d endpoint=ctl method=Open { code : 1, delta : 6 }
        deny request src=p dst=d endpoint=ctl method=Close {}
        deny "no binding" request src=d dst=d endpoint=ctl method=Open { code : 1 }
        any request src=p dst=d endpoint=ctl method=Close {}
        grant response src=d dst=p endpoint=ctl method=Get { v : 1, big : 0 }
        deny response src=d dst=p endpoint=ctl method=Get { big : -1 }
    }
    sequence "unions, arrays, sequences, strings" {
        grant request src=p dst=demo.Server endpoint=main.store method=Put { e : { key : { id : 99 } } }
        deny request src=p dst=demo.Server endpoint=main.store method=Put { e : { key : { id : 100 } } }
        grant request src=p dst=demo.Server endpoint=main.store method=Put {
            e : { key : { n : "a name" }, tags : [1, 2, 3, 4], blob : [1, 2, 3] } }
        deny request src=p dst=demo.Server endpoint=main.store method=Put { e : { tags : [0, 0, 0, 7] } }
    }
    sequence "security and execute" {
        grant security src=p method=Check { level : 3 }
        deny security src=p method=Check { level : 4 }
        deny execute src=p dst=demo.Door
        deny "the kernel's class" execute src=einit dst=kl.core.Core
    }
}
""")
    assert res.returncode == 0, res.stdout + res.stderr
    assert res.stdout.strip() == "security.psl: PAL: 3 tests, 25 cases, all passed"


@pytest.mark.parametrize("case,expected", [
    # a rule denies a case expected to pass: the rule's and its binding's place
    ("p ~> d : ctl.Open { code : 0 }",
     'security.psl:27:9: error: PAL test "t" / sequence "s", step 4 (request demo.Panel -> demo.Door '
     'ctl.Open): expected grant, denied: assert at security.psl:10:5 (request binding at security.psl:9:1)'),
    # no binding
    ('grant "back" d ~> p : ctl.Open {}',
     None),
    ("grant request src=d dst=d endpoint=ctl method=Open { code : 1 }",
     'security.psl:27:9: error: PAL test "t" / sequence "s", step 4 (request demo.Door -> demo.Door '
     'ctl.Open): expected grant, denied: no binding'),
    # a grant where a denial was expected: the binding that granted
    ('deny "get" response src=d dst=p endpoint=ctl method=Get { big : 5 }',
     'security.psl:27:9: error: PAL test "t" / sequence "s", step 4 "get" (response demo.Door -> '
     'demo.Panel ctl.Get): expected deny, granted by response binding at security.psl:18:1'),
    ("deny execute src=einit dst=demo.Door",
     'security.psl:27:9: error: PAL test "t" / sequence "s", step 4 (execute Einit -> demo.Door): '
     'expected deny, granted by execute binding at security.psl:8:1'),
    ("grant security src=p method=Check { level : 9 }",
     'security.psl:27:9: error: PAL test "t" / sequence "s", step 4 (security demo.Panel Check): '
     'expected grant, denied: assert at security.psl:19:40 (security binding at security.psl:19:1)'),
])
def test_failing_case(tmp_path, case, expected):
    text = HEAD + 'assert "t" {\n' + SETUP + '    sequence "s" {\n        ' + case + "\n    }\n}\n"
    res = pal(tmp_path, text)
    if expected is None:                       # demo.Panel serves nothing: a checked error
        assert res.returncode == 1
        assert "class `demo.Panel` has no endpoint `ctl`" in res.stderr and res.stdout == ""
        return
    assert res.returncode == 1, res.stdout
    first = res.stdout.splitlines()[0]
    assert first.endswith(expected), first
    assert res.stdout.splitlines()[-1] == "security.psl: PAL: 1 tests, 4 cases, 1 failed"


def test_each_test_starts_afresh(tmp_path):
    # variables of one sequence are not seen by the next; setup runs for each
    text = HEAD + """assert "t" {
    sequence "a" { x <- execute src=kl.core.Core dst=Einit }
    sequence "b" { y <- execute src=x dst=demo.Panel }
}
"""
    res = pal(tmp_path, text)
    assert res.returncode == 1
    assert "security.psl:22:37: error: unknown SID `x`" in res.stderr


def test_a_failure_stops_only_its_own_test(tmp_path):
    text = HEAD + 'assert "t" {\n' + SETUP + """    sequence "bad" { deny p ~> d : ctl.Open { code : 1 } }
    sequence "good" { p ~> d : ctl.Open { code : 1 } }
    finally { deny p ~> d : ctl.Close {} }
}
"""
    res = pal(tmp_path, text)
    assert res.returncode == 1
    lines = res.stdout.splitlines()
    assert len(lines) == 2 and 'sequence "bad", step 4' in lines[0], res.stdout
    assert lines[1] == "security.psl: PAL: 2 tests, 9 cases, 1 failed"


def test_policy_without_tests(tmp_path):
    res = pal(tmp_path, HEAD)
    assert res.returncode == 0 and "no policy tests" in res.stdout


def test_make_policy_test():
    res = subprocess.run(["make", "-s", "policy-test", "SOLUTION=policy_checks"], cwd=ROOT,
                         capture_output=True, text=True, timeout=300)
    assert res.returncode == 0, res.stdout + res.stderr
    assert "PAL: 3 tests" in res.stdout and "all passed" in res.stdout


def test_policy_coverage():
    """`make policy-coverage`: every binding and rule (file:line:col) with how often the
    PAL tests and a console run of the solution (its kernel built with counters) ran it
    and with which outcome; bindings never exercised are flagged."""
    res = subprocess.run(["make", "-s", "policy-coverage", "SOLUTION=staticmap_commit"], cwd=ROOT,
                         capture_output=True, text=True, timeout=600)
    assert res.returncode == 0, res.stdout + res.stderr
    lines = res.stdout.splitlines()
    # PAL counts, then those of a boot of the solution built with POLICY_COUNTERS=1
    assert "security.psl:19:38: limits.init: 6 granted, 1 denied; console: 1 granted, 0 denied" in lines
    assert "security.psl:32:9: assert: 3 granted, 4 denied; console: 3 granted, 3 denied" in lines
    assert "security.psl:27:1: request binding: 13 decisions; console: 11 rule outcomes" in lines
    # no PAL test sends a response; the console run does
    assert "security.psl:35:1: response binding: 0 decisions; console: 8 rule outcomes" in lines
    assert lines[-1] == "security.psl: PAL: 3 tests, 26 cases, all passed"
