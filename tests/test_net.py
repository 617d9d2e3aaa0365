"""Networking on QEMU virt (docs/NET.md): the virtio-net driver over
virtio-mmio and lwIP, through net_echo (tests/guest/net), a TCP and UDP
echo server on port 7, reached from the host through QEMU's user network
(hostfwd on a free 127.0.0.1 port picked at run time).

Every test boots its own QEMU; transfers are checked byte for byte.
"""
import functools
import os
import re
import socket
import struct
import threading
import time

import pytest

import boards
from programs import assert_checks

pytestmark = [pytest.mark.qemu_only, pytest.mark.boards("virt")]

# KOS_NET_KERNEL: another virt image to boot (a separate build directory).
KERNEL = os.environ.get("KOS_NET_KERNEL") or None
BUILD_DIR = (boards.ROOT / KERNEL).parent if KERNEL else boards.VIRT_KERNEL.parent
PROGRAMS_LIST = BUILD_DIR / "user/programs.list"
GUEST_DHCP_IP = "10.0.2.15"
STATIC_IP = "10.0.2.20"          # net_echo_static / net_echo_fallback
BOOT_TIMEOUT = 30


@pytest.fixture(autouse=True)
def _net_programs_built():
    if PROGRAMS_LIST.exists() and "net_echo" not in PROGRAMS_LIST.read_text().split():
        pytest.skip("net_echo is not in the boot image (built with NET=0, or "
                    "userland/net/net.mk not included)")


def free_port():
    """A 127.0.0.1 port free for both TCP and UDP right now."""
    for _ in range(50):
        with socket.socket() as t:
            t.bind(("127.0.0.1", 0))
            port = t.getsockname()[1]
            with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as u:
                try:
                    u.bind(("127.0.0.1", port))
                except OSError:
                    continue
        return port
    raise RuntimeError("no free port for both TCP and UDP")


def net_qemu_args(port, guest_ip="", legacy=False):
    fwd = f"hostfwd=tcp:127.0.0.1:{port}-{guest_ip}:7,hostfwd=udp:127.0.0.1:{port}-{guest_ip}:7"
    args = ["-netdev", f"user,id=n0,{fwd}", "-device", "virtio-net-device,netdev=n0"]
    if not legacy:
        args += ["-global", "virtio-mmio.force-legacy=false"]
    return args


def start_echo(boot, program="net_echo", guest_ip="", expect_ip=GUEST_DHCP_IP, legacy=False):
    """Boots `program` with a forwarded port; returns (console, port) once it serves."""
    port = free_port()
    con = boot(bootargs=f"init={program}", extra=net_qemu_args(port, guest_ip, legacy),
               kernel=KERNEL)
    m = con.expect(r"net: (\d+\.\d+\.\d+\.\d+)\s", timeout=BOOT_TIMEOUT)
    assert m.group(1) == expect_ip
    con.expect(r"net_echo: serving TCP and UDP on port 7", timeout=10)
    return con, port


def connect(port, timeout=30):
    s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return s


def tcp_echo(port, data, chunk=256 * 1024):
    """Sends `data` on one connection while reading the echo; returns (echo, seconds)."""
    s = connect(port)
    got = bytearray()
    err = []

    def reader():
        try:
            while len(got) < len(data):
                b = s.recv(1 << 20)
                if not b:
                    break
                got.extend(b)
        except OSError as e:
            err.append(e)

    t = threading.Thread(target=reader)
    start = time.monotonic()
    t.start()
    for off in range(0, len(data), chunk):
        s.sendall(data[off:off + chunk])
    t.join(60)
    elapsed = time.monotonic() - start
    s.close()
    assert not t.is_alive(), f"echo stalled at {len(got)} of {len(data)} bytes"
    assert not err, f"receive failed after {len(got)} bytes: {err[0]}"
    return bytes(got), elapsed


def assert_same(got, want, what):
    if got != want:
        first = next((i for i, (a, b) in enumerate(zip(got, want)) if a != b), min(len(got), len(want)))
        pytest.fail(f"{what}: {len(got)} bytes back of {len(want)}, first difference at {first}")


