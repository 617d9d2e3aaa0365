"""tools/einit: init.yaml in KasperskyOS's format -> Einit's table; bad input -> file:line errors."""
import json
import pathlib
import subprocess

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
DATA = ROOT / "tests/tools/data/einit"


def run(tmp_path, text, programs="Client,VfsFsnet,Server", name="init.yaml", extra=()):
    f = tmp_path / name
    f.write_text(text)
    return subprocess.run(["/usr/bin/python3", "-m", "tools.einit",
                           "-I", str(DATA / "include"), "--programs", programs, *extra, str(f)],
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
     "    id: {var: NOPE, include: vfs/defs.h}\n", 5, "unknown macro NOPE"),
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


# ---- templates, line numbers through templates, types, priority, listing, C --------------


def run_file(path, *extra, programs="Client,Store,VfsFsnet"):
    return subprocess.run(["/usr/bin/python3", "-m", "tools.einit", "-I", str(DATA / "include"),
                           "--programs", programs, *extra, str(path)],
                          capture_output=True, text=True, cwd=ROOT)


def test_template_file(tmp_path):
    res = run_file(DATA / "init.yaml.in", "-D", "STORE_PROGRAM=Store", "-D", "BOARD=RPI4_BCM2711")
    assert res.returncode == 0, res.stderr
    out = res.stdout
    assert '{ "client1", "demo.Client", "Client", argv_0, 1, envp_0, 1, 0, 15, 0ULL }' in out
    assert '{ "store", "demo.Store", "Store", argv_1, 3, envp_1, 0, 1, 20, 2048ULL }' in out
    assert '{ 0, 1, "demo.Store" }' in out and '{ 0, 1, "board.Channel" }' in out
    assert 'envp_0[] = { "VFS_FILESYSTEM_BACKEND=client:demo.Store" }' in out
    res = run_file(DATA / "init.yaml.in", "-D", "STORE_PROGRAM=Store", "-D", "BOARD=virt")
    assert res.returncode == 0 and "board.Channel" not in res.stdout


def test_template_errors_keep_template_lines(tmp_path):
    # STORE_PROGRAM undefined: an error at its line and column, not an empty path
    res = run_file(DATA / "init.yaml.in")
    assert res.returncode == 1
    assert "init.yaml.in:17:9: error: unknown variable @STORE_PROGRAM@" in res.stderr, res.stderr
    # defined but empty: YAML null at line 17 of the template
    res = run_file(DATA / "init.yaml.in", "-D", "STORE_PROGRAM=")
    assert "init.yaml.in:17:8: error: path must be a non-empty string" in res.stderr, res.stderr
    f = tmp_path / "init.yaml.in"
    f.write_text("entities:\n@INIT_EXTERNAL_ENTITIES@\n{% if X %}\n- name: A\n{% endif %}\n"
                 "- name: Client\n  connections:\n  - target: Nobody\n    id: x\n")
    res = run_file(f, "-D", "INIT_EXTERNAL_ENTITIES=- name: VfsFsnet\n  task: vfs")
    assert res.returncode == 1 and "init.yaml.in:8:13: error: connection target `Nobody`" in res.stderr, \
        res.stderr
    f.write_text("entities:\n{% if X %}\n")
    res = run_file(f)
    assert res.returncode == 1 and "init.yaml.in:2:1: error: `{% if %}` without `{% endif %}`" in res.stderr


@pytest.mark.parametrize("text,line,message", [
    ("entities:\n- name: [a, b]\n", 2, "name must be a non-empty string"),
    ("entities:\n- name: Client\n  env: [A]\n", 3, "env must be a mapping"),
    ("entities:\n- name: Client\n  env: {A: [1]}\n", 3, "env value of `A` must be a string"),
    ("entities:\n- name: Client\n  connections: {target: x}\n", 3, "connections must be a list"),
    ("entities:\n- name: Client\n  connections:\n  - target: Client\n", 4, "needs `target` and `id`"),
    ("entities:\n- name: Client\n  connections:\n  - target: Client\n    id: [x]\n", 5,
     "id must be a string or {var: MACRO, include: header.h}"),
    ("entities:\n- name: Client\n  args: [[1]]\n", 3, "an argument must be a string"),
    ("entities:\n- name: Client\n  priority: 40\n", 3, "priority must be an integer 0..31"),
    ("entities:\n- name: Client\n  priority: high\n", 3, "priority must be an integer 0..31"),
    ("entities:\n- name: Client\n  name: Client\n", 3, "`name` given twice"),
    ("entities:\n- name: Client\n  memory_limit: 5000\n", 3, "memory_limit must be a size"),
    ("entities:\n- name: Client\n  memory_limit: 0\n", 3, "memory_limit must be a size"),
    ("entities:\n- name: Client\n  memory_limit: 1T\n", 3, "memory_limit must be a size"),
    ("entities:\n- name: Client\n  memory_limit: 999999999999G\n", 3, "memory_limit must be a size"),
    ("entities:\n- name: Client\n  memory_limit: [1]\n", 3, "memory_limit must be a size"),
    ("entities:\n- name: Client\n  connections:\n  - target: Client\n    id: {var: DEMO_EMPTY, "
     "include: demo/defs.h}\n", 5, "macro DEMO_EMPTY in"),
    ("entities:\n- name: Client\n  connections:\n  - target: Client\n    id: {var: DEMO_LOOP, "
     "include: demo/defs.h}\n", 5, "empty or circular"),
    ("entities:\n- name: Client\n  connections:\n  - target: Client\n    id: {var: DEMO_FUNC, "
     "include: demo/defs.h}\n", 5, "unknown macro DEMO_FUNC"),
    ("entities:\n- name: Client\n  connections:\n  - {target: Client, id: a}\n  - {target: Client, id: a}\n",
     5, "two connections named `a`"),
    ("entities:\n- name: Client\n  task: " + "t" * 48 + "\n", 3, "more than the maximum of 47"),
    ("entities: 5\n", 1, "entities must be a list"),
    ("entities: []\nentities: []\n", 2, "`entities` given twice"),
    ("- 1\n", 1, "an entity must be a mapping"),
])
def test_wrong_types(tmp_path, text, line, message):
    f = tmp_path / "init.yaml"
    f.write_text(text)
    res = run_file(f)
    assert res.returncode == 1
    assert f"init.yaml:{line}:" in res.stderr and message in res.stderr, res.stderr


