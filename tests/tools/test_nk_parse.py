"""tools/nk: every EDL/CDL/IDL syntax form the KasperskyOS docs show is accepted."""
import pytest

from nk_helpers import GOOD, nkc, write
from tools.nk.errors import NkError
from tools.nk.model import Loader, load_class, load_interface


def quiet_loader(dirs):
    return Loader(dirs, on_warning=None)


def test_spec_example_server_endpoints_in_riid_order():
    cls = load_class("demo.Server", [GOOD], on_warning=None)
    assert cls.name == "demo.Server"
    assert [(e.path, e.riid, e.interface.name) for e in cls.endpoints] == [
        ("ctl", 0, "demo.IControl"), ("main.store", 1, "demo.IStore")]
    assert cls.file.endswith("demo/Server.edl")


def test_nested_components_depth_first_after_edl_endpoints():
    cls = load_class("test.Rich", [GOOD], on_warning=None)
    assert [e.path for e in cls.endpoints] == [
        "all", "ctl", "sub.store", "sub.inner.ping", "other.ping"]
    assert [e.riid for e in cls.endpoints] == [0, 1, 2, 3, 4]
    assert cls.endpoint("sub.inner.ping").interface is cls.endpoint("ctl").interface


def test_header_alone_is_a_valid_class():
    cls = load_class("demo.Client", [GOOD], on_warning=None)
    assert cls.endpoints == [] and cls.security is None


def test_entity_interfaces_security_and_semicolons_warn():
    ld = quiet_loader([GOOD])
    cls = ld.load_class("old.Legacy")
    assert [e.path for e in cls.endpoints] == ["ping"]
    assert cls.security.name == "old.ISecurity"
    msgs = [str(w) for w in ld.warnings]
    assert any("Legacy.edl:4:25: warning: ';' after an entry" in m for m in msgs)
    assert any("ISecurity.idl:1:22: warning: ';' after the package line" in m for m in msgs)


def test_cdl_with_old_interfaces_block():
    comp = quiet_loader([GOOD]).load_component("old.Comp")
    assert [e.path for e in comp.endpoints] == ["ctl"]


@pytest.mark.parametrize("text", [
    "task class p.C\nendpoints {\n  a : demo.IControl\n}\n",
    "task class p.C\nendpoints\n{\n  a : demo.IControl\n}\n",
    "task class p.C endpoints { a:demo.IControl }",
    "task class p.C\nendpoints\n\n{   a   :   demo.IControl   }\n",
    "// leading comment\ntask /* inline */ class p.C\nendpoints {\n  a : demo.IControl // why\n}\n",
    "entity p.C\nendpoints { a : demo.IControl }\n",
])
def test_edl_layouts_of_braces_spaces_and_comments(tmp_path, text):
    write(tmp_path, "p/C.edl", text)
    cls = quiet_loader([tmp_path, GOOD]).load_class("p.C")
    assert [(e.path, e.interface.name) for e in cls.endpoints] == [("a", "demo.IControl")]


def test_include_dirs_searched_in_order_sysroot_last(tmp_path):
    write(tmp_path, "demo/IControl.idl", "package demo.IControl\ninterface { Only(); }\n")
    first = quiet_loader([tmp_path, GOOD]).load_interface("demo.IControl")
    assert [m.name for m in first.methods] == ["Only"]
    second = quiet_loader([GOOD, tmp_path]).load_interface("demo.IControl")
    assert [m.name for m in second.methods] == ["Stop", "Status"]
    # kl.core.Types and Einit come from tools/sysroot
    assert quiet_loader([]).load_class("Einit").endpoints == []
    assert quiet_loader([]).load_class("kl.core.Core").name == "kl.core.Core"


def test_method_ids_and_params_in_declaration_order():
    i = load_interface("demo.IStore", [GOOD], on_warning=None)
    assert [(m.name, m.mid) for m in i.methods] == [("Put", 0), ("Ping", 1)]
    put = i.methods[0]
    assert [(p.direction, p.name, p.type_name) for p in put.params] == [
        ("in", "e", "Entry"), ("out", "id", "UInt32"), ("error", "rc", "SInt32")]


