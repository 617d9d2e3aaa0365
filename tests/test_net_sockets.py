"""Sockets over IPC (docs/NET.md, "Sockets over IPC"): programs use BSD sockets
from the C library (libvfs), VfsFsnet serves them on lwIP.

- the net_echo solution (Echo + VfsFsnet, with its policy) from the host through
  QEMU's hostfwd on 127.0.0.1: TCP echo of 1 B, 64 KiB and 8 MiB byte for byte,
  32 concurrent connections, UDP, a client vanishing mid-transfer;
- the net_http solution fetching a page from an HTTP server this test runs on
  the host (the guest reaches 127.0.0.1 as 10.0.2.2);
- the net_split solution (files and network in two VFS processes);
- guest test programs (tests/guest/netsock, in the test image): errno cases
  (ECONNREFUSED, ECONNRESET, EADDRINUSE, EAGAIN, ...), poll, options, one
  descriptor table, a blocked recv not stalling VfsFsnet; a hostile client; and
  VfsFsnet without a network device.
"""
import functools
import http.server
import os
import socket
import struct
import threading
import time

import pytest
import yaml

import boards
from programs import assert_checks, assert_reported_ok
from test_net import (aborts_during_long_echo, assert_same, concurrent_echo, connect, free_port,
                      net_qemu_args, tcp_echo, udp_echo)

pytestmark = [pytest.mark.qemu_only, pytest.mark.boards("virt")]

ROOT = boards.ROOT
NET_ECHO = ROOT / "build/virt-net_echo/kernel.img"
NET_HTTP = ROOT / "build/virt-net_http/kernel.img"
NET_SPLIT = ROOT / "build/virt-net_split/kernel.img"
BOOT_TIMEOUT = 30


def start_solution(boot, image, ready, port=None):
    port = port or free_port()
    con = boot(kernel=image, extra=net_qemu_args(port))
    con.expect(r"VfsFsnet: network (\d+\.\d+\.\d+\.\d+) \(dhcp\), sockets served",
               timeout=BOOT_TIMEOUT)
    con.expect(ready, timeout=BOOT_TIMEOUT)
    return con, port


# ------------------------------------------------------------------ net_echo

def test_net_echo_tcp_sizes(boot):
    con, port = start_solution(boot, NET_ECHO, r"Echo: serving TCP and UDP on port 7")
    assert "policy security.psl" in con.text
    for size in (1, 64 * 1024):
        data = os.urandom(size)
        got, _ = tcp_echo(port, data)
        assert_same(got, data, f"{size}-byte echo")
    data = os.urandom(8 << 20)
    got, secs = tcp_echo(port, data)
    assert_same(got, data, "8 MiB echo")
    print(f"\nnet_echo: 8 MiB TCP echo through VfsFsnet in {secs:.2f} s = "
          f"{len(data) / secs / 1e6:.1f} MB/s each way")
    assert "audit: denied" not in con.text


def test_net_echo_udp(boot):
    _, port = start_solution(boot, NET_ECHO, r"Echo: serving TCP and UDP on port 7")
    for size in (1, 1400, 8000):
        payload = os.urandom(size)
        assert udp_echo(port, payload) == payload, f"{size}-byte datagram not echoed"
    for i in range(10):
        payload = struct.pack("!I", i) * 8
        assert udp_echo(port, payload) == payload


def test_net_echo_32_concurrent(boot):
    """32 connections held open at once (each blocking a recv in VfsFsnet), then all
    transferring at the same time; every echo exact."""
    _, port = start_solution(boot, NET_ECHO, r"Echo: serving TCP and UDP on port 7")
    concurrent_echo(port, 32, 128 * 1024)
    data = os.urandom(1000)
    assert_same(tcp_echo(port, data)[0], data, "echo after the 32")


def test_net_echo_client_vanishes(boot):
    """Clients that reset or close with data in flight end only their connection."""
    _, port = start_solution(boot, NET_ECHO, r"Echo: serving TCP and UDP on port 7")
    aborts_during_long_echo(port, 2 << 20)


