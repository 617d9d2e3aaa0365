"""Device discovery from the device tree (kl.core.Io FindDevice, docs/ABI.md) and
the virtio-net driver's use of it (docs/NET.md): on QEMU virt every
"virtio,mmio" node is found and probed by magic and device id; on the Pi 4,
which has none, nothing is probed and VfsFsnet says at once that there is no
network device.
"""
import re

import pytest

import boards
from programs import assert_checks

BOOT_TIMEOUT = 30
CHECKS = ["past_last_not_found", "virtio_nodes_mapped", "virtio_magic", "virtio_intids_are_spis",
          "far_index_not_found", "not_found_zeroes_outputs", "unknown_not_found",
          "prefix_not_found", "empty_refused", "too_long_refused", "unterminated_refused"]


def devices(text, compat):
    """{index: (base, size, intid)} of the `device <compat> <i>: ...` lines."""
    return {int(i): (int(b, 16), int(s, 16), int(q)) for i, b, s, q in re.findall(
        rf"^device {re.escape(compat)} (\d+): base (0x[0-9a-f]+|0) size (0x[0-9a-f]+|0) "
        rf"intid (\d+)\r?$", text, re.M)}


@pytest.mark.qemu_only
@pytest.mark.each_board
def test_find_device(boot, board):
    text = assert_checks(boot, "test_devices", CHECKS)
    virtio = devices(text, "virtio,mmio")
    if board == "virt":
        # QEMU virt: 32 transports from 0x0a000000, 0x200 apart, SPI 16 + slot.
        assert virtio == {i: (0x0a000000 + 0x200 * i, 0x200, 48 + i) for i in range(32)}
        assert devices(text, "arm,pl031") == {0: (0x09010000, 0x1000, 34)}
        assert devices(text, "arm,pl011") == {0: (0x09000000, 0x1000, 33)}
        assert "test_devices: map 0x0a000000: rc 0" in text
    else:
        # The Pi 4 has no virtio-mmio; its mini UART sits behind /soc's ranges, on SPI 93.
        assert virtio == {}
        assert "test_devices: virtio,mmio nodes: 0" in text
        assert devices(text, "brcm,bcm2835-aux-uart") == {0: (0xfe215040, 0x40, 32 + 93)}
        # QEMU virt's window is RAM here: kl.core.Io refuses to map it.
        assert "test_devices: map 0x0a000000: rc -2" in text
    # The timer's first interrupt is a PPI (the secure physical timer, PPI 13).
    assert devices(text, "arm,armv8-timer") == {0: (0, 0, 29)}


@pytest.mark.qemu_only
@pytest.mark.boards("rpi4")
def test_rpi4_default_image_has_no_network_device(boot):
    """The default solution on the Pi 4: VfsFsnet finds no virtio,mmio node in the
    device tree, probes nothing and says so; the files part works as usual."""
    con = boot(kernel=boards.DEFAULT_KERNEL["rpi4"])
    con.expect(r"Client: all steps done", timeout=60)   # the network line may come before
    assert con.read_until_exit() == 0
    assert "VfsFsnet: no network device, sockets unavailable" in con.text
    assert "fault:" not in con.text
    assert not re.search(r"audit: denied request VfsFsnet", con.text)


@pytest.mark.qemu_only
@pytest.mark.boards("rpi4")
def test_rpi4_driver_probes_nothing(boot):
    """The driver itself (net_echo_fallback is verbose): no virtio,mmio node, so no
    slot is probed and no fallback window either (it was not asked for)."""
    con = boot(bootargs="init=net_echo_fallback")
    con.expect(r"net: no virtio-net device among 0 virtio,mmio device-tree node\(s\)\s",
               timeout=BOOT_TIMEOUT)
    con.expect(r"net_echo: no virtio-net device", timeout=10)
    assert con.read_until_exit(timeout=10) == 1


@pytest.mark.qemu_only
@pytest.mark.boards("virt")
def test_virt_driver_probes_every_node(boot):
    """No NIC on virt: all 32 nodes of the tree were probed, none is virtio-net."""
    con = boot(bootargs="init=net_echo_fallback")
    con.expect(r"net: no virtio-net device among 32 virtio,mmio device-tree node\(s\)\s",
               timeout=BOOT_TIMEOUT)
    assert con.read_until_exit(timeout=10) == 1


@pytest.mark.qemu_only
@pytest.mark.boards("virt")
def test_virt_net_device_behind_another_device(boot):
    """A virtio-rng device first on the command line takes the top slot (31); the
    driver probes by device id and takes the network device in slot 30."""
    con = boot(bootargs="init=net_echo",
               extra=["-device", "virtio-rng-device",
                      "-netdev", "user,id=n0", "-device", "virtio-net-device,netdev=n0",
                      "-global", "virtio-mmio.force-legacy=false"])
    con.expect(r"net: 10\.0\.2\.15\s", timeout=BOOT_TIMEOUT)
    con.expect(r"\(dhcp\), virtio-mmio v2 slot 30,", timeout=10)
