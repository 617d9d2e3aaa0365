"""The kernel's memcpy/memmove with its SIMD bulk path (arch/aarch64/lib/mem.S,
docs/ARCHITECTURE.md "FP/SIMD in the kernel: the bulk copy only").

- The boot self-test (kernel/selftest.c) copies every size 0..700 at every
  source/destination alignment mod 16 (boot argument selftest=copy), with
  memcpy and with memmove overlapping in both directions, and checks that
  the copies leave v0..v31 as they were.
- tests/guest/kernel/test_kernel_copy.c: a user thread fills v0..v31 with
  known patterns, then sends and receives IPC messages whose arenas (1 KiB,
  4 KiB, 64 KiB, odd sizes, misaligned addresses) the kernel copies, and
  checks every vector register after each call; once with a server that
  never touches FP/SIMD, once with a server that checks its own registers
  around its ReplyRecv (the kernel copies the reply with the server's
  registers live, the request with the client's). On one core and four,
  with the IPC fast path on and off.
"""
import re

import pytest

from programs import assert_reported_ok

COPY_CHECKS = ["memcpy and memmove keep v0..v31", "memcpy, every size",
               "memmove forward overlapping, every size",
               "memmove backward overlapping, every size"]


def _selftest(con):
    m = con.expect(r"selftest: (\d+) copies of 0\.\.(\d+) bytes, (\d+) alignment pairs?",
                   timeout=300)
    con.expect(r"selftest: (passed|FAILED) \((\d+) failures?\)", timeout=60)
    lines = dict(re.findall(r"selftest: ([^:\n]+): (ok|FAILED)", con.text))
    for name in COPY_CHECKS:
        assert lines.get(name) == "ok", f"selftest {name!r}: {lines.get(name)}"
    return int(m.group(1)), int(m.group(2)), int(m.group(3))


@pytest.mark.qemu_only
@pytest.mark.boards("virt")
def test_every_size_and_alignment_copies_right(boot):
    con = boot(smp=1, bootargs="selftest=copy init=hello")
    cases, top, pairs = _selftest(con)
    assert (top, pairs) == (700, 256)
    assert cases == 3 * 701 * 256


@pytest.mark.each_board
def test_every_boot_checks_the_copy(boot):
    con = boot(bootargs="init=hello")
    cases, top, pairs = _selftest(con)
    assert top == 700 and pairs == 2 and cases == 3 * 701 * 2


@pytest.mark.qemu_only
@pytest.mark.boards("virt")
@pytest.mark.parametrize("smp", [1, 4])
@pytest.mark.parametrize("fastpath", ["on", "off"])
def test_ipc_arena_copies_keep_every_vector_register(boot, smp, fastpath):
    args = "init=test_kernel_copy" + (" ipc_fastpath=off" if fastpath == "off" else "")
    con = boot(smp=smp, bootargs=args)
    con.expect(r"test_kernel_copy: done \((\d+) failures?\)", timeout=120)
    assert con.read_until_exit(timeout=30) == 0
    results = assert_reported_ok(con.text, ["pair_with_gpr_server_passes",
                                            "pair_with_simd_server_passes"])
    for client in ("client_gpr", "client_simd"):
        cases = [k for k in results if k.startswith(client + "_regs_kept_")]
        assert len(cases) == 15, cases
