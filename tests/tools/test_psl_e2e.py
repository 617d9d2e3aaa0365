"""tools/psl end to end: test EDL/IDL + good.psl -> policy.c, built on the host with the
kernel's security engine (ASan/UBSan) and a query driver; the decisions are checked.
Also: the generated C compiles for the kernel (aarch64, freestanding, -Werror)."""
import pathlib
import shutil
import struct
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tools.nk.model import Loader  # noqa: E402

DATA = ROOT / "tests/tools/data/psl"
IDL = DATA / "idl"
PYTHON = "/usr/bin/python3"


def pal(path):
    """Runs the PAL tests of a policy over the test IDL (tools.psl --test)."""
    return subprocess.run([PYTHON, "-m", "tools.psl", "--test", "-I", str(IDL), str(path)],
                          cwd=ROOT, capture_output=True, text=True, timeout=300)


def pal_flipped(policy, tmp_path, old, new):
    """pal() on a copy of `policy` with its first `old` replaced by `new`: a PAL
    test whose expectation was flipped must fail (the tests can fail)."""
    text = policy.read_text()
    assert old in text
    f = tmp_path / policy.name
    f.write_text(text.replace(old, new, 1))
    return pal(f)


def policy_c_text(policy, out):
    """Compiles `policy` over the test IDL to `out` (tools.psl -o) and returns the C text."""
    res = subprocess.run([PYTHON, "-m", "tools.psl", "-I", str(IDL), "-o", str(out), str(policy)],
                         cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert res.returncode == 0, res.stderr
    return out.read_text()


HOST_CFLAGS = ["-std=c11", "-g", "-O1", "-Wall", "-Wextra", "-Werror", "-Wshadow",
               "-fsanitize=address,undefined", "-fno-sanitize-recover=all",
               "-I", str(ROOT / "kernel"), "-I", str(ROOT / "kernel/include"), "-I", str(ROOT / "tests/host")]


def psl(out, policy, *extra):
    return subprocess.run([PYTHON, "-m", "tools.psl", "-I", str(IDL), "-I", str(DATA), *extra,
                           "-o", str(out), str(policy)], cwd=ROOT, capture_output=True, text=True)


@pytest.fixture(scope="module")
def policy_c(tmp_path_factory):
    out = tmp_path_factory.mktemp("psl") / "policy.c"
    res = psl(out, DATA / "good.psl")
    assert res.returncode == 0, res.stderr
    return out


@pytest.fixture(scope="module")
def driver(policy_c):
    exe = policy_c.parent / "driver"
    subprocess.run(["gcc", *HOST_CFLAGS, "-o", str(exe), str(DATA / "driver.c"),
                    str(ROOT / "kernel/security/sec_engine.c"), str(policy_c)], check=True)

    def ask(*queries):
        res = subprocess.run([str(exe)], input="\n".join(queries) + "\n", capture_output=True,
                             text=True, timeout=60)
        assert res.returncode == 0, res.stdout + res.stderr
        answers = res.stdout.splitlines()
        assert len(answers) == len(queries), res.stdout
        return answers
    return ask


LOADER = Loader([str(IDL)])


def msg(event, src, dst, klass, ep_path, method, arena=0, nhandles=0, size=None, **values):
    """A query line for method `ep_path.method` of class `cls` with integer fields
    (nk field names; `__` for `.`), packed little-endian by the nk layout."""
    tc = LOADER.load_class(klass)
    ep = tc.endpoint(ep_path)
    m = ep.interface.method(method)
    lay = m.request if event in ("request", "security") else m.response
    data = bytearray(lay.size)
    for name, v in values.items():
        name = name.replace("__", ".")
        f = next(f for f in lay.fields if f.name == name)
        if f.kind == "arena":
            struct.pack_into("<II", data, f.offset, *v)
        else:
            fmt = {1: "b", 2: "h", 4: "i", 8: "q"}[f.size]
            struct.pack_into("<" + (fmt if f.signed else fmt.upper()), data, f.offset, v)
    n = lay.size if size is None else size
    data = bytes(data[:n]) + bytes(max(0, n - len(data)))
    return "q %s %s %s %d %d %d %d %d %s" % (event, src, dst, ep.riid, m.mid, n, arena, nhandles,
                                            data.hex() or "-")


def door(method, **kw):
    return msg("request", "demo.Panel", "demo.Door", "demo.Door", "ctl", method, **kw)


def test_execute(driver):
    assert driver("x kl.core.Core Einit", "x Einit demo.Door", "x Einit demo.Panel",
                  "x demo.Panel demo.Door", "x Einit demo.Unknown", "x kl.core.Core hello") == [
        "granted", "granted", "granted", "denied no_binding", "denied unknown_class",
        "denied unknown_class"]


def test_execute_never_grants_the_kernel_class(driver):
    # good.psl lets the kernel and Einit start any class; the kernel's own is not one
    assert driver("x Einit kl.core.Core", "x kl.core.Core kl.core.Core") == [
        "denied unknown_class", "denied unknown_class"]


def test_request_conditions(driver):
    assert driver(door("Open", code=1, delta=0), door("Open", code=0, delta=0),
                  door("Open", code=1, delta=6), door("Open", code=1, delta=-5),
                  door("Open", code=1, delta=-6), door("Open", code=0xFFFFFFFF, delta=5)) == [
        "granted", "denied assert at good.psl:14:5", "denied deny at good.psl:15:5", "granted",
        "denied deny at good.psl:15:5", "granted"]


def test_grant_deny_and_no_binding(driver):
    assert driver(door("Get"), door("Close"),
                  msg("request", "demo.Door", "demo.Door", "demo.Door", "ctl", "Get"),
                  # a binding matched (src, dst) but none of its `match` blocks: no rule ran
                  msg("request", "demo.Panel", "demo.Server", "demo.Server", "ctl", "Get")) == [
        "granted", "denied deny at good.psl:18:66", "denied no_binding", "denied no_binding"]


def test_malformed_before_rules(driver):
    answers = driver(door("SetName", name=(0, 6), arena=6),
                     door("SetName", name=(0, 7), arena=6),          # past the arena
                     door("SetName", name=(0, 17), arena=17),        # longer than string<16>
                     door("SetName", name=(0, 0), arena=6),          # empty: no NUL
                     door("SetName", name=(0xFFFFFFFC, 8), arena=6),  # offset wraps
                     door("Open", code=1, delta=0, size=4),          # constant part too short
                     door("Get", size=8),                            # ... too long
                     door("Close", size=8),                          # malformed beats deny ()
                     "q request demo.Panel demo.Door 3 0 0 0 0 -",   # no such endpoint
                     "q request demo.Panel demo.Door 0 9 0 0 0 -")   # no such method
    assert answers[0] == "granted"
    for a in answers[1:]:
        assert a.startswith("denied malformed") and a.endswith("[malformed]"), answers
    assert "size" in answers[5] and "endpoint" in answers[8] and "method" in answers[9]


def test_handles_are_checked_before_rules(driver):
    # Pass(in Handle h, in UInt32 flags): h is a slot index into the message's handles
    assert driver(door("Pass", h=0, flags=1, nhandles=1),
                  door("Pass", h=0xFFFFFFFF, flags=1),           # no handle: allowed
                  door("Pass", h=0, flags=9, nhandles=1),        # the rule
                  door("Pass", h=1, flags=1, nhandles=1),        # slot past the handles
                  door("Pass", h=0, flags=1, nhandles=2),        # more handles than fields
                  door("Get", nhandles=1)) == [                  # a method without handles
        "granted", "granted", "denied assert at good.psl:44:52",
        "denied malformed: handle slot [malformed]", "denied malformed: handle count [malformed]",
        "denied malformed: handle count [malformed]"]


def test_unsigned_and_signed_64(driver):
    big = 0x8000000000000001
    q = lambda **kw: door("Wide", **kw)  # noqa: E731
    assert driver(q(u=big, s=-1, b=0), q(u=0x8000000000000000, s=-1, b=0), q(u=big, s=-2, b=0),
                  q(u=big, s=1 << 62, b=254), q(u=big, s=0, b=255)) == [
        "granted", "denied assert at good.psl:21:5", "denied assert at good.psl:21:5", "granted",
        "denied assert at good.psl:21:5"]


def test_components_unions_and_nested_match(driver):
    put = lambda **kw: msg("request", "demo.Panel", "demo.Server", "demo.Server",  # noqa: E731
                           "main.store", "Put", **kw)
    ping = msg("request", "demo.Panel", "demo.Server", "demo.Server", "main.store", "Ping")
    assert driver(put(e__key=0, e__key__id=50), put(e__key=0, e__key__id=150),
                  put(e__key=1, e__key__n=(0, 3), arena=8), put(e__key=1, e__key__n=(0, 9), arena=8),
                  put(e__key=2), put(e__key=0, e__blob=(0, 600), arena=600), ping) == [
        "granted", "denied assert at good.psl:26:28", "granted", "denied malformed: arena descriptor [malformed]",
        "denied malformed: union tag [malformed]", "denied malformed: arena descriptor [malformed]",
        "granted"]


def test_responses_errors_security(driver):
    res = lambda m, **kw: msg("response", "demo.Door", "demo.Panel", "demo.Door", "ctl", m, **kw)  # noqa: E731
    assert driver(res("Get", big=5), res("Get", big=-1), res("Open"), res("Close"),
                  res("Get", big=5, size=8),
                  "q error demo.Door demo.Panel 0 1 4 0 0 00000000",
                  "q error demo.Door demo.Panel 0 ? 4 0 0 00000000",
                  "q error demo.Door demo.Panel 0 ? 8 0 0 0000000000000000",
                  "q security demo.Panel - 0 0 4 0 0 03000000",
                  "q security demo.Panel - 0 0 4 0 0 04000000",
                  "q security demo.Door - 0 0 4 0 0 03000000") == [
        "granted", "denied assert at good.psl:32:37", "granted", "denied no_binding",
        "denied malformed: constant part size [malformed]",
        "granted", "granted", "denied malformed: constant part size [malformed]",
        "granted", "denied assert at good.psl:36:40", "denied malformed: no such method [malformed]"]


def test_kernel_endpoints_and_included_file(driver):
    up = msg("request", "demo.Panel", "kl.core.Core", "kl.core.Core", "sys", "GetUpTime")
    create = msg("request", "Einit", "kl.core.Core", "kl.core.Core", "task", "Create",
                 name=(0, 3), cls=(8, 3), program=(16, 3), arena=24)
    assert driver(up, up.replace("demo.Panel", "demo.Door", 1), create,
                  create.replace("Einit", "demo.Door", 1)) == [
        "granted", "denied no_binding", "granted", "denied no_binding"]


def test_nonsecurity_grants_everything(tmp_path):
    out = tmp_path / "policy.c"
    res = subprocess.run([PYTHON, "-m", "tools.psl", "--nonsecurity", "-o", str(out)], cwd=ROOT,
                         capture_output=True, text=True)
    assert res.returncode == 0, res.stderr
    assert "SEC_F_PERMISSIVE" in out.read_text()
    exe = tmp_path / "driver"
    subprocess.run(["gcc", *HOST_CFLAGS, "-o", str(exe), str(DATA / "driver.c"),
                    str(ROOT / "kernel/security/sec_engine.c"), str(out)], check=True)
    res = subprocess.run([str(exe)], input="x kl.core.Core hello\nq request a b 9 9 0 0 0 -\n",
                         capture_output=True, text=True)
    assert res.stdout.splitlines() == ["granted", "granted"]


def test_use_nonsecurity_grants_known_classes(tmp_path):
    pol = tmp_path / "security.psl"
    pol.write_text("use nonsecurity._\nuse EDL Einit\nuse EDL demo.Door\n")
    out = tmp_path / "policy.c"
    assert psl(out, pol).returncode == 0
    exe = tmp_path / "driver"
    subprocess.run(["gcc", *HOST_CFLAGS, "-o", str(exe), str(DATA / "driver.c"),
                    str(ROOT / "kernel/security/sec_engine.c"), str(out)], check=True)
    res = subprocess.run([str(exe)], input="x Einit demo.Door\nx Einit hello\n" + door("Close").replace(
        "demo.Panel", "Einit") + "\n", capture_output=True, text=True)
    assert res.stdout.splitlines() == ["granted", "denied unknown_class", "granted"]


def cross_gcc():
    for cc in ("aarch64-none-elf-gcc", "aarch64-linux-gnu-gcc"):
        if shutil.which(cc):
            return cc
    return None


@pytest.mark.skipif(cross_gcc() is None, reason="no aarch64 cross compiler")
def test_generated_c_compiles_for_the_kernel(policy_c, tmp_path):
    flags = ["-std=c11", "-O2", "-ffreestanding", "-fno-builtin", "-nostdlib", "-mgeneral-regs-only",
             "-Wall", "-Wextra", "-Werror", "-Wshadow", "-Wpedantic", "-I", str(ROOT / "kernel/include"),
             "-I", str(ROOT / "kernel"), "-c"]
    for src in (policy_c, ROOT / "kernel/security/sec_engine.c"):
        subprocess.run([cross_gcc(), *flags, "-o", str(tmp_path / (src.name + ".o")), str(src)], check=True)
