"""Reads answered from the file's chunk (docs/VFS.md, "Small reads answer from the
file's chunk"): tests/guest/vfs/test_vfs_pin_run.c. Two writers overwrite,
truncate-and-rewrite and unlink-and-recreate one-chunk files (each write a whole
chunk of one tag byte naming the file) while three readers read them (4 KiB, 300
bytes, 1 byte): every answer must be one version of the reader's own file. On one
core and four."""
import pytest

import boards
from programs import assert_reported_ok

PROGRAMS_LIST = boards.VIRT_KERNEL.parent / "user/programs.list"
CHECKS = (["create_VfsFsnet", "start_VfsFsnet", "VfsFsnet_still_running"]
          + [f"pin_{c}_status" for c in ("w0", "w1", "r0", "r1", "r2")]
          + ["writes_done", "reads_consistent", "reads_exercised"])

pytestmark = [pytest.mark.qemu_only, pytest.mark.boards("virt")]


@pytest.mark.parametrize("smp", [1, 4])
def test_reads_see_one_version_of_their_file(boot, smp):
    if PROGRAMS_LIST.exists() and "VfsFsnet" not in PROGRAMS_LIST.read_text().split():
        pytest.skip("VfsFsnet is not in the boot image")
    con = boot(smp=smp, bootargs="init=test_vfs_pin_run")
    con.expect(r"test_vfs_pin_run: done \((\d+) failures?\)", timeout=300)
    status = con.read_until_exit(timeout=30)
    text = con.text
    assert "FAIL" not in text
    assert_reported_ok(text, CHECKS, "test_vfs_pin_run")
    assert status == 0
    assert text.count("CHECK reads_consistent: ok") == 3
    assert text.count("CHECK writes_done: ok") == 2