def test_constants_hex_octal_expressions_and_imports():
    pkg = quiet_loader([GOOD]).load_package("test.IAll")
    v = {n: d.value for n, d in pkg.decls.items() if hasattr(d, "value")}
    assert v["MaxPath"] == 0x20
    assert v["Twice"] == 64
    assert v["Neg"] == -14
    assert v["Oct"] == 0o17
    assert v["Big"] == 1 << 40
    assert v["FromImport"] == 11          # Common.Limit + 1
    assert v["Qualified"] == 29           # test.Common.Limit * 3 - 2 / 2
    assert v["BareImport"] == 0x10A       # bare imported name
    assert v["Bits"] == 14                # (0xFF & ~0x0F) >> 4 ^ 1
    assert v["Mod"] == -1                 # C remainder


def test_typedef_chains_resolve_to_the_base_type():
    pkg = quiet_loader([GOOD]).load_package("test.IAll")
    t = pkg.decls["PathAlias2"].type
    assert t.kind == "string" and t.max == 0x20
    assert pkg.decls["Triple"].type.kind == "array"
    named = pkg.decls["Named"]
    assert [m.type.kind for m in named.members] == ["string", "int", "struct"]
    assert named.members[1].type.name == "UInt8"   # kl.core.Types.Boolean


def test_mixed_parameter_order_is_accepted_with_warnings():
    ld = quiet_loader([GOOD])
    m = ld.load_interface("old.Mixed").methods[0]
    assert [p.name for p in m.in_params] == ["key", "flag"]
    assert [p.name for p in m.out_params] == ["value", "rc"]   # out, then error
    assert m.request.size == 8 and [f.offset for f in m.request.fields] == [0, 4]
    warns = [str(w) for w in ld.warnings]
    assert any("Mixed.idl:5:27: warning: 'in' parameter 'key' after 'out'" in w for w in warns)
    assert any("Mixed.idl:2:21: warning: ';' after an import" in w for w in warns)


def test_struct_union_trailing_semicolon_optional_and_nested_angles(tmp_path):
    write(tmp_path, "p/T.idl", """package p.T
struct A { UInt8 a; };
struct B { A a; }
union U { A a; B b; };
typedef array<array<UInt8, 2>, 3> M;
typedef sequence<array<UInt16,2>,4> S;
interface { F(in M m, in S s, out U u); }
""")
    pkg = quiet_loader([tmp_path]).load_package("p.T")
    assert pkg.decls["M"].type.size == 6
    assert pkg.decls["S"].type.elem.size == 4


def test_types_only_package_and_1_4_types(tmp_path):
    write(tmp_path, "p/Types.idl", "package p.Types\ntypedef UIntPtr Addr;\n")
    write(tmp_path, "p/I.idl", """package p.I
import p.Types
interface { Open(in handle<p.I> self, in Types.Addr a, in UIntSize n, out handle<I> h); }
""")
    i = quiet_loader([tmp_path]).load_interface("p.I")
    m = i.methods[0]
    assert [f.kind for f in m.request.fields] == ["handle", "int", "int"]
    assert [f.offset for f in m.request.fields] == [0, 8, 16]
    assert m.params[0].type.iface == "p.I"


def test_api_errors_carry_file_line_col(tmp_path):
    write(tmp_path, "p/E.idl", "package p.E\n\n  struct S { Nope n; }\n")
    with pytest.raises(NkError) as ei:
        load_interface("p.E", [tmp_path])
    e = ei.value
    assert (e.file.endswith("p/E.idl"), e.line, e.col) == (True, 3, 14)
    assert e.msg == "unknown type 'Nope'"
    assert str(e).endswith("p/E.idl:3:14: error: unknown type 'Nope'")


def test_missing_class_names_the_lookup():
    with pytest.raises(NkError) as ei:
        load_class("demo.Nope", [GOOD])
    assert "cannot find EDL class 'demo.Nope'" in ei.value.msg
    assert "demo/Nope.edl" in ei.value.msg


def test_cli_checks_and_dumps():
    r = nkc("-I", GOOD, "--dump", "demo.Server")
    assert r.returncode == 0, r.stderr
    assert "endpoint main.store riid 1: demo.IStore" in r.stdout
    assert "Put mid 0 (in Entry e, out UInt32 id, error SInt32 rc)" in r.stdout


def test_cli_accepts_file_paths():
    r = nkc("-I", GOOD, GOOD / "demo/Server.edl", GOOD / "demo/IStore.idl", GOOD / "demo/Storage.cdl")
    assert r.returncode == 0, r.stderr


def test_cli_werror_turns_warnings_into_failure():
    r = nkc("-I", GOOD, "-Werror", "old.Mixed")
    assert r.returncode == 1
    assert "warning: 'in' parameter 'key'" in r.stderr
