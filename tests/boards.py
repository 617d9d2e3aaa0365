"""Board table for the console tests: how to start each board in QEMU.

    qemu_argv(board, mem=None, smp=None, bootargs="", extra=()) -> argv list

Boards:
  virt  QEMU `virt` (Debian 12's QEMU 7.2 is enough), build/virt-echo/kernel.img.
        $QEMU picks the binary (default qemu-system-aarch64), $GIC the GIC
        version (2), $QEMU_MEM / $QEMU_SMP the defaults for mem / smp (4 cores).
        $QEMU_ACCEL the accelerator (both boards): tcg,thread=single by default,
        which runs every core in one host thread (all cores on, interleaved at
        translation-block granularity, no lock-holder preemption by an
        oversubscribed host); the SMP stress tests ask for tcg,thread=multi,
        most of them with multi_smp() cores: no more than the host has.
        build/virt-echo-kdebug/kernel.img is the same with a debug kernel.
  rpi4  QEMU `raspi4b` (QEMU 9+), build/rpi4-echo/kernel8.img with Debian's
        bcm2711-rpi-4-b.dtb. The binary comes from $QEMU_RPI4, else
        build/deps/qemu-trixie/qemu-system-aarch64 (`make deps`), else the
        system's qemu-system-aarch64 if its `-M help` lists raspi4b.
        raspi4b has fixed 2 GiB and 4 cores: mem and smp are ignored.

Console wiring on raspi4b: QEMU's first serial port is the PL011, the second
the mini UART, and Debian's DTB sets /chosen/stdout-path to serial1 = the mini
UART. Both ports are attached to one stdio multiplexer, so the output of
either UART reaches the console; typed input goes to the mini UART (the
multiplexer's focus; Ctrl-A c would switch it to the PL011).

In QEMU the kernel gets `exit=semihosting panic=poweroff` first on its command
line (semihosting=True, the default), so that QEMU's exit status is the
kernel's power-off status: a panic ends QEMU at once with status 3.
"""
import functools
import os
import pathlib
import shutil
import subprocess

ROOT = pathlib.Path(os.environ.get("KOS_ROOT", pathlib.Path(__file__).resolve().parents[1]))
BOARDS = ("virt", "rpi4")

# The images the tests boot by default: the test solution's (Makefile TEST_SOLUTION),
# whose lack of a policy lets the kernel start any program given with init=.
VIRT_KERNEL = ROOT / "build/virt-echo/kernel.img"
RPI4_KERNEL = ROOT / "build/rpi4-echo/kernel8.img"
# The test solution's image with a debug kernel (`make KDEBUG=1`: its DEBUG_ASSERTs
# evaluated, "debug" in the banner), booted by the fuzzer and IPC tests.
VIRT_KDEBUG_KERNEL = ROOT / "build/virt-echo-kdebug/kernel.img"
# The default solution's images (`make run`, the SD card).
DEFAULT_KERNEL = {"virt": ROOT / "build/virt/kernel.img", "rpi4": ROOT / "build/rpi4/kernel8.img"}
RPI4_DTB = ROOT / "build/deps/rpi4-firmware/bcm2711-rpi-4-b.dtb"
TRIXIE_QEMU = ROOT / "build/deps/qemu-trixie/qemu-system-aarch64"

QEMU_DEFAULT_BOOTARGS = "exit=semihosting panic=poweroff"

RPI4_QEMU_HOWTO = ("run `make deps` (fetches Debian 13 QEMU into build/deps/qemu-trixie) "
                   "or set QEMU_RPI4=/path/to/qemu-system-aarch64")


class BoardUnavailable(Exception):
    """The board cannot be run here (no suitable QEMU, no firmware DTB): tests skip.
    str() says why and how to fix it."""


class ImageMissing(Exception):
    """The kernel image under test is not built: tests fail (a build problem must not
    pass as a skip)."""


def _lists_machine(qemu, machine):
    try:
        out = subprocess.run([str(qemu), "-M", "help"], capture_output=True, text=True,
                             timeout=30).stdout
    except (OSError, subprocess.SubprocessError):
        return False
    return any(line.split()[:1] == [machine] for line in out.splitlines())


