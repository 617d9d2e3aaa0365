"""The SDK's policy fragments in tools/sysroot (docs/SDK.md, "Policy fragments"):
each compiles lint-clean with -Werror, found by `use <pkg>._` without any -I for it,
and grants its program what it needs and nothing more (PAL tests on the host engine)."""
import pathlib
import subprocess

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
PYTHON = "/usr/bin/python3"
VFS_IDL = ROOT / "userland/idl/vfs"
FRAGMENTS = ["kl.core.Core", "kl.VfsNet", "kl.VfsRamFs", "kl.VfsEntity"]


def psl(tmp_path, text, *args):
    f = tmp_path / "security.psl"
    f.write_text(text)
    return subprocess.run([PYTHON, "-m", "tools.psl", "-I", str(VFS_IDL), *args, str(f)],
                          cwd=ROOT, capture_output=True, text=True)


def test_every_fragment_file_exists():
    for pkg in FRAGMENTS:
        assert (ROOT / "tools/sysroot" / (pkg.replace(".", "/") + ".psl")).is_file(), pkg


@pytest.mark.parametrize("pkg", FRAGMENTS)
def test_fragment_compiles_lint_clean(tmp_path, pkg):
    res = psl(tmp_path, f"use kl.core.Core._\nuse {pkg}._\n", "--lint", "-Werror")
    assert res.returncode == 0 and res.stderr == "", res.stderr
    res = psl(tmp_path, f"use kl.core.Core._\nuse {pkg}._\n", "-Werror", "-o", str(tmp_path / "p.c"))
    assert res.returncode == 0, res.stderr
    assert "const struct sec_tables sec_policy" in (tmp_path / "p.c").read_text()


@pytest.mark.parametrize("cls,devices", [("kl.VfsNet", True), ("kl.VfsRamFs", False),
                                         ("kl.VfsEntity", False)])
def test_vfs_fragment_grants(tmp_path, cls, devices):
    io = "grant" if devices else "deny"
    text = f"""use kl.core.Core._
use {cls}._
use EDL echo.Client
execute src=Einit dst={cls} {{ grant () }}
execute src=Einit dst=echo.Client {{ grant () }}
assert "{cls}" {{
    setup {{
        einit <- execute src=kl.core.Core dst=Einit
        vfs <- execute src=einit dst={cls}
        client <- execute src=einit dst=echo.Client
    }}
    sequence "what the VFS may and may not do" {{
        grant request src=vfs dst=kl.core.Core endpoint=thread method=Create {{}}
        grant request src=vfs dst=kl.core.Core endpoint=vmm method=Allocate {{}}
        grant request src=vfs dst=kl.core.Core endpoint=channel method=Lookup {{}}
        grant request src=vfs dst=kl.core.Core endpoint=sys method=GetUpTime {{}}
        grant response src=kl.core.Core dst=vfs endpoint=sys method=GetUpTime {{}}
        grant response src=vfs dst=client endpoint=vfs.fs method=Open {{}}
        {io} request src=vfs dst=kl.core.Core endpoint=io method=FindDevice {{}}
        deny request src=vfs dst=kl.core.Core endpoint=task method=Create {{}}
        deny request src=vfs dst=kl.core.Core endpoint=channel method=Create {{}}
        deny request src=vfs dst=kl.core.Core endpoint=sys method=PowerOff {{}}
        deny "the solution decides who calls it" request src=client dst=vfs endpoint=vfs.fs method=Open {{}}
        deny execute src=vfs dst=echo.Client
    }}
}}
"""
    res = subprocess.run([PYTHON, "-m", "tools.psl", "-I", str(VFS_IDL), "-I", str(ROOT / "solutions/echo/idl"),
                          "--test", "/dev/stdin"], input=text, cwd=ROOT, capture_output=True, text=True)
    assert res.returncode == 0, res.stdout + res.stderr


def test_core_fragment_grants(tmp_path):
    text = """use kl.core.Core._
use EDL echo.Client
execute src=Einit dst=echo.Client { grant () }
assert "core" {
    setup {
        einit <- execute src=kl.core.Core dst=Einit
        client <- execute src=einit dst=echo.Client
    }
    sequence "Einit builds the solution; nobody else gets the kernel from it" {
        grant request src=einit dst=kl.core.Core endpoint=task method=Create {}
        grant request src=einit dst=kl.core.Core endpoint=channel method=Create {}
        grant response src=kl.core.Core dst=einit endpoint=task method=Create {}
        deny request src=einit dst=kl.core.Core endpoint=io method=MapMmio {}
        deny request src=einit dst=kl.core.Core endpoint=sys method=PowerOff {}
        deny request src=client dst=kl.core.Core endpoint=sys method=GetUpTime {}
        deny execute src=einit dst=Einit
    }
}
"""
    res = subprocess.run([PYTHON, "-m", "tools.psl", "-I", str(ROOT / "solutions/echo/idl"), "--test", "/dev/stdin"],
                         input=text, cwd=ROOT, capture_output=True, text=True)
    assert res.returncode == 0, res.stdout + res.stderr


def test_unknown_fragment_is_an_error(tmp_path):
    res = psl(tmp_path, "use kl.NoSuchProgram._\n")
    assert res.returncode == 1
    assert "security.psl:1:5: error: cannot find PSL package `kl.NoSuchProgram._`" in res.stderr, res.stderr


@pytest.mark.parametrize("entity,program", [
    ("- name: kl.VfsNet\n", "VfsFsnet"),
    ("- name: kl.VfsRamFs\n  path: VfsRamFs\n", "VfsFsnet"),
    ("- name: kl.VfsEntity\n", "VfsFsnet"),
    ("- name: kl.VfsNet\n  path: MyVfs\n", "MyVfs"),           # a path of its own stays
])
def test_sdk_vfs_classes_run_vfsfsnet(tmp_path, entity, program):
    f = tmp_path / "init.yaml"
    f.write_text("entities:\n" + entity)
    res = subprocess.run([PYTHON, "-m", "tools.einit", "--list-programs", str(f)], cwd=ROOT,
                         capture_output=True, text=True)
    assert res.returncode == 0 and res.stdout.split() == [program], res.stderr
