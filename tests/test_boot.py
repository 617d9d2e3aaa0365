"""Boot foundation on the console: banner, memory from the DTB, timer tick,
decoded kernel faults, and a clear report when there is no device tree."""
import re
import subprocess

import pytest

import boards

# These tests are about the kernel's own start: the first task is the small
# `hello` program, whatever solution the image carries.
HELLO = "init=hello"

BANNER = r"KOS-A64 microkernel \S+ \((QEMU virt|Raspberry Pi 4), (virt|rpi4)\)"


@pytest.mark.each_board
def test_boots_to_banner_and_passes_selftest(boot, board):
    con = boot(bootargs=HELLO)
    m = con.expect(BANNER, timeout=30)
    assert m.group(2) == board
    con.expect(r"irq: GICv[23]")
    con.expect(r"selftest: page allocator: ok")
    con.expect(r"selftest: slab allocator: ok")
    con.expect(r"selftest: passed \(0 failures\)")


@pytest.mark.each_board
def test_timer_ticks_advance_at_the_programmed_rate(boot):
    con = boot(bootargs=HELLO)
    m = con.expect(r"timer: (\d+) Hz counter, (\d+) Hz tick", timeout=30)
    assert int(m.group(1)) > 1_000_000 and int(m.group(2)) == 1000
    m = con.expect(r"selftest: (\d+) ticks took (\d+) ms")
    ticks, ms = int(m.group(1)), int(m.group(2))
    assert ticks == 100
    assert 90 <= ms < 2000, f"100 ticks of 1 ms took {ms} ms"
    con.expect(r"selftest: timer ticks: ok")


@pytest.mark.qemu_only
@pytest.mark.boards("virt")
@pytest.mark.parametrize("mem,mib", [("128M", 128), ("2G", 2048), ("8G", 8192)])
def test_reported_ram_matches_qemu_memory(boot, mem, mib):
    con = boot(mem=mem, bootargs=HELLO)
    m = con.expect(r"memory: (\d+) MiB in (\d+) range", timeout=30)
    assert int(m.group(1)) == mib
    m = con.expect(r"pages: (\d+) free of (\d+)\s")     # up to the line end: the whole number
    free, total = int(m.group(1)), int(m.group(2))
    assert total == mib * 256
    # Missing: the reserved ranges inside RAM (kernel image with its boot image of
    # programs, which grows with the tree, and the DTB) and the allocator's bitmap
    # (one bit a page); a few pages of slack for boot-time tables.
    ram_lo, ram_hi = 0x40000000, 0x40000000 + mib * (1 << 20)
    reserved = 0
    for lo, hi in re.findall(r"reserved 0x([0-9a-f]+)\.\.0x([0-9a-f]+)", con.text):
        lo, hi = max(int(lo, 16), ram_lo), min(int(hi, 16) + 1, ram_hi)
        reserved += max(0, hi - lo) // 4096
    bitmap = -(-total // (8 * 4096))
    assert 0 < reserved < 2048
    assert reserved + bitmap <= total - free <= reserved + bitmap + 64
    con.expect(r"selftest: linear map covers all RAM: ok")   # up to the top, above 4 GiB too
    con.expect(r"selftest: passed")


@pytest.mark.qemu_only
@pytest.mark.boards("virt")
@pytest.mark.parametrize("gic", ["2", "3"])
def test_both_gic_versions_deliver_the_tick(boot, gic, monkeypatch):
    monkeypatch.setenv("GIC", gic)
    con = boot(bootargs=HELLO)
    con.expect(rf"irq: GICv{gic}", timeout=30)
    con.expect(r"selftest: timer ticks: ok")


@pytest.mark.qemu_only
@pytest.mark.each_board
def test_kernel_data_abort_is_decoded(boot):
    con = boot(bootargs="fault=data", panic_ok=True)
    con.expect_panic(timeout=30)
    con.expect(r"EC 0x25: data abort from current EL")
    con.expect(r"FAR 0xffffff7f00000000|FAR 0x[0-9a-f]+ +\(translation fault")
    con.expect(r"ELR 0xffffff80[0-9a-f]+")
    con.expect(r"x30 0x[0-9a-f]{16}")
    assert con.read_until_exit() == 3          # panic=poweroff: status 3


@pytest.mark.qemu_only
@pytest.mark.boards("virt")
def test_undefined_instruction_in_kernel_is_decoded(boot):
    con = boot(bootargs="fault=undef", panic_ok=True)
    con.expect_panic(timeout=30)
    con.expect(r"EC 0x00: unknown reason \(undefined instruction\)")
    assert con.read_until_exit() == 3


@pytest.mark.qemu_only
@pytest.mark.boards("virt")
def test_missing_device_tree_is_reported_not_hung(boot):
    # Booted as an ELF, QEMU passes no DTB pointer (x0 = 0): the kernel must
    # say so on the board's fallback UART instead of hanging silently.
    con = boot(kernel=boards.ROOT / "build/virt/kernel.elf", panic_ok=True)
    con.expect(r"KOS-A64 microkernel", timeout=30)
    con.expect_panic()
    con.expect(r"no usable device tree at x0=0x0: truncated or absent")
    con.expect(r"System halted")


@pytest.mark.qemu_only
@pytest.mark.boards("rpi4")
@pytest.mark.parametrize("alias,uart,address", [
    (None, "mini UART", "0xfe215040"),            # Debian's DTB: stdout-path = serial1
    ("serial0", "PL011", "0xfe201000"),           # as with dtoverlay=disable-bt
])
def test_pi4_console_follows_the_device_tree(boot, tmp_path, alias, uart, address):
    extra = []
    if alias:
        dtb = tmp_path / "console.dtb"
        dtb.write_bytes(boards.RPI4_DTB.read_bytes())
        subprocess.run(["fdtput", "-t", "s", str(dtb), "/chosen", "stdout-path",
                        f"{alias}:115200n8"], check=True)
        extra = ["-dtb", str(dtb)]                 # the last -dtb wins
    con = boot(bootargs=HELLO, extra=extra)
    con.expect(BANNER, timeout=30)
    con.expect(rf"console: {uart} at {address}")
    con.expect(r"selftest: passed")
