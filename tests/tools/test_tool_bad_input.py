"""Every host tool on hostile input (issue 12, item 4): whatever the file holds, the tool
answers one `file:line:col: error: ...` line (or `file: error: ...` where there is no
position: binary files, directories, missing files) and exit status 1, in bounded time,
never a Python traceback. The limits it names come from their one definition
(tools/limits.py). A seeded mutation fuzzer runs each tool on a few hundred variants of
the tree's real inputs: exit 0 or a clean error, never a traceback or a hang."""
import contextlib
import io
import os
import pathlib
import random
import re
import signal
import struct
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tools import cli, limits  # noqa: E402

PY = "/usr/bin/python3"
TIMEOUT = 30                       # seconds per run: generous, the machine is shared
ERROR_LINE = re.compile(r"^(?P<file>.+?)(?::(?P<line>\d+):(?P<col>\d+))?: error: \S")

ECHO = ROOT / "solutions" / "echo"
POLICY = ROOT / "solutions" / "policy_checks"


def tool_argv(tool, path, tmp):
    """The command that runs `tool` on the input file `path`."""
    return {
        "einit": [PY, "-m", "tools.einit", "-I", "userland/include", "-I", str(ECHO),
                  "-o", str(tmp / "out.c"), str(path)],
        "psl": [PY, "-m", "tools.psl", "-I", str(POLICY / "idl"), "-I", str(POLICY),
                "-o", str(tmp / "out.c"), str(path)],
        "nk": [PY, "-m", "tools.nk", "-I", str(POLICY / "idl"), "--out", str(tmp / "gen"), str(path)],
        "nkc": [str(ROOT / "tools" / "nkc"), "-I", str(POLICY / "idl"), str(path)],
        "template": [PY, "-m", "tools.template", "-o", str(tmp / "out"), str(path)],
        "bootimg-list": [PY, "tools/mkbootimg.py", "--list", str(path)],
        "romfs-list": [PY, "tools/mkromfs.py", "--list", str(path)],
    }[tool]


def check_clean_error(res, path, positioned):
    """Exit 1, exactly one error line, naming `path` (with line:col if positioned)."""
    err = res.stderr
    assert res.returncode == 1, (res.returncode, err)
    assert "Traceback" not in err and "internal error" not in err, err
    lines = [ln for ln in err.splitlines() if ": error: " in ln]
    assert len(lines) == 1, err
    m = ERROR_LINE.match(lines[0])
    assert m, lines[0]
    assert m.group("file") == str(path), lines[0]
    assert bool(m.group("line")) == positioned, lines[0]
    return lines[0]


def run_tool(tool, path, tmp):
    return subprocess.run(tool_argv(tool, path, tmp), cwd=ROOT, capture_output=True,
                          text=True, errors="replace", timeout=TIMEOUT)


# ---------------------------------------------------------------- hostile inputs
NON_UTF8 = b"\xff\xfe not text \xc3\x28"
ECHO_INIT = (ECHO / "init.yaml").read_bytes()
POLICY_PSL = (POLICY / "security.psl").read_bytes()
CALC_IDL = (POLICY / "idl" / "policy" / "ICalc.idl").read_bytes()


def cut_before_last(data, token):
    return data[:data.rindex(token)]


