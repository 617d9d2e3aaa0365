"""The Mic security model (integrity levels) on the host engine:
tests/tools/data/psl/mic.psl and its PAL tests (levels set at execute, a
low-integrity task cannot write a high-integrity one but may read it, levelR,
categories, create / upgrade of a resource, query_level), flipped expectations
failing with the rule that decided, and the generated state."""
import subprocess

from test_psl_e2e import DATA, IDL, PYTHON, ROOT, pal

POLICY = DATA / "mic.psl"



def test_mic_pal_tests_pass():
    res = pal(POLICY)
    assert res.returncode == 0, res.stdout + res.stderr
    assert "PAL: 2 tests, 23 cases, all passed" in res.stdout, res.stdout


def test_wrong_expectations_fail(tmp_path):
    cases = [
        ('deny "low writes high"', 'grant "low writes high"', "denied: mic.write at mic.psl:24:"),
        ('deny "the door\'s levelR is HIGH"', 'grant "the door\'s levelR is HIGH"', "denied: mic.call at mic.psl:31:"),
        ('deny "low cannot upgrade to high"', 'grant "low cannot upgrade to high"',
         "denied: mic.upgrade at mic.psl:28:"),
        ('grant "level" security src=panel', 'deny "level" security src=panel', "expected deny, granted"),
        ('deny "now above the panel"', 'grant "now above the panel"', "denied: mic.invoke at mic.psl:30:"),
    ]
    for old, new, msg in cases:
        text = POLICY.read_text()
        assert old in text, old
        f = tmp_path / "mic.psl"
        f.write_text(text.replace(old, new, 1))
        res = pal(f)
        assert res.returncode == 1, (old, res.stdout)
        assert msg in res.stdout, (old, res.stdout)


def test_state_and_levels_in_the_tables(tmp_path):
    out = tmp_path / "policy.c"
    res = subprocess.run([PYTHON, "-m", "tools.psl", "-I", str(IDL), "-o", str(out), str(POLICY)],
                         cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert res.returncode == 0, res.stderr
    c = out.read_text()
    assert "static uint32_t sec_mic_0_level[SEC_SID_MAX];" in c
    assert "static uint32_t sec_mic_0_level_r[SEC_SID_MAX];" in c
    # Server: level HIGH (1) with category net (bit 0 -> 0x100), levelR LOW (0)
    assert "INT64_C(%d)" % ((1 | 0x100) << 16) in c, c
