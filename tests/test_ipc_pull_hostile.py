"""Deferred arenas against hostile clients and confused servers (docs/ABI.md,
"Deferred arenas"): tests/guest/kernel/test_ipc_pull_hostile.c. While a server
thread holds a deferred request: another thread of its task reads nothing
(rcNotConnected); the client's other thread frees the arena's page after a
first read (its translation cached) and maps a fresh page elsewhere: the read
fails with rcSourceFault and brings none of the new owner's bytes; the page
mapped again at the same address: the read gives the new bytes; an arena in
shared memory mapped again read-only, then unmapped: read, read, rcSourceFault.
A CallEx with a timeout is never deferred and reads nothing after the timeout;
ReplyRecvRelease of a deferred request releases its word; a second client's
requests after the first's never give the first's bytes. On one core and four,
and on the debug kernel (every translation the cache gives checked)."""
import functools

import pytest

import boards
from programs import assert_reported_ok

CHECKS = ["helper_started", "other_server_thread_rcNotConnected", "holder_reads_its_request",
          "stale_translation_rcSourceFault_never_next_owner", "remapped_arena_gives_new_bytes",
          "shared_arena_read_only_then_gone", "callex_copied_read_after_timeout_rcNotConnected",
          "release_word_after_deferred", "client_calls_answered",
          "second_client_copied_rcInvalidOperation", "second_client_no_arena_rcInvalidOperation",
          "second_client_reads_its_own_bytes", "other_calls_answered", "server_and_clients_pass"]


@pytest.mark.qemu_only
@pytest.mark.boards("virt")
@pytest.mark.parametrize("smp", [1, 4])
@pytest.mark.parametrize("kernel", ["release", "kdebug"])
def test_deferred_arena_hostile_holds(boot, smp, kernel):
    if kernel == "kdebug":
        boot = functools.partial(boot, kernel=boards.VIRT_KDEBUG_KERNEL)
    con = boot(smp=smp, bootargs="init=test_ipc_pull_hostile")
    con.expect(r"test_ipc_pull_hostile: done \((\d+) failures?\)", timeout=120)
    assert con.read_until_exit(timeout=30) == 0
    assert_reported_ok(con.text, CHECKS)
