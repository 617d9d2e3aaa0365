"""tools/nk C output: compiles warning-free (host gcc and aarch64), survives a
proxy -> Call -> dispatcher -> ops round trip, and rejects malformed requests
exactly as the kernel layout check does (sec_check_layout from
kernel/security/sec_engine.c, linked; fuzzed under ASan/UBSan)."""
import re
import shutil
import subprocess

import pytest

from nk_helpers import DATA, GOOD, ROOT, nkc

CFLAGS = ["-std=c11", "-Wall", "-Wextra", "-Werror", "-Wpedantic"]
SAN = ["-g", "-O1", "-fsanitize=address,undefined", "-fno-sanitize-recover=all"]


def incs(gen):
    return ["-I", str(gen), "-I", str(DATA / "mock"), "-I", str(ROOT / "kernel"),
            "-I", str(DATA / "c")]


INPUTS = ["test.Rich", "demo.Server", "demo.Client", "old.Comp", "test.EdgeServer"]


@pytest.fixture(scope="module")
def gen(tmp_path_factory):
    out = tmp_path_factory.mktemp("nkgen")
    r = nkc("-I", GOOD, "-Werror", "--out", out, "-M", out / "deps.mk", *INPUTS)
    assert r.returncode == 0, r.stderr
    return out


ENGINE = ROOT / "kernel/security/sec_engine.c"


