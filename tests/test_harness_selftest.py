"""Tests of the console harness itself, with fake boards (no kernel, no QEMU)."""
import os
import pathlib
import shutil
import subprocess
import sys
import time

import pytest

import boards
from console import Console, ConsoleEOF, ConsoleTimeout, KernelPanic

HERE = pathlib.Path(__file__).resolve().parent


def sh(script):
    return ["/bin/sh", "-c", script]


def test_expect_and_panic(tmp_path):
    log = tmp_path / "c.log"
    with Console.spawn(sh("echo hello world; echo 'KERNEL PANIC: x'; sleep 5"), log) as con:
        m = con.expect(r"hello (\w+)")
        assert m.group(1) == "world"
        with pytest.raises(KernelPanic) as e:
            con.expect("never printed", timeout=5)
        assert "KERNEL PANIC: x" in str(e.value)
        assert str(log) in str(e.value)
    text = log.read_text()
    assert "hello world" in text and "KERNEL PANIC: x" in text
    assert text.startswith("#### spawn: /bin/sh -c")


def test_panic_before_match_wins_only_when_earlier(tmp_path):
    with Console.spawn(sh("echo ready; echo 'KERNEL PANIC: late'"), tmp_path / "c.log") as con:
        con.expect("ready")                       # printed before the panic: fine
        with pytest.raises(KernelPanic):
            con.read_until_exit(timeout=5)


def test_panic_ok(tmp_path):
    with Console.spawn(sh("echo 'KERNEL PANIC: wanted'; exit 3"), tmp_path / "c.log") as con:
        con.expect_panic(timeout=5)
        assert con.read_until_exit(timeout=5) == 3
        con.check_no_panic()


def test_exit_status_and_send(tmp_path):
    with Console.spawn(sh("read line; echo \"got $line\"; exit 7"), tmp_path / "c.log") as con:
        con.send("ping")
        con.expect("got ping")
        assert con.read_until_exit(timeout=5) == 7


def test_timeout_and_cleanup(tmp_path):
    con = Console.spawn(sh("echo up; exec sleep 60"), tmp_path / "c.log", timeout_scale=0.5)
    con.expect("up")
    t = time.monotonic()
    with pytest.raises(ConsoleTimeout) as e:
        con.expect("nothing", timeout=0.4)
    assert time.monotonic() - t < 2
    assert "0.2 s" in str(e.value)                 # scaled
    pid = con.child.pid
    con.close()
    assert not os.path.exists(f"/proc/{pid}") or "zombie" in open(f"/proc/{pid}/status").read()
    assert "closed" in (tmp_path / "c.log").read_text()


def test_eof(tmp_path):
    with Console.spawn(sh("echo bye; exit 2"), tmp_path / "c.log") as con:
        with pytest.raises(ConsoleEOF) as e:
            con.expect("more", timeout=5)
        assert "exit status 2" in str(e.value) and "bye" in str(e.value)


def test_teardown_sees_unread_panic(tmp_path):
    con = Console.spawn(sh("echo 'KERNEL PANIC: unread'"), tmp_path / "c.log")
    time.sleep(0.3)
    with pytest.raises(KernelPanic):
        con.check_no_panic()
    con.close()


def test_serial_console(tmp_path):
    pytest.importorskip("serial")
    master, slave = os.openpty()
    try:
        con = Console.open_serial(os.ttyname(slave), 115200, tmp_path / "s.log")
        os.write(master, b"KOS-A64 banner\r\nkernel: power off (status 5)\r\n")
        con.expect("banner", timeout=5)
        assert con.read_until_exit(timeout=5) == 5
        con.send("x")
        assert os.read(master, 10).startswith(b"x")
        con.close()
    finally:
        os.close(master)
        os.close(slave)


