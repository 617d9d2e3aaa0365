"""Templates in the files the tools read: {% if %} lines and @NAME@ in plain
security.psl and init.yaml as well as .in files, values from -D and --vars files,
an unknown variable an error at its file:line:col (tools/template.py)."""
import pathlib
import subprocess

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
PYTHON = "/usr/bin/python3"
PSL_IDL = ROOT / "tests/tools/data/psl/idl"
POLICY = """execute: kl.core.Execute
use nk.base._
use EDL Einit
use EDL kl.core.Core
use EDL @DOOR@
{% if BOARD == "RPI4_BCM2711" %}
use EDL demo.Panel
request src=demo.Panel dst=demo.Door { grant () }
{% else %}
request src=Einit dst=@DOOR@ { grant () }
{% endif %}
execute src=kl.core.Core dst=Einit { grant () }
"""
INIT = """entities:
- name: demo.Client
{% if WITH_STORE %}
  connections:
  - target: demo.Store
    id: @STORE_ID@
- name: demo.Store
  path: @INIT_Store_PATH@
{% endif %}
"""


def tool(*args):
    return subprocess.run([PYTHON, "-m", *args], cwd=ROOT, capture_output=True, text=True)


@pytest.mark.parametrize("name", ["security.psl", "security.psl.in"])
def test_policy_template_in_either_file(tmp_path, name):
    f = tmp_path / name
    f.write_text(POLICY)
    args = ("tools.psl", "-I", str(PSL_IDL), "--list-classes", str(f))
    res = tool(*args[:-1], "-D", "DOOR=demo.Door", "-D", "BOARD=RPI4_BCM2711", args[-1])
    assert res.returncode == 0, res.stderr
    assert "demo.Panel" in res.stdout.split()
    res = tool(*args[:-1], "-D", "DOOR=demo.Door", args[-1])
    assert res.returncode == 0, res.stderr
    assert "demo.Panel" not in res.stdout.split() and "demo.Door" in res.stdout.split()
    res = tool(*args)                                        # DOOR undefined
    assert res.returncode == 1
    assert res.stderr.startswith(f"{f}:5:9: error: unknown variable @DOOR@"), res.stderr


@pytest.mark.parametrize("name", ["init.yaml", "init.yaml.in"])
def test_init_template_in_either_file(tmp_path, name):
    f = tmp_path / name
    f.write_text(INIT)
    vars_file = tmp_path / "solution.vars"
    vars_file.write_text("WITH_STORE=ON\nSTORE_ID=demo.Store\n")
    res = tool("tools.einit", "--vars", str(vars_file), "--list-programs", str(f))
    assert res.returncode == 0, res.stderr
    assert res.stdout.split() == ["Client", "Store"]         # @INIT_Store_PATH@: its default
    res = tool("tools.einit", "--vars", str(vars_file), "-D", "INIT_Store_PATH=Other", "--list-programs", str(f))
    assert res.stdout.split() == ["Client", "Other"]
    res = tool("tools.einit", "--list-programs", str(f))    # WITH_STORE undefined: branch dropped
    assert res.returncode == 0 and res.stdout.split() == ["Client"], res.stderr
    res = tool("tools.einit", "-D", "WITH_STORE=1", "--list-programs", str(f))
    assert res.returncode == 1
    assert res.stderr.startswith(f"{f}:6:9: error: unknown variable @STORE_ID@"), res.stderr


def test_bad_vars_file_is_reported_by_the_tools(tmp_path):
    bad = tmp_path / "solution.vars"
    bad.write_text("A=1\nB\n")
    f = tmp_path / "init.yaml"
    f.write_text("entities: []\n")
    for t in ("tools.einit", "tools.psl"):
        res = tool(t, "--vars", str(bad), str(f))
        assert res.returncode == 1 and res.stderr.startswith(f"{bad}:2:1: error: expected NAME=VALUE"), res.stderr
    res = tool("tools.einit", "--vars", str(tmp_path / "missing.vars"), str(f))
    assert res.returncode == 1 and "missing.vars: error: No such file" in res.stderr, res.stderr


@pytest.mark.parametrize("name", ["init.yaml", "init.yaml.in"])
def test_lint_reads_init_yaml_with_the_same_variables(tmp_path, name):
    """--lint --init expands init.yaml as tools/einit does: a {% if %} that drops the
    entity makes its execute grant one that never matches."""
    init = tmp_path / name
    init.write_text("entities:\n{% if WITH_PANEL %}\n- name: demo.Panel\n{% endif %}\n")
    policy = tmp_path / "security.psl"
    policy.write_text("execute: kl.core.Execute\nuse nk.base._\nuse kl.core.Core._\nuse EDL demo.Panel\n"
                      "execute src=Einit dst=demo.Panel { grant () }\n")
    args = ("tools.psl", "-I", str(PSL_IDL), "--lint", "-Werror", "--init", str(init))
    res = tool(*args, "-D", "WITH_PANEL=ON", str(policy))
    assert res.returncode == 0 and res.stderr == "", res.stderr
    res = tool(*args, str(policy))
    assert res.returncode == 1
    assert f"{policy}:5:1: warning: execute grant of a class that is never started" in res.stderr, res.stderr
    init.write_text("entities:\n- name: @PANEL@\n")
    res = tool(*args, str(policy))
    assert res.returncode == 1 and f"{init}:2:9: error: unknown variable @PANEL@" in res.stderr, res.stderr
