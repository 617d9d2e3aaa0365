"""tools/psl security models end to end: a policy with a Flow and a HashSet object
(tests/tools/data/psl/models.psl) -> policy.c, built on the host with the kernel's
engine (ASan/UBSan) and the query driver. Every model rule and expression, SIDs
(src_sid, dst_sid, out of range, released), pool exhaustion, and the atomicity of a
decision (a failing rule undoes the state writes of the rules before it)."""
import re
import subprocess

import pytest

from test_psl_e2e import DATA, HOST_CFLAGS, ROOT, msg, psl

POLICY = DATA / "models.psl"


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    d = tmp_path_factory.mktemp("models")
    res = psl(d / "policy.c", POLICY, "-Werror")
    assert res.returncode == 0, res.stderr
    exe = d / "driver"
    subprocess.run(["gcc", *HOST_CFLAGS, "-o", str(exe), str(DATA / "driver.c"),
                    str(ROOT / "kernel/security/sec_engine.c"), str(d / "policy.c")], check=True)

    def ask(*queries):
        """A fresh engine (all model state empty) answers the queries in order."""
        r = subprocess.run([str(exe)], input="\n".join(queries) + "\n", capture_output=True,
                           text=True, timeout=60)
        assert r.returncode == 0, r.stdout + r.stderr
        out = r.stdout.splitlines()
        assert len(out) == len(queries), r.stdout
        return out
    return ask


def door(method, sid=5, src="demo.Panel@9", **kw):
    return msg("request", src, "demo.Door@%d" % sid, "demo.Door", "ctl", method, **kw)


def at(rule):
    """The line of `rule` in models.psl, for the expected reason."""
    for n, line in enumerate(POLICY.read_text().splitlines(), 1):
        col = line.find(rule)
        if col >= 0:
            return "denied %s at models.psl:%d:%d" % (rule.split(" ")[0], n, col + 1)
    raise AssertionError(rule)


START = "x Einit@1 demo.Door@5"


def test_init_at_execute_and_query(run):
    assert run(door("Get"), START, door("Get"), START) == [
        at("door.query"),                       # no state machine yet: the expression fails
        "granted", "granted",                   # init: "shut"; query == "shut"
        at("door.init {")]                      # a second init of the same SID


def test_enter_allow_and_transitions(run):
    assert run(START, door("Close"), door("Open", code=1), door("Get"), door("Open", code=2),
               door("Close"), door("Get")) == [
        "granted",
        at("door.allow"),                       # allow: "shut" is not in ["open"]
        "granted",                              # enter "open" (shut -> open)
        at("assert (door.query"),               # query != "shut"
        at("door.enter { sid : dst_sid, state : \"open\""),   # open -> open: not a transition
        "granted", "granted"]                   # allow + enter "shut"; query == "shut"


def test_hashset_add_contains_remove(run):
    assert run(START, door("Wide", b=1), door("Open", code=1), door("Wide", b=1),
               door("Close"), door("Open", code=1), door("Close"),   # 1 again: already there
               door("Pass", h=0xFFFFFFFF, flags=1), door("Wide", b=1),
               door("Pass", h=0xFFFFFFFF, flags=7)) == [
        "granted", at("assert (seen.contains"), "granted", "granted", "granted", "granted",
        "granted", "granted", at("assert (seen.contains"),
        "granted"]                              # removing an absent entry is granted


def test_a_failing_rule_undoes_the_decision(run):
    # set_size 2: codes 1 and 2 fill the table; Open(3) passes door.enter, then
    # seen.add fails: the whole decision is denied and the door stays "shut"
    assert run(START, door("Open", code=1), door("Close"), door("Open", code=2), door("Close"),
               door("Open", code=3), door("Get"), door("Close")) == [
        "granted", "granted", "granted", "granted", "granted",
        at("seen.add"), "granted", at("door.allow")]


def test_rule_order_assert_before_model_rule(run):
    # assert (message.code != 0) fails first: no state is touched
    assert run(START, door("Open", code=0), door("Get")) == [
        "granted", at("assert (message.code != 0)"), "granted"]