# (tool, file name, contents, expected: "pos" = positioned error, "file" = file: error,
#  a substring the message must contain)
TEXT_CASES = [
    # einit
    ("einit", "init.yaml", NON_UTF8, "pos", "not valid UTF-8"),
    ("einit", "init.yaml", b"entities:\n- name: Cli\0ent\n", "pos", "unacceptable character"),
    ("einit", "init.yaml", b'entities:\n- name: Client\n  task: "a\\0b"\n', "pos", "printable ASCII"),
    ("einit", "init.yaml", "entities:\n- name: Client\n  task: Clïent\n".encode(), "pos",
     "printable ASCII"),
    ("einit", "init.yaml", b"entities:\n- name: Cl\\xe9ient\n", "pos", "class name"),
    ("einit", "init.yaml", b"", "file", "empty init description"),
    ("einit", "init.yaml", b"[" * 5000, "pos", "nesting deeper than %d" % limits.NESTING_MAX),
    ("einit", "init.yaml", b"entities:\n- name: Client\n  priority: " + b"9" * 5000 + b"\n", "pos",
     "priority must be an integer"),
    ("einit", "init.yaml", b"entities:\n- name: Client\n  task: " + b"t" * 10000 + b"\n", "pos",
     "kl.core.Task NameMax"),
    ("einit", "init.yaml", b"entities:\n- name: Client\n  connections:\n  - target: Client\n"
     b"    id: " + b"c" * 100 + b"\n", "pos", "SERVICE_NAME_MAX"),
    ("einit", "init.yaml", b"entities:\n- name: Client\n  args: [" + b"a, " * 40 + b"a]\n", "pos",
     "TASK_MAX_ARGS"),
    ("einit", "init.yaml", b"entities:\n- name: Client\n  args: [" + b"x" * 3000 + b"]\n", "pos",
     "ArgsMax"),
    ("einit", "init.yaml", b"entities:\n- name: Client\n  env: {'A=B': c}\n", "pos", "contains `=`"),
    ("einit", "init.yaml", ECHO_INIT + b'    id: "echo', "pos", "YAML syntax"),
    ("einit", "init.yaml.in", b"{% if " + b"(" * 3000 + b"A %}\n", "pos", "nesting deeper"),
    # psl
    ("psl", "security.psl", NON_UTF8, "pos", "not valid UTF-8"),
    ("psl", "security.psl", b"use nk.base._\n\0\n", "pos", "unexpected character"),
    ("psl", "security.psl", b"request { deny (" + b"(" * 5000 + b"true" + b")" * 5000 + b") }",
     "pos", "nested deeper than %d" % limits.NESTING_MAX),
    ("psl", "security.psl", b"request { deny (" + b"true && " * 5000 + b"true) }", "pos",
     "deeper than %d operators" % limits.DEPTH_MAX),
    ("psl", "security.psl", b"request { deny (" + b"!" * 5000 + b"true) }", "pos", "nested deeper"),
    ("psl", "security.psl", b"request {" + b"match {" * 5000, "pos", "nested deeper"),
    ("psl", "security.psl", b"audit profile p = " + b"[" * 5000, "pos", "nested deeper"),
    ("psl", "security.psl", b"request { deny (message.x == " + b"9" * 5000 + b") }", "pos",
     "too long"),
    ("psl", "security.psl", b"use EDL " + b"A" * 500 + b"\n", "pos", "kl.core.Task NameMax"),
    ("psl", "security.psl", "use EDL policy.Clïent\n".encode(), "pos", "U+00EF"),
    ("psl", "security.psl", cut_before_last(POLICY_PSL, b"}"), "pos", "missing `}`"),
    # nk (and its shell wrapper)
    ("nk", "ICalc.idl", NON_UTF8, "pos", "not valid UTF-8"),
    ("nk", "ICalc.idl", b"package policy.ICalc\n\0", "pos", "unexpected character"),
    ("nk", "ICalc.idl", b"", "pos", "package"),
    ("nk", "ICalc.idl", b"package p\ninterface {\n  M(in array<UInt64, 4294967295> a);\n}\n", "pos",
     "MSG_MAX_ARENA = %d" % limits.header("kernel/uapi/msg.h", "MSG_MAX_ARENA")),
    ("nk", "ICalc.idl", b"package p\ntypedef array<array<UInt8, 65536>, 65536> T;\n", "pos",
     "MSG_MAX_ARENA"),
    ("nk", "ICalc.idl", b"package p\nconst UInt32 X = " + b"(" * 5000 + b"1" + b")" * 5000 + b";",
     "pos", "nested deeper than %d" % limits.NESTING_MAX),
    ("nk", "ICalc.idl", b"package p\nconst UInt32 X = " + b"1 + " * 5000 + b"1;", "pos",
     "deeper than %d" % limits.DEPTH_MAX),
    ("nk", "ICalc.idl", b"package p\ntypedef " + b"array<" * 5000 + b"UInt8", "pos", "nested deeper"),
    ("nk", "ICalc.idl", b"package p\n" + b"".join(b"struct S%d { S%d a; }\n" % (i, i + 1)
                                                 for i in range(3000)), "pos", "deeper than"),
    ("nk", "ICalc.idl", b"package p\nconst UInt64 X = " + b"9" * 5000 + b";", "pos", "too long"),
    ("nk", "ICalc.idl", "package pé\n".encode(), "pos", "U+00E9"),
    ("nk", "ICalc.idl", cut_before_last(CALC_IDL, b"}"), "pos", "'}'"),
    ("nkc", "ICalc.idl", b"package p\nconst UInt32 X = " + b"-" * 5000 + b"1;", "pos", "nested deeper"),
    # template
    ("template", "x.in", NON_UTF8, "pos", "not valid UTF-8"),
    ("template", "x.in", b"{% if A %}\n" * 5000, "pos", "nested deeper than %d" % limits.NESTING_MAX),
    ("template", "x.in", b"{% if " + b"not " * 5000 + b"A %}\n{% endif %}\n", "pos", "nesting deeper"),
    ("template", "x.in", b"{% if A %}\nx\n", "pos", "without `{% endif %}`"),
    # binary formats: no position
    ("bootimg-list", "boot.img", b"", "file", "shorter than the header"),
    ("bootimg-list", "boot.img", NON_UTF8 * 4, "file", "bad magic"),
    ("bootimg-list", "boot.img", struct.pack("<8sII", b"KOSBOOT1", 0xFFFFFFFF, 16), "file",
     "out of range"),
    ("bootimg-list", "boot.img", struct.pack("<8sII", b"KOSBOOT1", 1, 80) +
     struct.pack("<48sQQ", "é".encode(), 80, 0), "file", "printable ASCII"),
    ("romfs-list", "romfs.img", b"", "file", "not a romfs image"),
    ("romfs-list", "romfs.img", b"KOSROMFS" + struct.pack("<IIIIII", 1, 32, 48, 0xFFFFFFFF, 32, 0) +
     bytes(16), "file", "bad header"),
]


