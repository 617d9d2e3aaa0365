"""tools/template.py: @NAME@ markers, SDK marker lines, {% if %} lines, errors with file:line."""
import pathlib
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tools.template import TemplateError, expand, parse_defines  # noqa: E402


def ex(text, **defines):
    warnings = []
    out, line_map = expand(text, defines, "t.in", warn=warnings.append)
    return out, line_map, warnings


def test_at_names_and_unknown_ones():
    out, _, w = ex("a @X@ b @Y@ @X@ a@@b x@y.z\nuse EDL demo.@MAIN@\n", X="1", Y="", MAIN="Client")
    assert out == "a 1 b  1 a@@b x@y.z\nuse EDL demo.Client\n"
    with pytest.raises(TemplateError) as e:
        ex("ok\na @X@ b @Nope@\n", X="1")
    assert str(e.value) == ("t.in:2:9: error: unknown variable @Nope@ (define it: -D Nope=..., "
                            "--vars FILE, VARS=, or a CMake variable)")


def test_sdk_marker_lines_expand_to_nothing_by_default():
    text = ("entities:\n@INIT_EXTERNAL_ENTITIES@\n  @INIT_Client_ENTITY_CONNECTIONS@\n"
            "@INIT_Client_ENTITY_CONNECTIONS+@\n@INIT_Client_ENTITY_ENV@\n@INIT_Client_ENTITY_ENV+@\n"
            "@INIT_Client_ENTITY_ARGS@\nend\n")
    out, line_map, w = ex(text)
    assert out == "entities:\n\n\n\n\n\n\nend\n" and w == []
    assert line_map[:9] == list(range(1, 10))


def test_sdk_marker_with_a_value_keeps_the_line_map():
    out, line_map, _ = ex("a\n@INIT_EXTERNAL_ENTITIES@\nb\n", INIT_EXTERNAL_ENTITIES="- name: X\n- name: Y")
    assert out == "a\n- name: X\n- name: Y\nb\n"
    assert line_map == [1, 2, 2, 3, 4]


@pytest.mark.parametrize("defines,expected", [
    ({"BOARD": "RPI4_BCM2711"}, "rpi"),
    ({"BOARD": "virt", "FLAG": "ON"}, "flag"),
    ({"BOARD": "virt", "FLAG": "OFF"}, "other"),
    ({"BOARD": "virt", "FLAG": "0"}, "other"),
    ({"BOARD": "virt", "FLAG": "x-NOTFOUND"}, "other"),
    ({}, "other"),
])
def test_if_elif_else(defines, expected):
    text = ('{% if BOARD == "RPI4_BCM2711" %}\nrpi\n{% elif FLAG %}\nflag\n{% else %}\nother\n'
            '{% endif %}\n')
    out, line_map, _ = ex(text, **defines)
    assert [x for x in out.split("\n") if x] == [expected]
    assert len(out.split("\n")) == len(text.split("\n"))          # lines kept: positions stay right


def test_nested_and_boolean_operators():
    text = """{% if A %}
a
{% if B != "x" and not C %}
b
{% elif (C or D) %}
cd
{% endif %}
{% else %}
none
{% if A %}
never
{% endif %}
{% endif %}
"""
    assert ex(text, A="1", B="y")[0].split() == ["a", "b"]
    assert ex(text, A="1", B="x", D="1")[0].split() == ["a", "cd"]
    assert ex(text, A="1", B="x")[0].split() == ["a"]
    assert ex(text)[0].split() == ["none"]


def test_names_in_disabled_branches_do_not_warn():
    _, _, w = ex("{% if NO %}\n@MISSING@\n{% endif %}\n")
    assert w == []