def build(gen, src, exe, extra=()):
    r = subprocess.run(["gcc", *CFLAGS, *SAN, *extra, *incs(gen), "-o", str(exe), str(src),
                        str(ENGINE)],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    return exe


def test_generated_file_names(gen):
    names = sorted(str(p.relative_to(gen)) for p in gen.rglob("*.h")
                   if not str(p.relative_to(gen)).startswith("kos/"))    # test_nk_kos.py
    assert names == sorted([
        "nk_types.h", "sec_layout.h", "kl/core/Types.idl.h", "test/Common.idl.h",
        "test/IAll.idl.h", "demo/IStore.idl.h", "demo/IControl.idl.h",
        "test/Rich.edl.h", "test/Rich.layout.h", "demo/Server.edl.h", "demo/Server.layout.h",
        "demo/Client.edl.h", "demo/Client.layout.h", "test/Edge.idl.h", "test/Empty.idl.h",
        "test/EdgeServer.edl.h", "test/EdgeServer.layout.h", "test/ISec.idl.h"])


def test_generated_names_follow_the_convention(gen):
    h = (gen / "demo/IStore.idl.h").read_text()
    for s in ["#define demo_IStore_MaxName 0x40u", "#define demo_IStore_Put_mid 0u",
              "#define demo_IStore_Ping_mid 1u", "struct demo_IStore_Put_req {\n    SMsgHdr hdr;",
              "struct demo_IStore_Put_res {", "struct demo_IStore_proxy {\n    Handle channel;\n    uint32_t riid;\n};",
              "static inline void demo_IStore_proxy_init(struct demo_IStore_proxy *proxy, Handle channel, uint32_t riid)",
              "static inline Retcode demo_IStore_Put(struct demo_IStore_proxy *nk_p,",
              "struct demo_IStore_ops {\n    Retcode (*Put)(void *ctx, const struct demo_IStore_Entry_view *e, uint32_t *id, int32_t *rc);",
              "static inline Retcode demo_IStore_dispatch(const struct demo_IStore_ops *ops, void *ctx,",
              '#include "kl/core/Types.idl.h"', "typedef nk_arena_desc demo_IStore_Name;"]:
        assert s in h, s
    s = (gen / "demo/Server.edl.h").read_text()
    assert "#define demo_Server_ctl_riid 0u" in s
    assert "#define demo_Server_main_store_riid 1u" in s
    assert "static inline Retcode demo_Server_dispatch(const struct demo_Server_ops *ops," in s
    assert "#define demo_Client_nendpoints 0u" in (gen / "demo/Client.edl.h").read_text()


def test_depfile_lists_every_input(gen):
    deps = (gen / "deps.mk").read_text()
    for f in ["demo/Server.edl", "demo/Storage.cdl", "demo/IStore.idl", "test/Inner.cdl",
              "kl/core/Types.idl"]:
        assert f in deps


def test_round_trip_proxy_call_dispatch_ops(gen, tmp_path):
    exe = build(gen, DATA / "c/roundtrip.c", tmp_path / "roundtrip")
    r = subprocess.run([str(exe)], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stdout + r.stderr
    assert r.stdout.startswith("OK")


def test_edge_cases_handles_nested_unions_sequences_of_arrays_keywords(gen, tmp_path):
    exe = build(gen, DATA / "c/edge.c", tmp_path / "edge")
    r = subprocess.run([str(exe)], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0 and r.stdout == "OK\n", r.stdout + r.stderr


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_fuzzed_requests_never_crash_and_match_layout_check(gen, tmp_path, seed):
    exe = build(gen, DATA / "c/fuzz.c", tmp_path / "fuzz")
    r = subprocess.run([str(exe), str(seed), "30000"], capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stdout + r.stderr
    assert r.stdout.startswith("OK")


@pytest.mark.skipif(shutil.which("aarch64-linux-gnu-gcc") is None, reason="no aarch64 compiler")
def test_compiles_for_aarch64_with_picolibc(gen, tmp_path):
    for src in ("roundtrip.c", "fuzz.c", "edge.c"):
        r = subprocess.run(["aarch64-linux-gnu-gcc", "--specs=picolibc.specs", *CFLAGS, "-O2",
                            *incs(gen), "-c", "-o", str(tmp_path / "x.o"), str(DATA / "c" / src)],
                           capture_output=True, text=True)
        assert r.returncode == 0, r.stderr


@pytest.mark.skipif(shutil.which("aarch64-linux-gnu-gcc") is None, reason="no aarch64 compiler")
def test_layout_tables_need_no_libc(gen, tmp_path):
    src = tmp_path / "k.c"
    src.write_text('#include "test/Rich.layout.h"\n#include "demo/Server.layout.h"\n'
                   "unsigned k(void)\n{\n"
                   "    return test_Rich_layout.methods[2].req.size + demo_Server_layout.nendpoints;"
                   "\n}\n")
    gcc_inc = subprocess.run(["aarch64-linux-gnu-gcc", "-print-file-name=include"],
                             capture_output=True, text=True).stdout.strip()
    r = subprocess.run(["aarch64-linux-gnu-gcc", *CFLAGS, "-ffreestanding", "-nostdinc",
                        "-isystem", gcc_inc, "-I", str(gen), "-c", "-o", str(tmp_path / "k.o"),
                        str(src)], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr


def test_layout_table_matches_python_model(gen):
    t = (gen / "test/Rich.layout.h").read_text()
    # demo.IStore.Put request: size 28, arena_max 576, 2 arena refs, 0 handles, 1 union, 1 cond
    assert "#define nk_lay_demo_IStore_Put_req_size 28u" in t
    assert re.search(r'\{ "Put", \{ nk_lay_demo_IStore_Put_req_size, 576u, 2, 0, 1, 1, '
                     r'test_Rich_lay_arena_\d+, NULL, test_Rich_lay_unions_\d+, '
                     r'test_Rich_lay_conds_\d+ \}', t)
    assert "{ 4, 0u, 64u, 1, 1, SEC_ARENA_STRING },  /* e.key.n */" in t
    assert '{ "sub.inner.ping", "demo.IControl", 2u, 13u },  /* riid 3 */' in t
    # the C struct is asserted against the record's size
    assert ("_Static_assert(sizeof(struct demo_IStore_Put_req) == SEC_LAYOUT_STRUCT_SIZE("
            "nk_lay_demo_IStore_Put_req_size, _Alignof(struct demo_IStore_Put_req))"
            in (gen / "test/Rich.edl.h").read_text())


def test_struct_size_assert_catches_a_record_that_disagrees(gen, tmp_path):
    """A record whose size differs from the C struct does not compile."""
    src = tmp_path / "bad.c"
    src.write_text("#define nk_lay_demo_IStore_Put_req_size 36u\n"
                   '#include "mock_kernel.h"\nint main(void) { return 0; }\n')
    r = subprocess.run(["gcc", *CFLAGS, *incs(gen), "-fsyntax-only", str(src)],
                       capture_output=True, text=True)
    assert r.returncode != 0 and "C struct vs layout record" in r.stderr, r.stderr


def test_unchanged_output_is_not_rewritten(gen):
    before = {p: p.stat().st_mtime_ns for p in gen.rglob("*.h")}
    r = nkc("-I", GOOD, "--out", gen, *INPUTS)
    assert r.returncode == 0, r.stderr
    assert {p: p.stat().st_mtime_ns for p in gen.rglob("*.h")} == before
