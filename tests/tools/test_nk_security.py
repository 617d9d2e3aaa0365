"""tools/nk: a class's `security` interface (<Class>_securityIid =
MSG_RIID_SECURITY, called through NkKosSecurityTransport; warnings for what a
security call cannot carry) and the Service Locator records (nk_sl_classes,
kos/nk_kos_sl.h) that userland/lib/sl.c reads, built and run on the host with
sl.c itself."""
import subprocess

from nk_helpers import DATA, GOOD, ROOT, nkc, write
from tools.nk.model import Loader

CFLAGS = ["-std=c11", "-Wall", "-Wextra", "-Werror", "-Wpedantic", "-g", "-O1",
          "-fsanitize=address,undefined", "-fno-sanitize-recover=all"]


def test_security_forms_are_accepted(tmp_path):
    for i, form in enumerate(["security test.ISec", "security: test.ISec", "security test.ISec;"]):
        write(tmp_path, f"p/C{i}.edl", f"task class p.C{i}\n{form}\n")
        ld = Loader([tmp_path, GOOD], on_warning=None)
        cls = ld.load_class(f"p.C{i}")
        assert cls.security.name == "test.ISec"
        assert [m.name for m in cls.security.methods] == ["Check", "Note"]


def test_security_interface_warnings(tmp_path):
    write(tmp_path, "p/C.edl", "task class p.C\nsecurity test.IAll\n")
    ld = Loader([tmp_path, GOOD], on_warning=None)
    ld.load_class("p.C")
    msgs = [str(w) for w in ld.warnings]
    assert any("'out' parameters are never filled" in m for m in msgs), msgs
    assert any("'error' parameters are never filled" in m for m in msgs), msgs
    assert any("carries handles: a security call cannot transfer them" in m for m in msgs), msgs
    assert all("IAll.idl:" in m for m in msgs)
    write(tmp_path, "p/K.cdl", "component p.K\nsecurity test.ISec\n")
    write(tmp_path, "p/D.edl", "task class p.D\ncomponents { k : p.K }\n")
    ld = Loader([tmp_path, GOOD], on_warning=None)
    ld.load_class("p.D")
    assert any("K.cdl:2:10: warning: the security interface of component 'p.K' is not used" in str(w)
               for w in ld.warnings), [str(w) for w in ld.warnings]
    # -Werror makes them errors; in-only interfaces are clean
    assert nkc("-I", tmp_path, "-I", GOOD, "-Werror", "p.C").returncode == 1
    write(tmp_path, "p/E.edl", "task class p.E\nsecurity test.ISec\n")
    r = nkc("-I", tmp_path, "-I", GOOD, "-Werror", "p.E")
    assert r.returncode == 0 and r.stderr == "", r.stderr


def test_generated_security_iid_and_sl_record(tmp_path):
    out = tmp_path / "gen"
    r = nkc("-I", GOOD, "--out", out, "test.EdgeServer", "demo.Client")
    assert r.returncode == 0, r.stderr
    h = (out / "kos/test/EdgeServer.edl.h").read_text()
    assert '#include "test/ISec.idl.h"' in h
    assert "#define test_EdgeServer_securityIid MSG_RIID_SECURITY" in h
    sl = (out / "kos/nk_kos_sl.h").read_text()
    assert '{ "edge", 0u },' in sl and '{ "empty", 1u },' in sl
    assert '__attribute__((used, section("nk_sl_classes"), aligned(8)))' in sl
    assert "#if !defined(NK_NO_SL_TABLE)" in sl
    assert '{ "demo.Client", NK_NULL, 0u }' in sl
    c = (out / "kos/demo/Client.edl.h").read_text()
    assert "test_EdgeServer" not in c and "securityIid" not in c
    # cgen's kernel form has neither (one client API: the KasperskyOS form)
    assert "securityIid" not in (out / "test/EdgeServer.edl.h").read_text()
    assert "nk_sl_classes" not in (out / "test/EdgeServer.edl.h").read_text()


def test_endpoint_named_security_keeps_its_riid(tmp_path):
    write(tmp_path, "p/S.edl", "task class p.S\nendpoints { security : demo.IControl }\n"
                               "security test.ISec\n")
    out = tmp_path / "gen"
    r = nkc("-I", tmp_path, "-I", GOOD, "--out", out, "p.S")
    assert r.returncode == 0, r.stderr
    h = (out / "kos/p/S.edl.h").read_text()
    assert "p_S_security_iid = 0," in h and "#define p_S_securityIid MSG_RIID_SECURITY" in h
    assert "#define p_S_security_riid 0u" in (out / "p/S.edl.h").read_text()


def test_service_locator_and_security_proxy_on_the_host(tmp_path):
    """userland/lib/sl.c with mocks: channel names -> handles, endpoint paths
    -> RIIDs through the linker-gathered records; a security-interface call's
    request over NkKosSecurityTransport (userland/lib/nk_kos_transport.c)."""
    write(tmp_path, "idl/test/Dup.edl", "task class test.Dup\ncomponents { main : demo.Storage }\n"
                                        "endpoints { z : demo.IControl }\n")
    out = tmp_path / "gen"
    r = nkc("-I", tmp_path / "idl", "-I", GOOD, "--out", out, "demo.Server", "test.Rich",
            "test.EdgeServer", "test.Dup")
    assert r.returncode == 0, r.stderr
    # test.Dup: z = 0, then main.store = 1, the same RIID as in demo.Server
    exe = tmp_path / "sl_test"
    cmd = ["gcc", *CFLAGS, "-I", str(DATA / "mock_kos"), "-I", str(out / "kos"), "-I", str(out),
           "-I", str(ROOT / "userland/include"), "-I", str(ROOT / "kernel"), "-o", str(exe),
           str(DATA.parent / "sl/sl_test.c"), str(ROOT / "userland/lib/sl.c"),
           str(ROOT / "userland/lib/nk_kos_transport.c"),
           str(ROOT / "kernel/security/sec_engine.c")]
    res = subprocess.run(cmd, capture_output=True, text=True)
    assert res.returncode == 0, res.stderr
    run = subprocess.run([str(exe)], capture_output=True, text=True, timeout=60)
    assert run.returncode == 0 and run.stdout.strip() == "OK", run.stdout + run.stderr


def test_sl_records_unless_NK_NO_SL_TABLE(tmp_path):
    out = tmp_path / "gen"
    assert nkc("--out", out, "kl.core.Core").returncode == 0
    src = write(tmp_path, "k.c", "#include <coresrv/nk/transport-kos.h>\n"
                                 '#include "kl/core/Core.edl.h"\nint main(void) { return 0; }\n')
    for define, present in (("-DNK_NO_SL_TABLE", False), ("-DX", True)):
        obj = tmp_path / "k.o"
        res = subprocess.run(["gcc", "-std=c11", "-Wall", "-Wextra", "-Werror", define,
                              "-I", str(DATA / "mock_kos"), "-I", str(out / "kos"), "-I", str(out),
                              "-I", str(ROOT / "userland/include"), "-I", str(ROOT / "kernel"),
                              "-c", "-o", str(obj), str(src)], capture_output=True, text=True)
        assert res.returncode == 0, res.stderr
        sections = subprocess.run(["objdump", "-h", str(obj)], capture_output=True, text=True).stdout
        assert ("nk_sl_classes" in sections) == present, define