# ------------------------------------------------------------------ net_http

def http_args():
    init = yaml.safe_load((ROOT / "solutions/net_http/init.yaml").read_text())
    ent = next(e for e in init["entities"] if e["name"] == "HttpGet")
    host, port, path = ent["args"]
    return host, int(port), path


def test_net_http_fetch(boot, tmp_path):
    host, port, path = http_args()
    assert host == "10.0.2.2"
    body = "Hello from the host, fetched over HTTP/1.0 by HttpGet.\n" + "".join(
        f"line {i}: {'x' * (i % 50)}\n" for i in range(300))
    (tmp_path / path.lstrip("/")).write_text(body)
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(tmp_path))
    handler.log_message = lambda *a, **k: None
    try:
        server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    except OSError as e:
        pytest.skip(f"port {port} (from solutions/net_http/init.yaml) is busy on the host: {e}")
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        con = boot(kernel=NET_HTTP, extra=["-netdev", "user,id=n0", "-device",
                                          "virtio-net-device,netdev=n0"])
        con.expect(r"HttpGet: status: HTTP/1\.\d 200", timeout=BOOT_TIMEOUT)
        m = con.expect(r"HttpGet: --- end \((\d+) bytes\) ---", timeout=30)
        assert int(m.group(1)) == len(body)
        text = con.text.replace("\r\n", "\n")
        got = text.split("HttpGet: --- body ---\n", 1)[1].split("HttpGet: --- end", 1)[0]
        assert got == body
        assert con.read_until_exit(timeout=30) == 0
        assert "audit: denied" not in con.text
    finally:
        server.shutdown()
        server.server_close()


# ------------------------------------------------------------------ net_split

def test_net_split_two_vfs(boot):
    con, port = start_solution(boot, NET_SPLIT, r"Split: serving TCP on port 7")
    assert "VfsFsnet: network off, sockets unavailable" in con.text
    data = os.urandom(300 * 1000)
    s = connect(port)
    got = bytearray()

    def reader():
        while len(got) < len(data):
            b = s.recv(1 << 20)
            if not b:
                break
            got.extend(b)

    t = threading.Thread(target=reader)
    t.start()
    s.sendall(data)
    t.join(30)
    s.close()
    assert_same(bytes(got), data, "echo through the network VFS")
    con.expect(r"Split: echoed 300000 bytes, file holds 300000 bytes, same content", timeout=30)
    assert con.read_until_exit(timeout=30) == 0
    assert "audit: denied" not in con.text


# ------------------------------------------------------------------ guest programs

NETSOCK_LOCAL = [
    "create_VfsFsnet", "start_VfsFsnet", "VfsFsnet_still_running", "test_netsock_status",
    "socket_created", "one_table", "file_io_beside_socket", "send_on_file_ENOTSOCK",
    "send_on_bad_fd_EBADF", "lseek_on_socket_ESPIPE", "socket_inet6_EAFNOSUPPORT",
    "socket_bad_type_EPROTONOSUPPORT", "connect_ECONNREFUSED", "bind_listen", "bind_EADDRINUSE",
    "getsockname", "getpeername_listener_ENOTCONN", "getsockopt_SO_TYPE",
    "setsockopt_unknown_ENOPROTOOPT", "fcntl_set_nonblock", "accept_nonblocking_EAGAIN",
    "poll_timeout", "poll_file_ready", "poll_bad_fd_POLLNVAL", "recv_SOCK_NONBLOCK_EAGAIN",
    "setsockopt_SO_RCVTIMEO", "recv_timeout_EAGAIN", "recv_timeout_waited",
    "recv_MSG_DONTWAIT_EAGAIN", "others_served_while_recv_blocks", "blocked_recv_returned",
    "getaddrinfo_numeric", "getaddrinfo_unknown_name",
    "getaddrinfo_numerichost_name_EAI_NONAME", "getaddrinfo_bad_name_EAI_NONAME",
    "getaddrinfo_numeric_after_dns", "inet_pton_ntop",
    "listen_port_7", "accept_1", "recv_ping_1", "send_pong_1", "recv_after_reset_ECONNRESET",
    "accept_2", "recv_ping_2", "send_pong_2", "recv_after_close_EOF",
]


