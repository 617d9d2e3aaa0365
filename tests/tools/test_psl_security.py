"""tools/psl `security` bindings end to end: a class's security interface, bindings
with method=, interface=, match blocks, deny/assert over signed and unsigned
fields, default deny, malformed queries; built with the kernel's engine."""
import struct
import subprocess

import pytest

from test_psl_e2e import HOST_CFLAGS, IDL, PYTHON, ROOT, DATA

EDL = "task class sec.Asker\nsecurity sec.IAsk\n"
IDL_TEXT = """package sec.IAsk
interface {
    Level(in UInt32 level);
    Move(in SInt64 delta, in UInt8 flags);
    Unbound(in UInt32 x);
    Name(in string<8> who);
}
"""
POLICY = """execute: kl.core.Execute
use nk.base._
use EDL Einit
use EDL kl.core.Core
use EDL sec.Asker
use EDL demo.Panel
security src=sec.Asker method=Level { assert (message.level <= 3) }
security src=sec.Asker interface=sec.IAsk {
    match method=Move {
        deny (message.delta < -5 || message.delta > 5)
        assert (message.flags == 1)
    }
    match method=Name { grant () }
}
"""


@pytest.fixture(scope="module")
def ask(tmp_path_factory):
    d = tmp_path_factory.mktemp("pslsec")
    (d / "sec").mkdir()
    (d / "sec/Asker.edl").write_text(EDL)
    (d / "sec/IAsk.idl").write_text(IDL_TEXT)
    (d / "security.psl").write_text(POLICY)
    out = d / "policy.c"
    res = subprocess.run([PYTHON, "-m", "tools.psl", "-I", str(d), "-I", str(IDL), "-o", str(out),
                          str(d / "security.psl")], cwd=ROOT, capture_output=True, text=True)
    assert res.returncode == 0, res.stderr
    exe = d / "driver"
    subprocess.run(["gcc", *HOST_CFLAGS, "-o", str(exe), str(DATA / "driver.c"),
                    str(ROOT / "kernel/security/sec_engine.c"), str(out)], check=True)

    def run(*queries):
        r = subprocess.run([str(exe)], input="\n".join(queries) + "\n", capture_output=True,
                           text=True, timeout=60)
        assert r.returncode == 0, r.stdout + r.stderr
        return r.stdout.splitlines()
    return run


def q(src, mid, data, arena=0, nhandles=0, size=None):
    n = len(data) if size is None else size
    return "q security %s - 65535 %d %d %d %d %s" % (src, mid, n, arena, nhandles,
                                                    data[:n].hex() or "-")


def test_security_bindings(ask):
    level = lambda v: q("sec.Asker", 0, struct.pack("<I", v))                 # noqa: E731
    move = lambda d, f: q("sec.Asker", 1, struct.pack("<qB7x", d, f))         # noqa: E731
    assert ask(level(0), level(3), level(4), level(0xFFFFFFFF),
               move(5, 1), move(-5, 1), move(6, 1), move(-6, 1), move(0, 0),
               q("sec.Asker", 2, struct.pack("<I", 1)),
               q("sec.Asker", 3, struct.pack("<II", 0, 3), arena=8)) == [
        "granted", "granted", "denied assert at security.psl:7:39",
        "denied assert at security.psl:7:39",
        "granted", "granted", "denied deny at security.psl:10:9", "denied deny at security.psl:10:9",
        "denied assert at security.psl:11:9",
        "denied no_binding", "granted"]


def test_security_malformed_and_unknown(ask):
    assert ask(q("sec.Asker", 4, struct.pack("<I", 1)),                       # no such method
               q("sec.Asker", 0, struct.pack("<II", 1, 2)),                   # size
               q("sec.Asker", 3, struct.pack("<II", 4, 8), arena=8),          # arena descriptor
               q("sec.Asker", 0, struct.pack("<I", 1), nhandles=1),           # handles
               q("demo.Panel", 0, struct.pack("<I", 1)),                      # its Check: no binding
               q("Einit", 0, struct.pack("<I", 1))) == [                      # no security interface
        "denied malformed: no such method [malformed]",
        "denied malformed: constant part size [malformed]",
        "denied malformed: arena descriptor [malformed]",
        "denied malformed: handle count [malformed]",
        "denied no_binding",
        "denied malformed: no such method [malformed]"]
