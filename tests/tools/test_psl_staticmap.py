"""The StaticMap security model on the host engine: tests/tools/data/psl/staticmap.psl
and its PAL tests (defaults, set in the working instance, get / get_uncommitted,
commit, rollback, a denied decision undoing its set, pool exhaustion, fini, a
fresh table after fini), flipped expectations failing, and the generated state."""

from test_psl_e2e import DATA, pal, pal_flipped, policy_c_text

POLICY = DATA / "staticmap.psl"



def test_staticmap_pal_tests_pass():
    res = pal(POLICY)
    assert res.returncode == 0, res.stdout + res.stderr
    assert "PAL: 5 tests, 36 cases, all passed" in res.stdout, res.stdout


def test_wrong_expectations_fail(tmp_path):
    cases = [
        ('deny "committed"', 'grant "committed"', "expected grant, denied: assert at staticmap.psl:28:"),
        ('grant "rolled back" panel ~> door : ctl.Wide { b : 3 }',
         'grant "rolled back" panel ~> door : ctl.Wide { b : 7 }', "expected grant, denied: assert at staticmap.psl:31:"),
        ('deny "pool of 1"', 'grant "pool of 1"', "expected grant, denied: m.init at staticmap.psl:19:"),
        ('deny "fini twice"', 'grant "fini twice"', "expected grant, denied: m.fini at staticmap.psl:33:"),
        ("        grant panel ~> door : ctl.Wide { b : 3 }\n    }\n    sequence \"pool",
         "        grant panel ~> door : ctl.Wide { b : 9 }\n    }\n    sequence \"pool",
         "expected grant, denied: assert at staticmap.psl:31:"),
    ]
    for old, new, msg in cases:
        res = pal_flipped(POLICY, tmp_path, old, new)
        assert res.returncode == 1, (old, res.stdout)
        assert msg in res.stdout, (old, res.stdout)


def test_state_is_sized_from_the_config(tmp_path):
    c = policy_c_text(POLICY, tmp_path / "policy.c")
    assert "static int64_t sec_staticmap_0_base[2];" in c        # pool 1 x 2 keys
    assert "static int64_t sec_staticmap_0_work[2];" in c
    assert "static uint8_t sec_staticmap_0_owner[1];" in c
    assert "INT64_C(3), INT64_C(0)" in c                           # the defaults, in key order