def test_macros_bare_list_and_empty(tmp_path):
    f = tmp_path / "init.yaml"
    f.write_text("- name: Client\n  connections:\n  - target: Client\n"
                 "    id: {var: DEMO_QUOTED, include: demo/defs.h}\n    colour: red\n")
    res = run_file(f)
    assert res.returncode == 0, res.stderr
    assert r'"say\"hi\"!"' in res.stdout and "init.yaml:5:5: warning: unknown key `colour`" in res.stderr
    f.write_text("entities: []\n")
    res = run_file(f)
    assert res.returncode == 0 and "0, 0, 0, 0," in res.stdout


@pytest.mark.parametrize("macro,channel", [
    ("DEMO_STORE_ID", "demo.Store"), ("DEMO_NUMBER", "42"), ("DEMO_JOINED", "demo.Joined"),
    ("DEMO_ALIAS", "demo.Store"), ("DEMO_BARE", "demo.Bare"),
])
def test_macro_forms(tmp_path, macro, channel):
    f = tmp_path / "init.yaml"
    f.write_text("entities:\n- name: Client\n  connections:\n  - target: Client\n"
                 f"    id: {{var: {macro}, include: demo/defs.h}}\n")
    res = run_file(f)
    assert res.returncode == 0, res.stderr
    assert f'{{ 0, 0, "{channel}" }}' in res.stdout


def test_json_output(tmp_path):
    out = tmp_path / "solution.json"
    res = run_file(DATA / "init.yaml.in", "-D", "STORE_PROGRAM=Store", "--json", "-o", str(out))
    assert res.returncode == 0, res.stderr
    j = json.loads(out.read_text())
    assert j["classes"] == ["demo.Client", "demo.Store"] and j["programs"] == ["Client", "Store"]
    assert j["connections"] == [{"client": "client1", "server": "store", "channel": "demo.Store"}]
    assert j["tasks"][1] == {"task": "store", "class": "demo.Store", "program": "Store",
                             "args": ["-l", "romfs /etc romfs ro"], "env": [], "priority": 20,
                             "memory_pages": 2048, "is_server": True}
    assert j["tasks"][0]["memory_pages"] == 0          # no memory_limit: the kernel's default
    assert j["tasks"][0]["env"] == ["VFS_FILESYSTEM_BACKEND=client:demo.Store"]


def test_lists(tmp_path):
    args = ["-D", "STORE_PROGRAM=Store"]
    assert run_file(DATA / "init.yaml.in", "--list-classes", *args).stdout.split() == ["demo.Client", "demo.Store"]
    assert run_file(DATA / "init.yaml.in", "--list-tasks", *args).stdout.split() == ["client1", "store"]
    assert run_file(DATA / "init.yaml.in", "--list-programs", *args).stdout.split() == ["Client", "Store"]


def test_generated_c_compiles(tmp_path):
    out = tmp_path / "einit_table.c"
    res = run_file(DATA / "init.yaml.in", "-D", "STORE_PROGRAM=Store", "-o", str(out))
    assert res.returncode == 0, res.stderr
    main = tmp_path / "main.c"
    main.write_text('#include <stdio.h>\n#include "einit_table.h"\nint main(void) {\n'
                    '  const struct einit_table *t = &einit_table;\n'
                    '  printf("%d %d %s %s %d %s %llu %llu\\n", t->ntasks, t->nconnections,\n'
                    '         t->tasks[1].argv[2], t->tasks[0].envp[0], t->tasks[1].priority,\n'
                    '         t->connections[0].channel, t->tasks[0].mem_pages, t->tasks[1].mem_pages);\n'
                    '  return 0;\n}\n')
    subprocess.run(["gcc", "-std=c11", "-Wall", "-Wextra", "-Werror", "-Wpedantic", "-I",
                    str(ROOT / "userland/einit"), "-o", str(tmp_path / "t"), str(main), str(out)], check=True)
    res = subprocess.run([str(tmp_path / "t")], capture_output=True, text=True)
    assert res.stdout == ("2 1 romfs /etc romfs ro VFS_FILESYSTEM_BACKEND=client:demo.Store 20 "
                          "demo.Store 0 2048\n")
