"""IPC buffers that stop being the task's after the kernel's translation cache
(kernel/vm.c, struct vmspace's tlb) learnt them: tests/guest/kernel/test_ipc_stale.c.
A reply or request buffer freed (also one whose translation sits in the cache's
second way), a shared buffer mapped again read-only at the
same address, a reply arena's page freed, a reply buffer freed by another thread
while its Call waits (its page then taken by the same task, or by the server
before it replies), and a server's receive buffer freed while it waits on it:
every later IPC through the old address fails with the documented code
(docs/ABI.md) and the freed physical page, mapped again elsewhere, stays zero.
On one core and on four, with the IPC fast path on and off, and on the debug
kernel (whose DEBUG_ASSERT checks every translation the cache gives). The client
also probes the registers of Call and CallReg, and the server those of RecvReg and
ReplyRecvReg (tests/guest/reg_probe.h): only x0 and the documented outputs change."""
import pytest

import boards
from programs import assert_reported_ok

CHECKS = ["ipc_registers_hold_no_kernel_value", "ipc_server_registers_hold_no_kernel_value", "call_cache_edges_refused", "reply_into_fresh_buffer", "reply_into_freed_buffer_refused",
          "freed_reply_page_not_written", "way1_replies_into_two_buffers_of_one_set",
          "way1_reply_into_freed_buffer_refused", "way1_freed_page_not_written",
          "way1_other_buffer_still_served", "request_from_fresh_buffer",
          "request_from_freed_buffer_refused", "reply_into_rw_mapping", "remapped_read_only",
          "reply_into_read_only_refused", "read_only_page_unchanged", "arena_into_fresh_page",
          "arena_into_freed_page_refused", "freed_arena_page_not_written", "waiting_setup",
          "reply_after_free_refused", "reply_after_free_not_written", "grab_setup",
          "reply_into_page_of_other_task_refused", "page_of_other_task_not_written",
          "futex_setup", "futex_on_freed_page_not_woken_by_next_owner",
          "futex_shared_woken_across_tasks", "futex_own_task_remapped_woken",
          "server_armed",
          "server_wait_on_freed_buffer_fails", "server_recv_into_freed_buffer_refused",
          "server_freed_page_not_written", "client_and_server_end_well",
          "pages_back_after_both_exit"]


@pytest.mark.qemu_only
@pytest.mark.boards("virt")
@pytest.mark.parametrize("smp", [1, 4])
@pytest.mark.parametrize("variant", ["fast", "general", "kdebug"])
def test_stale_ipc_buffers_never_written(boot, smp, variant):
    kw = {"kernel": boards.VIRT_KDEBUG_KERNEL} if variant == "kdebug" else {}
    args = "init=test_ipc_stale" + (" ipc_fastpath=off" if variant == "general" else "")
    con = boot(smp=smp, bootargs=args, **kw)
    con.expect(r"test_ipc_stale: done \((\d+) failures?\)", timeout=120)
    assert con.read_until_exit(timeout=30) == 0
    assert_reported_ok(con.text, CHECKS, "test_ipc_stale")
