"""The network part of `make bench` (tools/bench.py --net-kernel): boots the
net_bench solution (NetBench, a measuring TCP echo server, + VfsFsnet) in QEMU
under -icount shift=0 with a virtio-net device and 127.0.0.1:<free port>
forwarded to the guest's port 7, and drives it from the host:

- ROUNDS round trips of a 64-byte message on one connection (TCP_NODELAY,
  each echo awaited and checked): NetBench's per-round work gives
  tcp_echo_64b_rtt_instr (min, median);
- BULK_RUNS connections echoing BULK_BYTES each, sent and read at the same
  time and checked byte for byte: NetBench's accept-to-EOF work gives
  tcp_echo_16m_instr (min, median over the runs); the host's wall time gives
  tcp_echo_mb_per_s (information only: it depends on the host);
- MIB_RUNS connections echoing 1 MiB each, the same way: NetBench's
  accept-to-EOF work gives tcp_echo_1m_instr (min, median), and
  tools/bench.py derives tcp_echo_instr_per_byte = its median / 1 MiB:
  guest instructions (kernel, drivers, lwIP, VfsFsnet, NetBench; idle time
  excluded by NetBench's spinner) per byte echoed, each byte going in and
  out once. (Why the guest counts and not QMP: docs/PERFORMANCE.md, "Network".)

NetBench prints one "NETBENCH bytes=.. instr=.. rounds=.. round_min=..
round_median=.." line per connection (solutions/net_bench/NetBench/netbench.c
explains how it counts instructions while the host is the one waiting).
"""
import os
import re
import socket
import statistics
import subprocess
import threading
import time

ROUNDS = 1000
MSG = 64
BULK_BYTES = 16 << 20
BULK_RUNS = 3
MIB_BYTES = 1 << 20
MIB_RUNS = 5
RTT_KEY = "tcp_echo_64b_rtt_instr"
BULK_KEY = "tcp_echo_16m_instr"
MIB_KEY = "tcp_echo_1m_instr"
PER_BYTE_KEY = "tcp_echo_instr_per_byte"
READY = re.compile(r"NetBench: echoing TCP on port 7")
# Up to the line's end: the console reaches the host as the guest prints it, a
# few bytes at a time, so an open-ended `end=(.*)` matched lines still being
# printed and read "end=E" (or "end=", "end=EO") for "end=EOF".
LINE = re.compile(r"NETBENCH bytes=(\d+) instr=(\d+) rounds=(\d+) round_min=(\d+) "
                  r"round_median=(\d+) end=([^\r\n]*)\r*\n")


class NetBenchError(Exception):
    def __init__(self, what, log=""):
        super().__init__(what)
        self.log = log


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Guest:
    """QEMU with the net_bench image; its console collected by a thread."""

    def __init__(self, kernel, port, mem="512M", icount=True):
        argv = ["qemu-system-aarch64", "-M", "virt,gic-version=2", "-cpu", "cortex-a72",
                "-m", mem, "-smp", "1", "-nographic",
                "-netdev", f"user,id=n0,hostfwd=tcp:127.0.0.1:{port}-:7",
                "-device", "virtio-net-device,netdev=n0", "-global", "virtio-mmio.force-legacy=false",
                "-semihosting-config", "enable=on,target=native", "-kernel", str(kernel),
                "-append", "exit=semihosting panic=poweroff"]
        if icount:
            argv[1:1] = ["-icount", "shift=0"]
        self.proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT)
        self.text = ""
        self.cond = threading.Condition()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        while True:
            b = self.proc.stdout.read1(4096)
            with self.cond:
                if not b:
                    self.text += "\n[QEMU exited]\n"
                    self.cond.notify_all()
                    return
                self.text += b.decode(errors="replace")
                self.cond.notify_all()

    def expect(self, regex, pos, timeout):
        """The first match of regex at or after text offset pos, waiting up to timeout s."""
        end = time.monotonic() + timeout
        with self.cond:
            while True:
                m = regex.search(self.text, pos)
                if m:
                    return m
                if "[QEMU exited]" in self.text or "KERNEL PANIC" in self.text:
                    raise NetBenchError(f"the guest stopped before {regex.pattern!r}", self.text)
                left = end - time.monotonic()
                if left <= 0:
                    raise NetBenchError(f"no {regex.pattern!r} within {timeout:.0f} s", self.text)
                self.cond.wait(left)

    def stop(self):
        self.proc.kill()
        self.proc.wait()


def connect(port):
    s = socket.create_connection(("127.0.0.1", port), timeout=30)
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return s


