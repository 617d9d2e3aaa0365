"""tools/psl --lint (tools/psl/lint.py): each warning at its file:line:col; -Werror
makes them fatal (the kernel build lints this way); the solutions are lint-clean."""
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
"""       # 7 lines: a case's text starts on line 8
INIT = "entities:\n- name: demo.Door\n- name: demo.Panel\n"


def lint(tmp_path, text, *extra, init=INIT):
    f = tmp_path / "security.psl"
    f.write_text(text)
    args = [PYTHON, "-m", "tools.psl", "--lint", "-I", str(IDL), *extra]
    if init is not None:
        (tmp_path / "init.yaml").write_text(init)
        args += ["--init", str(tmp_path / "init.yaml")]
    return subprocess.run(args + [str(f)], cwd=ROOT, capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("solution", SOLUTIONS)
def test_solutions_are_lint_clean(solution):
    d = ROOT / "solutions" / solution
    res = subprocess.run([PYTHON, "-m", "tools.psl", "--lint", "-Werror", "--init", str(d / "init.yaml"),
                          "-I", str(d / "idl"), "-I", str(d), "-I", str(VFS_IDL), str(d / "security.psl")],
                         cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert res.returncode == 0 and res.stderr == "", res.stderr


@pytest.mark.parametrize("text,warnings", [
    # clean
    ("execute src=Einit { match dst=demo.Door { grant () } }\n"
     "request src=demo.Panel dst=demo.Door endpoint=ctl method=Open { grant () }\n", []),
    # selectors that exist one by one but never together
    ("request src=demo.Panel endpoint=ctl interface=demo.IStore { grant () }\n",
     ["8:1: warning: this request binding can never match"]),
    ("request dst=demo.Door method=Open {\n    match src=demo.Panel { assert (message.code != 0)\n"
     "        match src=demo.Door { deny () } }\n}\n",
     ["10:9: warning: this `match` can never match"]),
    ("security src=demo.Door { grant () }\n", ["8:1: warning: this security binding can never match"]),
    # execute grants init.yaml never uses
    ("execute src=Einit { grant () }\n",
     ["8:1: warning: execute grant of a class that is never started: Einit may start `Einit`",
      "8:1: warning: execute grant of a class that is never started: Einit may start `demo.Server`"]),
    ("execute src=kl.core.Core dst=demo.Door { grant () }\n",
     ["8:1: warning: execute grant of a class that is never started: the kernel may start `demo.Door`"]),
    # grant () opening a whole server
    ("request src=demo.Panel dst=demo.Door { grant () }\n",
     ["8:40: warning: `grant ()` opens every method of `demo.Door` to `demo.Panel`"]),
    ("request dst=demo.Server { grant () }\n",
     ["8:27: warning: `grant ()` opens every method of `demo.Server` to `Einit`",
      "8:27: warning: `grant ()` opens every method of `demo.Server` to `demo.Door`",
      "8:27: warning: `grant ()` opens every method of `demo.Server` to `demo.Panel`",
      "8:27: warning: `grant ()` opens every method of `demo.Server` to `demo.Server`",
      "8:27: warning: `grant ()` opens every method of `demo.Server` to `kl.core.Core`"]),
    # ... but not when something else restricts the pair, nor for the kernel
    ("request src=demo.Panel dst=demo.Door { grant () }\n"
     "request src=demo.Panel dst=demo.Door method=Close { deny () }\n"
     "request src=demo.Panel dst=kl.core.Core { grant () }\n", []),
    # shadowed by an earlier unconditional deny; a repeated grant
    ("request src=demo.Panel dst=demo.Door endpoint=ctl { deny () }\n"
     "request src=demo.Panel dst=demo.Door endpoint=ctl method=Open { assert (message.code != 0) }\n",
     ["9:65: warning: this `assert` never decides anything: every event it sees is already denied by "
      "`deny ()` at "]),
    ("request src=demo.Panel dst=demo.Door method=Get { grant () }\n"
     "request dst=demo.Door, src=demo.Panel method=Get { grant () }\n",
     ["9:52: warning: this `grant ()` repeats the one at "]),
    # model objects never initialised (a rule inside `choice` counts)
    ('policy object f : Flow { config = { states : ["a"], initial : "a", transitions : {} } }\n'
     'policy object mic : Mic { config = ["L", "H"] }\n'
     'policy object h : HashSet { config = { set_size : 1, pool_size : 1 } }\n'
     "request src=demo.Panel dst=demo.Door method=Open { f.allow { sid : dst_sid, states : \"a\" } }\n"
     "request src=demo.Panel dst=demo.Door method=Close { choice (message.code) { _ : h.init { sid : 1 } } }\n",
     ["8:1: warning: policy object `f` is never initialised (no `f.init` rule): every rule on it denies",
      "9:1: warning: policy object `mic` is never initialised (no `mic.execute` or `mic.create` rule)"]),
])
def test_lint_warnings(tmp_path, text, warnings):
    res = lint(tmp_path, HEAD + text)
    assert res.returncode == 0, res.stderr
    got = res.stderr.splitlines()
    assert len(got) == len(warnings), res.stderr
    for g, w in zip(got, warnings):
        assert g.startswith(str(tmp_path / "security.psl") + ":" + w), (g, w)


def test_werror_fails_and_the_build_mode_lints(tmp_path):
    text = HEAD + "request src=demo.Panel dst=demo.Door { grant () }\n"
    res = lint(tmp_path, text, "-Werror")
    assert res.returncode == 1
    assert res.stderr.splitlines()[-1].endswith("error: lint warnings treated as errors")
    # the kernel build: compile and lint in one run (-o), -Werror
    res = lint(tmp_path, text, "-Werror", "-o", str(tmp_path / "policy.c"))
    assert res.returncode == 1 and "opens every method" in res.stderr
    res = lint(tmp_path, HEAD, "-Werror", "-o", str(tmp_path / "policy.c"))
    assert res.returncode == 0 and (tmp_path / "policy.c").exists(), res.stderr


def test_without_init_yaml_no_execute_check(tmp_path):
    res = lint(tmp_path, HEAD + "execute src=Einit { grant () }\n", init=None)
    assert res.returncode == 0 and res.stderr == ""


def test_bad_init_yaml(tmp_path):
    res = lint(tmp_path, HEAD, init="entities: [\n")
    assert res.returncode == 1
    assert res.stderr.count("\n") == 1 and "init.yaml:" in res.stderr and "error:" in res.stderr


def test_makefile_lints_the_policy():
    mk = (ROOT / "Makefile").read_text()
    assert "--lint -Werror" in mk and "$(PSL_LINT) -o $@" in mk