def test_guest_socket_errnos(boot):
    """test_netsock: errno cases and semantics in the guest; the host resets one
    connection (ECONNRESET in the guest) and closes another (EOF)."""
    port = free_port()
    con = boot(bootargs="init=test_netsock_run", extra=net_qemu_args(port))
    con.expect(r"test_netsock: waiting on port 7", timeout=60)
    for rst in (True, False):
        s = connect(port)
        s.sendall(b"ping")
        assert s.recv(4, socket.MSG_WAITALL) == b"pong"
        if rst:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        s.close()
        time.sleep(0.2)
    con.expect(r"test_netsock_run: done \((\d+) failures?\)", timeout=60)
    status = con.read_until_exit(timeout=30)
    assert_reported_ok(con.text, NETSOCK_LOCAL)
    assert status == 0


def test_guest_hostile_socket_requests(boot):
    assert_checks(functools.partial(boot, extra=net_qemu_args(free_port())),
                  "test_netsock_hostile_run", [
        "create_VfsFsnet", "start_VfsFsnet", "VfsFsnet_still_running",
        "test_netsock_hostile_status", "still_works_after_start", "bad_sizes_error_replies",
        "unknown_methods_refused", "forged_notice_refused", "still_works_after_sizes",
        "raw_socket", "foreign_sockets_EBADF", "bind_bad_family_EAFNOSUPPORT",
        "bind_bad_port_EINVAL", "setsockopt_bad_level_ENOPROTOOPT", "setsockopt_short_value_EINVAL",
        "recv_huge_count_answered", "recv_bad_flags_EOPNOTSUPP", "poll_too_many_refused",
        "poll_foreign_POLLNVAL", "raw_close", "still_works_after_bad_values",
        "fuzz_all_answered", "fuzz_replies_well_formed", "still_works_after_fuzz"], timeout=300)


def test_guest_client_table_limits(boot):
    """VfsFsnet's one client table (userland/vfs/server/clients.c) from 65
    clients in five tasks: the 65th gets ENFILE from the files and EMFILE /
    EBADF from the sockets; 48 sockets per client; a file Release leaves the
    sockets and a socket Release the files; disconnects give the slots back."""
    assert_checks(functools.partial(boot, extra=net_qemu_args(free_port())),
                  "test_netsock_clients_run", [
        "create_VfsFsnet", "create_clients", "connect_clients", "start_VfsFsnet",
        "holder_opened_all", "connect_VFS", "connect_c1", "first_client_opens", "holders_ready",
        "client_65_files_ENFILE", "client_65_socket_EMFILE", "client_65_sockets_EBADF",
        "client_65_release_answered", "release_frees_slot", "done_created",
        "sockets_per_client_48", "socket_for_release", "file_release_keeps_sockets",
        "file_after_release", "socket_release_keeps_files", "socket_release_closes_sockets",
        "slots_back_after_disconnect", "checker_status", "holder0_status", "holder3_status",
        "VfsFsnet_still_running"], timeout=300)


def test_vfsfsnet_without_network_device(boot):
    """No virtio-net device: VfsFsnet says so in one line, serves files, and
    socket() is ENETDOWN; a network channel that does not exist is ENOSYS."""
    text = assert_checks(boot, "test_netsock_nodev_run", [
        "create_VfsFsnet", "start_VfsFsnet", "VfsFsnet_still_running", "test_netsock_status",
        "no_channel_socket_ENOSYS", "nodev_socket_ENETDOWN", "nodev_files_work"])
    assert "VfsFsnet: no network device, sockets unavailable" in text
