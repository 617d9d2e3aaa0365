"""tools/einit: init.yaml in KasperskyOS's format -> Einit's table; bad input -> file:line errors."""
import pathlib
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]


def run(tmp_path, text, programs="Client,VfsFsnet,Server", name="init.yaml", extra=()):
    f = tmp_path / name
    f.write_text(text)
    return subprocess.run(["/usr/bin/python3", "-m", "tools.einit",
                           "-I", str(ROOT / "userland/include"), "--programs", programs, *extra, str(f)],
                          capture_output=True, text=True, cwd=ROOT)


SEED = """\
- name: Client
  connections:
  - target: VfsFsnet
    id: {var: _VFS_CONNECTION_ID, include: vfs/defs.h}
- name: VfsFsnet
"""


def test_seed_page_example_compiles(tmp_path):
    res = run(tmp_path, "entities:\n" + SEED)
    assert res.returncode == 0, res.stderr
    assert '{ 0, 1, "{VFS}" }' in res.stdout                 # _VFS_CONNECTION_ID resolved
    assert '"Client", "Client", "Client"' in res.stdout
    assert '"VfsFsnet", "VfsFsnet", "VfsFsnet", argv_1, 1, envp_1, 0, 1' in res.stdout  # a server


def test_task_path_args_env_and_defaults(tmp_path):
    res = run(tmp_path, """entities:
- name: demo.Server
  task: srv1
  path: Server
  args: ["-l", "romfs /etc romfs ro"]
  env: {A: "1", B: two}
""")
    assert res.returncode == 0, res.stderr
    assert 'argv_0[] = { "srv1", "-l", "romfs /etc romfs ro" }' in res.stdout
    assert 'envp_0[] = { "A=1", "B=two" }' in res.stdout
    assert '"srv1", "demo.Server", "Server"' in res.stdout


def test_template_markers_are_expanded(tmp_path):
    res = run(tmp_path, "entities:\n- name: @CLIENT@\n@INIT_Client_ENTITY_CONNECTIONS@\n"
              "@INIT_EXTERNAL_ENTITIES@\n", name="init.yaml.in", extra=["-D", "CLIENT=Client"])
    assert res.returncode == 0, res.stderr
    assert '"Client", "Client", "Client"' in res.stdout


@pytest.mark.parametrize("text,line,message", [
    ("entities:\n- name: Client\n  connections:\n  - target: Nobody\n    id: x\n", 4,
     "connection target `Nobody` is not a task"),
    ("entities:\n- name: Client\n- name: Client\n", 3, "duplicate task name `Client`"),
    ("entities:\n- name: Missing\n", 2, "no program `Missing`"),
    ("entities:\n- name: Client\n  connections:\n  - target: Client\n"
     "    id: {var: NOPE, include: vfs/defs.h}\n", 5, "does not define NOPE"),
    ("entities:\n- name: Client\n  connections:\n  - target: Client\n"
     "    id: {var: X, include: no/such.h}\n", 5, "include file no/such.h not found"),
    ("entities:\n- name: [Client\n", 3, "YAML syntax"),
    ("entities:\n- task: x\n", 2, "entity without `name`"),
    ("entities:\n- name: Client\n  args: notalist\n", 3, "args must be a list"),
])
def test_bad_input_is_reported_with_its_line(tmp_path, text, line, message):
    res = run(tmp_path, text)
    assert res.returncode == 1
    assert f"init.yaml:{line}:" in res.stderr and message in res.stderr, res.stderr


def test_unknown_keys_warn(tmp_path):
    res = run(tmp_path, "entities:\n- name: Client\n  colour: blue\n")
    assert res.returncode == 0
    assert "init.yaml:3:3: warning: unknown key `colour`" in res.stderr
