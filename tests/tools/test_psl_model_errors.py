"""tools/psl: a table of broken policy objects. Each gives exactly one line
`security.psl:line:col: error: ...` at the mistake and exit status 1 (no traceback,
no table written)."""
import re
import subprocess

import pytest

from test_psl_e2e import DATA, IDL, PYTHON, ROOT

HEAD = "use EDL Einit\nuse EDL demo.Door\n"     # lines 1-2; objects start on line 3
FLOW = ('policy object f : Flow {\n'
        '    type State = "a" | "b"\n'
        '    config = { states : ["a", "b"], initial : "a", transitions : { "a" : ["b"] } }\n'
        '}\n')


def flow(cfg, state_type='"a" | "b"'):
    return ('policy object f : Flow {\n    type State = %s\n    config = %s\n}\n'
            % (state_type, cfg))


def hashset(cfg, entry="UInt32"):
    return 'policy object h : HashSet {\n    type Entry = %s;\n    config = %s;\n}\n' % (entry, cfg)


MIC = 'policy object mic : Mic { config = ["A", "B"] }\n'     # line 3


def staticmap(cfg, value="UInt8"):
    return 'policy object m : StaticMap {\n    type Value = %s\n    config = %s\n}\n' % (value, cfg)


CASES = [
    # models
    ("policy object f : Flw { config = {} }\n", 3, 19, "unknown security model `Flw` (Flow, HashSet, StaticMap, Mic)"),
    ("policy object r : Regex { config = {} }\n", 3, 19, "the Regex security model is not supported yet"),
    ("policy f : Flow { }\n", 3, 8, "expected `object` after `policy`"),
    ("policy object f Flow { }\n", 3, 17, "expected `:` and a security model"),
    ("policy object f : Flow { type State = \"a\" }\n", 3, 1, "policy object `f` has no `config"),
    ("policy object f : Flow { state = 1 }\n", 3, 26, "expected `type`, `config` or `}`"),
    ("policy object f : Flow { config = [1] }\n", 3, 35, "`config` of a Flow object is a dictionary"),
    (FLOW + FLOW, 7, 15, "policy object `f` is defined twice"),
    # Flow configs
    (flow('{ states : ["a", "b"], initial : "a" }'), 5, 14, "the Flow config of `f` has no `transitions`"),
    (flow('{ states : ["a"], initial : "a", transitions : {}, final : "a" }'), 5, 65,
     "unknown Flow config key `final`"),
    (flow('{ states : [], initial : "a", transitions : {} }'), 5, 25, "`states` is empty"),
    (flow('{ states : "a", initial : "a", transitions : {} }'), 5, 25, "`states` is a list of strings"),
    (flow('{ states : ["a", 1], initial : "a", transitions : {} }'), 5, 31, "`states` is a list of strings"),
    (flow('{ states : ["a", "a"], initial : "a", transitions : {} }'), 5, 31,
     'state "a" is listed twice'),
    (flow('{ states : ["a", "c"], initial : "a", transitions : {} }'), 5, 31,
     'state "c" is not of the object\'s state type ("a" | "b")'),
    (flow('{ states : ["a", "b"], initial : "c", transitions : {} }'), 5, 47,
     'state "c" is not in the states of `f` ("a", "b")'),
    (flow('{ states : ["a", "b"], initial : 1, transitions : {} }'), 5, 47, "`initial` is a state"),
    (flow('{ states : ["a", "b"], initial : "a", transitions : { "c" : ["a"] } }'), 5, 68,
     'state "c" is not in the states of `f`'),
    (flow('{ states : ["a", "b"], initial : "a", transitions : { "a" : ["z"] } }'), 5, 75,
     'a transition to nowhere: state "z" is not in the states of `f`'),
    (flow('{ states : ["a", "b"], initial : "a", transitions : { "a" : "b" } }'), 5, 74,
     'the transitions from "a" is a list of strings'),
    (flow('{ states : ["a", "b"], initial : "a", transitions : { "a" : ["b"], "a" : [] } }'), 5, 81,
     'transitions from "a" are given twice'),
    (flow('{ states : ["a", "b"], initial : "a", transitions : ["a"] }'), 5, 66,
     "`transitions` is a dictionary"),
    (flow('{ states : ["a"], initial : "a", transitions : {} }', "UInt8 | \"a\""), 4, 10,
     "the state type of a Flow object is string literals"),
    ("policy object f : Flow {\n    config = { states : [%s], initial : \"s0\", transitions : {} }\n}\n"
     % ", ".join('"s%d"' % i for i in range(49)), 4, 25, "more than 48 states"),
    # HashSet configs
    (hashset("{ set_size : 4 }"), 5, 14, "the HashSet config of `h` has no `pool_size`"),
    (hashset("{ set_size : 0, pool_size : 1 }"), 5, 27, "`set_size` is a number from 1 to 1024"),
    (hashset("{ set_size : 1025, pool_size : 1 }"), 5, 27, "`set_size` is a number from 1 to 1024"),
    (hashset("{ set_size : 4, pool_size : 128 }"), 5, 42, "`pool_size` is a number from 1 to 127"),
    (hashset('{ set_size : "4", pool_size : 1 }'), 5, 27, "`set_size` is a number"),
    (hashset("{ set_size : 4, pool_size : 1, load : 2 }"), 5, 45, "unknown HashSet config key `load`"),
    (hashset("{ set_size : 4, pool_size : 1 }", "Text"), 4, 10,
     "a HashSet entry type other than an integer type"),
    (hashset("{ set_size : 4, pool_size : 1 }", "(UInt32, UInt32)"), 4, 18,
     "this tuple needs 64 bits; a HashSet entry holds at most 63"),
    (hashset("{ set_size : 4, pool_size : 1 }", "(UInt8, UInt8, UInt8, UInt8, UInt8)"), 4, 18,
     "a HashSet tuple has at most 4 elements"),
    (hashset("{ set_size : 4, pool_size : 1 }", "(UInt8, Text)"), 4, 26, "a tuple element is an integer type"),
    (hashset("{ set_size : 4, pool_size : 1 }", "(UInt8, UInt16)") +
     "request dst=demo.Door method=Open { h.add { sid : dst_sid, entry : (1, 2, 3) } }\n", 7, 68,
     "an entry of `h` is a tuple of 2 ((UInt8, UInt16))"),
    (hashset("{ set_size : 4, pool_size : 1 }", "(UInt8, UInt16)") +
     "request dst=demo.Door method=Open { h.add { sid : dst_sid, entry : (256, 2) } }\n", 7, 69,
     "256 is out of range for an element UInt8 of `h`"),
    # StaticMap configs
    (staticmap('{ keys : { "a" : 1 } }'), 5, 14, "the StaticMap config of `m` has no `pool_size`"),
    (staticmap('{ keys : [1], pool_size : 1 }'), 5, 23, "`keys` is a dictionary"),
    (staticmap('{ keys : {}, pool_size : 1 }'), 5, 23, "`keys` is a dictionary"),
    (staticmap('{ keys : { "a" : 1, "a" : 2 }, pool_size : 1 }'), 5, 34, 'key "a" is listed twice'),
    (staticmap('{ keys : { "a" : 256 }, pool_size : 1 }'), 5, 31,
     'the default of "a" is a number of type UInt8 (0 .. 255)'),
    (staticmap('{ keys : { "a" : "x" }, pool_size : 1 }'), 5, 31, 'the default of "a" is a number'),
    (staticmap('{ keys : { "a" : 1 }, pool_size : 0 }'), 5, 48, "`pool_size` is a number from 1 to 127"),
    (staticmap('{ keys : { %s }, pool_size : 1 }' % ", ".join('"k%d" : 0' % i for i in range(9))), 5, 23,
     "more than 8 keys"),
    (staticmap('{ keys : { 1 : 1 }, pool_size : 1 }'), 5, 25, "a StaticMap key is a string"),
    ('policy object m : StaticMap {\n    config = { keys : { "a" : 1 }, pool_size : 1 }\n}\n', 3, 1,
     "a StaticMap object needs `type Value = <integer type>`"),
    (staticmap('{ keys : { "a" : 1 }, pool_size : 1 }') +
     'request dst=demo.Door method=Open { m.set { sid : dst_sid, key : "b", value : 1 } }\n', 7, 66,
     'key "b" is not in the keys of `m` ("a")'),
    (staticmap('{ keys : { "a" : 1 }, pool_size : 1 }') +
     'request dst=demo.Door method=Open { m.set { sid : dst_sid, key : "a", value : 256 } }\n', 7, 79,
     "256 is out of range for a value of `m` (UInt8)"),
    # Mic configs and rules
    ("policy object mic : Mic {\n    config = []\n}\n", 4, 14, "a Mic object needs at least one level"),
    ('policy object mic : Mic {\n    config = ["A", "A"]\n}\n', 4, 20, '"A" is listed twice'),
    ('policy object mic : Mic {\n    config = { categories : ["x"] }\n}\n', 4, 14,
     "the Mic config of `mic` has no `degrees`"),
    ('policy object mic : Mic {\n    config = { degrees : ["a"], colours : [] }\n}\n', 4, 33,
     "unknown Mic config key `colours`"),
    ("policy object mic : Mic {\n    config = 5\n}\n", 4, 14, "`config` of a Mic object is a list of levels"),
    (MIC + 'request dst=demo.Door { mic.write { source : src_sid, target : dst_sid, level : "MID" } }\n',
     4, 73, "`mic.write` takes `source`, `target`, not `level`"),
    (MIC + 'request dst=demo.Door { mic.execute { target : dst_sid, level : "MID" } }\n', 4, 65,
     'not a degree of `mic` ("A", "B")'),
    (MIC + 'request dst=demo.Door { mic.execute { target : dst_sid, level : { degree : "A", '
     'categories : ["y"] } } }\n', 4, 95, "not a category of `mic` (none)"),
    (MIC + 'request dst=demo.Door { mic.write { source : src_sid } }\n', 4, 25, "`mic.write` needs `target`"),
    (MIC + 'request dst=demo.Door { assert (mic.query_level { source : src_sid } < "A") }\n', 4, 70,
     "levels compare with `==` and `!=` only"),
    # syntax inside an object
    ("policy object f : Flow {\n    config = { states : [\"a\" }\n}\n", 4, 30, "expected `,` or `]`"),
    ("policy object f : Flow {\n    type = \"a\"\n", 4, 10, "expected a type name"),
]


