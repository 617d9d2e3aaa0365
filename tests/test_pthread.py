"""solutions/pthread_echo: a 4-worker pthread server and a 16-thread client on
the KasperskyOS API, then the client's checks of POSIX threads (mutexes incl.
recursive/trylock/timedlock, condition variables with timed waits on both
clocks, rwlocks, keys with destructors, once, detach, exit, stack size),
sleeps and clocks (docs/USERLAND.md)."""
import time

import pytest

import boards
from programs import assert_reported_ok

IMAGE = {"virt": "build/virt-pthread_echo/kernel.img",
         "rpi4": "build/rpi4-pthread_echo/kernel8.img"}

CHECKS = [
    "calls_threads_created", "calls_joined_with_results", "calls_all_right",
    "calls_served_by_several_workers", "calls_badge_from_request_header",
    "arena_string_round_trip", "arena_sequence_sum", "arena_store_full_is_enomem",
    "malformed_arena_refused",
    "mutex_stress_16_threads", "mutex_recursive", "mutex_relock_is_edeadlk", "mutex_trylock_busy",
    "mutex_timedlock_times_out", "mutex_unlock_not_owner",
    "cond_timedwait_realtime", "cond_timedwait_monotonic",
    "rwlock_readers_share", "rwlock_writer_excluded",
    "key_create", "key_values_per_thread", "key_destructors_ran", "once_ran_once", "key_delete",
    "detached_threads_run", "pthread_exit_value", "attr_stacksize", "attr_stacksize_too_small",
    "self_and_equal", "join_self_is_edeadlk",
    "usleep", "nanosleep", "KnSleep", "sleep", "nanosleep_einval",
    "clock_monotonic_nondecreasing", "clock_getres", "clock_bad_id",
]


@pytest.mark.qemu_only
@pytest.mark.boards("virt", "rpi4")
def test_pthread_server_and_client(boot, board):
    con = boot(kernel=boards.ROOT / IMAGE[board])
    ready = set()                       # in any order: the workers run on several cores
    while len(ready) < 4:
        ready.add(int(con.expect(r"Server: worker (\d) ready", timeout=60).group(1)))
    assert ready == {0, 1, 2, 3}
    con.expect(r"Client: 16 threads x 50 calls: errors 0, wrong sums 0, server workers seen [234]",
               timeout=60)
    con.expect(r"Client: done \(0 failures\)", timeout=60)
    con.expect(r"Einit: pecho.Client exited with status 0")
    assert con.read_until_exit() == 0
    assert_reported_ok(con.text, CHECKS)


def _boot_entropy_and_realtime(boot, board):
    con = boot(kernel=boards.ROOT / IMAGE[board])
    m = con.expect(r"Client: entropy ([0-9a-f]{64})", timeout=60)   # whole: the console comes in pieces
    entropy = m.group(1)
    host = time.time()
    m = con.expect(r"Client: realtime (\d+)\.(\d{9})")
    guest = int(m.group(1)) + int(m.group(2)) / 1e9
    con.expect(r"Client: done \(0 failures\)", timeout=60)
    assert con.read_until_exit() == 0
    return entropy, guest, host, con.text


@pytest.mark.qemu_only
@pytest.mark.boards("virt")
def test_entropy_differs_across_boots_and_realtime_is_the_hosts(boot, board):
    first, guest, host, text = _boot_entropy_and_realtime(boot, board)
    # the kernel's generator was seeded from virtio-rng (and the DTB's rng-seed)
    assert "entropy: 64 bytes from virtio-rng" in text
    assert len(first) == 64 and first != "0" * 64
    # CLOCK_REALTIME comes from the PL031, which QEMU sets from the host's clock
    assert abs(guest - host) < 1.5, (guest, host)
    second, _, _, _ = _boot_entropy_and_realtime(boot, board)
    assert second != first


@pytest.mark.qemu_only
@pytest.mark.boards("rpi4")
def test_rpi4_entropy_without_a_source_is_enosys(boot, board):
    # QEMU's raspi4b disables the RNG200 and its DTB has no rng-seed: getentropy
    # fails with ENOSYS (never bytes from a fixed seed); no RTC: realtime = uptime
    con = boot(kernel=boards.ROOT / IMAGE[board])
    con.expect(r"entropy: no source", timeout=60)
    con.expect(r"Client: entropy unavailable \(errno 88\)")      # picolibc's ENOSYS
    m = con.expect(r"Client: realtime (\d+)\.")
    assert int(m.group(1)) < 3600
    con.expect(r"Client: done \(0 failures\)", timeout=60)
    assert con.read_until_exit() == 0