def test_qemu_argv(monkeypatch):
    monkeypatch.setenv("GIC", "3")
    monkeypatch.setenv("QEMU", "/bin/true")
    argv = boards.qemu_argv("virt", mem="1G", smp=4, bootargs="foo=1", extra=["-s"],
                            check_files=False)
    assert argv[0] == "/bin/true"
    assert argv[argv.index("-M") + 1] == "virt,gic-version=3"
    assert argv[argv.index("-m") + 1] == "1G" and argv[argv.index("-smp") + 1] == "4"
    assert argv[argv.index("-append") + 1] == "exit=semihosting panic=poweroff foo=1"
    assert ["-nic", "none"] == argv[argv.index("-nic"):argv.index("-nic") + 2]
    assert "enable=on,target=native" in argv and argv[-1] == "-s"
    assert argv[argv.index("-kernel") + 1].endswith("build/virt-echo/kernel.img")
    with pytest.raises(ValueError):
        boards.qemu_argv("pc")


def test_rpi4_unavailable_reason(monkeypatch):
    monkeypatch.setenv("QEMU_RPI4", "/nonexistent/qemu")
    boards.rpi4_qemu.cache_clear()
    try:
        reason = boards.unavailable_reason("rpi4")
    finally:
        boards.rpi4_qemu.cache_clear()
    assert "make deps" in reason and "QEMU_RPI4" in reason


FAKE_QEMU = """\
#!/bin/sh
# fake qemu: prints a banner and the -append argument, then acts on it
while [ $# -gt 0 ]; do [ "$1" = -append ] && args=$2; shift; done
echo "KOS-A64 fake"
echo "cmdline: $args"
case "$args" in
  *panic-now*) echo "KERNEL PANIC: boom"; echo "  ESR 0x0"; exit 3 ;;
  *hang*) exec sleep 60 ;;
esac
read line; echo "got: $line"; exit 0
"""

INNER_TESTS = """\
import os, pytest

def test_ok(boot):
    con = boot(bootargs="hello")
    con.expect("KOS-A64 fake")
    m = con.expect(r"cmdline: (.*)")
    assert m.group(1).split() == ["exit=semihosting", "panic=poweroff", "hello"]
    con.send("ping")
    con.expect("got: ping")
    assert con.read_until_exit() == 0

def test_panics(boot):
    con = boot(bootargs="panic-now")
    con.expect("never printed")

def test_hang_is_killed(boot):
    con = boot(bootargs="hang")
    con.expect("KOS-A64 fake")
    with open(os.environ["PIDFILE"], "w") as f:
        f.write(str(con.child.pid))

@pytest.mark.boards("rpi4")
def test_rpi4_only(boot):
    boot()

@pytest.mark.each_board
def test_each(board):
    pass

@pytest.mark.qemu_only
def test_qemu_only():
    pass
"""


def test_fixtures_in_pytest(tmp_path):
    """Runs a small suite through the real conftest with a fake QEMU."""
    for f in ("conftest.py", "boards.py", "console.py"):
        shutil.copy(HERE / f, tmp_path / f)
    (tmp_path / "test_inner.py").write_text(INNER_TESTS)
    fake = tmp_path / "fake-qemu"
    fake.write_text(FAKE_QEMU)
    fake.chmod(0o755)
    (tmp_path / "build/virt-echo").mkdir(parents=True)
    (tmp_path / "build/virt-echo/kernel.img").write_bytes(b"\0" * 64)
    env = dict(os.environ, KOS_ROOT=str(tmp_path), QEMU=str(fake),
               QEMU_RPI4="/nonexistent/qemu", PIDFILE=str(tmp_path / "pid"))
    res = subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-rs", "-q",
                          "test_inner.py"], cwd=tmp_path, env=env, capture_output=True,
                         text=True, timeout=60)
    out = res.stdout + res.stderr
    assert res.returncode == 1, out
    assert "1 failed, 4 passed, 2 skipped" in out, out
    assert "KERNEL PANIC: boom" in out and "ESR 0x0" in out, out
    assert "make deps" in out, out                      # rpi4 skip says how to get QEMU
    assert "test is for rpi4 only" in out, out
    logs = tmp_path / "build/test-logs"
    assert "got: ping" in (logs / "test_inner.test_ok[virt].log").read_text()
    assert "KERNEL PANIC: boom" in (logs / "test_inner.test_panics[virt].log").read_text()
    pid = int((tmp_path / "pid").read_text())
    assert not os.path.exists(f"/proc/{pid}"), "fake QEMU left running"