def round_trips(port, rounds, size=MSG):
    msg = os.urandom(size)
    with connect(port) as s:
        for _ in range(rounds):
            s.sendall(msg)
            got = b""
            while len(got) < size:
                b = s.recv(size - len(got))
                if not b:
                    raise NetBenchError(f"connection closed after {len(got)} of {size} bytes")
                got += b
            if got != msg:
                raise NetBenchError("64-byte echo differs")


def bulk_echo(port, size):
    """Echoes size random bytes (sending while reading); returns the wall seconds."""
    data = os.urandom(size)
    got = bytearray()
    with connect(port) as s:
        def reader():
            try:
                while len(got) < size:
                    b = s.recv(1 << 20)
                    if not b:
                        return
                    got.extend(b)
            except OSError:
                return
        t = threading.Thread(target=reader)
        start = time.monotonic()
        t.start()
        s.sendall(data)
        t.join(120)
        wall = time.monotonic() - start
    if got != data:
        raise NetBenchError(f"bulk echo: {len(got)} bytes back of {size}, or different")
    return wall


def _summary(guest, pos, timeout=60):
    m = guest.expect(LINE, pos, timeout)
    bytes_, instr, rounds, rmin, rmed = (int(x) for x in m.groups()[:5])
    if m.group(6).strip() != "EOF":
        raise NetBenchError(f"NetBench ended a connection with {m.group(6).strip()}", guest.text)
    return m.end(), dict(bytes=bytes_, instr=instr, rounds=rounds, round_min=rmin,
                         round_median=rmed)


def instr_per_byte(results):
    """tcp_echo_instr_per_byte from run()'s results: the median 1 MiB echo's
    guest instructions per byte."""
    return round(results[MIB_KEY]["median"] / MIB_BYTES, 2)


def run(kernel, timeout=300, rounds=ROUNDS, bulk_bytes=BULK_BYTES, bulk_runs=BULK_RUNS,
        icount=True, mib_runs=MIB_RUNS):
    """Boots, measures, stops. Returns (results, info, console text, wall seconds):
    results as tools/bench.py's ({key: {min, median, unit, samples}}), info
    {"tcp_echo_mb_per_s": {value, unit}}. Raises NetBenchError."""
    port = free_port()
    started = time.monotonic()
    guest = Guest(kernel, port, icount=icount)
    try:
        pos = guest.expect(READY, 0, min(timeout, 60)).end()
        try:
            round_trips(port, rounds)
            pos, rtt = _summary(guest, pos)
            walls, instrs = [], []
            for _ in range(bulk_runs):
                walls.append(bulk_echo(port, bulk_bytes))
                pos, bulk = _summary(guest, pos)
                if bulk["bytes"] != bulk_bytes:
                    raise NetBenchError(f"NetBench echoed {bulk['bytes']} of {bulk_bytes} bytes")
                instrs.append(bulk["instr"])
            mib = []
            for _ in range(mib_runs):
                bulk_echo(port, MIB_BYTES)
                pos, one = _summary(guest, pos)
                if one["bytes"] != MIB_BYTES:
                    raise NetBenchError(f"NetBench echoed {one['bytes']} of {MIB_BYTES} bytes")
                mib.append(one["instr"])
        except OSError as e:
            raise NetBenchError(f"host side: {e}", guest.text) from e
        except NetBenchError as e:
            e.log = e.log or guest.text
            raise
        if time.monotonic() - started > timeout:
            raise NetBenchError(f"took longer than {timeout:.0f} s", guest.text)
    finally:
        guest.stop()
    if rtt["rounds"] != rounds - 1:
        raise NetBenchError(f"NetBench counted {rtt['rounds']} rounds, not {rounds - 1}", guest.text)
    results = {
        RTT_KEY: {"min": rtt["round_min"], "median": rtt["round_median"], "unit": "instr",
                  "samples": rtt["rounds"]},
        BULK_KEY if bulk_bytes == BULK_BYTES else f"tcp_echo_{bulk_bytes}b_instr": {
            "min": min(instrs), "median": int(statistics.median(instrs)), "unit": "instr",
            "samples": len(instrs)},
    }
    if mib:
        results[MIB_KEY] = {"min": min(mib), "median": int(statistics.median(mib)),
                            "unit": "instr", "samples": len(mib)}
    mb_per_s = bulk_bytes / statistics.median(walls) / 1e6
    info = {"tcp_echo_mb_per_s": {"value": round(mb_per_s, 1), "unit": "MB/s each way (wall)"}}
    return results, info, guest.text, time.monotonic() - started
