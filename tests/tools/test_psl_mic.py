"""The Mic security model (integrity levels) on the host engine:
tests/tools/data/psl/mic.psl and its PAL tests (levels set at execute, a
low-integrity task cannot write a high-integrity one but may read it, levelR,
categories, create / upgrade of a resource, query_level), flipped expectations
failing with the rule that decided, and the generated state."""

from test_psl_e2e import DATA, pal, pal_flipped, policy_c_text

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
        res = pal_flipped(POLICY, tmp_path, old, new)
        assert res.returncode == 1, (old, res.stdout)
        assert msg in res.stdout, (old, res.stdout)


def test_state_and_levels_in_the_tables(tmp_path):
    c = policy_c_text(POLICY, tmp_path / "policy.c")
    assert "static uint32_t sec_mic_0_level[SEC_SID_MAX];" in c
    assert "static uint32_t sec_mic_0_level_r[SEC_SID_MAX];" in c
    # Server: level HIGH (1) with category net (bit 0 -> 0x100), levelR LOW (0)
    assert "INT64_C(%d)" % ((1 | 0x100) << 16) in c, c