def udp_echo(port, payload, timeout=5.0, tries=3):
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as u:
        u.settimeout(timeout / tries)
        for _ in range(tries):          # UDP: the first datagram may meet an empty ARP cache
            u.sendto(payload, ("127.0.0.1", port))
            try:
                data, _ = u.recvfrom(65536)
                return data
            except socket.timeout:
                continue
    return None


# ------------------------------------------------------------------ tests

def test_tcp_echo_sizes(boot):
    """1 byte, 64 KiB and 8 MiB echoed byte for byte; the 8 MiB rate is reported."""
    _, port = start_echo(boot)
    for size in (1, 64 * 1024):
        data = os.urandom(size)
        got, _ = tcp_echo(port, data)
        assert_same(got, data, f"{size}-byte echo")
    data = os.urandom(8 << 20)
    got, secs = tcp_echo(port, data)
    assert_same(got, data, "8 MiB echo")
    print(f"\nnet: 8 MiB TCP echo in {secs:.2f} s = {len(data) / secs / 1e6:.1f} MB/s each way")


def test_udp_echo(boot):
    """Datagrams of 1, 1400 and 8000 bytes (IP fragments both ways) come back intact."""
    _, port = start_echo(boot)
    for size in (1, 1400, 8000):
        payload = os.urandom(size)
        assert udp_echo(port, payload) == payload, f"{size}-byte datagram not echoed"
    for i in range(20):                 # a burst of small ones
        payload = struct.pack("!I", i) * 16
        assert udp_echo(port, payload) == payload


def test_32_concurrent_tcp_connections(boot):
    """32 connections open at once, all transferring at the same time, each with its
    own data; every echo is exact. The connections are opened one after another
    (each answered by a 1-byte echo, so the server holds all 32): a burst of
    simultaneous connects to a hostfwd port is reset by QEMU's user network on the
    host side before anything reaches the guest."""
    _, port = start_echo(boot)
    concurrent_echo(port, 32, 256 * 1024)


