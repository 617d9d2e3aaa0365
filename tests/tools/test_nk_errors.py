"""tools/nk: each bad input gives `file:line:column: error: message` and exit 1."""
import pytest

from nk_helpers import BAD, GOOD, nkc
from tools.nk.errors import NkError
from tools.nk.model import Loader

# input name -> (file the error is in, line, column, part of the message)
CASES = {
    "bad.UnknownType": ("UnknownType.idl", 2, 12, "unknown type 'Foo'"),
    "bad.UndefinedConst": ("UndefinedConst.idl", 2, 16, "undefined constant 'MaxLen'"),
    "bad.MissingImport": ("MissingImport.idl", 2, 8, "cannot find IDL package 'no.such.Pkg'"),
    "bad.MissingIdl": ("MissingIdl.edl", 3, 5, "cannot find IDL package 'bad.NoSuch'"),
    "bad.MissingCdl": ("MissingCdl.edl", 3, 5, "cannot find CDL component 'bad.NoSuchComponent'"),
    "bad.DupMethod": ("DupMethod.idl", 4, 5, "duplicate method 'Get'"),
    "bad.UnderscoreMethod": ("UnderscoreMethod.idl", 3, 5, "method name 'get_value' must not contain '_'"),
    "bad.UnderscoreEndpoint": ("UnderscoreEndpoint.edl", 3, 5, "endpoint name 'my_ep' must not contain '_'"),
    "bad.UnderscoreInstance": ("UnderscoreInstance.cdl", 2, 14, "instance name 'the_store' must not contain '_'"),
    "bad.Oversize": ("Oversize.idl", 4, 5, "request of 'Big' needs 520 bytes of constant part, more than MSG_MAX_CONST (512)"),
    "bad.OversizeRes": ("OversizeRes.idl", 4, 5, "response of 'Get' needs 520 bytes"),
    "bad.MissingSemicolon": ("MissingSemicolon.idl", 4, 5, "expected ';' after the method, found 'Put'"),
    "bad.MissingBrace": ("MissingBrace.idl", 4, 1, "expected '}' closing struct 'S', found end of file"),
    "bad.MissingParamName": ("MissingParamName.idl", 3, 19, "expected a parameter name, found ')'"),
    "bad.BadChar": ("BadChar.idl", 2, 20, "unexpected character '@'"),
    "bad.EdlSyntax": ("EdlSyntax.edl", 3, 7, "expected ':' after 'a', found 'b'"),
    "bad.EdlBlock": ("EdlBlock.edl", 2, 1, "expected 'components', 'endpoints' or 'security', found 'endpoint'"),
    "bad.ConstOverflow": ("ConstOverflow.idl", 2, 13, "value 256 of constant 'X' does not fit in UInt8"),
    "bad.DivZero": ("DivZero.idl", 3, 21, "division by zero"),
    "bad.ConstCycle": ("ConstCycle.idl", 2, 14, "constant 'A' depends on itself"),
    "bad.Recursive": ("Recursive.idl", 2, 31, "struct 'Node' contains itself"),
    "bad.WrongPackage": ("WrongPackage.idl", 1, 9, "declares 'bad.WrongName' but is found as 'bad.WrongPackage'"),
    "bad.CycleA": ("CycleB.idl", 2, 8, "import cycle: bad.CycleA -> bad.CycleB -> bad.CycleA"),
    "bad.CompCycle": ("CompB.cdl", 3, 3, "component cycle: bad.CompA -> bad.CompB -> bad.CompA"),
    "bad.Handles": ("Handles.idl", 3, 5, "can carry 5 handles, more than MSG_MAX_HANDLES (4)"),
    "bad.SeqString": ("SeqString.idl", 2, 9, "sequence elements must be fixed-size"),
    "bad.ZeroSize": ("ZeroSize.idl", 2, 16, "the size of string<N> must be at least 1, not 0"),
    "bad.NegSize": ("NegSize.idl", 3, 22, "the size of array<T, N> must be at least 1, not -4"),
    "bad.DupMember": ("DupMember.idl", 4, 12, "duplicate member 'a'"),
    "bad.DupDecl": ("DupDecl.idl", 3, 15, "'X' is already declared"),
    "bad.DupParam": ("DupParam.idl", 2, 39, "duplicate parameter 'x'"),
    "bad.DupEndpoint": ("DupEndpoint.edl", 4, 5, "duplicate name 'a'"),
    "bad.BadHandle": ("BadHandle.idl", 2, 21, "cannot find interface 'no.Such'"),
    "bad.Unterminated": ("Unterminated.idl", 2, 1, "unterminated comment"),
    "bad.NotAClass": ("NotAClass.edl", 1, 1, "an EDL file describes a process class"),
    "bad.ConstType": ("ConstType.idl", 3, 9, "constant 'X' must have an integer type, not string<4>"),
    "bad.TypeAsConst": ("TypeAsConst.idl", 3, 16, "'T' is a type, not a constant"),
    "bad.NotImported": ("NotImported.idl", 2, 18, "package 'test.Common' is not imported"),
    "bad.UsesNoIface": ("UsesNoIface.edl", 2, 13, "package 'bad.NoIface' declares no interface"),
    "bad.TwoIfaces": ("TwoIfaces.idl", 3, 1, "a package declares one interface"),
    "bad.Direction": ("Direction.idl", 2, 15, "expected a parameter direction (in, out, error), found 'inout'"),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_bad_input_reports_file_line_column(name):
    fname, line, col, msg = CASES[name]
    r = nkc("-I", BAD, "-I", GOOD, name)
    assert r.returncode == 1
    errors = [ln for ln in r.stderr.splitlines() if ": error: " in ln]
    assert len(errors) == 1, r.stderr
    prefix = "%s:%d:%d: error: " % (BAD / "bad" / fname, line, col)
    assert errors[0].startswith(prefix), errors[0]
    assert msg in errors[0]


@pytest.mark.parametrize("name", ["bad.UnknownType", "bad.Oversize", "bad.UnderscoreEndpoint"])
def test_api_raises_nkerror_with_position(name):
    fname, line, col, msg = CASES[name]
    ld = Loader([BAD, GOOD], on_warning=None)
    load = ld.load_class if fname.endswith(".edl") else ld.load_package
    with pytest.raises(NkError) as ei:
        load(name)
    e = ei.value
    assert e.file == str(BAD / "bad" / fname)
    assert (e.line, e.col) == (line, col)
    assert msg in e.msg


def test_c_name_clash_is_reported_when_generating(tmp_path):
    r = nkc("-I", BAD, "-I", GOOD, "--out", tmp_path, "bad.NameClash")
    assert r.returncode == 1
    assert r.stderr.startswith("%s:3:28: error: parameter 'data_len' gives the C argument"
                               % (BAD / "bad/NameClash.idl")), r.stderr


def test_class_named_like_its_interface_package_is_refused(tmp_path):
    r = nkc("-I", BAD, "--out", tmp_path, "bad.Clash")
    assert r.returncode == 1
    assert r.stderr.startswith("%s:1:12: error: class 'bad.Clash' has the name of the IDL package"
                               % (BAD / "bad/Clash.edl")), r.stderr


def test_missing_input_file():
    r = nkc("no/such/File.edl")
    assert r.returncode == 1
    assert r.stderr.startswith("no/such/File.edl: error: no such file")


def test_unknown_qualified_name():
    r = nkc("-I", GOOD, "demo.Nope")
    assert r.returncode == 1
    assert "demo.Nope: error: cannot find 'demo.Nope'" in r.stderr
