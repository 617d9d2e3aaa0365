"""IDL `error` parameters in the KasperskyOS form (docs/IDL.md, "Error parameters"):
`res->err_.<name>` and `nk_err_reset(res)` as the SDK's errors_via_ipc example uses
them, the same bytes as the parameters by their names, cleared before each op; a
method whose error parameters cannot be laid out as one struct has no `err_`."""
import subprocess

from nk_helpers import DATA, ROOT, nkc
from test_nk_cgen import build

ERR = DATA / "err"


def test_err_members_round_trip(tmp_path):
    gen = tmp_path / "gen"
    r = nkc("-I", ERR, "-Werror", "--out", gen, "errs.Server")
    assert r.returncode == 0, r.stderr
    h = (gen / "kos/errs/ISum.idl.h").read_text()
    assert "union { struct { int32_t status; }; struct { int32_t status; } err_; };" in h
    assert "#define nk_err_reset(res)" in h
    odd = h[h.index("typedef struct errs_ISum_Odd_res"):]
    assert "err_" not in odd[:odd.index("}")]
    exe = build(gen, [DATA / "c/kos_err.c"], tmp_path / "kos_err")
    res = subprocess.run([str(exe)], capture_output=True, text=True, timeout=60)
    assert res.returncode == 0 and res.stdout.strip() == "OK", res.stdout + res.stderr


def test_a_use_of_err_where_there_is_none_does_not_compile(tmp_path):
    gen = tmp_path / "gen"
    assert nkc("-I", ERR, "--out", gen, "errs.Server").returncode == 0
    src = tmp_path / "bad.c"
    src.write_text('#include <coresrv/nk/transport-kos.h>\n#include "errs/ISum.idl.h"\n'
                   "int f(errs_ISum_Plain_res *r) { return (int)r->err_.y; }\n"
                   "int g(errs_ISum_Odd_res *r) { return (int)r->err_.wide; }\n")
    from test_nk_cgen import incs, CFLAGS
    res = subprocess.run(["gcc", *CFLAGS, *incs(gen), "-c", "-o", str(tmp_path / "bad.o"), str(src)],
                         capture_output=True, text=True)
    assert res.returncode != 0
    errs = [l for l in res.stderr.splitlines() if "has no member" in l]
    assert len(errs) == 2 and all("err_" in l for l in errs), res.stderr
    assert "Plain_res" in errs[0] and "Odd_res" in errs[1]
