"""tools/psl expressions on the host engine: Math (+ - * neg abs sum product, with
overflow denying), Bool (bool.all, bool.any, bool.cond), Struct (size of strings,
bytes and sequences, .field, .[i]), `use` aliases and `choice`. The policy
tests/tools/data/psl/exprs.psl carries PAL tests with grants and denials of each;
the runner links the kernel's own sec_engine.c."""
import re

from test_psl_e2e import DATA, pal, pal_flipped, policy_c_text

POLICY = DATA / "exprs.psl"


def test_expression_pal_tests_pass():
    res = pal(POLICY)
    assert res.returncode == 0, res.stdout + res.stderr
    assert re.search(r"PAL: 4 tests, \d+ cases, all passed", res.stdout), res.stdout


def test_a_wrong_expectation_fails(tmp_path):
    """The PAL tests above can fail: each flipped expectation is reported."""
    cases = [
        ('deny "overflow"', 'grant "overflow"', "expected grant, denied: overflow at exprs.psl:"),
        ("grant panel ~> door : ctl.Wide { b : 1, s : -1 }", "deny panel ~> door : ctl.Wide { b : 1, s : -1 }",
         "expected deny, granted"),
        ('deny panel ~> door : ctl.SetName { name : "a" }', 'grant panel ~> door : ctl.SetName { name : "a" }',
         "expected grant, denied: assert at exprs.psl:27:"),
        ("deny security src=panel method=Check { level : 3 }", "grant security src=panel method=Check { level : 3 }",
         "expected grant, denied: assert at exprs.psl:40:"),
        ("deny panel ~> door : ctl.Wide { b : 2, s : 1 }", "grant panel ~> door : ctl.Wide { b : 2, s : 1 }",
         "expected grant, denied: deny at exprs.psl:35:15"),
    ]
    for old, new, msg in cases:
        res = pal_flipped(POLICY, tmp_path, old, new)
        assert res.returncode == 1, (old, res.stdout)
        assert msg in res.stdout, (old, res.stdout)


def test_choice_compiles_to_forward_jumps(tmp_path):
    c = policy_c_text(POLICY, tmp_path / "policy.c")
    for op in ("SEC_OP_JZ", "SEC_OP_JMP", "SEC_OP_MUL", "SEC_OP_SIZE", "SEC_OP_ABS", "SEC_OP_NEG"):
        assert op in c, op


def test_constants_fold(tmp_path):
    """An expression over constants and aliases is decided at build time: no program."""
    f = tmp_path / "security.psl"
    f.write_text(POLICY.read_text().split("use lim")[0] +
                 "use k = sum [1, 2, 3] * 2 - neg (4)\n"
                 "request src=demo.Panel dst=demo.Door { assert (k == 16 && bool.all [k > 0, abs (-3) == 3]) }\n")
    c = policy_c_text(f, tmp_path / "policy.c")
    assert "struct sec_insn" not in c, c          # no program at all: every cell is a grant
    f.write_text(f.read_text().replace("k == 16", "k == 15"))
    assert "SEC_OP_FAIL" in policy_c_text(f, tmp_path / "policy.c")        # folded to false: the rule always denies


TUPLES = """execute: kl.core.Execute
use EDL Einit
use EDL kl.core.Core
use EDL demo.Door
use EDL demo.Panel
policy object pairs : HashSet {
    type Entry = (UInt32, SInt16, Boolean)
    config = { set_size : 4, pool_size : 1 }
}
execute src=kl.core.Core dst=Einit { grant () }
execute src=Einit dst=demo.Panel { grant () }
execute src=Einit dst=demo.Door { pairs.init { sid : dst_sid } }
request src=demo.Panel dst=demo.Door method=Open {
    pairs.add { sid : dst_sid, entry : (message.code, message.delta, true) }
}
request src=demo.Panel dst=demo.Door method=Wide {
    assert (pairs.contains { sid : dst_sid, entry : (7, message.b - 10, true) })
}
response { grant () }
assert "tuples" {
    setup {
        einit <- execute dst=Einit
        panel <- execute src=einit dst=demo.Panel
        door <- execute src=einit dst=demo.Door
    }
    sequence "pairs" {
        deny panel ~> door : ctl.Wide { b : 7 }
        grant panel ~> door : ctl.Open { code : 7, delta : -3 }
        grant panel ~> door : ctl.Wide { b : 7 }
        deny panel ~> door : ctl.Wide { b : 13 }
        grant panel ~> door : ctl.Open { code : 8, delta : 3 }
        deny "(8, 3): not (7, 3)" panel ~> door : ctl.Wide { b : 13 }
        grant panel ~> door : ctl.Open { code : 7, delta : 3 }
        grant panel ~> door : ctl.Wide { b : 13 }
        grant panel ~> door : ctl.Open { code : 4294967295, delta : -32768 }
        deny "full" panel ~> door : ctl.Open { code : 1, delta : 1 }
    }
}
"""


def test_hashset_tuple_entries(tmp_path):
    """HashSet entries as tuples (<= 4 integers, <= 63 bits), packed by the compiler."""
    f = tmp_path / "tuples.psl"
    f.write_text(TUPLES)
    res = pal(f)
    assert res.returncode == 0, res.stdout + res.stderr
    assert "PAL: 1 tests, 13 cases, all passed" in res.stdout, res.stdout