@pytest.mark.parametrize("text,line,message", [
    ("{% if A %}\nx\n", 1, "`{% if %}` without `{% endif %}`"),
    ("x\n{% endif %}\n", 2, "`{% endif %}` without `{% if %}`"),
    ("{% else %}\n", 1, "`{% else %}` without `{% if %}`"),
    ("x\n{% elif A %}\n", 2, "`{% elif %}` without `{% if %}`"),
    ("{% if A %}\n{% else %}\n{% else %}\n{% endif %}\n", 3, "second `{% else %}`"),
    ("{% if A %}\n{% else %}\n{% elif B %}\n{% endif %}\n", 3, "`{% elif %}` after `{% else %}`"),
    ("{% if %}\n{% endif %}\n", 1, "needs a condition"),
    ("{% for x in y %}\n", 1, "unknown directive"),
    ("{% if A == %}\n{% endif %}\n", 1, "expected a name or a string"),
    ("{% if A B %}\n{% endif %}\n", 1, "unexpected `B`"),
    ("a {% if A %} b\n", 1, "must be alone on its line"),
])
def test_errors(text, line, message):
    with pytest.raises(TemplateError) as e:
        ex(text)
    assert e.value.line == line and message in str(e.value)
    assert str(e.value).startswith("t.in:%d:1: error: " % line)


def test_cli(tmp_path):
    f = tmp_path / "x.in"
    f.write_text("{% if FLAG %}\n@NAME@\n{% endif %}\n")
    res = subprocess.run(["/usr/bin/python3", "-m", "tools.template", "-D", "FLAG", "-D", "NAME=v", str(f)],
                         cwd=ROOT, capture_output=True, text=True)
    assert res.returncode == 0 and res.stdout == "\nv\n\n"
    f.write_text("{% if FLAG %}\n")
    res = subprocess.run(["/usr/bin/python3", "-m", "tools.template", str(f)], cwd=ROOT,
                         capture_output=True, text=True)
    assert res.returncode == 1 and f"{f}:1:1: error:" in res.stderr


def test_parse_defines():
    assert parse_defines(["A=1", "B", "C=x=y", "D="]) == {"A": "1", "B": "1", "C": "x=y", "D": ""}


def test_inline_sdk_markers_and_their_defaults():
    text = ("- name: echo.Client\n  path: @INIT_Client_PATH@\n  args: [@INIT_Client_ENTITY_ARGS@]\n"
            "@INIT_Server_PATH@\n")
    out, _, _ = ex(text)
    assert out == "- name: echo.Client\n  path: Client\n  args: []\nServer\n"
    out, _, _ = ex(text, INIT_Client_PATH="Client2", INIT_Client_ENTITY_ARGS="-v")
    assert out.split("\n")[1:3] == ["  path: Client2", "  args: [-v]"]


def test_every_file_kind_expands(tmp_path):
    """The command line expands any file, .in or not; a variables file and -D give values."""
    vars_file = tmp_path / "solution.vars"
    vars_file.write_text("# comment\n\nA=from file\nB=two\\nlines\nC=back\\\\slash\n D=  indented\n")
    src = tmp_path / "init.yaml"
    src.write_text("{% if A == \"from file\" %}\na=@A@\n{% endif %}\nb=@B@\nc=@C@\n@D@\n")
    res = subprocess.run([sys.executable, "-m", "tools.template", "--vars", str(vars_file), str(src)],
                         capture_output=True, text=True, cwd=ROOT)
    assert res.returncode == 0, res.stderr
    assert res.stdout == "\na=from file\n\nb=two\nlines\nc=back\\slash\n  indented\n"
    res = subprocess.run([sys.executable, "-m", "tools.template", "--vars", str(vars_file), "-D", "A=x",
                          str(src)], capture_output=True, text=True, cwd=ROOT)
    assert res.stdout.split("\n")[1] == ""                      # -D wins: the branch is not taken


@pytest.mark.parametrize("content,line", [("A=1\nnot a pair\n", 2), ("=x\n", 1), ("1A=x\n", 1)])
def test_bad_variables_file(tmp_path, content, line):
    vars_file = tmp_path / "bad.vars"
    vars_file.write_text(content)
    src = tmp_path / "x.psl"
    src.write_text("x\n")
    res = subprocess.run([sys.executable, "-m", "tools.template", "--vars", str(vars_file), str(src)],
                         capture_output=True, text=True, cwd=ROOT)
    assert res.returncode == 1
    assert res.stderr.startswith(f"{vars_file}:{line}:1: error: expected NAME=VALUE"), res.stderr
