"""tools/nk: message layouts follow kernel/uapi/msg.h (sizes checked by hand)."""
import pytest

from nk_helpers import GOOD, write
from tools.nk.errors import NkError
from tools.nk.model import Loader


def iface(tmp_path, body, name="p.L"):
    write(tmp_path, name.replace(".", "/") + ".idl", "package %s\n%s" % (name, body))
    return Loader([tmp_path, GOOD], on_warning=None).load_interface(name)


def fields(layout):
    return [(f.name, f.offset, f.size, f.kind) for f in layout.fields]


def test_spec_example_put_layout():
    put = Loader([GOOD], on_warning=None).load_interface("demo.IStore").methods[0]
    req = put.request
    # Key: tag @0, payload @4 (max member align 4), size 12
    # Entry: key @0, tags[4] @12 (align 2), blob desc @20 (align 4), size 28
    assert req.size == 28
    assert fields(req) == [
        ("e.key", 0, 4, "int"), ("e.key.id", 4, 4, "int"), ("e.key.n", 4, 8, "arena"),
        ("e.tags[0]", 12, 2, "int"), ("e.tags[1]", 14, 2, "int"), ("e.tags[2]", 16, 2, "int"),
        ("e.tags[3]", 18, 2, "int"), ("e.blob", 20, 8, "arena")]
    tag, key_id, key_n = req.fields[0], req.fields[1], req.fields[2]
    assert tag.is_tag and tag.nmembers == 2 and not tag.signed
    assert key_id.cond == ((0, 0),) and key_n.cond == ((0, 1),)
    assert (key_n.arena_kind, key_n.max, key_n.elem_size) == ("string", 64, 1)
    blob = req.fields[-1]
    assert (blob.arena_kind, blob.max, blob.elem_size, blob.cond) == ("sequence", 512, 1, ())
    assert req.arena_max == 64 + 512
    res = put.response
    assert res.size == 8 and fields(res) == [("id", 0, 4, "int"), ("rc", 4, 4, "int")]
    assert res.fields[1].signed and not res.fields[0].signed


def test_natural_alignment_and_tail_padding(tmp_path):
    i = iface(tmp_path, "interface { F(in UInt8 a, in UInt64 b, in UInt16 c, in UInt8 d); }")
    r = i.methods[0].request
    assert [f.offset for f in r.fields] == [0, 8, 16, 18]
    assert r.size == 24 and r.align == 8


def test_union_payload_aligned_to_widest_member(tmp_path):
    i = iface(tmp_path, """struct Pair { UInt8 a; UInt64 b; }
union U { UInt8 s; Pair p; }
interface { F(in UInt8 x, in U u); }""")
    r = i.methods[0].request
    # Pair = 16 (b @8); U = tag @0, payload @8, size 24, align 8; u @8
    assert fields(r) == [("x", 0, 1, "int"), ("u", 8, 4, "int"), ("u.s", 16, 1, "int"),
                         ("u.p.a", 16, 1, "int"), ("u.p.b", 24, 8, "int")]
    assert r.size == 32


def test_small_union_is_tag_plus_member(tmp_path):
    i = iface(tmp_path, "union U { UInt8 a; UInt16 b; }\ninterface { F(in U u, in UInt8 z); }")
    r = i.methods[0].request
    # U: tag 4 + payload @4 (2 bytes) -> 6 rounded to align 4 = 8; z @8; total 12
    assert [f.offset for f in r.fields] == [0, 4, 4, 8] and r.size == 12


def test_handles_and_arena_descriptors(tmp_path):
    i = iface(tmp_path, """interface {
  F(in UInt8 a, in Handle h, in string<10> s, in bytes<7> b, in sequence<UInt32, 5> q,
    out Handle o, out array<Handle, 2> hs);
}""")
    m = i.methods[0]
    assert fields(m.request) == [("a", 0, 1, "int"), ("h", 4, 4, "handle"), ("s", 8, 8, "arena"),
                                 ("b", 16, 8, "arena"), ("q", 24, 8, "arena")]
    s, b, q = m.request.arena_fields
    assert (s.arena_kind, s.max, b.max, q.max, q.elem_size, q.elem_align) == ("string", 10, 7, 5, 4, 4)
    # each arena item rounded up to 8: 16 + 8 + 24
    assert m.request.arena_max == 48
    assert m.request.max_handles == 1
    assert fields(m.response) == [("o", 0, 4, "handle"), ("hs[0]", 4, 4, "handle"),
                                  ("hs[1]", 8, 4, "handle")]
    assert m.response.size == 12 and m.response.max_handles == 3


def test_response_is_out_then_error(tmp_path):
    i = iface(tmp_path, "interface { F(error SInt8 e, out UInt64 o); }")
    r = i.methods[0].response
    assert fields(r) == [("o", 0, 8, "int"), ("e", 8, 1, "int")] and r.size == 16


def test_empty_method_has_empty_layouts(tmp_path):
    m = iface(tmp_path, "interface { Ping(); }").methods[0]
    assert (m.request.size, m.response.size, m.request.fields) == (0, 0, [])


def test_constant_part_limit_is_exactly_512(tmp_path):
    ok = iface(tmp_path, "interface { F(in array<UInt64, 64> a); }")
    assert ok.methods[0].request.size == 512
    with pytest.raises(NkError) as ei:
        iface(tmp_path, "interface {\n  F(in array<UInt64, 64> a, in UInt8 b);\n}", name="p.M")
    assert (ei.value.line, ei.value.col) == (3, 3)
    assert "520 bytes of constant part, more than MSG_MAX_CONST (512)" in ei.value.msg


def test_nested_unions_chain_conditions(tmp_path):
    i = iface(tmp_path, """union In { UInt32 n; string<4> s; }
union Out { UInt8 x; In in1; }
interface { F(in Out o); }""")
    r = i.methods[0].request
    s = [f for f in r.fields if f.name == "o.in1.s"][0]
    assert s.cond == ((0, 1), (4, 1))
