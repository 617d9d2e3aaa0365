"""Synchronous Call IPC on the console: answers, malformed messages, handle
transfer, timeouts, a dying server, eight concurrent clients
(tests/guest/kernel/test_ipc.c and its ipc_* programs)."""
import functools
import re

import pytest

import boards
from programs import assert_checks

IPC_CHECKS = [
    "eight_clients_all_answers_right", "client_checks_pass", "server_exited",
    "call_returns_data", "request_carries_badge", "request_badge_set_by_kernel",
    "forged_notice_refused", "error_marker_request_refused", "disconnect_notice_per_dead_client",
    "const_part_over_limit", "arena_over_limit", "arena_in_kernel_memory", "arena_unmapped",
    "header_in_kernel_memory", "header_unaligned", "header_unmapped", "reply_buffer_unmapped",
    "reply_buffer_read_only", "too_many_handles", "forged_handle_in_message",
    "system_keeps_running", "transfer_reduced_rights", "transfer_more_rights_refused",
    "transfer_needs_transfer_right", "reply_too_big_for_buffer",
    "request_too_big_for_waiting_server", "server_serves_after_too_big_request",
    "request_too_big_for_busy_server", "server_serves_after_queued_too_big_request",
    "callex_times_out",
    "call_after_timeout", "server_exit_mid_call", "handle_closed_mid_call",
    "call_on_closed_handle", "call_cache_follows_handles",
]


def test_ipc_behaviour(boot):
    text = assert_checks(boot, "test_ipc", IPC_CHECKS)
    assert len(re.findall(r"ipc_hammer \d: 0 wrong answers", text)) == 8


@pytest.mark.qemu_only
@pytest.mark.boards("virt")
def test_ipc_behaviour_debug_kernel(boot):
    """The same scenarios on the debug kernel (`make KDEBUG=1`): every DEBUG_ASSERT
    of the IPC path, the scheduler and handles holds through timeouts, dying
    servers, malformed messages and eight concurrent clients."""
    text = assert_checks(functools.partial(boot, kernel=boards.VIRT_KDEBUG_KERNEL), "test_ipc",
                         IPC_CHECKS)
    assert re.search(r"KOS-A64 .*\(.*virt debug\)", text), text[:2000]
    assert len(re.findall(r"ipc_hammer \d: 0 wrong answers", text)) == 8
