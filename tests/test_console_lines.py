"""Console lines are never split between threads (issue 18, "the console"):
test_console_lines prints 8 x 48 lines from threads pinned to every core,
through printf, fprintf, puts, fputs, fwrite and raw write(); every "cl "
line must be whole and each (thread, line) printed exactly once."""
import re

import pytest

import boards
from programs import assert_checks

THREADS, LINES = 8, 48
PAD = ("abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
       "abcdefghijklmnopqrstuvwxyz0123456789")
LINE = re.compile(rf"^cl t(\d+) n(\d+) k(\d) {PAD} end$")


def assert_lines_intact(text):
    seen = {}
    broken = []
    for raw in text.splitlines():
        line = raw.rstrip("\r")
        if "cl t" not in line and PAD[:10] not in line:
            continue
        m = LINE.match(line)
        if not m:
            broken.append(line)
            continue
        key = (int(m.group(1)), int(m.group(2)))
        assert int(m.group(3)) == (key[0] + key[1]) % 6, f"wrong kind in {line!r}"
        seen[key] = seen.get(key, 0) + 1
    assert not broken, f"{len(broken)} split line(s), first: {broken[:3]}"
    want = {(t, n) for t in range(THREADS) for n in range(LINES)}
    missing = sorted(want - set(seen))
    assert not missing, f"{len(missing)} line(s) missing, first: {missing[:5]}"
    twice = [k for k, v in seen.items() if v != 1]
    assert not twice, f"lines printed more than once: {twice[:5]}"


@pytest.mark.each_board
def test_console_lines_whole(boot):
    text = assert_checks(lambda **kw: boot(smp=4, **kw), "test_console_lines",
                         ["console_writers_created"], timeout=120)
    assert "test_console_lines: 4 core(s)" in text
    assert_lines_intact(text)


@pytest.mark.boards("virt")
def test_console_lines_whole_parallel_cores(boot, monkeypatch):
    """The same with one host thread per core: the writers really run at once."""
    monkeypatch.setenv("QEMU_ACCEL", "tcg,thread=multi")
    text = assert_checks(lambda **kw: boot(smp=boards.multi_smp(), **kw), "test_console_lines",
                         ["console_writers_created"], timeout=180)
    assert_lines_intact(text)


@pytest.mark.boards("virt")
def test_console_lines_whole_gicv3(boot, monkeypatch):
    monkeypatch.setenv("GIC", "3")
    text = assert_checks(lambda **kw: boot(smp=4, **kw), "test_console_lines",
                         ["console_writers_created"], timeout=120)
    assert "irq: GICv3" in text
    assert_lines_intact(text)
