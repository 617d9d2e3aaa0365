"""Every kl.core method through the kernel endpoint with hostile sizes, buffers and
headers (tests/guest/kernel/test_kcall_hostile.c): wrong constant-part sizes
for each of the 53 methods, arena descriptors into an empty, unmapped or kernel
arena, reply buffers too small, unaligned, unmapped, read-only or crossing into
an unmapped page, huge arena_cap, forged and too many handles, the kernel's
markers as method; a reply buffer freed (and its page mapped elsewhere)
while the method blocks. Every call is a raw svc that checks no register but x0
changed (no kernel value reaches EL0) and that a failed call wrote nothing.
The kernel endpoint's fast path (kernel/kcall_fastpath.c) and the general path
(`ipc_fastpath=off`) must print the same KH lines; on one core and on four,
and on the debug kernel."""
import re

import pytest

import boards
from programs import assert_reported_ok, fast_path_counts

CHECKS = ["setup", "wrong_sizes_and_arenas_refused_every_method",
          "bad_reply_and_request_buffers_refused", "bad_request_headers_refused",
          "other_calls_preserve_registers", "kernel_reply_setup",
          "kernel_reply_after_free_refused", "kernel_reply_after_free_not_written",
          "no_register_changed",
          "failed_calls_leave_reply_untouched"]
KEEP = re.compile(r"^KH ")


def run(boot, smp, bootargs, **kw):
    con = boot(smp=smp, bootargs="init=test_kcall_hostile" + bootargs, **kw)
    con.expect(r"test_kcall_hostile: done \((\d+) failures?\)", timeout=120)
    assert con.read_until_exit(timeout=30) == 0
    assert_reported_ok(con.text, CHECKS, "test_kcall_hostile")
    text = con.text.replace("\r", "")
    (calls,) = fast_path_counts(text, "kcall")
    return [line for line in text.splitlines() if KEEP.match(line)], calls


@pytest.mark.qemu_only
@pytest.mark.boards("virt")
@pytest.mark.parametrize("smp", [1, 4])
def test_kernel_endpoint_hostile_sizes_fast_and_general_agree(boot, smp):
    on, calls = run(boot, smp, "")
    off, calls_off = run(boot, smp, " ipc_fastpath=off")
    assert calls_off == 0 and calls >= 100, (calls, calls_off)
    assert len(on) >= 270, len(on)   # every method, every case
    assert on == off, "\n".join(f"on:  {a}\noff: {b}" for a, b in zip(on, off) if a != b)


@pytest.mark.qemu_only
@pytest.mark.boards("virt")
def test_kernel_endpoint_hostile_sizes_debug_kernel(boot):
    run(boot, 4, "", kernel=boards.VIRT_KDEBUG_KERNEL)
