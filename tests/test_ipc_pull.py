"""Deferred arenas (docs/ABI.md, "Deferred arenas"): ArenaDefer and ArenaRead,
tests/guest/kernel/test_ipc_pull.c. A server with a threshold receives an
arena at or above it deferred (arena 0 with its size) when the IPC fast path
delivers it, copied when the general path does (ipc_fastpath=off) or when it
is below the threshold or the threshold is off; ArenaRead gives the client's
bytes for every range inside the arena and refuses, with its documented code
and nothing copied, everything else: no request held (before any, after the
reply, after the client died), an arena that was copied, ranges outside the
arena, destinations that are not writable (kernel address, NULL, unmapped,
read-only, text), the client's arena page unmapped meanwhile. On one core and
four, with the fast path on and off."""
import functools
import re

import pytest

import boards
from programs import assert_reported_ok

COMMON = ["no_request_rcNotConnected", "threshold_set", "read_after_client_died_rcNotConnected",
          "small_arena_copied", "big_arena_received", "read_after_reply_rcNotConnected",
          "below_threshold_copied", "at_threshold_received", "threshold_off_copied",
          "small_big_answered", "gone_answered", "edges_answered", "end_answered",
          "victim_died_server_and_client_pass"]
DEFERRED_ONLY = ["read_ranges_inside", "range_outside_rcInvalidArgument_nothing_copied",
                 "dst_not_writable_rcTargetFault", "read_again_across_pages",
                 "client_page_gone_rcSourceFault"]
# How each request arrived with the fast path on: deferred at or above the threshold.
ON = {"victim": 1, "small": 0, "big": 1, "gone": 1, "below": 0, "at": 1, "off": 0}


@pytest.mark.qemu_only
@pytest.mark.boards("virt")
@pytest.mark.parametrize("smp", [1, 4])
@pytest.mark.parametrize("fastpath", ["on", "off"])
def test_deferred_arena_reads_and_refusals(boot, smp, fastpath):
    check_run(boot, smp, fastpath)


@pytest.mark.qemu_only
@pytest.mark.boards("virt")
def test_deferred_arena_on_debug_kernel(boot):
    """The same on the debug kernel: every DEBUG_ASSERT of the path holds (a
    copied arena never at 0, ArenaRead's client bound to this thread)."""
    check_run(functools.partial(boot, kernel=boards.VIRT_KDEBUG_KERNEL), 4, "on")


def check_run(boot, smp, fastpath):
    args = "init=test_ipc_pull" + (" ipc_fastpath=off" if fastpath == "off" else "")
    con = boot(smp=smp, bootargs=args)
    con.expect(r"test_ipc_pull: done \((\d+) failures?\)", timeout=120)
    assert con.read_until_exit(timeout=30) == 0
    how = {m.group(1): int(m.group(2))
           for m in re.finditer(r"DEFERRED (\w+) ([01])", con.text)}
    want = ON if fastpath == "on" else {k: 0 for k in ON}
    assert how == want, f"requests deferred: {how}, expected {want}"
    results = assert_reported_ok(con.text, COMMON + (DEFERRED_ONLY if fastpath == "on" else []))
    if fastpath == "off":
        assert "gone_arena_copied" in results
