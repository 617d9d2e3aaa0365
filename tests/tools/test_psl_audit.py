"""Audit profiles applied per section (`audit <profile>` in a binding or a
`match`) and per model object (`<object> : { kss : [...] }` in a profile
level): a grant whose rules' profile asks for "granted" carries the reason
`audit <profile> <level>` (the kernel prints it); other grants stay silent.
tests/tools/data/psl/audit.psl through the host engine."""
import subprocess

import pytest

from test_psl_e2e import DATA, HOST_CFLAGS, ROOT, msg, psl

POLICY = DATA / "audit.psl"


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    d = tmp_path_factory.mktemp("audit")
    res = psl(d / "policy.c", POLICY)
    assert res.returncode == 0, res.stderr
    exe = d / "driver"
    subprocess.run(["gcc", *HOST_CFLAGS, "-o", str(exe), str(DATA / "driver.c"),
                    str(ROOT / "kernel/security/sec_engine.c"), str(d / "policy.c")], check=True)

    def ask(*queries):
        r = subprocess.run([str(exe)], input="\n".join(queries) + "\n", capture_output=True,
                           text=True, timeout=60)
        assert r.returncode == 0, r.stdout + r.stderr
        return r.stdout.splitlines()
    return ask


def door(method, **kw):
    return msg("request", "demo.Panel@9", "demo.Door@5", "demo.Door", "ctl", method, **kw)


def test_profiles_per_section_and_object(run):
    assert run(door("Open", code=1), door("Close"), "x Einit@1 demo.Door@5", door("Get"), door("Get")) == [
        "granted audit loud 0",             # `audit loud` in its match: base grants recorded
        "granted",                          # the default profile `quiet`: grants silent
        "granted audit doors 0",            # execute: door.init under `audit doors`
        "granted audit doors 0",            # door.enter under `audit doors`
        "denied door.enter at audit.psl:20:37"]   # a denial is always recorded


def test_flags_and_unknown_profile(tmp_path):
    c = (tmp_path / "p.c")
    assert psl(c, POLICY).returncode == 0
    assert "SEC_F_AUDIT_GRANTED | SEC_F_AUDIT_DENIED," in c.read_text()      # not ALL_GRANTS
    bad = tmp_path / "bad.psl"
    bad.write_text(POLICY.read_text().replace("audit loud  grant", "audit nope  grant"))
    res = psl(c, bad)
    assert res.returncode == 1
    assert res.stderr.strip().endswith("error: no audit profile `nope`"), res.stderr
    assert ":18:31:" in res.stderr, res.stderr
