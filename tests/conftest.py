"""pytest harness for the console tests (after U-Boot's test/py and labgrid).

Options:
  --board B          board(s) to test: virt (default), rpi4, a comma list, or all
  --serial DEV       use a real board on this serial port instead of QEMU
  --baud N           serial speed (115200)
  --reset-cmd CMD    shell command that resets/power-cycles the real board
                     (run after the port is opened; without it, reset it by hand)
  --timeout-scale F  multiply every console timeout by F (slow hosts, real boards)
  --qemu-extra ARGS  extra QEMU arguments for every boot (shell syntax)

Fixtures:
  board   the board name; tests that use it (or `boot`) run once per selected
          board, with ids [virt] / [rpi4]. A board that cannot run here (no
          raspi4b QEMU, no firmware DTB) is skipped with the reason and a fix.
  boot    factory: boot(mem=None, smp=None, bootargs="", extra=(), panic_ok=False,
          semihosting=True) -> console.Console. Every console it made is closed,
          and QEMU stopped, when the test ends. Logs: build/test-logs/<test>.log.
  console_log  path of this test's log file.

Markers:
  @pytest.mark.qemu_only         skipped on real hardware (--serial)
  @pytest.mark.boards("virt")    only on these boards
  @pytest.mark.each_board        run on every board (virt and rpi4) unless --board
                                 was given: the same console test on both
"""
import pathlib
import re
import shlex
import subprocess

import pytest

import boards
from console import Console, ConsoleError

LOG_DIR = boards.ROOT / "build" / "test-logs"


def pytest_addoption(parser):
    g = parser.getgroup("kos", "KOS-A64 console tests")
    g.addoption("--board", default=None,
                help="board(s): virt (default), rpi4, a comma list, or all")
    g.addoption("--serial", default=None, metavar="DEV",
                help="real board on this serial port (e.g. /dev/ttyUSB0) instead of QEMU")
    g.addoption("--baud", default=115200, type=int, help="serial speed (default 115200)")
    g.addoption("--reset-cmd", default=None, metavar="CMD",
                help="shell command that resets the real board after the port is opened")
    g.addoption("--timeout-scale", default=1.0, type=float, metavar="F",
                help="multiply every console timeout by F (default 1)")
    g.addoption("--qemu-extra", default="", metavar="ARGS",
                help="extra QEMU arguments for every boot (shell syntax)")


def pytest_configure(config):
    for line in ("qemu_only: skipped on real hardware (--serial)",
                 "boards(*names): run only on these boards",
                 "each_board: run on every board unless --board is given"):
        config.addinivalue_line("markers", line)
    if config.getoption("timeout_scale") <= 0:
        raise pytest.UsageError("--timeout-scale must be positive")
    selected_boards(config)                     # reject a bad --board early


def selected_boards(config, each=False):
    opt = config.getoption("board")
    if opt is None:
        if config.getoption("serial"):
            return ["rpi4"]
        return list(boards.BOARDS) if each else ["virt"]
    names = list(boards.BOARDS) if opt == "all" else [b.strip() for b in opt.split(",") if b.strip()]
    bad = [b for b in names if b not in boards.BOARDS]
    if bad:
        raise pytest.UsageError(f"--board: unknown board(s) {', '.join(bad)}; "
                                f"choose from {', '.join(boards.BOARDS)} or all")
    if config.getoption("serial") and len(names) != 1:
        raise pytest.UsageError("--serial tests one real board: give a single --board")
    return names


def pytest_generate_tests(metafunc):
    if "board" not in metafunc.fixturenames:
        return
    config = metafunc.config
    names = selected_boards(config, each=metafunc.definition.get_closest_marker("each_board"))
    only = metafunc.definition.get_closest_marker("boards")
    params = []
    for name in names:
        marks = []
        if only and name not in only.args:
            marks.append(pytest.mark.skip(reason=f"test is for {', '.join(only.args)} only"))
        elif not config.getoption("serial"):
            reason = boards.unavailable_reason(name)
            if reason:
                marks.append(pytest.mark.skip(reason=f"{name}: {reason}"))
        params.append(pytest.param(name, id=name, marks=marks))
    metafunc.parametrize("board", params)


def pytest_runtest_setup(item):
    if item.get_closest_marker("qemu_only") and item.config.getoption("serial"):
        pytest.skip("needs QEMU (not run on real hardware with --serial)")


@pytest.fixture
def timeout_scale(request):
    return request.config.getoption("timeout_scale")


@pytest.fixture
def console_log(request):
    LOG_DIR.mkdir(parents=True, exist_ok=True)
    module = pathlib.Path(str(request.node.fspath)).stem
    name = re.sub(r"[^\w.\[\]=,+-]", "_", f"{module}.{request.node.name}")
    path = LOG_DIR / f"{name}.log"
    path.unlink(missing_ok=True)
    request.node.kos_console_log = path
    return path


@pytest.fixture
def boot(request, board, console_log, timeout_scale):
    """Factory that boots `board` and returns its Console; cleans up every boot."""
    config = request.config
    consoles = []
    qemu_extra = shlex.split(config.getoption("qemu_extra"))

    def _boot(mem=None, smp=None, bootargs="", extra=(), panic_ok=False, semihosting=True,
              kernel=None):
        kw = dict(timeout_scale=timeout_scale, panic_ok=panic_ok)
        serial = config.getoption("serial")
        if serial:
            con = Console.open_serial(serial, config.getoption("baud"), console_log,
                                      description=f"board {board}; bootargs on hardware come "
                                      f"from the SD card (wanted: {bootargs!r})", **kw)
            consoles.append(con)
            reset = config.getoption("reset_cmd")
            if reset:
                subprocess.run(reset, shell=True, check=True)
            else:
                print(f"\n*** reset or power-cycle the board on {serial} now ***")
            return con
        try:
            argv = boards.qemu_argv(board, mem=mem, smp=smp, bootargs=bootargs,
                                    extra=list(extra) + qemu_extra, semihosting=semihosting,
                                    kernel=kernel)
        except boards.BoardUnavailable as e:
            pytest.skip(f"{board}: {e}")
        except boards.ImageMissing as e:
            pytest.fail(f"{board}: {e}", pytrace=False)
        con = Console.spawn(argv, console_log, **kw)
        consoles.append(con)
        return con

    yield _boot

    errors = []
    for con in consoles:
        try:
            con.check_no_panic()
        except AssertionError as e:
            errors.append(str(e))
        finally:
            con.close()
    if errors:
        pytest.fail(errors[0], pytrace=False)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    rep = outcome.get_result()
    path = getattr(item, "kos_console_log", None)
    # Console failures carry the log's tail already; add it for the others.
    console_error = call.excinfo is not None and call.excinfo.errisinstance(ConsoleError)
    if path is not None and rep.failed and path.exists() and not console_error:
        lines = path.read_text(errors="replace").splitlines()[-60:]
        rep.sections.append((f"console log ({path})", "\n".join(lines)))
