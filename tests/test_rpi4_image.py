"""Checks of the Raspberry Pi 4 SD card image (build/rpi4/sdcard.img), host-side only:
partition table, FAT contents byte for byte, config.txt, the kernel8.img header, and
that the kernel is linked for the address the firmware loads it at."""
import json
import os
import shutil
import struct
import subprocess

import pytest

from boards import ROOT

IMG = ROOT / "build/rpi4/sdcard.img"
FW = ROOT / "build/deps/rpi4-firmware"
BUILD = ROOT / "build/rpi4"
SOURCES = {
    "start4.elf": FW / "start4.elf",
    "fixup4.dat": FW / "fixup4.dat",
    "bcm2711-rpi-4-b.dtb": FW / "bcm2711-rpi-4-b.dtb",
    "config.txt": BUILD / "config.txt",
    "kernel8.img": BUILD / "kernel8.img",
}
SECTOR = 512

pytestmark = [
    pytest.mark.skipif(not IMG.exists(),
                       reason="build/rpi4/sdcard.img not built: run make PLATFORM=rpi4 sdcard"),
]
MTOOLS_ENV = dict(os.environ, MTOOLS_SKIP_CHECK="1")


def mbr_partitions(data):
    assert data[510:512] == b"\x55\xaa", "no MBR boot signature"
    parts = []
    for i in range(4):
        e = data[446 + 16 * i: 446 + 16 * (i + 1)]
        boot, ptype, start, count = e[0], e[4], *struct.unpack_from("<II", e, 8)
        if ptype:
            parts.append(dict(boot=boot, type=ptype, start=start, sectors=count))
    return parts


@pytest.fixture(scope="module")
def image():
    return IMG.read_bytes()


@pytest.fixture(scope="module")
def partition(image):
    parts = mbr_partitions(image[:SECTOR])
    assert len(parts) == 1, f"want one partition, found {parts}"
    return parts[0]


@pytest.fixture(scope="module")
def fat(partition):
    if not shutil.which("mdir"):
        pytest.skip("mtools not installed (apt-get install mtools)")
    return f"{IMG}@@{partition['start'] * SECTOR}"


def mtools(*args):
    res = subprocess.run(args, capture_output=True, env=MTOOLS_ENV, timeout=60)
    assert res.returncode == 0, f"{' '.join(args)}: {res.stderr.decode(errors='replace')}"
    return res.stdout


def test_partition_table(image, partition):
    assert partition["type"] == 0x0C, f"partition type {partition['type']:#x}, want 0x0c (FAT32 LBA)"
    assert partition["start"] * SECTOR % (1 << 20) == 0 and partition["start"] >= 2048, \
        f"partition starts at LBA {partition['start']}, want a 1 MiB boundary"
    assert partition["sectors"] > 0
    assert (partition["start"] + partition["sectors"]) * SECTOR <= len(image), \
        "partition runs past the end of the image"
    boot = image[partition["start"] * SECTOR:][:SECTOR]
    assert boot[510:512] == b"\x55\xaa" and boot[82:90] == b"FAT32   ", "not a FAT32 file system"


def test_partition_table_sfdisk(partition):
    sfdisk = shutil.which("sfdisk") or next((p for p in ("/usr/sbin/sfdisk", "/sbin/sfdisk")
                                             if os.path.exists(p)), None)
    if not sfdisk:
        pytest.skip("sfdisk not installed (apt-get install fdisk)")
    table = json.loads(subprocess.run([sfdisk, "--json", str(IMG)], capture_output=True,
                                      check=True, text=True).stdout)["partitiontable"]
    assert table["label"] == "dos"
    (p,) = table["partitions"]
    assert int(p["type"], 16) == 0x0C and p["start"] == partition["start"]


def test_fat_contents(fat):
    listing = mtools("mdir", "-i", fat, "-b", "::/").decode().split()
    names = sorted(n.removeprefix("::/") for n in listing)
    assert names == sorted(SOURCES), f"FAT root holds {names}"


@pytest.mark.parametrize("name", sorted(SOURCES))
def test_file_identical(fat, name):
    src = SOURCES[name]
    if not src.exists():
        pytest.skip(f"{src.relative_to(ROOT)} missing (make deps / make PLATFORM=rpi4)")
    data = mtools("mcopy", "-n", "-i", fat, f"::/{name}", "-")
    assert data == src.read_bytes(), f"{name} on the card differs from {src.relative_to(ROOT)}"