@functools.lru_cache(maxsize=None)
def rpi4_qemu():
    """Path of a QEMU with raspi4b; raises BoardUnavailable with the reason."""
    env = os.environ.get("QEMU_RPI4")
    if env:
        if _lists_machine(env, "raspi4b"):
            return env
        raise BoardUnavailable(f"QEMU_RPI4={env} does not run or has no raspi4b machine; "
                               + RPI4_QEMU_HOWTO)
    if TRIXIE_QEMU.exists() and _lists_machine(TRIXIE_QEMU, "raspi4b"):
        return str(TRIXIE_QEMU)
    system = shutil.which("qemu-system-aarch64")
    if system and _lists_machine(system, "raspi4b"):
        return system
    raise BoardUnavailable("no QEMU with the raspi4b machine: " + RPI4_QEMU_HOWTO)


def virt_qemu():
    qemu = os.environ.get("QEMU", "qemu-system-aarch64")
    if not shutil.which(qemu):
        raise BoardUnavailable(f"{qemu} not found: apt-get install qemu-system-arm "
                               "(or tools/deps/host-deps.sh)")
    return qemu


def unavailable_reason(board):
    """None when `board` can run under QEMU here, else the reason (for a skip)."""
    try:
        qemu_argv(board, check_kernel=False)
    except BoardUnavailable as e:
        return str(e)
    return None


def accel():
    """QEMU's -accel value: $QEMU_ACCEL, else single-threaded TCG."""
    return os.environ.get("QEMU_ACCEL", "tcg,thread=single")


def multi_smp():
    """Cores for a multi-threaded TCG test: $QEMU_SMP_MULTI, else 4 capped at
    the host's cores. Each vCPU is a host thread; with more vCPUs than host
    cores the host preempts the vCPU holding the kernel lock while the others
    spin for it (WFE does not halt a vCPU under multi-threaded TCG): on a
    2-core host test_ipc's 8 clients took 92 s at -smp 4 and a few at 2."""
    return int(os.environ.get("QEMU_SMP_MULTI", max(2, min(4, os.cpu_count() or 1))))


def qemu_argv(board, mem=None, smp=None, bootargs="", extra=(), semihosting=True,
              kernel=None, check_files=True, check_kernel=True):
    """The QEMU command line that boots `board`.

    bootargs: kernel command line (after the semihosting defaults);
    extra: further QEMU arguments (a list, appended last);
    kernel: another image than the board's default.
    Raises BoardUnavailable when QEMU or the DTB is missing, ImageMissing when
    the kernel image is (check_files, check_kernel).
    """
    args = f"{QEMU_DEFAULT_BOOTARGS} {bootargs}".strip() if semihosting else bootargs.strip()
    if board == "virt":
        qemu = virt_qemu()
        kernel = pathlib.Path(kernel or VIRT_KERNEL)
        argv = [qemu, "-M", f"virt,gic-version={os.environ.get('GIC', '2')}",
                "-cpu", "cortex-a72",
                "-m", str(mem or os.environ.get("QEMU_MEM", "512M")),
                "-smp", str(smp or os.environ.get("QEMU_SMP", "4")),
                "-accel", accel(),
                "-nographic", "-nic", "none",
                # entropy (kernel/entropy.c) on the lowest transport: a NIC keeps the top one
                "-device", "virtio-rng-device,bus=virtio-mmio-bus.0",
                "-kernel", str(kernel), "-append", args]
        files = [(kernel, "run `make test` or `make SOLUTION=echo`", ImageMissing)]
    elif board == "rpi4":
        qemu = rpi4_qemu()
        kernel = pathlib.Path(kernel or RPI4_KERNEL)
        argv = [qemu, "-M", "raspi4b", "-accel", accel(),
                "-kernel", str(kernel), "-dtb", str(RPI4_DTB),
                "-display", "none", "-monitor", "none",
                "-chardev", "stdio,id=con,mux=on,signal=off",
                "-serial", "chardev:con", "-serial", "chardev:con",
                "-append", args]
        files = [(kernel, "run `make test` or `make PLATFORM=rpi4 SOLUTION=echo`", ImageMissing),
                 (RPI4_DTB, "run `make deps` (tools/deps/fetch-rpi4-firmware.sh "
                  "build/deps/rpi4-firmware)", BoardUnavailable)]
    else:
        raise ValueError(f"unknown board {board!r}; boards: {', '.join(BOARDS)}")
    if semihosting:
        argv += ["-semihosting-config", "enable=on,target=native"]
    argv += list(extra)
    if check_files:
        for path, howto, error in files:
            if error is ImageMissing and not check_kernel:
                continue
            if not path.exists():
                shown = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
                raise error(f"{shown} is missing: {howto}")
    return argv
