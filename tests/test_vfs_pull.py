"""Writes copied once (docs/VFS.md, "Writes copied once"): tests/guest/vfs/test_vfs_pull.c
writes and pwrites every size around VfsFsnet's deferral threshold and around
chunk ends, from odd addresses, over holes and data, with O_APPEND, plus error
answers with large data; the file read back must equal the client's model. With
the IPC fast path on, arenas of 1 KiB and more reach VfsFsnet deferred and go
straight into the file; with it off every arena is copied: the file's bytes
(their hash) must be the same both ways. On one core and four."""
import re

import pytest

import boards
from programs import assert_reported_ok

PROGRAMS_LIST = boards.VIRT_KERNEL.parent / "user/programs.list"
CHECKS = ["open_file", "pwrite_negative_offset_EINVAL", "write_readonly_fd_EBADF",
          "writes_answered", "file_is_the_model"]

pytestmark = [pytest.mark.qemu_only, pytest.mark.boards("virt")]


def file_hash(boot, smp, fastpath):
    if PROGRAMS_LIST.exists() and "VfsFsnet" not in PROGRAMS_LIST.read_text().split():
        pytest.skip("VfsFsnet is not in the boot image")
    args = "init=test_vfs_pull_run" + (" ipc_fastpath=off" if fastpath == "off" else "")
    con = boot(smp=smp, bootargs=args)
    con.expect(r"test_vfs_pull_run: done \((\d+) failures?\)", timeout=300)
    status = con.read_until_exit(timeout=30)
    text = con.text
    assert "FAIL" not in text
    assert_reported_ok(text, CHECKS, "test_vfs_pull")
    assert status == 0
    m = re.search(r"PULL_HASH ([0-9a-f]{8}) (\d+)", text)
    assert m, text[-2000:]
    arenas = re.search(r"ipc: fast path took \d+ calls and \d+ replies \((\d+) with an arena\)",
                       text)
    return m.group(1), int(m.group(2)), int(arenas.group(1)) if arenas else None


@pytest.mark.parametrize("smp", [1, 4])
def test_fast_path_on_and_off_write_the_same_bytes(boot, smp):
    on = file_hash(boot, smp, "on")
    off = file_hash(boot, smp, "off")
    assert on[:2] == off[:2], f"fast path on: {on}, off: {off}"
    assert on[2] is None or on[2] > 0          # arenas went the fast way (deferred)
    assert off[2] in (None, 0)