def config_txt():
    keys = {}
    for line in (BUILD / "config.txt").read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if "=" in line:
            k, v = line.split("=", 1)
            keys[k.strip()] = v.strip()
    return keys


def test_config_txt():
    keys = config_txt()
    assert keys.get("arm_64bit") == "1"
    assert keys.get("kernel") == "kernel8.img"
    assert keys.get("enable_uart") == "1"
    assert int(keys.get("kernel_address", "-1"), 0) == 0x80000


def kernel_address():
    return int(config_txt()["kernel_address"], 0)


@pytest.fixture(scope="module")
def kernel8():
    return (BUILD / "kernel8.img").read_bytes()


def test_image_header(kernel8):
    code0, code1, text_offset, image_size, flags = struct.unpack_from("<IIQQQ", kernel8, 0)
    assert kernel8[56:60] == b"ARM\x64", "no arm64 Image magic at offset 56"
    assert image_size != 0, "image_size is 0 (old-style header)"
    assert image_size >= len(kernel8), f"image_size {image_size:#x} < file size {len(kernel8):#x}"
    assert flags & 1 == 0, "flags: big-endian kernel"
    assert (flags >> 1) & 3 == 1, f"flags {flags:#x}: page size is not 4 KiB"
    assert flags >> 4 == 0, f"flags {flags:#x}: reserved bits set"
    # RAM starts at 0 on the Pi 4: the firmware's kernel_address is the text_offset.
    assert text_offset == kernel_address(), \
        f"text_offset {text_offset:#x} != kernel_address {kernel_address():#x}"


def branch_target(insn, at):
    """Target offset of an unconditional `b` at offset `at`, or None."""
    if insn >> 26 != 0b000101:
        return None
    imm26 = insn & 0x3FFFFFF
    if imm26 & (1 << 25):
        imm26 -= 1 << 26
    return at + 4 * imm26


def test_first_instruction_branches_into_image(kernel8):
    code0, code1 = struct.unpack_from("<II", kernel8, 0)
    at, insn = (4, code1) if code0 == 0x91005A4D else (0, code0)   # EFI stub's "MZ" nop first
    target = branch_target(insn, at)
    assert target is not None, f"first instruction {insn:#010x} is not a branch (b)"
    assert 64 <= target < len(kernel8), f"branch goes to {target:#x}, outside the image"
    assert target % 4 == 0


def elf_load_segments(path):
    data = path.read_bytes()
    assert data[:4] == b"\x7fELF" and data[4] == 2 and data[5] == 1, "not a little-endian ELF64"
    phoff, = struct.unpack_from("<Q", data, 32)
    phentsize, phnum = struct.unpack_from("<HH", data, 54)
    segs = []
    for i in range(phnum):
        p_type, _flags, off, vaddr, paddr, filesz, memsz = struct.unpack_from(
            "<IIQQQQQ", data, phoff + i * phentsize)
        if p_type == 1:  # PT_LOAD
            segs.append(dict(offset=off, vaddr=vaddr, paddr=paddr, filesz=filesz, memsz=memsz))
    return data, segs


def test_kernel_linked_for_load_address(kernel8):
    elf = BUILD / "kernel.elf"
    if not elf.exists():
        pytest.skip("build/rpi4/kernel.elf missing: run make PLATFORM=rpi4")
    data, segs = elf_load_segments(elf)
    assert segs, "kernel.elf has no PT_LOAD segment"
    first = min(segs, key=lambda s: s["paddr"])
    assert first["paddr"] == kernel_address(), \
        f"first PT_LOAD p_paddr {first['paddr']:#x} != kernel_address {kernel_address():#x}"
    # kernel8.img is that segment's bytes from its start (objcopy -O binary).
    n = min(first["filesz"], 4096)
    assert kernel8[:n] == data[first["offset"]:first["offset"] + n], \
        "kernel8.img does not start with the ELF's first load segment"
    # The Image header's image_size covers every loaded byte, .bss included.
    image_size, = struct.unpack_from("<Q", kernel8, 16)
    end = max(s["paddr"] + s["memsz"] for s in segs)
    assert image_size >= end - first["paddr"], \
        f"image_size {image_size:#x} < loaded size {end - first['paddr']:#x}"