@pytest.mark.parametrize("tool,name,data,kind,message", TEXT_CASES,
                         ids=["%s-%d" % (c[0], i) for i, c in enumerate(TEXT_CASES)])
def test_hostile_file_gives_one_clean_error(tmp_path, tool, name, data, kind, message):
    path = tmp_path / name
    path.write_bytes(data)
    line = check_clean_error(run_tool(tool, path, tmp_path), path, kind == "pos")
    assert message in line, line


@pytest.mark.parametrize("tool", ["einit", "psl", "nk", "nkc", "template", "bootimg-list",
                                  "romfs-list"])
@pytest.mark.parametrize("what", ["missing", "directory"])
def test_missing_file_or_directory_is_a_file_error(tmp_path, tool, what):
    path = tmp_path / ("x.idl" if tool in ("nk", "nkc") else "x")
    if what == "directory":
        path.mkdir()
    res = run_tool(tool, path, tmp_path)
    assert res.returncode == 1 and "Traceback" not in res.stderr, res.stderr
    line = [ln for ln in res.stderr.splitlines() if ": error: " in ln]
    assert len(line) == 1 and line[0].startswith(str(path)), res.stderr


def test_truncated_images_are_refused(tmp_path):
    (tmp_path / "a").write_bytes(b"a" * 100)
    tree = tmp_path / "tree"
    (tree / "d").mkdir(parents=True)
    (tree / "d" / "f").write_bytes(b"f" * 100)
    subprocess.run([PY, "tools/mkbootimg.py", "-o", str(tmp_path / "b.img"), f"a={tmp_path / 'a'}"],
                   cwd=ROOT, check=True)
    subprocess.run([PY, "tools/mkromfs.py", str(tree), str(tmp_path / "r.img")], cwd=ROOT, check=True)
    for tool, img in (("bootimg-list", "b.img"), ("romfs-list", "r.img")):
        data = (tmp_path / img).read_bytes()
        for cut in (10, 40, len(data) // 2, len(data) - 1):
            path = tmp_path / ("cut-" + img)
            path.write_bytes(data[:cut])
            check_clean_error(run_tool(tool, path, tmp_path), path, positioned=False)


@pytest.mark.parametrize("name,message", [
    ("é", "printable ASCII"), ("a b", "printable ASCII"), ("x" * 48, "BOOTIMAGE_NAME_MAX"),
    ("", "empty"),
])
def test_boot_image_entry_names_are_kernel_names(tmp_path, name, message):
    f = tmp_path / "prog"
    f.write_bytes(b"\x7fELF")
    res = subprocess.run([PY, "tools/mkbootimg.py", "-o", str(tmp_path / "b.img"), f"{name}={f}"],
                         cwd=ROOT, capture_output=True, text=True, timeout=TIMEOUT)
    line = check_clean_error(res, f, positioned=False)
    assert message in line
    assert not (tmp_path / "b.img").exists()


@pytest.mark.parametrize("name,message", [
    (b"caf\xc3\xa9", "printable ASCII"), (b"a\x01b", "printable ASCII"), (b"\xff", "printable ASCII"),
    (b"n" * 65, "VFS_NAME_MAX (%d)" % limits.header("userland/vfs/core/vfs.h", "VFS_NAME_MAX")),
])
def test_romfs_names_are_checked(tmp_path, name, message):
    tree = tmp_path / "tree"
    tree.mkdir()
    bad = os.path.join(os.fsencode(tree), name)
    with open(bad, "wb") as f:
        f.write(b"x")
    res = subprocess.run([PY, "tools/mkromfs.py", str(tree), str(tmp_path / "r.img")], cwd=ROOT,
                         capture_output=True, text=True, errors="replace", timeout=TIMEOUT)
    assert res.returncode == 1 and "Traceback" not in res.stderr, res.stderr
    assert res.stderr.count(": error: ") == 1 and message in res.stderr, res.stderr
    assert not (tmp_path / "r.img").exists()


def test_romfs_paths_longer_than_the_vfs_takes_are_refused(tmp_path):
    tree = tmp_path / "tree"
    deep = tree.joinpath(*["d" * 60] * 5)               # /ddd.../ddd... : 305 bytes in the image
    deep.mkdir(parents=True)
    res = subprocess.run([PY, "tools/mkromfs.py", str(tree), str(tmp_path / "r.img")], cwd=ROOT,
                         capture_output=True, text=True, timeout=TIMEOUT)
    assert res.returncode == 1 and res.stderr.count(": error: ") == 1, res.stderr
    assert "VFS_PATH_MAX - 1 (%d)" % (limits.header("userland/vfs/core/vfs.h", "VFS_PATH_MAX") - 1) \
        in res.stderr


# ---------------------------------------------------------------- the guard and the limits
def test_guard_turns_any_exception_into_one_error_line(capsys):
    def boom():
        raise ZeroDivisionError("x")
    assert cli.guarded("in.txt", boom) == 1
    assert capsys.readouterr().err == \
        "in.txt: error: internal error: ZeroDivisionError: x (please report this input)\n"

    def deep(n=0):
        return deep(n + 1)
    assert cli.guarded("in.txt", deep) == 1
    assert capsys.readouterr().err.startswith("in.txt: error: nesting too deep")
    assert cli.guarded("in.txt", lambda: open(ROOT / "no-such-file")) == 1
    assert capsys.readouterr().err == "%s: error: No such file or directory\n" % (ROOT / "no-such-file")


def test_limits_are_read_from_their_one_definition():
    """Each limit a tool checks is the value the kernel, the VFS or the kl.core IDL
    defines (the tools hold no copy)."""
    def c_define(rel, name):
        m = re.search(r"#define\s+%s\s+(\w+)" % name, (ROOT / rel).read_text())
        return int(m.group(1).rstrip("uU"), 0)
    from tools.nk import layout
    from tools import mkbootimg, mkromfs
    from tools.einit import compiler
    assert layout.MSG_MAX_CONST == c_define("kernel/uapi/msg.h", "MSG_MAX_CONST")
    assert layout.MSG_MAX_ARENA == c_define("kernel/uapi/msg.h", "MSG_MAX_ARENA")
    assert layout.MSG_MAX_HANDLES == c_define("kernel/uapi/msg.h", "MSG_MAX_HANDLES")
    assert mkbootimg.NAME_MAX == c_define("kernel/uapi/bootimage.h", "BOOTIMAGE_NAME_MAX")
    assert mkromfs.NAME_MAX == c_define("userland/vfs/core/vfs.h", "VFS_NAME_MAX")
    assert compiler.PRIORITY_MAX == c_define("kernel/uapi/syscall.h", "THREAD_PRIORITY_MAX")
    task_idl = (ROOT / "tools/sysroot/kl/core/Task.idl").read_text()
    assert limits.idl_const("kl.core.Task", "NameMax") == \
        int(re.search(r"NameMax\s*=\s*(\d+)", task_idl).group(1))
    assert limits.name_problem("echo.Server", 48, "task name", "X") is None
    assert "\\x00" in limits.name_problem("a\0b", 48, "task name", "X")


# ---------------------------------------------------------------- mutation fuzzing
FUZZ_CASES = 300
INTERESTING = [b"\0", b"\xff", "é".encode(), b"\n", b"{", b"}", b"(", b")", b"[", b"]", b"<", b">",
               b'"', b":", b"-", b",", b";", b"=", b"&&", b"!", b"9" * 30, b"4294967295",
               b"{% if A %}\n", b"@X@", b"*", b"&a ", b"*a ", b"\t", b" " * 3]


class Hang(BaseException):
    pass


def mutate(rng, data):
    data = bytearray(data)
    for _ in range(rng.randint(1, 4)):
        op = rng.randrange(6)
        at = rng.randint(0, len(data))
        if op == 0 and data:                                  # flip a byte
            data[min(at, len(data) - 1)] = rng.randrange(256)
        elif op == 1:                                         # insert a token
            data[at:at] = rng.choice(INTERESTING)
        elif op == 2:                                         # delete a range
            del data[at:at + rng.randint(1, 16)]
        elif op == 3:                                         # repeat a piece, many times
            piece = bytes(data[at:at + rng.randint(1, 4)]) or b"("
            data[at:at] = piece * rng.choice((2, 50, 3000))
        elif op == 4:                                         # truncate
            del data[at:]
        else:                                                 # copy a line elsewhere
            lines = bytes(data).split(b"\n")
            lines.insert(rng.randrange(len(lines) + 1), rng.choice(lines))
            data = bytearray(b"\n".join(lines))
    return bytes(data)


# Seeds beyond the solutions' files, for the forms the tools special-case: the SDK's
# program classes (tools/einit/sdk.py: here under another name, or absent) in init.yaml
# and in a policy, and IDL `error` parameters (kosgen's err_). Each with the include
# directory it needs (in_process).
FUZZ = ROOT / "tests/tools/data/fuzz"
NK_ERR = ROOT / "tests/tools/data/nk/err"
EXTRA_SEEDS = {
    "einit": [FUZZ / "sdk_init.yaml", FUZZ / "sdk_absent.yaml"],
    "psl": [FUZZ / "sdk_classes.psl"],
    "nk": [NK_ERR / "errs/ISum.idl", NK_ERR / "errs/Server.edl"],
}


def fuzz_inputs(tool):
    if tool == "einit":
        found = sorted(ROOT.glob("solutions/*/init.yaml")) + [ROOT / "tests/tools/data/einit/init.yaml.in"]
    elif tool == "psl":
        found = sorted(ROOT.glob("solutions/*/security.psl"))
    elif tool == "nk":
        found = sorted(p for ext in ("idl", "edl", "cdl") for p in ROOT.glob("solutions/*/idl/**/*." + ext))
    else:
        found = [ROOT / "tests/tools/data/einit/init.yaml.in"]
    return found + EXTRA_SEEDS.get(tool, [])


def test_extra_seeds_are_accepted(tmp_path):
    """The extra seeds compile as they are (exit 0), so the mutations start from inputs
    that reach the special cases, not from an early error; sdk_absent.yaml is the
    exception by design: it is the ABSENT error itself."""
    for tool, seeds in EXTRA_SEEDS.items():
        for src in seeds:
            main, argv = in_process(tool, src, src, tmp_path)
            err = io.StringIO()
            with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
                rc = main(argv)
            if src.name == "sdk_absent.yaml":
                assert rc == 1 and "is not part of KOS-A64" in err.getvalue(), err.getvalue()
            else:
                assert rc == 0, (src, err.getvalue())


def in_process(tool, src, path, tmp):
    """argv for the tool's main(), run in this process (a subprocess each would be slow)."""
    sol = next((p for p in src.parents if p.parent.name == "solutions"), src.parent)
    if src.parent == FUZZ:
        sol = ROOT / "solutions/echo"       # the seeds' own classes are echo's
    if src.parent.parent == NK_ERR:
        sol = NK_ERR                         # errs.Server, errs.ISum
    if tool == "einit":
        from tools.einit.__main__ import main
        programs = ["--programs", "Client,VfsFsnet"] if src.parent == FUZZ else []
        return main, ["-I", str(ROOT / "userland/include"), "-I", str(ROOT / "tests/tools/data/einit/include"),
                      "-I", str(sol), *programs, "-o", str(tmp / "out.c"), str(path)]
    if tool == "psl":
        from tools.psl.__main__ import main
        return main, ["-I", str(sol / "idl"), "-I", str(sol), "-I", str(ROOT / "userland/idl/vfs"),
                      "-o", str(tmp / "out.c"), str(path)]
    if tool == "nk":
        from tools.nk.__main__ import main
        return main, ["-I", str(sol / "idl"), "-I", str(sol), "--out", str(tmp / "gen"), str(path)]
    from tools.template import main
    return main, ["-D", "A=1", "-o", str(tmp / "out"), str(path)]


@pytest.mark.parametrize("tool", ["einit", "psl", "nk", "template"])
def test_mutated_real_inputs_never_crash_or_hang(tmp_path, tool):
    rng = random.Random(12)
    sources = fuzz_inputs(tool)
    assert sources
    outcomes = {0: 0, 1: 0}

    def alarm(*_):
        raise Hang()
    old = signal.signal(signal.SIGALRM, alarm)
    try:
        for i in range(FUZZ_CASES):
            src = rng.choice(sources)
            data = mutate(rng, src.read_bytes())
            path = tmp_path / src.name
            path.write_bytes(data)
            main, argv = in_process(tool, src, path, tmp_path)
            err, out = io.StringIO(), io.StringIO()
            signal.alarm(10)
            try:
                with contextlib.redirect_stderr(err), contextlib.redirect_stdout(out):
                    rc = main(argv)
            except Hang:
                pytest.fail("case %d (seed 12) hangs on %s: %r" % (i, src, data[:200]))
            finally:
                signal.alarm(0)
            text = err.getvalue()
            assert rc in (0, 1) and "internal error" not in text, (i, src, data[:300], text)
            if rc == 1:
                errors = [ln for ln in text.splitlines() if ": error: " in ln]
                assert len(errors) == 1 and ERROR_LINE.match(errors[0]), (i, text)
            outcomes[rc] += 1
    finally:
        signal.signal(signal.SIGALRM, old)
    assert outcomes[1] > 0                     # the mutations do reach the error paths


@pytest.mark.parametrize("tool", ["bootimg", "romfs"])
def test_mutated_images_never_crash_or_hang(tmp_path, tool):
    from tools import mkbootimg, mkromfs
    tree = tmp_path / "tree"
    (tree / "etc").mkdir(parents=True)
    (tree / "etc" / "motd").write_bytes(b"hello\n")
    (tree / "bin").write_bytes(b"\x7fELF" * 10)
    img = (mkromfs.build(str(tree)) if tool == "romfs" else
           mkbootimg.build([("Client", b"\x7fELF" * 10), ("hello.txt", b"hi\n")]))
    main = mkromfs.main if tool == "romfs" else mkbootimg.main
    rng = random.Random(12)
    outcomes = {0: 0, 1: 0}
    for i in range(FUZZ_CASES):
        path = tmp_path / "m.img"
        data = mutate(rng, img)
        path.write_bytes(data)
        err = io.StringIO()
        with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
            rc = main(["--list", str(path)])
        assert rc in (0, 1) and "internal error" not in err.getvalue(), (i, data[:100], err.getvalue())
        if rc == 1:
            assert err.getvalue().startswith(str(path) + ": error: "), err.getvalue()
        outcomes[rc] += 1
    assert outcomes[1] > 0


# Every command-line entry point of tools/: `--help` prints the usage and exits 0 (argparse
# %-formats help strings, so a stray `%` in one, like the template syntax `{% if %}`, once
# turned `--help` of einit and psl into a traceback).
HELP_COMMANDS = [["-m", m] for m in ("tools.einit", "tools.psl", "tools.psl.boot", "tools.nk",
                                     "tools.template", "tools.mkbootimg", "tools.mkromfs")] + \
                [[str(ROOT / "tools" / f)] for f in ("bench.py", "bench_smp.py", "imgsize.py",
                                                      "profile_ipc.py",
                                                      "profile_net.py", "profile_vfs.py")]


@pytest.mark.parametrize("cmd", HELP_COMMANDS, ids=lambda c: c[-1].rsplit("/", 1)[-1])
def test_every_tool_has_working_help(cmd):
    res = subprocess.run([PY, *cmd, "--help"], cwd=ROOT, capture_output=True, text=True,
                         timeout=TIMEOUT)
    assert res.returncode == 0 and "usage:" in res.stdout.lower(), res.stderr
    assert "Traceback" not in res.stderr
