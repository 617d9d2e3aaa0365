"""tools/nk's KasperskyOS form (tools/nk/kosgen.py, docs/IDL.md "KasperskyOS
API"): the kos/ headers it writes, their switch to cgen's headers, and that
every one compiles warning-free for aarch64 against userland/include, for
inputs with unions, sequences, strings, handles and nested components."""
import shutil
import subprocess

import pytest

from nk_helpers import GOOD, ROOT, nkc

INPUTS = ["test.Rich", "demo.Server", "demo.Client", "old.Comp", "test.EdgeServer"]
CFLAGS = ["-std=c11", "-Wall", "-Wextra", "-Werror", "-O2"]


@pytest.fixture(scope="module")
def gen(tmp_path_factory):
    out = tmp_path_factory.mktemp("nkkos")
    r = nkc("-I", GOOD, "-Werror", "--out", out, *INPUTS)
    assert r.returncode == 0, r.stderr
    return out


def test_kos_headers_written(gen):
    names = sorted(str(p.relative_to(gen / "kos")) for p in (gen / "kos").rglob("*.h"))
    for n in ("nk_kos_sl.h", "demo/IStore.idl.h", "demo/Server.edl.h", "demo/Storage.cdl.h",
              "test/Rich.edl.h", "test/Sub.cdl.h", "test/Inner.cdl.h", "kl/core/Types.idl.h"):
        assert n in names
    srv = (gen / "kos/demo/Server.edl.h").read_text()
    assert "#include_next <demo/Server.edl.h>" in srv          # other programs: cgen's API
    for name in ("demo_Server_entity_dispatch", "demo_Server_entity_init",
                 "demo_Server_entity_req_arena_size", "demo_Server_component_dispatch"):
        assert name in srv
    idl = (gen / "kos/demo/IStore.idl.h").read_text()
    for name in ("demo_IStore_proxy_init", "demo_IStore_Put_req", "demo_IStore_Put_res",
                 "demo_IStore_Put_mid", "demo_IStore_ops", "demo_IStore_interface_dispatch",
                 "struct nk_message base_;"):
        assert name in idl
    # cgen's own headers are untouched (golden files, kernel, every other program)
    assert "NK_KOS_API" not in (gen / "demo/Server.edl.h").read_text()


def picolibc_flags():
    gcc_inc = subprocess.run(["aarch64-linux-gnu-gcc", "-print-file-name=include"],
                             capture_output=True, text=True).stdout.strip()
    return ["-nostdinc", "-isystem", "/usr/lib/picolibc/aarch64-linux-gnu/include",
            "-isystem", gcc_inc]


@pytest.mark.skipif(shutil.which("aarch64-linux-gnu-gcc") is None, reason="no aarch64 compiler")
def test_every_kos_header_compiles_for_aarch64(gen, tmp_path):
    src = tmp_path / "all.c"
    lines = ["#include <coresrv/nk/transport-kos.h>"]
    for p in sorted((gen / "kos").rglob("*.h")):
        lines.append('#include "%s"' % p.relative_to(gen / "kos"))
    lines.append("int main(void) { return 0; }")
    src.write_text("\n".join(lines) + "\n")
    r = subprocess.run(["aarch64-linux-gnu-gcc", *CFLAGS, *picolibc_flags(),
                        "-I", str(gen / "kos"), "-I", str(gen), "-I", str(ROOT / "userland/include"),
                        "-I", str(ROOT / "kernel"), "-c", "-o", str(tmp_path / "all.o"), str(src)],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr


@pytest.mark.skipif(shutil.which("aarch64-linux-gnu-gcc") is None, reason="no aarch64 compiler")
def test_without_transport_kos_the_project_api_is_used(gen, tmp_path):
    src = tmp_path / "old.c"
    src.write_text('#include "demo/Server.edl.h"\n'
                   "int f(struct demo_IStore_proxy *p) { return (int)p->riid; }\n")
    r = subprocess.run(["aarch64-linux-gnu-gcc", *CFLAGS, *picolibc_flags(),
                        "-I", str(gen / "kos"), "-I", str(gen), "-I", str(ROOT / "userland/include"),
                        "-I", str(ROOT / "kernel"), "-c", "-o", str(tmp_path / "old.o"), str(src)],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr


def test_dispatch_round_trip_and_malformed_requests_on_the_host(gen, tmp_path):
    """data/nk/c/kos_dispatch.c under ASan/UBSan: proxy -> loopback -> entity
    dispatcher -> ops, and malformed requests refused before any op runs."""
    data = ROOT / "tests/tools/data/nk"
    exe = tmp_path / "kos_dispatch"
    r = subprocess.run(["gcc", "-std=c11", "-Wall", "-Wextra", "-Werror", "-g", "-O1",
                        "-fsanitize=address,undefined", "-fno-sanitize-recover=all",
                        "-I", str(data / "mock_kos"), "-I", str(gen / "kos"), "-I", str(gen),
                        "-I", str(ROOT / "userland/include"), "-I", str(ROOT / "kernel"),
                        "-o", str(exe), str(data / "c/kos_dispatch.c"),
                        str(ROOT / "kernel/security/sec_engine.c")],   # the layout checker
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    r = subprocess.run([str(exe)], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stdout + r.stderr
    assert r.stdout.startswith("OK")
