"""The generated code that docs/ARCHITECTURE.md's read() walk-through points at is
checked in (docs/generated/vfs/): the KasperskyOS-form headers that libvfs and
VfsFsnet's file service are built with (tools/nk writes them under <out>/kos/):
VfsFsnet's entity dispatcher (VfsFsnet.edl.h), the kl.Vfs component dispatcher
(kl/Vfs.cdl.h), and the kl.VfsFilesystem messages, proxy (Read_into) and interface
dispatcher (kl/VfsFilesystem.idl.h), as tools/nk generates them for the build
(userland/vfs/vfs.mk). This test regenerates them and compares byte for byte, so
the copy a reader greps cannot go stale.

After a deliberate change to tools/nk or the VFS IDL, refresh the copy with
    /usr/bin/python3 tests/tools/test_generated_golden.py --update
"""
import pathlib
import shutil
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parents[2]
GOLDEN = ROOT / "docs" / "generated" / "vfs"
FILES = ["VfsFsnet.edl.h", "kl/Vfs.cdl.h", "kl/VfsFilesystem.idl.h"]
GEN = "kos"          # the folder under --out they come from


def generate(out):
    """tools/nk on VfsFsnet with the VFS IDL folder, as userland/vfs/vfs.mk runs it."""
    subprocess.run([sys.executable, "-m", "tools.nk", "-I", "userland/idl/vfs", "--out", str(out),
                    "VfsFsnet"], cwd=ROOT, check=True, capture_output=True, text=True, timeout=120)


def test_checked_in_generated_code_matches_tools_nk(tmp_path):
    generate(tmp_path)
    for name in FILES:
        fresh = (tmp_path / GEN / name).read_text()
        kept = (GOLDEN / name).read_text()
        assert kept == fresh, (f"docs/generated/vfs/{name} differs from what tools/nk generates "
                               f"now: run /usr/bin/python3 tests/tools/test_generated_golden.py "
                               f"--update and review the diff")


def test_golden_shows_the_read_path_from_dispatcher_to_op():
    """The links docs/ARCHITECTURE.md names are in the checked-in copy."""
    edl = (GOLDEN / "VfsFsnet.edl.h").read_text()
    cdl = (GOLDEN / "kl/Vfs.cdl.h").read_text()
    idl = (GOLDEN / "kl/VfsFilesystem.idl.h").read_text()
    assert "static inline nk_err_t VfsFsnet_entity_dispatch(" in edl
    assert "return kl_Vfs_component_dispatch(self->vfs" in edl
    assert "return kl_VfsFilesystem_interface_dispatch(self->fs" in cdl
    assert "rc = impl->ops->Read(impl, (const struct kl_VfsFilesystem_Read_req *)req" in idl
    assert "static inline nk_err_t kl_VfsFilesystem_Read_into(" in idl


if __name__ == "__main__":
    if sys.argv[1:] != ["--update"]:
        sys.exit(__doc__)
    tmp = ROOT / "build" / "golden-tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    generate(tmp)
    for name in FILES:
        (GOLDEN / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(tmp / GEN / name, GOLDEN / name)
        print(f"updated docs/generated/vfs/{name}")
    shutil.rmtree(tmp)
