"""The network part of `make bench` (docs/PERFORMANCE.md, "Network"): the
net_bench solution (NetBench + VfsFsnet) under -icount shift=0, driven with
tools/netbench.py's host side: make bench's 1,000 64-byte round trips (under
a second) and a 1 MiB echo (tcp_echo_instr_per_byte), each checked byte for
byte, and NetBench's
per-connection line plausible (bytes counted, the work of a round trip in the
range of an IPC round trip or more, not the host's waiting time).
"""
import re
import sys

import pytest

import boards
from test_net import free_port, net_qemu_args

sys.path.insert(0, str(boards.ROOT / "tools"))
import netbench  # noqa: E402

pytestmark = [pytest.mark.qemu_only, pytest.mark.boards("virt")]

NET_BENCH = boards.ROOT / "build/virt-net_bench/kernel.img"


def summary(con):
    m = con.expect(netbench.LINE, timeout=30)
    assert m.group(6).strip() == "EOF"
    return dict(zip(("bytes", "instr", "rounds", "round_min", "round_median"),
                    (int(x) for x in m.groups()[:5])))


def test_net_bench_counts_guest_work(boot):
    port = free_port()
    con = boot(kernel=NET_BENCH, smp=1, extra=["-icount", "shift=0", *net_qemu_args(port)])
    m = con.expect(r"NetBench: idle accounting: 10 ms asleep = (\d+) instr of work", timeout=60)
    assert int(m.group(1)) < 100_000, "the spinner does not account the idle time"
    con.expect(netbench.READY, timeout=10)
    netbench.round_trips(port, netbench.ROUNDS)
    rtt = summary(con)
    assert rtt["bytes"] == netbench.ROUNDS * netbench.MSG and rtt["rounds"] == netbench.ROUNDS - 1
    # Work, not waiting: more than an IPC round trip, far less than the host's
    # turnaround in guest time (at least tens of microseconds = instructions).
    assert 2_000 < rtt["round_min"] <= rtt["round_median"] < 200_000
    assert rtt["instr"] >= rtt["rounds"] * rtt["round_min"]
    # make bench's tcp_echo_instr_per_byte: a 1 MiB echo's work per byte, in the
    # range of a few copies and per-frame work (9.8 on 2026-12-03), never the
    # host's waiting time (which would be thousands per byte)
    netbench.bulk_echo(port, netbench.MIB_BYTES)
    bulk = summary(con)
    assert bulk["bytes"] == netbench.MIB_BYTES
    per_byte = netbench.instr_per_byte({netbench.MIB_KEY: {"median": bulk["instr"]}})
    assert 2 < per_byte < 40, per_byte
    assert not re.search(r"audit: denied", con.text)
