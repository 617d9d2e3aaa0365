"""tools/netbench.py's reading of NetBench's console, without QEMU: the console
arrives a few bytes at a time, so a NETBENCH line must count only once it is
whole. (It used to match a line still being printed: `make bench NET=1` then
failed with "NetBench ended a connection with E" while the guest had printed
end=EOF.)"""
import pathlib
import sys
import threading
import time

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tools"))
import netbench  # noqa: E402

GOOD = ("NETBENCH bytes=64000 instr=18257968 rounds=999 round_min=17920 "
        "round_median=17968 end=EOF\r\n")
FAILED = ("NETBENCH bytes=64 instr=1 rounds=0 round_min=0 round_median=0 "
          "end=Connection reset by peer\r\n")


def fake_guest(text=""):
    """A netbench.Guest without QEMU: its console is what the test appends."""
    g = object.__new__(netbench.Guest)
    g.text, g.cond = text, threading.Condition()
    return g


def feed(g, text, delay):
    def run():
        time.sleep(delay)
        with g.cond:
            g.text += text
            g.cond.notify_all()
    t = threading.Thread(target=run)
    t.start()
    return t


@pytest.mark.parametrize("line", [GOOD, FAILED, GOOD.replace("\r\n", "\r\r\n"),
                                  GOOD.replace("\r\n", "\n")],
                         ids=["eof", "error", "pty-crcrlf", "lf"])
def test_line_matches_only_when_whole(line):
    end = line.split("end=")[1].rstrip("\r\n")
    for cut in range(len(line.rstrip("\r\n")) + 1):
        assert netbench.LINE.search("boot\r\n" + line[:cut]) is None, line[:cut]
    m = netbench.LINE.search("boot\r\n" + line + "NetBench: next")
    assert m.group(6) == end
    assert m.group(1) == line.split("bytes=")[1].split()[0]


def test_summary_waits_for_the_line_end():
    cut = GOOD.index("end=") + len("end=E")
    g = fake_guest("NetBench: echoing TCP on port 7\r\n" + GOOD[:cut])
    t = feed(g, GOOD[cut:], 0.2)
    pos, rtt = netbench._summary(g, 0, timeout=10)
    t.join()
    assert rtt == dict(bytes=64000, instr=18257968, rounds=999, round_min=17920,
                       round_median=17968)
    assert pos == len(g.text)


def test_summary_reports_a_connection_that_ended_with_an_error():
    g = fake_guest(FAILED)
    with pytest.raises(netbench.NetBenchError, match="ended a connection with "
                                                     "Connection reset by peer"):
        netbench._summary(g, 0, timeout=1)


def test_summary_times_out_on_a_line_never_finished():
    g = fake_guest(GOOD[:GOOD.index("end=") + len("end=E")])
    with pytest.raises(netbench.NetBenchError, match="within"):
        netbench._summary(g, 0, timeout=0.3)


def test_instr_per_byte_is_the_median_1m_echo_per_byte():
    """make bench's tcp_echo_instr_per_byte (tools/bench.py's DERIVED) from the
    1 MiB runs' NETBENCH lines."""
    sys.path.insert(0, str(ROOT / "tools"))
    import bench
    results = {netbench.MIB_KEY: {"min": 9 << 20, "median": 10 << 20, "unit": "instr",
                                  "samples": 5}}
    assert netbench.instr_per_byte(results) == 10.0
    assert bench.derive(results)[netbench.PER_BYTE_KEY] == {"value": 10.0, "unit": "instr/byte"}
    assert netbench.PER_BYTE_KEY not in bench.derive({})