def concurrent_echo(port, n, size):
    """n connections opened one after another (each answered by a 1-byte echo, so the
    server holds them all), then all sending `size` random bytes at once while reading
    the echo; asserts every echo is exact."""
    socks = []
    for i in range(n):
        s = connect(port)
        s.sendall(b"%c" % (65 + i % 26))
        assert s.recv(1) == b"%c" % (65 + i % 26), f"connection {i}: no 1-byte echo"
        socks.append(s)
    results = [None] * n
    barrier = threading.Barrier(n)

    def client(i):
        s = socks[i]
        try:
            data = os.urandom(size)
            got = bytearray()

            def reader():
                while len(got) < size:
                    b = s.recv(1 << 20)
                    if not b:
                        break
                    got.extend(b)

            t = threading.Thread(target=reader)
            barrier.wait(30)
            t.start()
            for off in range(0, size, 16 * 1024):
                s.sendall(data[off:off + 16 * 1024])
            t.join(60)
            results[i] = got == data or f"client {i}: {len(got)} of {size} bytes, content differs"
        except Exception as e:              # reported below
            results[i] = f"client {i}: {e!r}"
        finally:
            s.close()

    threads = [threading.Thread(target=client, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(90)
    bad = [r for r in results if r is not True]
    assert not bad, f"{len(bad)} of {n} connections failed: {bad[:5]}"


def test_client_disconnecting_mid_transfer(boot):
    """Clients that reset or close with data in flight end only their own
    connections: a long transfer running meanwhile and new connections afterwards
    are echoed exactly."""
    _, port = start_echo(boot)
    aborts_during_long_echo(port, 4 << 20)


def aborts_during_long_echo(port, long_size):
    """Six clients reset, shut down or close with echo data in flight while one long
    echo runs; the long echo, later TCP echoes and UDP must all come back exact."""
    long_data = os.urandom(long_size)
    long_result = {}

    def long_client():
        try:
            long_result["got"] = tcp_echo(port, long_data, chunk=64 * 1024)[0]
        except Exception as e:
            long_result["error"] = repr(e)

    t = threading.Thread(target=long_client)
    t.start()
    for i in range(6):
        s = connect(port)
        s.sendall(os.urandom(512 * 1024 if i % 2 else 64 * 1024))
        s.recv(1000)                      # the echo has started
        if i % 3 == 0:                    # abortive close: RST
            s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        elif i % 3 == 1:
            s.shutdown(socket.SHUT_RDWR)
        s.close()                         # with unread echo data in the socket
    t.join(90)
    assert "error" not in long_result, long_result.get("error")
    assert_same(long_result.get("got", b""), long_data, f"concurrent {long_size}-byte echo")
    for size in (1, 100 * 1000):
        data = os.urandom(size)
        assert_same(tcp_echo(port, data)[0], data, f"{size}-byte echo after the aborts")
    assert udp_echo(port, b"still here") == b"still here"


def test_legacy_virtio_mmio(boot):
    """The same driver on QEMU's default legacy (version 1) virtio-mmio transport."""
    con, port = start_echo(boot, legacy=True)
    assert re.search(r"virtio-mmio v1 ", con.text)
    data = os.urandom(256 * 1024)
    assert_same(tcp_echo(port, data)[0], data, "256 KiB echo (legacy)")
    assert udp_echo(port, b"legacy") == b"legacy"


def test_modern_virtio_mmio_reported(boot):
    con, port = start_echo(boot)
    assert re.search(r"\(dhcp\), virtio-mmio v2 slot 31,", con.text), "expected DHCP on slot 31, v2"
    assert udp_echo(port, b"x") == b"x"


def test_static_address(boot):
    """nodhcp ip=10.0.2.20/24: configured at once, reachable through a forward to it."""
    con, port = start_echo(boot, "net_echo_static", guest_ip=STATIC_IP, expect_ip=STATIC_IP)
    assert "(static)" in con.text
    data = os.urandom(100 * 1000)
    assert_same(tcp_echo(port, data)[0], data, "echo at the static address")


def test_dhcp_fallback_to_static(boot):
    """No DHCP server on the wire (a QEMU hub with nothing else on it): after the
    DHCP timeout the static fallback address is used."""
    con = boot(bootargs="init=net_echo_fallback", kernel=KERNEL,
               extra=["-netdev", "hubport,id=n0,hubid=0", "-device", "virtio-net-device,netdev=n0",
                      "-global", "virtio-mmio.force-legacy=false"])
    con.expect(r"no DHCP lease in 1000 ms: static address", timeout=BOOT_TIMEOUT)
    m = con.expect(r"net: (\d+\.\d+\.\d+\.\d+)\s", timeout=10)
    assert m.group(1) == STATIC_IP
    con.expect(r"\(static\)", timeout=5)


def test_no_network_device(boot):
    """Without a virtio-net device the program says so and exits with status 1."""
    con = boot(bootargs="init=net_echo", kernel=KERNEL)
    con.expect(r"net_echo: no virtio-net device", timeout=BOOT_TIMEOUT)
    assert con.read_until_exit(timeout=10) == 1


def test_driver_rejects_bad_used_entries(boot):
    """The virtqueue and receive path against a device writing nonsense (no device needed)."""
    assert_checks(functools.partial(boot, kernel=KERNEL), "net_vq_selftest", [
        "vq_init", "vq_init_rejects_non_power_of_two", "vq_add", "vq_published",
        "used_good_entry", "used_id_out_of_range_skipped", "used_id_not_outstanding_skipped",
        "used_len_over_buffer_zeroed", "descriptors_returned", "chain_added", "chain_linked",
        "chain_len_checked", "chain_freed", "ring_full_refused", "used_index_ahead_breaks_queue",
        "broken_queue_stays_quiet", "rx_good_frame_delivered", "rx_bad_frames_dropped",
        "rx_buffers_reposted", "rx_device_notified", "rx_kept_buffer_held",
        "rx_released_buffer_reposted", "chksum_matches_reference"])