@pytest.mark.parametrize("text, line, col, message", CASES)
def test_broken_policy_object(tmp_path, text, line, col, message):
    (tmp_path / "security.psl").write_text(HEAD + text)
    res = subprocess.run([PYTHON, "-m", "tools.psl", "-I", str(IDL), "-I", str(DATA), "-o",
                          str(tmp_path / "policy.c"), str(tmp_path / "security.psl")],
                         cwd=ROOT, capture_output=True, text=True)
    assert res.returncode == 1, res.stderr
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1, res.stderr
    m = re.match(r"^.*security\.psl:(\d+):(\d+): error: (.*)$", lines[0])
    assert m, lines[0]
    assert message in m.group(3), lines[0]
    assert (int(m.group(1)), int(m.group(2))) == (line, col), lines[0]
    assert not (tmp_path / "policy.c").exists()


def test_a_good_object_compiles(tmp_path):
    (tmp_path / "security.psl").write_text(HEAD + FLOW + hashset("{ set_size : 4, pool_size : 1 }"))
    res = subprocess.run([PYTHON, "-m", "tools.psl", "-I", str(IDL), "-o", str(tmp_path / "p.c"),
                          str(tmp_path / "security.psl")], cwd=ROOT, capture_output=True, text=True)
    assert res.returncode == 0, res.stderr