def test_fini_and_sids(run):
    assert run(START, door("Get", src="demo.Panel@5"),   # src_sid == dst_sid is refused
               door("SetName", name=(0, 4), arena=4), door("Get"),
               door("Get", sid=6),              # never executed
               door("Get", sid=200)) == [       # out of range
        "granted", at("assert (src_sid != dst_sid)"), "granted", at("door.query"),
        at("door.query"), at("door.query")]


def test_release_drops_the_state_and_frees_the_pool(run):
    assert run(START, "x Einit@1 demo.Door@6",
               "x Einit@1 demo.Door@7",           # pool_size 2: no table left, door.init undone
               door("Get", sid=7),
               "r 6", "x Einit@1 demo.Door@7", door("Get", sid=7),
               door("Get", sid=6)) == [
        "granted", "granted", at("seen.init"), at("door.query"),
        "released", "granted", "granted", at("door.query")]


def test_security_event_reads_src_sid(run):
    def sec(sid):                               # demo.ISecurity.Check(level = 1)
        return "q security demo.Panel@%d - 0 0 4 0 0 01000000" % sid
    assert run(sec(3), sec(4)) == ["granted", at("assert (src_sid == 3)")]


def test_generated_state_is_sized_from_the_configs(tmp_path):
    res = psl(tmp_path / "policy.c", POLICY)
    assert res.returncode == 0, res.stderr
    c = (tmp_path / "policy.c").read_text()
    assert "static uint8_t sec_flow_0_state[SEC_SID_MAX];" in c
    assert "static uint8_t sec_hashset_0_owner[2];" in c
    assert "static uint64_t sec_hashset_0_entries[4];" in c
    assert re.search(r"\{ \"door\", 3u, 0u, sec_flow_0_transitions, sec_flow_0_state \}", c)


@pytest.mark.parametrize("text, message", [
    ("request dst=demo.Door method=Get { door.query { sid : dst_sid } }\n",
     "`door.query` is an expression"),
    ("request dst=demo.Door method=Get { assert (door.enter { sid : dst_sid, state : \"open\" }) }\n",
     "`door.enter` is a rule, not an expression"),
    ("request dst=demo.Door method=Get { door.jump { sid : dst_sid } }\n",
     "a Flow object has no rule or expression `jump`"),
    ("request dst=demo.Door method=Get { nobody.init { sid : dst_sid } }\n",
     "unknown policy object `nobody`"),
    ("request dst=demo.Door method=Get { door.enter { sid : dst_sid } }\n",
     "`door.enter` needs `state`"),
    ("request dst=demo.Door method=Get { door.enter { sid : dst_sid, state : \"ajar\" } }\n",
     "state \"ajar\" is not in the states of `door`"),
    ("request dst=demo.Door method=Get { door.init { sid : dst_sid, colour : 1 } }\n",
     "`door.init` takes `sid`, not `colour`"),
    ("request dst=demo.Door method=Get { seen.add { sid : dst_sid, entry : -1 } }\n",
     "-1 is out of range for an entry of `seen` (UInt32)"),
    ("request dst=demo.Door method=Get { door.init { sid : 128 } }\n",
     "128 is out of range for a SID"),
    ("request dst=demo.Door method=Wide { seen.add { sid : dst_sid, entry : message.u } }\n",
     "`message.u` (0 .. 18446744073709551615) does not fit an entry of `seen` (UInt32)"),
    ("security src=demo.Panel method=Check { door.init { sid : dst_sid } }\n",
     "`dst_sid` is not available in security bindings"),
    ("request dst=demo.Door method=Get { assert (door.query { sid : dst_sid } < \"open\") }\n",
     "states compare with `==` and `!=` only"),
    ("request dst=demo.Door method=Get { assert (door.query { sid : dst_sid } == \"ajar\") }\n",
     "state \"ajar\" is not in the states of `door`"),
])
def test_model_rule_errors(tmp_path, text, message):
    head = POLICY.read_text().split("// -- bindings")[0]
    (tmp_path / "security.psl").write_text(head + text)
    res = psl(tmp_path / "policy.c", tmp_path / "security.psl")
    assert res.returncode == 1
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1 and re.match(r"^.*security\.psl:\d+:\d+: error: ", lines[0]), res.stderr
    assert message in lines[0], res.stderr
